import { describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, DEMO_IDS } from '../../../emulators/autotask';
import { demoEmulatorPerTest } from '../../../test/support/demo-emulator';
import { dec } from '../../core/money/decimal';
import type { PlannedOperation } from '../../core/ports/target';
import type { PlainDate } from '../../core/time/plain-date';
import { NO_MATERIAL_CODE } from './charge-writes';

const demo = demoEmulatorPerTest();
const adapter = demo.adapter;

type Op = Extract<PlannedOperation, { kind: 'book-charge' }>;
const CONTOSO = String(DEMO_IDS.firstContract); // Managed Workstation line from 2026-02-01
const FABRIKAM = String(DEMO_IDS.firstContract + 1); // no lines
const HARDWARE = 29682805; // the demo's Material Cost Code
const workstationLine = () =>
  [...demo.emu.state.tables.ContractServices.values()].find((l) => String(l.contractID) === CONTOSO)
    ?.id as number;

const op = (over: Partial<Op> = {}): Op => ({
  kind: 'book-charge',
  key: 'c1',
  customerTenantId: 't1',
  offerKey: 'o1',
  contractId: FABRIKAM,
  productId: String(DEMO_IDS.serviceCollision),
  contractLineId: undefined,
  date: '2026-03-05' as PlainDate,
  sequence: 1,
  name: 'Microsoft 365 Business Basic, 5-9 March',
  description: '3 seats x 5 days, locked: the days carry an adjustment already',
  amount: dec('12.34'),
  cost: dec('10.1'),
  chargeCodeId: undefined,
  ...over,
});
const stored = (id: string | undefined) => demo.emu.state.tables.ContractCharges.get(Number(id));

describe('book-charge: apply', () => {
  it('books a charge on the default Material Cost Code, marked, without a line when the contract has none', async () => {
    const a = adapter();
    expect(await a.probe({}, op())).toEqual({ ok: true, value: 'absent' });
    const long = 'x'.repeat(150);
    const r = await a.apply({}, op({ name: long }));
    if (!r.ok) throw r.error;
    expect(stored(r.value.targetId)).toMatchObject({
      contractID: Number(FABRIKAM),
      name: `${'x'.repeat(99)}…`,
      description: op().description,
      datePurchased: '2026-03-05',
      unitQuantity: 1,
      unitPrice: 12.34,
      unitCost: 10.1,
      chargeType: 1,
      isBillableToCompany: true,
      billingCodeID: HARDWARE,
      internalPurchaseOrderNumber: `billsync:${DEMO_IDS.serviceCollision}:2026-03:1`,
    });
    expect(stored(r.value.targetId)?.contractServiceID ?? null).toBeNull();
    expect(await a.probe({}, op())).toEqual({ ok: true, value: { targetId: r.value.targetId } });
    expect(demo.emu.requests.count('POST', '/V1.0/Contracts/{id}/Charges')).toBe(1);
  });

  it('books a credit as one unit of -1 on the line of the service; readState reads it back signed', async () => {
    const a = adapter();
    const credit = op({
      contractId: CONTOSO,
      productId: String(DEMO_IDS.serviceWorkstation),
      amount: dec('-90'),
      cost: dec('-60.5'),
      sequence: 2,
      chargeCodeId: String(HARDWARE),
    });
    const r = await a.apply({}, credit);
    if (!r.ok) throw r.error;
    expect(stored(r.value.targetId)).toMatchObject({
      unitQuantity: -1,
      unitPrice: 90,
      unitCost: 60.5,
      billableAmount: -90,
      contractServiceID: workstationLine(),
    });
    expect(demo.emu.requests.count('POST', '/V1.0/BillingCodes/query')).toBe(0); // the op named its code
    const snap = await a.readState({}, { contractIds: [CONTOSO] });
    const read = snap.charges?.[0];
    expect([read?.amount.toString(), read?.cost.toString(), read?.sequence, read?.contractLineId]).toEqual([
      '-90',
      '-60.5',
      2,
      String(workstationLine()),
    ]);
    expect(await a.probe({}, credit)).toEqual({ ok: true, value: { targetId: r.value.targetId } });
  });

  it('looks the default code up once per adapter', async () => {
    const a = adapter();
    expect((await a.apply({}, op())).ok).toBe(true);
    expect((await a.apply({}, op({ sequence: 2 }))).ok).toBe(true);
    expect(demo.emu.requests.count('POST', '/V1.0/BillingCodes/query')).toBe(1);
  });

  it('without an active Material Cost Code: a validation error that says what to do, nothing sent', async () => {
    await demo.emu.raw('PATCH', `/_emulator/entities/BillingCodes/${HARDWARE}`, { isActive: false });
    const r = await adapter().apply({}, op());
    expect(r.ok ? 'ok' : [r.error.kind, r.error.message]).toEqual(['validation', NO_MATERIAL_CODE]);
    expect(demo.emu.state.tables.ContractCharges.size).toBe(0);
  });

  it('refuses an amount and a cost of opposite signs before sending anything', async () => {
    const r = await adapter().apply({}, op({ amount: dec('5'), cost: dec('-1') }));
    expect(r.ok ? 'ok' : r.error.kind).toBe('validation');
    expect(demo.emu.requests.count('POST', '/V1.0/Contracts/{id}/Charges')).toBe(0);
  });
});

describe('book-charge: probe after an unknown outcome', () => {
  it('a lost response probes landed; a hung request probes absent', async () => {
    const a = adapter({ timeoutMs: 250 });
    demo.emu.faults.inject({ kind: 'lost-response', method: 'POST', path: '**/Charges' });
    const lost = await a.apply({}, op());
    expect(lost.ok ? 'ok' : lost.error.outcomeUnknown).toBe(true);
    const id = [...demo.emu.state.tables.ContractCharges.keys()][0];
    expect(await a.probe({}, op())).toEqual({ ok: true, value: { targetId: String(id) } });

    demo.emu.faults.inject({ kind: 'hang', method: 'POST', path: '**/Charges' });
    const hung = await a.apply({}, op({ sequence: 2 }));
    expect(hung.ok ? 'ok' : hung.error.outcomeUnknown).toBe(true);
    expect(await a.probe({}, op({ sequence: 2 }))).toEqual({ ok: true, value: 'absent' });
  });

  it('a charge with our marker but other amounts is a conflict (neither state)', async () => {
    const a = adapter();
    expect((await a.apply({}, op())).ok).toBe(true);
    const other = await a.probe({}, op({ amount: dec('12.35') }));
    expect(other.ok ? other.value : other.error.kind).toBe('conflict');
    // Another month or sequence is another charge.
    expect(await a.probe({}, op({ date: '2026-04-05' as PlainDate }))).toEqual({ ok: true, value: 'absent' });
  });
});
