import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConnectWiseEmulator,
  createConnectWiseEmulator,
  DEMO_CREDENTIALS,
} from '../../../emulators/connectwise';
import { createClock } from '../../../emulators/kit';
import { dec } from '../../core/money/decimal';
import type { PlannedOperation } from '../../core/ports/target';
import { parsePlainDate as d } from '../../core/time/plain-date';
import { type ConnectWiseAdapter, createConnectWiseAdapter, forgetCodebases } from '.';

let emu: ConnectWiseEmulator;
let cw: ConnectWiseAdapter;
/** A Microsoft CSP agreement of the demo tenant (monthly, no proration), started 2025-09-01. */
const AGREEMENT = '1041';
const OFFER = 'CFQ7TTC0LFLZ|0001|P1M|Monthly|Commercial|US|USD';

beforeAll(async () => {
  emu = createConnectWiseEmulator({
    clock: createClock({ start: '2026-03-15T09:00:00Z' }),
    sleep: async () => {},
  });
  const site = await emu.listen();
  forgetCodebases();
  cw = createConnectWiseAdapter({
    site,
    ...DEMO_CREDENTIALS,
    clientId: 'billsync-test',
    sleep: async () => {},
  });
});
afterAll(() => emu.close());

const loseNext = (method: string, path: string) =>
  emu.faults.inject({ kind: 'lost-response', method, path, count: 1 });

async function additions(productId: string) {
  const rows = await cw.client.list({}, `finance/agreements/${AGREEMENT}/additions`, {
    conditions: `product/id=${productId}`,
    fields: ['quantity', 'unitPrice', 'effectiveDate', 'cancelledDate', 'serialNumber'],
  });
  return rows.map((r) => [r.effectiveDate, r.cancelledDate ?? null, r.quantity, r.unitPrice, r.serialNumber]);
}

describe('ConnectWise writes: a lost answer is found by its marker, never sent twice', () => {
  let productId = '';

  it('create-product: the lost create is found by vendor SKU and linked', async () => {
    const op: PlannedOperation = {
      kind: 'create-product',
      key: 'p',
      offerKey: OFFER,
      name: 'PC_CFQ7TTC0LFLZ:0001',
      description: 'Microsoft 365 E3',
      unitPrice: dec('39.6'),
      unitCost: dec('36'),
      period: 'monthly',
      billingCodeId: '1',
      vendorId: '19',
    };
    loseNext('POST', '**/procurement/catalog');
    const lost = await cw.apply({}, op);
    expect(lost.ok).toBe(false);
    if (!lost.ok) expect(lost.error.outcomeUnknown).toBe(true);
    const probed = await cw.probe({}, op);
    expect(probed.ok && probed.value !== 'absent').toBe(true);
    const again = await cw.apply({}, op);
    expect(again.ok).toBe(true);
    if (again.ok && probed.ok && probed.value !== 'absent')
      expect(again.value.targetId).toBe(probed.value.targetId);
    const items = await cw.client.list({}, 'procurement/catalog', {
      conditions: 'vendorSku="CFQ7TTC0LFLZ:0001"',
    });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ identifier: 'CFQ7TTC0LFLZ:0001', price: 39.6, cost: 36 });
    productId = String(items[0]!.id);
  });

  it('adjust-contract-line: a lost addition create is found; a half-done change is finished', async () => {
    const adjust = (day: string, before: number, after: number): PlannedOperation => ({
      kind: 'adjust-contract-line',
      key: `a:${day}`,
      customerTenantId: 't',
      offerKey: OFFER,
      contractId: AGREEMENT,
      productId,
      contractLineId: undefined,
      effectiveDate: d(day),
      unitChange: dec(after - before),
      unitPrice: dec('39.6'),
      unitCost: dec('36'),
      unitsBefore: dec(before),
      unitsAfter: dec(after),
    });
    const first = adjust('2026-04-01', 0, 5);
    expect((await cw.probe({}, first)).ok && (await cw.probe({}, first))).toMatchObject({ value: 'absent' });
    loseNext('POST', '**/additions');
    expect((await cw.apply({}, first)).ok).toBe(false);
    expect(await cw.probe({}, first)).toMatchObject({
      ok: true,
      value: { targetId: `${AGREEMENT}:${productId}` },
    });
    expect((await cw.apply({}, first)).ok).toBe(true);
    expect(await additions(productId)).toEqual([
      ['2026-04-01T00:00:00Z', null, 5, 39.6, 'billsync:2026-04-01'],
    ]);

    // 5 -> 7 on 1 May: the PATCH that ends April's addition lands, the POST after it is lost.
    const second = adjust('2026-05-01', 5, 7);
    loseNext('POST', '**/additions');
    expect((await cw.apply({}, second)).ok).toBe(false);
    expect((await cw.apply({}, second)).ok).toBe(true);
    expect((await cw.apply({}, second)).ok).toBe(true);
    expect(await cw.probe({}, second)).toMatchObject({ ok: true });
    expect(await additions(productId)).toEqual([
      ['2026-04-01T00:00:00Z', '2026-04-30T00:00:00Z', 5, 39.6, 'billsync:2026-04-01'],
      ['2026-05-01T00:00:00Z', null, 7, 39.6, 'billsync:2026-05-01'],
    ]);
  });

  it('book-charge: one whole-month addition with the marker, found after a lost answer', async () => {
    const op: PlannedOperation = {
      kind: 'book-charge',
      key: 'c',
      customerTenantId: 't',
      offerKey: OFFER,
      contractId: AGREEMENT,
      productId,
      contractLineId: undefined,
      date: d('2026-05-20'),
      sequence: 1,
      name: 'Correction: Microsoft 365 E3, 20-31 May 2026',
      description: 'the PSA changes this line only on the first day of a month',
      amount: dec('30.66'),
      cost: dec('27.87'),
      chargeCodeId: undefined,
    };
    expect(await cw.probe({}, op)).toMatchObject({ ok: true, value: 'absent' });
    loseNext('POST', '**/additions');
    expect((await cw.apply({}, op)).ok).toBe(false);
    expect((await cw.apply({}, op)).ok).toBe(true);
    const charges = (await additions(productId)).filter((a) => String(a[4]).startsWith('billsync-charge:'));
    expect(charges).toEqual([
      ['2026-05-01T00:00:00Z', '2026-05-31T00:00:00Z', 1, 30.66, 'billsync-charge:2026-05-20:1'],
    ]);
    const snapshot = await cw.readState({}, { contractIds: [AGREEMENT] });
    expect(snapshot.charges).toMatchObject([{ date: '2026-05-20', sequence: 1, billsync: true }]);
    // The charge is not part of the line's units.
    expect(
      snapshot.unitSegments.filter((s) => s.productId === productId).map((s) => s.units.toString()),
    ).toEqual(['5', '7']);
  });
});
