import { beforeEach, describe, expect, it } from 'vitest';
import { offerKeyText } from '../../src/core/model/source';
import { dec } from '../../src/core/money/decimal';
import type { PlannedOperation } from '../../src/core/ports/target';
import { FakeTarget } from '../support/fake-target';
import {
  AZURE,
  d,
  inv,
  julySeatChangeLines,
  line,
  offer,
  planFor,
  priceEntry,
  type Scenario,
  SETTINGS,
  seatChange,
  syncOnce,
} from '../support/planner-fixtures';

/** Spec section 6: "Write only what is decided", "Locked days", "Corrected invoices" (issue 10), planner level. */

const O = offer();
type Adjust = Extract<PlannedOperation, { kind: 'adjust-contract-line' }>;
type Charge = Extract<PlannedOperation, { kind: 'book-charge' }>;
const adjusts = (ops: readonly PlannedOperation[]) =>
  ops
    .filter((o): o is Adjust => o.kind === 'adjust-contract-line')
    .map((o) => [o.effectiveDate, o.unitChange.toString(), o.unitPrice?.toString(), o.unitCost?.toString()]);
const charges = (ops: readonly PlannedOperation[]) =>
  ops
    .filter((o): o is Charge => o.kind === 'book-charge')
    .map((o) => [o.date, o.amount.toString(), o.cost.toString(), o.sequence]);
const usage = (period: string, total: string) =>
  line({
    offer: AZURE,
    kind: 'azure_usage',
    start: `${period}-01`,
    last: `${period}-28`,
    qty: 1,
    subtotal: total,
  });
const month = (first: string, last: string, qty: number, unitPrice = '20.00', sub?: string) =>
  line({ start: first, last, qty, unitPrice, subtotal: '1', ...(sub ? { sub } : {}) });

let s: Scenario;
let synced: Set<string>;
beforeEach(() => {
  const target = new FakeTarget();
  target.addContract({ id: 'K1', startDate: d('2025-01-01') });
  target.products.push({
    id: 'S1',
    name: 'PC_CFQ7TTC0LCHC:0002',
    description: '',
    unitPrice: dec('25.00'),
    unitCost: dec('19.00'),
    period: 'monthly',
    active: true,
    billingCodeId: undefined,
    vendorId: undefined,
  });
  s = {
    target,
    contractId: 'K1',
    productId: 'S1',
    azureProductId: 'SAZ',
    invoices: [],
    priceList: [priceEntry(O, '20.00', '23.10')],
    syncStart: '2025-12-01',
  };
  synced = new Set();
});

describe('write only what is decided', () => {
  it('Azure: each invoice writes the first of the next month only, and the next invoice can always write its own', async () => {
    s.invoices = [inv('G12', '2025-12', [usage('2025-12', '100.00')], '100.00')];
    const dec12 = await syncOnce(s, '2026-01-08', synced, {});
    expect(adjusts(dec12.operations)).toEqual([['2026-01-01', '1', '110', '100']]);
    s.invoices.push(inv('G01', '2026-01', [usage('2026-01', '80.00')], '80.00'));
    const jan = await syncOnce(s, '2026-02-08', synced, {});
    expect(adjusts(jan.operations)).toEqual([['2026-02-01', '0', '88', '80']]);
    // February had no usage: its invoice takes the line back to 0 from 1 March, and never earlier.
    s.invoices.push(inv('G02', '2026-02', [month('2026-02-01', '2026-02-28', 3)]));
    const feb = await syncOnce(s, '2026-03-08', synced, {});
    expect(adjusts(feb.operations.filter((o) => o.offerKey.startsWith('DZH')))).toEqual([
      ['2026-03-01', '-1', undefined, undefined],
    ]);
    expect((await planFor(s, '2026-03-08', synced)).operations).toEqual([]);
  });

  it('a price-list rise is written with the invoice that bills its period, with that invoice cost', async () => {
    s.priceList = [
      priceEntry(O, '13.62', '15.00', '2024-01-01', '2026-02-01'),
      priceEntry(O, '14.30', '15.75', '2026-02-01'),
    ];
    s.invoices = [inv('G01', '2026-01', [month('2026-01-01', '2026-01-31', 5, '13.62')])];
    const jan = await syncOnce(s, '2026-02-08', synced, {});
    expect(adjusts(jan.operations)).toEqual([['2026-01-01', '5', '15', '13.62']]);
    s.invoices.push(inv('G02', '2026-02', [month('2026-02-01', '2026-02-28', 5, '14.30')]));
    const feb = await syncOnce(s, '2026-03-08', synced, {});
    expect(adjusts(feb.operations)).toEqual([['2026-02-01', '0', '15.75', '14.3']]);
  });

  it('a subscription whose cycle the invoice before the sync start billed starts on its first synced day', async () => {
    s.syncStart = '2026-01-01';
    s.invoices = [
      inv('G11', '2025-11', [month('2025-11-20', '2025-12-19', 10)]),
      inv('G12', '2025-12', [month('2025-12-20', '2026-01-19', 10)]),
    ];
    const plan = await planFor(s, '2026-01-08');
    expect(adjusts(plan.operations)).toEqual([['2025-12-20', '10', '23.1', '20']]);
    expect(plan.invoiceIds).toEqual(['G12']);
  });

  // Spec section 6: seats(day) = the signed quantities of the SYNCED lines covering it. The 10 seats of 5-19 Dec
  // were billed on November's invoice (before the sync start); December's reversal nets against nothing.
  it('a synced seat increase reversing a cycle billed before the sync start counts only what it adds', async () => {
    s.syncStart = '2025-12-10';
    s.invoices = [
      inv('G11', '2025-11', [month('2025-11-20', '2025-12-19', 10)]),
      inv('G12', '2025-12', [
        ...seatChange('2025-12-05', '2025-12-19', 10, 12),
        month('2025-12-20', '2026-01-19', 12),
      ]),
    ];
    const plan = await syncOnce(s, '2026-01-08', synced, {});
    expect(plan.invoiceIds).toEqual(['G12']);
    expect(adjusts(plan.operations)).toEqual([
      ['2025-12-05', '2', '23.1', '20'],
      ['2025-12-20', '10', '23.1', '20'],
    ]);
    expect(s.target.unitsOn('K1', 'S1', d('2025-12-04'))).toBe('0');
    expect(s.target.unitsOn('K1', 'S1', d('2025-12-05'))).toBe('2');
    expect(s.target.unitsOn('K1', 'S1', d('2025-12-20'))).toBe('12');
    expect((await planFor(s, '2026-01-08', synced)).operations).toEqual([]);
  });

  it('a synced seat decrease reversing a cycle billed before the sync start is a credit, never negative units', async () => {
    s.syncStart = '2025-12-10';
    s.invoices = [
      inv('G11', '2025-11', [month('2025-11-20', '2025-12-19', 10)]),
      inv('G12', '2025-12', [
        ...seatChange('2025-12-05', '2025-12-19', 10, 8),
        month('2025-12-20', '2026-01-19', 8),
      ]),
    ];
    const plan = await syncOnce(s, '2026-01-08', synced, {});
    // The line carries 0 (a PSA line has no negative units) and 8 from the 20th; the 2 seats x 15 days Microsoft
    // credited are credited to the customer: 2 x 23.10 x 15 / 31 = 22.35 (cost 2 x 20 x 15 / 31 = 19.35).
    expect(adjusts(plan.operations)).toEqual([['2025-12-20', '8', '23.1', '20']]);
    expect(charges(plan.operations)).toEqual([['2025-12-05', '-22.35', '-19.35', 1]]);
    const warning = plan.items.flatMap((i) => i.messages).find((m) => m.level === 'warning');
    expect(warning?.text).toMatch(
      /^5-19 Dec 2025 could not be changed \(the synced invoices net below 0 seats.*credit of -22\.35/,
    );
    for (const day of ['2025-12-04', '2025-12-05', '2025-12-19'])
      expect(s.target.unitsOn('K1', 'S1', d(day))).toBe('0');
    expect(s.target.unitsOn('K1', 'S1', d('2025-12-20'))).toBe('8');
    // (8 x 12 - 2 x 15) x 23.10 / 31 = 49.18, billed as 71.54 of units and a 22.35 credit rounded to cents.
    expect(s.target.billedInMonth('K1', 'S1', d('2025-12-01')).toFixed(2)).toBe('49.19');
    expect((await planFor(s, '2026-01-08', synced)).operations).toEqual([]);
  });

  it('a monthly subscription ends on the day after its last cycle once the next invoice says so', async () => {
    s.invoices = [inv('G12', '2025-12', [month('2025-12-01', '2025-12-31', 4)])];
    await syncOnce(s, '2026-01-08', synced, {});
    // January's invoice is not in yet: the seats carry, nothing is written on 1 January.
    expect((await planFor(s, '2026-01-20', synced)).operations).toEqual([]);
    s.invoices.push(inv('G01', '2026-01', []));
    const plan = await syncOnce(s, '2026-02-08', synced, {});
    expect(adjusts(plan.operations)).toEqual([['2026-01-01', '-4', undefined, undefined]]);
  });

  it('two subscriptions of one SKU on different cycles add up, each from its own first synced day', async () => {
    s.syncStart = '2026-01-01';
    s.invoices = [
      inv('G11', '2025-11', [month('2025-11-20', '2025-12-19', 10, '20.00', 'sub-a')]),
      inv('G12', '2025-12', [
        month('2025-12-20', '2026-01-19', 10, '20.00', 'sub-a'),
        month('2025-12-01', '2025-12-31', 5, '20.00', 'sub-b'),
      ]),
    ];
    const plan = await syncOnce(s, '2026-01-08', synced, {});
    expect(adjusts(plan.operations)).toEqual([
      ['2025-12-01', '5', '23.1', '20'],
      ['2025-12-20', '10', '23.1', '20'],
    ]);
  });
});

describe('strategies 2-4 on a line billsync creates', () => {
  const first = async (strategy: NonNullable<Scenario['strategy']>) => {
    s.strategy = strategy;
    s.invoices = [inv('G12', '2025-12', [month('2025-12-01', '2025-12-31', 2)])];
    const [op] = (await planFor(s, '2026-01-08')).operations as Adjust[];
    return [op!.unitPrice?.toString(), op!.unitCost?.toString()];
  };
  it('cost only: the PSA product price, the invoice cost', async () =>
    expect(await first('cost-only')).toEqual(['25', '20']));
  it("don't sync any pricing: the PSA product price and cost", async () =>
    expect(await first('none')).toEqual(['25', '19']));
  it("don't sync any pricing when updating: the invoice prices", async () =>
    expect(await first('none-on-update')).toEqual(['23.1', '20']));
});

describe('locked days', () => {
  it('a period approved and posted before its invoice: the line is right from the next free day, the days are charged', async () => {
    s.invoices = [inv('G12', '2025-12', [month('2025-12-01', '2025-12-31', 10)])];
    await syncOnce(s, '2026-01-08', synced, {});
    s.target.posted.set('K1', d('2026-01-31'));
    s.invoices.push(
      inv('G01', '2026-01', [
        month('2026-01-01', '2026-01-31', 10),
        ...seatChange('2026-01-15', '2026-01-31', 10, 12, 'addquantity'),
      ]),
    );
    const plan = await syncOnce(s, '2026-02-08', synced, {});
    expect(adjusts(plan.operations)).toEqual([['2026-02-01', '2', '23.1', '20']]);
    // 2 seats x 23.10 x 17/31 = 25.335..., cost 2 x 20 x 17/31 = 21.935...
    expect(charges(plan.operations)).toEqual([['2026-01-15', '25.34', '21.94', 1]]);
    const item = plan.items.find((i) => i.offerKey?.startsWith('CFQ'))!;
    expect(item.status).toBe('warning');
    expect(item.messages.map((m) => m.text)).toContain(
      '15-31 Jan 2026 could not be changed (already approved and posted in the PSA): booked a charge of 25.34 (cost 21.94) on the contract; the line is right from 01 Feb 2026',
    );
    const again = await planFor(s, '2026-02-08', synced);
    expect(again.operations).toEqual([]);
    expect(again.items.every((i) => i.status === 'no_change')).toBe(true);
    expect(s.target.billedInMonth('K1', 'S1', d('2026-01-01')).round(2, 1).toString()).toBe('256.34');
  });

  it('Azure: a first of the month written ahead (old data) is corrected from the 2nd with a one-day charge', async () => {
    s.invoices = [inv('G12', '2025-12', [usage('2025-12', '100.00')], '100.00')];
    await syncOnce(s, '2026-01-08', synced, {});
    // What an earlier release did: "back to 0" on 1 Feb before January's invoice decided it.
    s.target.applyNow(azureAdjust('2026-02-01', -1));
    s.invoices.push(inv('G01', '2026-01', [usage('2026-01', '84.00')], '84.00'));
    const plan = await syncOnce(s, '2026-02-08', synced, {});
    expect(adjusts(plan.operations)).toEqual([['2026-02-02', '1', '92.4', '84']]);
    expect(charges(plan.operations)).toEqual([['2026-02-01', '3.3', '3', 1]]);
    expect((await planFor(s, '2026-02-08', synced)).operations).toEqual([]);
    expect(s.target.billedInMonth('K1', 'SAZ', d('2026-02-01')).toString()).toBe('92.4');
  });
});

describe('invoices imported out of order', () => {
  it('a month whose invoice is not imported yet is not decided: March before February writes nothing in February', async () => {
    s.invoices = [inv('G01', '2026-01', [month('2026-01-01', '2026-01-31', 10)])];
    await syncOnce(s, '2026-02-08', synced, {});
    s.invoices.push(inv('G03', '2026-03', [month('2026-03-01', '2026-03-31', 10)]));
    const mar = await syncOnce(s, '2026-04-08', synced, {});
    // February is between two synced charge periods, but no synced invoice bills it: the seats carry forward.
    expect(adjusts(mar.operations)).toEqual([]);
    s.invoices.push(
      inv('G02', '2026-02', [month('2026-02-01', '2026-02-14', 10), month('2026-02-15', '2026-02-28', 8)]),
    );
    const feb = await syncOnce(s, '2026-04-09', synced, {});
    expect(adjusts(feb.operations)).toEqual([
      ['2026-02-15', '-2', '23.1', '20'],
      ['2026-03-01', '2', '23.1', '20'],
    ]);
    expect(charges(feb.operations)).toEqual([]);
    expect((await planFor(s, '2026-04-09', synced)).operations).toEqual([]);
  });

  it('a month whose synced invoice has no line for the subscription decides it at 0 (suspended)', async () => {
    s.invoices = [
      inv('G01', '2026-01', [month('2026-01-01', '2026-01-31', 10)]),
      inv('G02', '2026-02', [month('2026-02-01', '2026-02-28', 3, '20.00', 'other-subscription')]),
      inv('G03', '2026-03', [month('2026-03-01', '2026-03-31', 10)]),
    ];
    const plan = await syncOnce(s, '2026-04-08', synced, {});
    expect(adjusts(plan.operations)).toEqual([
      ['2026-01-01', '10', '23.1', '20'],
      ['2026-02-01', '-7', '23.1', '20'],
      ['2026-03-01', '7', '23.1', '20'],
    ]);
  });
});

describe('the Azure plan motion turned off (R-9: billed once, 0 the next period)', () => {
  const off = () => ({ ...SETTINGS, motions: { ...SETTINGS.motions, azure: false } });
  const azureOps = (ops: readonly PlannedOperation[]) => ops.filter((o) => o.offerKey.startsWith('DZH'));

  it('the line left at 1 goes back to 0 on the 1st the next invoice decides, and bills nothing more', async () => {
    s.invoices = [inv('G12', '2025-12', [usage('2025-12', '100.00')], '100.00')];
    await syncOnce(s, '2026-01-08', synced, {});
    s.settings = off();
    s.invoices.push(inv('G01', '2026-01', [usage('2026-01', '80.00')], '80.00'));
    const jan = await syncOnce(s, '2026-02-08', synced, {});
    expect(adjusts(azureOps(jan.operations))).toEqual([['2026-02-01', '-1', undefined, undefined]]);
    const item = jan.items.find((i) => i.offerKey?.startsWith('DZH'));
    expect(item?.status).toBe('warning');
    expect(item?.messages.map((m) => m.text).join('\n')).toMatch(
      /Azure plan motion is off.*0 from 01 Feb 2026/,
    );
    expect((await planFor(s, '2026-02-08', synced)).operations).toEqual([]);
    s.invoices.push(inv('G02', '2026-02', [usage('2026-02', '60.00')], '60.00'));
    const feb = await syncOnce(s, '2026-03-08', synced, {});
    expect(azureOps(feb.operations)).toEqual([]);
    expect(feb.items.some((i) => i.offerKey?.startsWith('DZH'))).toBe(false);
    // December's usage, billed once in January; nothing after.
    expect(s.target.billedInMonth('K1', 'SAZ', d('2026-01-01')).toString()).toBe('110');
    expect(s.target.billedInMonth('K1', 'SAZ', d('2026-02-01')).toString()).toBe('0');
    expect(s.target.billedInMonth('K1', 'SAZ', d('2026-03-01')).toString()).toBe('0');
  });

  it('a 1st written while the motion was on keeps its usage when a re-issue arrives while it is off', async () => {
    s.invoices = [
      inv('G12', '2025-12', [usage('2025-12', '100.00')], '100.00'),
      inv('G01', '2026-01', [usage('2026-01', '80.00')], '80.00'),
    ];
    await syncOnce(s, '2026-02-08', synced, {});
    s.settings = off();
    // January re-issued (another seat line, the same usage): un-synced, planned again with the motion off.
    s.invoices[1] = inv(
      'G01',
      '2026-01',
      [usage('2026-01', '80.00'), month('2026-01-01', '2026-01-31', 2)],
      '80.00',
    );
    synced.delete('G01');
    const plan = await syncOnce(s, '2026-02-12', synced, {});
    expect(azureOps(plan.operations)).toEqual([]);
    expect(s.target.billedInMonth('K1', 'SAZ', d('2026-02-01')).toString()).toBe('88');
  });

  it('a customer whose Azure line was never written gets nothing planned', async () => {
    s.settings = off();
    s.invoices = [inv('G12', '2025-12', [usage('2025-12', '100.00')], '100.00')];
    const plan = await syncOnce(s, '2026-01-08', synced, {});
    expect(azureOps(plan.operations)).toEqual([]);
    expect(plan.items.some((i) => i.offerKey?.startsWith('DZH'))).toBe(false);
  });
});

describe('a contract that starts after the changes before it', () => {
  it('takes them on its start day only with the invoice that decides that day', async () => {
    s.target.contracts[0]!.startDate = d('2026-01-15');
    s.invoices = [inv('G12', '2025-12', [month('2025-12-05', '2026-01-04', 7)])];
    const dec12 = await syncOnce(s, '2026-01-08', synced, {});
    // December's invoice decides up to 4 Jan: nothing can be written before the 15 Jan start, and nothing on it yet.
    expect(adjusts(dec12.operations)).toEqual([]);
    expect(dec12.items[0]!.messages.map((m) => m.text).join('\n')).toMatch(
      /moved to the contract start date 15 Jan 2026/,
    );
    // January's invoice: a seat removed on 20 Dec (7 -> 6 for the rest of that cycle), and the next cycle at 6.
    s.invoices.push(
      inv('G01', '2026-01', [
        ...seatChange('2025-12-20', '2026-01-04', 7, 6, 'removequantity'),
        month('2026-01-05', '2026-02-04', 6),
      ]),
    );
    const jan = await syncOnce(s, '2026-02-08', synced, {});
    expect(adjusts(jan.operations)).toEqual([['2026-01-15', '6', '23.1', '20']]);
    expect((await planFor(s, '2026-02-08', synced)).operations).toEqual([]);
  });
});

describe('corrected invoices', () => {
  beforeEach(async () => {
    s.invoices = [
      inv('G12', '2025-12', [
        month('2025-12-01', '2025-12-31', 10),
        ...seatChange('2025-12-10', '2025-12-31', 10, 11, 'addquantity'),
      ]),
    ];
    await syncOnce(s, '2026-01-08', synced, {});
  });

  it('a change on a new day is written on its day', async () => {
    s.invoices = [
      inv('G12', '2025-12', [
        ...s.invoices[0]!.lines,
        ...seatChange('2025-12-20', '2025-12-31', 11, 9, 'removequantity'),
      ]),
    ];
    const plan = await syncOnce(s, '2026-01-12', synced, {});
    expect(adjusts(plan.operations)).toEqual([['2025-12-20', '-2', '23.1', '20']]);
    expect(charges(plan.operations)).toEqual([]);
  });

  it('a change on a day that already has one is put right from the next day, the day itself charged', async () => {
    s.invoices = [
      inv('G12', '2025-12', [
        month('2025-12-01', '2025-12-31', 10),
        ...seatChange('2025-12-10', '2025-12-31', 10, 13, 'addquantity'),
      ]),
    ];
    const plan = await syncOnce(s, '2026-01-12', synced, {});
    expect(adjusts(plan.operations)).toEqual([['2025-12-11', '2', '23.1', '20']]);
    // 2 seats on 10 Dec: 2 x 23.10 / 31 = 1.49, cost 2 x 20 / 31 = 1.29
    expect(charges(plan.operations)).toEqual([['2025-12-10', '1.49', '1.29', 1]]);
    expect((await planFor(s, '2026-01-12', synced)).operations).toEqual([]);
    // Corrected back: the earlier charge is credited, and the line follows again.
    s.invoices = [
      inv('G12', '2025-12', [
        month('2025-12-01', '2025-12-31', 10),
        ...seatChange('2025-12-10', '2025-12-31', 10, 11, 'addquantity'),
      ]),
    ];
    const back = await syncOnce(s, '2026-01-15', synced, {});
    expect(adjusts(back.operations)).toEqual([['2025-12-12', '-2', '23.1', '20']]);
    // 11 Dec now bills 2 seats too many (-1.49), and the 1.49 charged for 10 Dec is no longer due.
    expect(charges(back.operations)).toEqual([['2025-12-11', '-2.98', '-2.58', 2]]);
    expect((await planFor(s, '2026-01-15', synced)).operations).toEqual([]);
  });
});

// Found by the ConnectWise fuzz audit (FUZZ_SEED=4000 and 6000): R-8's "the new price applies from the first day of
// the next period" on an offer with two subscriptions.
describe('the price of the next period, with two subscriptions of one offer', () => {
  const A = 'a1b2c3d4-0000-4000-8000-00000000000a';
  const B = 'a1b2c3d4-0000-4000-8000-00000000000b';
  const sub = (id: string, first: string, last: string, qty: number, sign: 1 | -1 = 1) =>
    line({
      sub: id,
      start: first,
      last,
      qty,
      unitPrice: '20.00',
      subtotal: '1',
      sign,
      ...(sign < 0 ? { chargeType: 'cancelimmediate' } : {}),
    });
  // 23.10 until 3 March, 22.00 from then on: March keeps 23.10, April takes 22.00.
  const prices = () => [
    priceEntry(O, '20.00', '23.10', '2024-01-01', '2026-03-03'),
    priceEntry(O, '20.00', '22.00', '2026-03-03'),
  ];
  const invoices = () => [
    inv('G02', '2026-02', [sub(A, '2026-02-26', '2026-03-25', 5), sub(B, '2026-02-01', '2026-02-28', 3)]),
    inv('G03', '2026-03', [sub(A, '2026-03-26', '2026-04-25', 5), sub(B, '2026-03-01', '2026-03-31', 3)]),
  ];
  const onApril = (ops: readonly PlannedOperation[]) => adjusts(ops).filter(([day]) => day === '2026-04-01');

  it('a month-start PSA writes the new price on the 1st a synced line bills, though the other subscription carries', async () => {
    s.target.contracts[0]!.changesOn = 'month-start';
    s.syncStart = '2026-02-01';
    s.priceList = prices();
    s.invoices = invoices();
    const plan = await syncOnce(s, '2026-04-08', synced, {});
    // 8 seats carried (B's April is on no synced invoice yet); April's price is the synced line's.
    expect(onApril(plan.operations)).toEqual([['2026-04-01', '0', '22', '20']]);
    expect((await planFor(s, '2026-04-08', synced)).operations).toEqual([]);
  });

  it('a PSA that takes one change per day (Autotask) leaves that 1st to the invoice that bills B there', async () => {
    s.syncStart = '2026-02-01';
    s.priceList = prices();
    s.invoices = invoices();
    const plan = await syncOnce(s, '2026-04-08', synced, {});
    expect(onApril(plan.operations)).toEqual([]);
  });

  it("a subscription's end does not bring the price of a month no synced line bills", async () => {
    s.target.contracts[0]!.changesOn = 'month-start';
    s.syncStart = '2026-02-01';
    s.priceList = prices();
    // B is cancelled on 16 March (its credit to 31 March): it ends on 1 April. A's March cycle ends on 31 March
    // and no synced invoice bills April yet: the 1 April addition (A's 5 seats) keeps March's price.
    s.invoices = [
      inv('G02', '2026-02', [sub(A, '2026-02-01', '2026-02-28', 5), sub(B, '2026-02-01', '2026-02-28', 3)]),
      inv('G03', '2026-03', [
        sub(A, '2026-03-01', '2026-03-31', 5),
        sub(B, '2026-03-01', '2026-03-31', 3),
        sub(B, '2026-03-16', '2026-03-31', 3, -1),
      ]),
    ];
    const plan = await syncOnce(s, '2026-04-08', synced, {});
    expect(onApril(plan.operations)).toEqual([['2026-04-01', '-3', '23.1', '20']]);
  });
});

function azureAdjust(day: string, units: number): PlannedOperation {
  return {
    kind: 'adjust-contract-line',
    key: 'manual',
    customerTenantId: 't',
    offerKey: 'azure',
    contractId: 'K1',
    productId: 'SAZ',
    contractLineId: undefined,
    effectiveDate: d(day),
    unitChange: dec(units),
    unitPrice: undefined,
    unitCost: undefined,
    unitsBefore: dec(0),
    unitsAfter: dec(0),
  };
}

describe('issue 18: days the source contradicts itself on are not written', () => {
  it('leaves a held seat change out with a warning naming it, and writes it once the hold is gone', async () => {
    const target = new FakeTarget();
    target.addContract({ id: 'K1', startDate: d('2025-01-01') });
    const reason = 'Pax8 subscription 5b1f: the invoices bill 12 seats from 20 Jul 2025, its history says 10';
    const s: Scenario = {
      target,
      contractId: 'K1',
      productId: 'S1',
      invoices: [inv('G1', '2025-07', julySeatChangeLines())],
      priceList: [priceEntry(offer(), '20.00', '23.10')],
      holds: [
        { offerKey: offerKeyText(offer()), days: { start: d('2025-07-20'), end: d('2025-08-15') }, reason },
      ],
    };
    const held = await planFor(s, '2025-08-10');
    // July 15 (+10) is written; the +2 of July 20 is held.
    expect(
      held.operations.map((o) =>
        o.kind === 'adjust-contract-line' ? [o.effectiveDate, o.unitsAfter.toString()] : o.kind,
      ),
    ).toEqual([['2025-07-15', '10']]);
    expect(held.items[0]!.status).toBe('warning');
    expect(held.items[0]!.messages.map((m) => m.text)).toContain(
      `${reason}: not written until the two agree`,
    );
    for (const op of held.operations) target.applyNow(op);
    // The next pull finds them agreeing: the hold is gone and the change is written on its day.
    const freed = await planFor({ ...s, holds: [] }, '2025-08-10');
    expect(
      freed.operations.map((o) =>
        o.kind === 'adjust-contract-line' ? [o.effectiveDate, o.unitsAfter.toString()] : o.kind,
      ),
    ).toEqual([['2025-07-20', '12']]);
  });
});
