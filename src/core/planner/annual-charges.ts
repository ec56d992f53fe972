import type { InvoiceLine } from '../model/source';
import { type Decimal, dec, sumDecimals, ZERO } from '../money/decimal';
import type { PlannedOperation, TargetCharge, TargetContract } from '../ports/target';
import { type BillingPeriod, periodOf } from '../time/billing-period';
import { formatDayMonthYear, type PlainDate } from '../time/plain-date';
import { bookingsLeft } from './locked-charges';
import type { PlanItem } from './types';

/**
 * Annual seat-based billing (issue 16, spec section 6 "Annual seat-based"; decision 0015). Annual-billed lines
 * (`P1Y:A:`) do not go to the recurring contract: each Microsoft charge becomes money on the customer's annual
 * contract (Autotask Fixed Price; ConnectWise agreement with a one-time cycle) as a one-time charge dated
 * to its charge start: the full term at the cycle start, a mid-term seat addition prorated as Microsoft billed
 * it, a cancellation inside the window as a credit. Per product and month, billsync books what the synced lines
 * bill minus what its earlier charges of that month already book, so a re-plan books nothing and a corrected
 * re-issue books only the difference.
 */

export interface AnnualWork {
  tenantId: string;
  offerKey: string;
  title: string;
  productId: string;
  contract: TargetContract;
  chargeCodeId: string | undefined;
  /** The offer's lines on the invoices the sync considers (reversals negative). */
  lines: readonly InvoiceLine[];
  /**
   * The customer's retail per unit and term on a day (price list, price rules; or the PSA product's price under
   * strategies that leave prices alone); undefined = bill Microsoft's cost.
   */
  retailOn: (day: PlainDate) => Decimal | undefined;
  /** billsync's earlier charges of this product on the annual contract. */
  existing: readonly TargetCharge[];
  /**
   * Strategies that leave prices alone (spec section 5): a month booked before keeps the price it was booked at; a
   * corrected re-issue books only the difference of Microsoft's cost, at `retailOn`'s price. (With "Sync cost and
   * retail" the month follows the price list and price rules, as the recurring lines do.)
   */
  keepBookedPrices: boolean;
  /** Fill the item's `monthChanges` (an approval threshold is set): each month's bookings count in full. */
  monthChanges: boolean;
}

/**
 * What a month should book in all, under `keepBookedPrices`: what was booked, plus the retail of the change in
 * Microsoft's cost at today's price (nothing when the cost is the one booked).
 */
function keptMonth(m: AnnualMonth, booked: readonly TargetCharge[]): AnnualMonth {
  if (booked.length === 0 || m.cost.eq(ZERO)) return m;
  const bookedAmount = sumDecimals(booked.map((c) => c.amount));
  const bookedCost = sumDecimals(booked.map((c) => c.cost));
  const more = m.cost.minus(bookedCost);
  return { ...m, amount: bookedAmount.plus(m.amount.times(more).div(m.cost).round(2, 1)) };
}

/** The retail of one Microsoft line: its subtotal scaled from Microsoft's unit price to the customer's retail. */
export function annualLineRetail(line: InvoiceLine, retail: Decimal | undefined): Decimal {
  const subtotal = line.subtotal.amount;
  const unit = line.unitPrice.amount;
  if (retail === undefined) return subtotal.round(2, 1);
  // Microsoft's proration of the line (days of the term it charges), applied to the customer's price.
  if (unit.eq(ZERO)) return line.quantity.times(retail).round(2, 1);
  return subtotal.times(retail).div(unit).round(2, 1);
}

export interface AnnualMonth {
  month: BillingPeriod;
  first: PlainDate;
  amount: Decimal;
  cost: Decimal;
  seats: Decimal;
}

/** What the lines bill per month of their charge start (retail at `retailOn`, and Microsoft's cost). */
export function annualMonths(
  lines: readonly InvoiceLine[],
  retailOn: (day: PlainDate) => Decimal | undefined,
): AnnualMonth[] {
  const months = new Map<BillingPeriod, AnnualMonth>();
  for (const l of lines) {
    const day = l.chargePeriod.start;
    const month = periodOf(day);
    const m = months.get(month) ?? { month, first: day, amount: ZERO, cost: ZERO, seats: ZERO };
    m.amount = m.amount.plus(annualLineRetail(l, retailOn(day)));
    m.cost = m.cost.plus(l.subtotal.amount.round(2, 1));
    m.seats = m.seats.plus(l.quantity);
    if (day < m.first) m.first = day;
    months.set(month, m);
  }
  return [...months.values()].sort((a, b) => (a.month < b.month ? -1 : 1));
}

/** The charges to book on the annual contract for one annual offer, written into `item`. */
export function planAnnualCharges(w: AnnualWork, item: PlanItem, operations: PlannedOperation[]): void {
  const { contract } = w;
  const pending = annualMonths(w.lines, w.retailOn).flatMap((month) => {
    const booked = w.existing.filter((c) => periodOf(c.date) === month.month);
    const m = w.keepBookedPrices ? keptMonth(month, booked) : month;
    const { bookings } = bookingsLeft(m.amount, m.cost, booked);
    return bookings.length === 0 ? [] : [{ m, booked, bookings }];
  });
  if (pending.length === 0) return;
  const late = pending.find((p) => contract.endDate !== undefined && p.m.first > contract.endDate);
  if (late && contract.endDate !== undefined) {
    item.status = 'error';
    item.action = 'error';
    item.messages.push({
      level: 'error',
      text: `The annual contract ${contract.name} ended on ${formatDayMonthYear(contract.endDate)}, before the charge of ${formatDayMonthYear(late.m.first)}: extend it or map another annual contract`,
    });
    return;
  }
  const changes: NonNullable<PlanItem['changes']> = [];
  for (const { m, booked, bookings } of pending) {
    const correction = booked.length > 0;
    const label = formatDayMonthYear(m.first);
    for (const { amount: a, cost: c, sequence, credit } of bookings) {
      const what = correction ? 'correction' : credit ? 'credit' : 'charge';
      operations.push({
        kind: 'book-charge',
        key: `annual:${w.tenantId}:${w.offerKey}:${m.month}:${sequence}`,
        customerTenantId: w.tenantId,
        offerKey: w.offerKey,
        contractId: contract.id,
        productId: w.productId,
        contractLineId: undefined,
        date: m.first,
        sequence,
        name: `${credit ? 'Credit' : 'Annual'}: ${w.title}, from ${label}`,
        description: `Microsoft CSP ${w.title} (annual billing), charges from ${label}${correction ? ': the difference to what was booked before' : ''}; ${m.seats.abs().toString()} seat(s) as Microsoft invoiced them.`,
        amount: a,
        cost: c,
        chargeCodeId: w.chargeCodeId,
      });
      if (w.monthChanges) {
        item.monthChanges ??= {};
        item.monthChanges[m.month] = dec(item.monthChanges[m.month] ?? '0')
          .plus(a)
          .toFixed(2);
      }
      changes.push({
        field: `annual ${what} ${label}`,
        from: null,
        to: `${a.toFixed(2)} (cost ${c.toFixed(2)})`,
      });
    }
  }
  item.action = 'annual charge';
  item.status = 'ok';
  item.changes = [...(item.changes ?? []), ...changes];
  item.messages.push({
    level: 'info',
    text: `Booked on the annual contract ${contract.name}: ${changes.map((c) => `${c.field} ${c.to}`).join('; ')}`,
  });
}
