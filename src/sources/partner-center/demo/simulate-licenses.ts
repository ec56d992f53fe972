import type { Decimal } from '../../../core/money';
import { type BillingPeriod, type PlainDate, periodOf } from '../../../core/time';
import { type Cycle, cyclesOf, licenseSubtotal, proratedUnitPrice } from './cycles';
import { unitPricesAt } from './pricing';
import type { Rng } from './prng';
import type { DemoSubscription, Scenario } from './scenario';

/** One license line of a demo recon file, before it is written as CSV. */
export interface DemoLicenseLine {
  period: BillingPeriod;
  subscription: DemoSubscription;
  chargeType: 'new' | 'renew' | 'cycleCharge' | 'addQuantity' | 'removeQuantity' | 'cancelImmediate';
  chargeStart: PlainDate;
  /** Inclusive, as Microsoft writes it. */
  chargeEnd: PlainDate;
  /** Positive, as Microsoft writes it; the sign is in the subtotal. */
  quantity: number;
  unitPrice: Decimal;
  effectiveUnitPrice: Decimal;
  subtotal: Decimal;
  cycle: Cycle;
  orderDate: PlainDate;
  referenceId: string;
}

/**
 * The recon lines of one subscription, replaying its cycles from the purchase on (so seats and prices carry
 * over) and keeping the lines whose charge period starts inside the window. Per cycle: a full-cycle line
 * (`new`, `renew` at a term start, `cycleCharge` otherwise) at the price of the term start (NCE price
 * protection; a P1M term is one cycle), then for each seat change inside the cycle a reversal of the old quantity
 * and a line for the new quantity over the remaining days (4.2), or for a cancellation one negative
 * `cancelImmediate` line for the remaining days.
 */
export function simulateSubscription(sub: DemoSubscription, scenario: Scenario, rng: Rng): DemoLicenseLine[] {
  const lines: DemoLicenseLine[] = [];
  const events = [...sub.events].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  let quantity = sub.quantity;
  let next = 0;
  const inWindow = (day: PlainDate) => day >= scenario.windowStart && day <= scenario.windowEnd;
  const emit = (cycle: Cycle, l: Omit<DemoLicenseLine, 'period' | 'subscription' | 'cycle'>) => {
    if (inWindow(l.chargeStart))
      lines.push({ ...l, period: periodOf(l.chargeStart), subscription: sub, cycle });
  };
  for (const cycle of cyclesOf(sub.anchor, sub.plan, scenario.windowEnd)) {
    const price = unitPricesAt(sub.sku, sub.plan, cycle.termStart, scenario.schedule).cost;
    while (next < events.length && events[next]!.date <= cycle.start) {
      const ev = events[next++]!;
      if (ev.kind === 'cancel') return lines;
      quantity = ev.quantity;
    }
    const chargeType = cycle.index === 0 ? 'new' : cycle.start === cycle.termStart ? 'renew' : 'cycleCharge';
    emit(cycle, {
      chargeType,
      chargeStart: cycle.start,
      chargeEnd: cycle.end,
      quantity,
      unitPrice: price,
      effectiveUnitPrice: price,
      subtotal: licenseSubtotal(price, quantity),
      orderDate: cycle.start,
      referenceId: rng.guid(),
    });
    while (next < events.length && events[next]!.date <= cycle.end) {
      const ev = events[next++]!;
      const eup = proratedUnitPrice(price, cycle, ev.date);
      const base = {
        chargeStart: ev.date,
        chargeEnd: cycle.end,
        unitPrice: price,
        effectiveUnitPrice: eup,
        orderDate: ev.date,
        referenceId: rng.guid(),
      };
      if (ev.kind === 'cancel') {
        emit(cycle, {
          ...base,
          chargeType: 'cancelImmediate',
          quantity,
          subtotal: licenseSubtotal(eup, quantity).neg(),
        });
        return lines;
      }
      if (ev.quantity === quantity) continue;
      const chargeType = ev.quantity > quantity ? 'addQuantity' : 'removeQuantity';
      emit(cycle, { ...base, chargeType, quantity, subtotal: licenseSubtotal(eup, quantity).neg() });
      emit(cycle, {
        ...base,
        chargeType,
        quantity: ev.quantity,
        subtotal: licenseSubtotal(eup, ev.quantity),
      });
      quantity = ev.quantity;
    }
  }
  return lines;
}
