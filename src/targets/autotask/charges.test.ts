import { describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../../../emulators/autotask';
import { demoEmulatorPerTest } from '../../../test/support/demo-emulator';
import type { PlainDate } from '../../core/time/plain-date';

const demo = demoEmulatorPerTest();
const adapter = demo.adapter;

const CONTOSO = DEMO_IDS.firstContract; // from 2026-02-01, Managed Workstation x5 at 45 (seeded adjustment)
const FABRIKAM = DEMO_IDS.firstContract + 1;
const BACKUP = DEMO_IDS.serviceWorkstation + 2;
const HARDWARE = 29682805; // the demo's only Material Cost Code (useType 4)
const lineOf = (contract: number, service: number) =>
  [...demo.emu.state.tables.ContractServices.values()].find(
    (l) => l.contractID === contract && l.serviceID === service,
  )?.id as number;

const charge = (contract: number, over: Record<string, unknown>) =>
  demo.emu.api('POST', `/Contracts/${contract}/Charges`, {
    name: 'Charge',
    datePurchased: '2026-03-05',
    unitQuantity: 1,
    unitPrice: 10,
    unitCost: 4,
    chargeType: 1,
    billingCodeID: HARDWARE,
    ...over,
  });

describe('readState: charges and locked days', () => {
  it('reads the contracts’ charges, billsync’s parsed from the marker, in one batched query', async () => {
    const workstation = lineOf(CONTOSO, DEMO_IDS.serviceWorkstation);
    const ours = await charge(CONTOSO, {
      name: 'Seats 1-9 March',
      description:
        'Microsoft CSP Workstation, 1-9 Mar 2026: the contract line could not be changed on these days',
      unitQuantity: -1,
      unitPrice: 12.34,
      unitCost: 10.1,
      contractServiceID: workstation,
      internalPurchaseOrderNumber: `billsync:${DEMO_IDS.serviceWorkstation}:2026-03:2`,
    });
    const foreign = await charge(CONTOSO, {
      unitQuantity: 2.5,
      unitPrice: 0.1,
      internalPurchaseOrderNumber: 'PO-7',
    });
    await charge(FABRIKAM, {}); // not in scope
    await demo.emu.raw('POST', '/_emulator/approve-and-post', { through: '2026-03-05', contractId: CONTOSO });
    demo.emu.requests.reset();
    const snap = await adapter().readState({}, { contractIds: [String(CONTOSO)] });
    expect(demo.emu.requests.count('POST', '/V1.0/ContractCharges/query')).toBe(1);
    expect(
      snap.charges?.map((c) => ({ ...c, amount: c.amount.toString(), cost: c.cost.toString() })),
    ).toEqual([
      {
        id: String(ours.body.itemId),
        contractId: String(CONTOSO),
        productId: String(DEMO_IDS.serviceWorkstation),
        contractLineId: String(workstation),
        date: '2026-03-05',
        name: 'Seats 1-9 March',
        description:
          'Microsoft CSP Workstation, 1-9 Mar 2026: the contract line could not be changed on these days',
        amount: '-12.34',
        cost: '-10.1',
        billsync: true,
        sequence: 2,
        billed: true,
      },
      {
        id: String(foreign.body.itemId),
        contractId: String(CONTOSO),
        productId: undefined,
        contractLineId: undefined,
        date: '2026-03-05',
        name: 'Charge',
        amount: '0.25',
        cost: '10',
        billsync: false,
        sequence: 0,
        billed: true,
      },
    ]);
    expect((await adapter().readState({}, { products: true })).charges).toBeUndefined();
  });

  it('derives postedThrough and each line’s change days from the unit rows', async () => {
    const workstation = lineOf(CONTOSO, DEMO_IDS.serviceWorkstation);
    await demo.emu.raw('POST', '/_emulator/approve-and-post', { through: '2026-02-28', contractId: CONTOSO });
    const adjust = (body: Record<string, unknown>) =>
      demo.emu.api('POST', `/Contracts/${CONTOSO}/ServiceAdjustments`, {
        contractServiceID: workstation,
        ...body,
      });
    expect((await adjust({ effectiveDate: '2026-03-10', unitChange: 0, adjustedUnitPrice: 50 })).status).toBe(
      200,
    );
    expect((await adjust({ effectiveDate: '2026-04-01', unitChange: 2 })).status).toBe(200);
    // A line added through the API without an adjustment: 0 units from today, no change day.
    const added = await demo.emu.api('POST', `/Contracts/${CONTOSO}/Services`, { serviceID: BACKUP });
    expect(added.status).toBe(200);
    const snap = await adapter().readState({}, { contractIds: [String(CONTOSO), String(FABRIKAM)] });
    const contract = (id: number) => snap.contracts.find((c) => c.id === String(id));
    expect(contract(CONTOSO)?.postedThrough).toBe('2026-02-28');
    expect(contract(FABRIKAM)).not.toHaveProperty('postedThrough');
    const days = (id: number) => snap.contractLines.find((l) => l.id === String(id))?.changeDays;
    // 1 April starts a period: a row there may carry a price of its own without an adjustment (a PSA that stores
    // a row's price when it makes it), but not other units: the +2 of 1 April is a change day.
    expect(days(workstation)).toEqual(['2026-02-01', '2026-03-10', '2026-04-01']);
    expect(days(added.body.itemId)).toEqual([]);
  });

  it('marks active Material Cost Codes as charge codes', async () => {
    const snap = await adapter().readState({}, { directory: true });
    expect(snap.billingCodes.filter((b) => b.chargeCode).map((b) => b.id)).toEqual([String(HARDWARE)]);
  });

  it('reads lines from `unitsFrom` without inventing a change day on the first row read', async () => {
    const workstation = lineOf(CONTOSO, DEMO_IDS.serviceWorkstation);
    const snap = await adapter().readState(
      {},
      { contractIds: [String(CONTOSO)], unitsFrom: '2026-03-15' as PlainDate },
    );
    expect(snap.contractLines.find((l) => l.id === String(workstation))?.changeDays).toEqual([]);
  });
});
