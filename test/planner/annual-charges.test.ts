import { describe, expect, it } from 'vitest';
import { dec } from '../../src/core/money/decimal';
import { annualLineRetail, planAnnualCharges } from '../../src/core/planner/annual-charges';
import type { PlanItem } from '../../src/core/planner/types';
import type { PlannedOperation, TargetCharge, TargetContract } from '../../src/core/ports/target';
import { d, line, offer } from '../support/planner-fixtures';

const ANNUAL = offer('Annual');
const CONTRACT: TargetContract = {
  id: 'F1',
  companyId: 'C1',
  name: 'Contoso annual',
  recurring: false,
  fixed: true,
  active: true,
  startDate: d('2025-01-01'),
  endDate: d('2027-12-31'),
};
const purchase = line({
  offer: ANNUAL,
  chargeType: 'new',
  start: '2025-12-05',
  last: '2026-12-04',
  qty: 5,
  unitPrice: '237.60',
  subtotal: '1188.00',
});
const addition = line({
  offer: ANNUAL,
  chargeType: 'addquantity',
  start: '2026-01-20',
  last: '2026-12-04',
  qty: 2,
  unitPrice: '237.60',
  subtotal: '415.31',
});

function plan(over: Partial<Parameters<typeof planAnnualCharges>[0]> = {}) {
  const item: PlanItem = { key: 'k', label: 'l', action: 'adjust', status: 'no_change', messages: [] };
  const operations: PlannedOperation[] = [];
  planAnnualCharges(
    {
      tenantId: 't',
      offerKey: 'o',
      title: 'Business Premium (annual)',
      productId: 'S1',
      contract: CONTRACT,
      chargeCodeId: undefined,
      lines: [purchase, addition],
      retailOn: () => dec('264.00'),
      existing: [],
      keepBookedPrices: false,
      monthChanges: false,
      ...over,
    },
    item,
    operations,
  );
  return { item, operations: operations as Extract<PlannedOperation, { kind: 'book-charge' }>[] };
}

const booked = (date: string, amount: string, cost: string, sequence = 1): TargetCharge => ({
  id: `c${date}${sequence}`,
  contractId: 'F1',
  productId: 'S1',
  contractLineId: undefined,
  date: d(date),
  name: 'x',
  amount: dec(amount),
  cost: dec(cost),
  billsync: true,
  sequence,
  billed: false,
});

describe('annual subscriptions as one-time charges (decision 0015)', () => {
  it("scales Microsoft's subtotal to the retail: the full term, a prorated addition, a credit", () => {
    expect(annualLineRetail(purchase, dec('264.00')).toFixed(2)).toBe('1320.00');
    expect(annualLineRetail(addition, dec('264.00')).toFixed(2)).toBe('461.46');
    expect(annualLineRetail(addition, undefined).toFixed(2)).toBe('415.31');
  });

  it('one charge per month of charge start, dated to it, with retail and cost; nothing more once booked', () => {
    const { item, operations } = plan();
    expect(operations.map((o) => [o.date, o.amount.toFixed(2), o.cost.toFixed(2), o.sequence])).toEqual([
      ['2025-12-05', '1320.00', '1188.00', 1],
      ['2026-01-20', '461.46', '415.31', 1],
    ]);
    expect(item).toMatchObject({ status: 'ok', action: 'annual charge' });
    const again = plan({
      existing: [booked('2025-12-05', '1320.00', '1188.00'), booked('2026-01-20', '461.46', '415.31')],
    });
    expect(again.operations).toEqual([]);
    expect(again.item.status).toBe('no_change');
  });

  it('books only the difference to what was booked, as the next sequence; a charge and a credit are never mixed', () => {
    const { operations } = plan({
      existing: [booked('2025-12-05', '1320.00', '1188.00'), booked('2026-01-20', '460.00', '416.00')],
    });
    // 461.46 - 460.00 = 1.46 more to bill, 415.31 - 416.00 = 0.69 less cost: two bookings.
    expect(operations.map((o) => [o.date, o.amount.toFixed(2), o.cost.toFixed(2), o.sequence])).toEqual([
      ['2026-01-20', '1.46', '0.00', 2],
      ['2026-01-20', '0.00', '-0.69', 3],
    ]);
  });

  it('the PSA product price under strategies that leave prices alone (the caller passes it), cost when none', () => {
    const { operations } = plan({ retailOn: () => undefined, lines: [purchase] });
    expect(operations.map((o) => o.amount.toFixed(2))).toEqual(['1188.00']);
  });

  it('strategies that leave prices alone keep a booked month at its price; a re-issue books the cost difference', () => {
    // December was booked at the product's price then (264.00); the product now sells at 277.20.
    const now = { retailOn: () => dec('277.20'), keepBookedPrices: true, lines: [purchase] };
    const same = plan({ ...now, existing: [booked('2025-12-05', '1320.00', '1188.00')] });
    expect(same.operations).toEqual([]);
    // A re-issue adds 118.80 of Microsoft cost: its retail at today's price, 118.80 x 277.20 / 237.60.
    const more = line({
      offer: ANNUAL,
      chargeType: 'new',
      start: '2025-12-05',
      last: '2026-12-04',
      qty: 5,
      unitPrice: '237.60',
      subtotal: '1306.80',
    });
    const reissued = plan({ ...now, lines: [more], existing: [booked('2025-12-05', '1320.00', '1188.00')] });
    expect(reissued.operations.map((o) => [o.amount.toFixed(2), o.cost.toFixed(2)])).toEqual([
      ['138.60', '118.80'],
    ]);
    // "Sync cost and retail" follows the price list: the month is re-priced.
    const follows = plan({
      ...now,
      keepBookedPrices: false,
      existing: [booked('2025-12-05', '1320.00', '1188.00')],
    });
    expect(follows.operations.map((o) => o.amount.toFixed(2))).toEqual(['66.00']);
  });

  it('with an approval threshold, each month counts what it books', () => {
    const { item } = plan({ monthChanges: true });
    expect(item.monthChanges).toEqual({ '2025-12': '1320.00', '2026-01': '461.46' });
  });

  it('an annual contract that ended before a charge is an item error, and nothing is booked', () => {
    const { item, operations } = plan({ contract: { ...CONTRACT, endDate: d('2025-12-31') } });
    expect(operations).toEqual([]);
    expect(item.status).toBe('error');
    expect(item.messages[0]!.text).toMatch(
      /^The annual contract Contoso annual ended on 31 Dec 2025, before the charge of 20 Jan 2026/,
    );
  });
});
