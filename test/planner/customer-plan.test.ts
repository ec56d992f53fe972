import { beforeEach, describe, expect, it } from 'vitest';
import { NO_SOURCE_PRODUCT, SKIPPED_LINE } from '../../src/core/planner/customer-plan';
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
  syncOnce,
} from '../support/planner-fixtures';

const O = offer();
const PRICES = [priceEntry(O, '20.00', '23.10')];

/** csp-billing.md 7.2: 10 seats from Jul 15, 12 from Jul 20 (reversal + new quantity). */
const JULY = inv('G1', '2025-07', [...julySeatChangeLines()]);
const AUGUST = inv('G2', '2025-08', [
  line({ start: '2025-08-15', last: '2025-09-14', qty: 12, unitPrice: '20.00', subtotal: '240.00' }),
]);

let s: Scenario;
beforeEach(() => {
  const target = new FakeTarget();
  target.addContract({ id: 'K1', startDate: d('2025-01-01') });
  s = { target, contractId: 'K1', productId: 'S1', invoices: [JULY], priceList: PRICES };
});

describe('R-7 seat changes become adjustments effective on the change days', () => {
  it('plans +10 on the first day and +2 on the 20th, at retail and cost', async () => {
    const plan = await planFor(s, '2025-08-10');
    expect(plan.operations).toMatchObject([
      { kind: 'adjust-contract-line', effectiveDate: '2025-07-15', unitsBefore: expect.anything() },
      { kind: 'adjust-contract-line', effectiveDate: '2025-07-20' },
    ]);
    const [first, second] = plan.operations as Extract<
      (typeof plan.operations)[number],
      { kind: 'adjust-contract-line' }
    >[];
    expect(first!.unitChange.toString()).toBe('10');
    expect(first!.unitPrice?.toString()).toBe('23.1');
    expect(first!.unitCost?.toString()).toBe('20');
    expect(second!.unitChange.toString()).toBe('2');
    expect(plan.invoiceIds).toEqual(['G1']);
    expect(plan.firstSyncedDay).toBe('2025-07-15');
    expect(plan.items[0]).toMatchObject({ status: 'ok', action: 'add line' });
  });

  it('contract units per day equal the seat timeline after the sync, and a second run writes nothing', async () => {
    const synced = new Set<string>();
    const state: { first?: ReturnType<typeof d> } = {};
    await syncOnce(s, '2025-08-10', synced, state);
    expect(s.target.unitsOn('K1', 'S1', d('2025-07-14'))).toBe('0');
    expect(s.target.unitsOn('K1', 'S1', d('2025-07-15'))).toBe('10');
    expect(s.target.unitsOn('K1', 'S1', d('2025-07-19'))).toBe('10');
    expect(s.target.unitsOn('K1', 'S1', d('2025-07-20'))).toBe('12');
    expect(s.target.unitsOn('K1', 'S1', d('2025-09-30'))).toBe('12');
    const again = await planFor(s, '2025-08-10', synced, state.first);
    expect(again.operations).toEqual([]);
    expect(again.items.every((i) => i.status === 'no_change')).toBe(true);
    // The next month's invoice continues the same 12 seats: nothing to write either.
    s.invoices = [JULY, AUGUST];
    const next = await syncOnce(s, '2025-09-10', synced, state);
    expect(next.operations).toEqual([]);
    expect(next.invoiceIds).toEqual(['G2']);
  });

  it('nets same-day changes into one adjustment', async () => {
    s.invoices = [
      inv('G1', '2025-07', [
        line({
          start: '2025-07-15',
          last: '2025-08-14',
          qty: 1,
          unitPrice: '20.00',
          subtotal: '20.00',
          chargeType: 'new',
        }),
        line({
          start: '2025-07-15',
          last: '2025-08-14',
          qty: 1,
          sign: -1,
          chargeType: 'addquantity',
          unitPrice: '20.00',
          subtotal: '-20.00',
        }),
        line({
          start: '2025-07-15',
          last: '2025-08-14',
          qty: 2,
          chargeType: 'addquantity',
          unitPrice: '20.00',
          subtotal: '40.00',
        }),
      ]),
    ];
    const plan = await planFor(s, '2025-08-10');
    expect(plan.operations).toHaveLength(1);
    expect((plan.operations[0] as { unitChange: { toString(): string } }).unitChange.toString()).toBe('2');
  });

  it('moves a change before the contract start to the start, with a warning', async () => {
    s.target.contracts[0]!.startDate = d('2025-07-18');
    const plan = await planFor(s, '2025-08-10');
    expect(plan.operations.map((o) => (o as { effectiveDate: string }).effectiveDate)).toEqual([
      '2025-07-18',
      '2025-07-20',
    ]);
    expect(plan.items[0]!.status).toBe('warning');
    expect(plan.items[0]!.messages[0]!.text).toMatch(/moved to the contract start date 18 Jul 2025/);
  });
});

describe('R-8 a mid-period price change warns and is not prorated', () => {
  it('keeps the old cost for August and takes the new one from September', async () => {
    s.invoices = [
      JULY,
      inv('G2', '2025-08', [
        line({ start: '2025-08-15', last: '2025-09-14', qty: 12, unitPrice: '21.00', subtotal: '252.00' }),
      ]),
    ];
    const synced = new Set<string>();
    const state: { first?: ReturnType<typeof d> } = {};
    await syncOnce({ ...s, invoices: [JULY] }, '2025-08-10', synced, state);
    const plan = await syncOnce(s, '2025-09-10', synced, state);
    const warning = plan.items.flatMap((i) => i.messages).find((m) => m.level === 'warning');
    expect(warning?.text).toBe('Subscription cost unit price changed from 20.00 to 21.00 on 15 Aug 2025');
    expect(plan.operations).toHaveLength(1);
    const op = plan.operations[0] as {
      effectiveDate: string;
      unitCost: { toString(): string };
      unitChange: { toString(): string };
    };
    expect(op.effectiveDate).toBe('2025-09-01');
    expect(op.unitCost.toString()).toBe('21');
    expect(op.unitChange.toString()).toBe('0');
    // The warning belongs to the invoice that showed it: a re-run is quiet.
    const again = await planFor(s, '2025-09-10', synced, state.first);
    expect(again.items.every((i) => i.status === 'no_change')).toBe(true);
  });
});

describe('R-8: each price change is told once, also when it is learnt late', () => {
  const RETAIL_CHANGE = 'Subscription retail unit price changed from 23.10 to 24.20 on 25 Aug 2025';
  const warnings = (plan: Awaited<ReturnType<typeof planFor>>) =>
    plan.items
      .flatMap((i) => i.messages)
      .filter((m) => m.level === 'warning')
      .map((m) => m.text);

  it('a retail change imported after the invoice that decides its next period: told by the run writing it, once', async () => {
    // The August invoice bills the cycle 15 Aug - 14 Sep: 1 Sep, where a change of 25 Aug takes effect, is decided.
    s.told = new Set();
    s.invoices = [JULY, AUGUST];
    const synced = new Set<string>();
    const state: { first?: ReturnType<typeof d> } = {};
    expect(warnings(await syncOnce(s, '2025-09-10', synced, state))).toEqual([]);
    // The MSP imports a price list whose retail changed on 25 Aug: no new invoice, the new price is written from
    // 1 Sep by this run, which says why.
    s.priceList = [
      priceEntry(O, '20.00', '23.10', '2024-01-01', '2025-08-25'),
      priceEntry(O, '20.00', '24.20', '2025-08-25'),
    ];
    const late = await syncOnce(s, '2025-09-12', synced, state);
    expect(warnings(late)).toEqual([RETAIL_CHANGE]);
    expect(late.operations.map((o) => (o as { effectiveDate?: string }).effectiveDate)).toEqual([
      '2025-09-01',
    ]);
    expect(warnings(await syncOnce(s, '2025-09-13', synced, state))).toEqual([]);
    // The next invoice does not tell it again.
    s.invoices = [
      JULY,
      AUGUST,
      inv('G3', '2025-09', [
        line({ start: '2025-09-15', last: '2025-10-14', qty: 12, unitPrice: '20.00', subtotal: '240.00' }),
      ]),
    ];
    expect(warnings(await syncOnce(s, '2025-10-10', synced, state))).toEqual([]);
  });

  it('a change told by a run is not told again by a later run that syncs an invoice of the same period', async () => {
    s.told = new Set();
    s.priceList = [
      priceEntry(O, '20.00', '23.10', '2024-01-01', '2025-08-20'),
      priceEntry(O, '20.00', '24.20', '2025-08-20'),
    ];
    s.invoices = [JULY, AUGUST];
    const synced = new Set<string>();
    const state: { first?: ReturnType<typeof d> } = {};
    const first = await syncOnce(s, '2025-09-10', synced, state);
    expect(warnings(first)).toEqual([
      'Subscription retail unit price changed from 23.10 to 24.20 on 20 Aug 2025',
    ]);
    // A second invoice for August (another subscription's cycle) makes August's invoices new again: already told.
    s.invoices = [
      JULY,
      AUGUST,
      inv('G2b', '2025-08', [
        line({ start: '2025-08-20', last: '2025-09-14', qty: 1, unitPrice: '20.00', subtotal: '16.77' }),
      ]),
    ];
    expect(warnings(await syncOnce(s, '2025-09-11', synced, state))).toEqual([]);
    // Without the record, the same change would be told again (what the record is for).
    delete s.told;
    expect(warnings(await planFor(s, '2025-09-11', new Set(['G1', 'G2']), state.first))).toEqual([
      'Subscription retail unit price changed from 23.10 to 24.20 on 20 Aug 2025',
    ]);
  });
});

describe('Locked days: a change the PSA keeps on a later day never takes the line below 0 (held-units.ts)', () => {
  const month = (id: string, period: string, first: string, last: string, qty: number) =>
    inv(id, period, [line({ start: first, last, qty, unitPrice: '20.00', subtotal: String(qty * 20) })]);
  const JAN = month('J', '2026-01', '2026-01-01', '2026-01-31', 10);
  const MAR = month('M', '2026-03', '2026-03-01', '2026-03-31', 2);
  /** 10 seats, 2 from 15 Feb (the reversal of the 10 and the new quantity). */
  const FEB = inv('F', '2026-02', [
    line({ start: '2026-02-01', last: '2026-02-28', qty: 10, unitPrice: '20.00', subtotal: '200.00' }),
    line({
      start: '2026-02-15',
      last: '2026-02-28',
      qty: 10,
      sign: -1,
      unitPrice: '20.00',
      subtotal: '-100.00',
    }),
    line({ start: '2026-02-15', last: '2026-02-28', qty: 2, unitPrice: '20.00', subtotal: '20.00' }),
  ]);
  const billed = (first: string) => s.target.billedInMonth('K1', 'S1', d(first)).toFixed(2);

  it('February imported after March: held at 8 until 1 Mar keeps its -8; each month bills its invoice; a re-run writes nothing', async () => {
    s.priceList = [priceEntry(O, '20.00', '23.10', '2024-01-01')];
    s.syncStart = '2026-01-01';
    const synced = new Set<string>();
    const state: { first?: ReturnType<typeof d> } = {};
    s.invoices = [JAN];
    await syncOnce(s, '2026-02-08', synced, state);
    s.invoices = [JAN, MAR];
    await syncOnce(s, '2026-04-08', synced, state);
    expect(s.target.unitsOn('K1', 'S1', d('2026-03-01'))).toBe('2');
    s.invoices = [JAN, MAR, FEB];
    // The fake PSA refuses any write that takes a day below 0, as Autotask does.
    const plan = await syncOnce(s, '2026-04-09', synced, state);
    expect(plan.items[0]!.status).toBe('warning');
    expect(
      ['2026-02-14', '2026-02-15', '2026-02-28', '2026-03-01', '2026-03-02'].map((x) =>
        s.target.unitsOn('K1', 'S1', d(x)),
      ),
    ).toEqual(['10', '8', '8', '0', '2']);
    // (10 x 14 + 2 x 14) x 23.10 / 28 = 138.60; March 2 x 23.10 = 46.20.
    expect([billed('2026-01-01'), billed('2026-02-01'), billed('2026-03-01')]).toEqual([
      '231.00',
      '138.60',
      '46.20',
    ]);
    expect((await planFor(s, '2026-04-09', synced, state.first)).operations).toEqual([]);
  });

  it('a re-issue moving a synced decrease earlier: held until the old day, the correction billed', async () => {
    s.priceList = [priceEntry(O, '20.00', '23.10', '2024-01-01')];
    s.syncStart = '2026-01-01';
    const decrease = (day: string) =>
      inv('J', '2026-01', [
        line({ start: '2026-01-01', last: '2026-01-31', qty: 10, unitPrice: '20.00', subtotal: '200.00' }),
        line({ start: day, last: '2026-01-31', qty: 10, sign: -1, unitPrice: '20.00', subtotal: '-10.00' }),
        line({ start: day, last: '2026-01-31', qty: 2, unitPrice: '20.00', subtotal: '2.00' }),
      ]);
    const synced = new Set<string>();
    const state: { first?: ReturnType<typeof d> } = {};
    s.invoices = [decrease('2026-01-20')];
    await syncOnce(s, '2026-02-08', synced, state);
    // Microsoft re-issues January with the decrease on 17 Jan (the engine re-plans a replaced invoice).
    s.invoices = [decrease('2026-01-17')];
    synced.delete('J');
    await syncOnce(s, '2026-02-15', synced, state);
    // (10 x 16 + 2 x 15) x 23.10 / 31 = 141.58
    expect(billed('2026-01-01')).toBe('141.58');
    expect((await planFor(s, '2026-02-15', synced, state.first)).operations).toEqual([]);
  });
});

describe("R-8: a price change with no seat from its day on (nor on the next period's first day) is not told", () => {
  // 10 seats from 15 Jul, cancelled on 20 Jul (the reversal to the cycle end): no seat from 20 Jul to 14 Aug.
  const CANCELLED = inv('G1', '2025-07', [
    line({ start: '2025-07-15', last: '2025-08-14', qty: 10, unitPrice: '20.00', subtotal: '200.00' }),
    line({
      start: '2025-07-20',
      last: '2025-08-14',
      qty: 10,
      sign: -1,
      unitPrice: '20.00',
      subtotal: '-167.74',
    }),
  ]);
  const warningsAt = async (changeDay: string) => {
    s.told = new Set();
    s.invoices = [CANCELLED];
    s.priceList = [
      priceEntry(O, '20.00', '23.10', '2024-01-01', changeDay),
      priceEntry(O, '20.00', '24.20', changeDay),
    ];
    const plan = await planFor(s, '2025-08-10');
    return plan.items
      .flatMap((i) => i.messages)
      .filter((m) => m.level === 'warning')
      .map((m) => m.text);
  };

  it('no warning for a change in August, where the customer has no seat (the period keeps no price)', async () => {
    expect(await warningsAt('2025-08-05')).toEqual([]);
  });

  it('no warning for a change in July after the cancellation (the seats of 15-19 Jul keep their right price)', async () => {
    expect(await warningsAt('2025-07-25')).toEqual([]);
  });

  it('the warning for a change in July on a day with seats (18 Jul: 18-19 Jul keep the old price)', async () => {
    expect(await warningsAt('2025-07-18')).toEqual([
      'Subscription retail unit price changed from 23.10 to 24.20 on 18 Jul 2025',
    ]);
  });
});

describe('R-8 and R-11: a mid-period price change is reported for the prices the strategy follows', () => {
  // August: the cost goes from 20.00 to 21.00 on the 15th (the invoice's cycle line), and the list retail from
  // 23.10 to 24.20 on the 20th. Each strategy warns only of the prices it keeps in step after a line exists.
  const cases = [
    ['cost-and-retail', ['cost', 'retail']],
    ['cost-only', ['cost']],
    ['none', []],
    ['none-on-update', []],
  ] as const;
  it.each(cases)('%s warns of %j', async (strategy, warned) => {
    s.strategy = strategy;
    s.priceList = [
      priceEntry(O, '20.00', '23.10', '2024-01-01', '2025-08-20'),
      priceEntry(O, '20.00', '24.20', '2025-08-20'),
    ];
    s.invoices = [
      JULY,
      inv('G2', '2025-08', [
        line({ start: '2025-08-15', last: '2025-09-14', qty: 12, unitPrice: '21.00', subtotal: '252.00' }),
      ]),
    ];
    const synced = new Set<string>();
    const state: { first?: ReturnType<typeof d> } = {};
    await syncOnce({ ...s, invoices: [JULY] }, '2025-08-10', synced, state);
    const plan = await syncOnce(s, '2025-09-10', synced, state);
    const texts = plan.items
      .flatMap((i) => i.messages)
      .filter((m) => m.level === 'warning')
      .map((m) => m.text);
    const expected = {
      cost: 'Subscription cost unit price changed from 20.00 to 21.00 on 15 Aug 2025',
      retail: 'Subscription retail unit price changed from 23.10 to 24.20 on 20 Aug 2025',
    };
    expect(texts).toEqual(warned.map((w) => expected[w]));
    // Quantities follow the invoice whatever the strategy: 12 seats carried on, no unit change in September.
    const again = await planFor(s, '2025-09-10', synced, state.first);
    expect(again.items.every((i) => i.status === 'no_change')).toBe(true);
  });
});

describe('R-9 Azure: quantity 1 at the month totals, billed once, 0 the next period', () => {
  it('bills July usage in August and August usage in September; 0 once an invoice says so', async () => {
    s.azureProductId = 'SAZ';
    s.invoices = [
      inv(
        'G1',
        '2025-07',
        [
          line({
            offer: AZURE,
            kind: 'azure_usage',
            start: '2025-07-01',
            last: '2025-07-31',
            qty: 1,
            subtotal: '100.50',
          }),
        ],
        '100.50',
      ),
      inv(
        'G2',
        '2025-08',
        [
          line({
            offer: AZURE,
            kind: 'azure_usage',
            start: '2025-08-01',
            last: '2025-08-31',
            qty: 1,
            subtotal: '120.00',
          }),
        ],
        '120.00',
      ),
    ];
    const synced = new Set<string>();
    const plan = await syncOnce(s, '2025-09-10', synced, {});
    const ops = plan.operations as {
      effectiveDate: string;
      unitChange: { toString(): string };
      unitPrice?: { toString(): string };
      unitCost?: { toString(): string };
    }[];
    expect(
      ops.map((o) => [
        o.effectiveDate,
        o.unitChange.toString(),
        o.unitPrice?.toString(),
        o.unitCost?.toString(),
      ]),
    ).toEqual([
      ['2025-08-01', '1', '110.55', '100.5'],
      ['2025-09-01', '0', '132', '120'],
    ]);
    // October is not decided yet: the line carries until September's invoice says whether there is usage.
    expect(s.target.unitsOn('K1', 'SAZ', d('2025-10-15'))).toBe('1');
    expect((await planFor(s, '2025-09-10', synced, d('2025-08-01'))).operations).toEqual([]);
    s.invoices = [...s.invoices, inv('G3', '2025-09', [])];
    const october = await syncOnce(s, '2025-10-10', synced, {});
    expect(
      october.operations.map((o) => [
        (o as { effectiveDate: string }).effectiveDate,
        (o as { unitChange: { toString(): string } }).unitChange.toString(),
      ]),
    ).toEqual([['2025-10-01', '-1']]);
    expect(s.target.unitsOn('K1', 'SAZ', d('2025-10-15'))).toBe('0');
    expect((await planFor(s, '2025-10-10', synced)).operations).toEqual([]);
  });
});

describe('R-10 sync start date', () => {
  it('syncs only invoices issued on or after the sync start, oldest first, each once', async () => {
    s.invoices = [JULY, AUGUST];
    s.syncStart = '2025-09-01'; // G1 was issued 2025-08-07: before the start
    const plan = await planFor(s, '2025-09-10');
    expect(plan.invoiceIds).toEqual(['G2']);
    expect(plan.firstSyncedDay).toBe('2025-08-15');
    expect(plan.operations.map((o) => (o as { effectiveDate: string }).effectiveDate)).toEqual([
      '2025-08-15',
    ]);
    // Before the invoice is issued (as of Sep 5) there is nothing to sync.
    expect((await planFor(s, '2025-09-05')).invoiceIds).toEqual([]);
  });
});

describe('R-11 pricing strategies change exactly their fields', () => {
  const fieldsOf = async (strategy: NonNullable<Scenario['strategy']>) => {
    s.strategy = strategy;
    const plan = await planFor(s, '2025-08-10');
    const op = plan.operations[0] as { unitPrice?: unknown; unitCost?: unknown };
    return { price: op.unitPrice !== undefined, cost: op.unitCost !== undefined, n: plan.operations.length };
  };
  it('cost and retail', async () =>
    expect(await fieldsOf('cost-and-retail')).toEqual({ price: true, cost: true, n: 2 }));
  it('cost only', async () =>
    expect(await fieldsOf('cost-only')).toEqual({ price: false, cost: true, n: 2 }));
  it('none', async () => expect(await fieldsOf('none')).toEqual({ price: false, cost: false, n: 2 }));
  it('none on update: priced for a new line, quantities only for an existing one', async () => {
    expect(await fieldsOf('none-on-update')).toEqual({ price: true, cost: true, n: 2 });
    s.target.applyNow({
      kind: 'adjust-contract-line',
      key: 'x',
      customerTenantId: 't',
      offerKey: 'o',
      contractId: 'K1',
      productId: 'S1',
      contractLineId: undefined,
      effectiveDate: d('2025-07-01'),
      unitChange: (await import('../../src/core/money/decimal')).dec(1),
      unitPrice: (await import('../../src/core/money/decimal')).dec(30),
      unitCost: undefined,
      unitsBefore: (await import('../../src/core/money/decimal')).dec(0),
      unitsAfter: (await import('../../src/core/money/decimal')).dec(1),
    });
    // An existing line keeps its own price: sent back explicitly with the quantity change, never the invoice's.
    expect(await fieldsOf('none-on-update')).toEqual({ price: true, cost: false, n: 2 });
    const plan = await planFor(s, '2025-08-10');
    expect(
      plan.operations.map((o) => (o as { unitPrice?: { toString(): string } }).unitPrice?.toString()),
    ).toEqual(['30', '30']);
  });
});

describe('R-12 and source errors', () => {
  it('an ended contract is an item error that names the date', async () => {
    s.target.contracts[0]!.endDate = d('2025-07-31');
    const plan = await planFor(s, '2025-08-10');
    expect(plan.operations).toEqual([]);
    expect(plan.items[0]!.messages[0]!.text).toBe(
      'Contract Contract K1 ended on 31 Jul 2025: extend its end date in the PSA, then sync again',
    );
  });

  it('an invoiced SKU missing from the price list: Could not find source product', async () => {
    s.priceList = [];
    const plan = await planFor(s, '2025-08-10');
    expect(plan.items[0]).toMatchObject({ status: 'error' });
    expect(plan.items[0]!.messages[0]!.text).toContain(NO_SOURCE_PRODUCT);
  });

  it('lists one-off and credit lines as skipped', async () => {
    s.invoices = [
      inv('G1', '2025-07', [
        ...JULY.lines,
        line({
          start: '2025-07-01',
          last: '2025-07-01',
          qty: 1,
          kind: 'one_time',
          chargeType: 'new',
          subtotal: '99.00',
        }),
        line({
          start: '2025-07-01',
          last: '2025-07-31',
          qty: 1,
          kind: 'credit',
          chargeType: 'customercredit',
          sign: -1,
          subtotal: '-5.00',
        }),
      ]),
    ];
    const plan = await planFor(s, '2025-08-10');
    const skipped = plan.items.filter((i) => i.status === 'skipped');
    expect(skipped).toHaveLength(2);
    expect(skipped[0]!.messages[0]!.text).toBe(SKIPPED_LINE);
  });
});
