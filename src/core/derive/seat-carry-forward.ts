import type { Decimal } from '../money/decimal';
import { periodOf } from '../time/billing-period';
import { addDays, type PlainDate } from '../time/plain-date';
import {
  CANCEL_CHARGE_TYPES,
  hasInvoiceFrom,
  type SubscriptionLines,
  type TimelineInvoice,
} from './seat-lines';
import { SeatSteps } from './seat-steps';

/**
 * Why a subscription's seats did (not) carry forward after its latest charge period (spec/behaviour.md §6):
 * - `open`: monthly-billed and no synced invoice of the month its next cycle starts in yet: seats go on;
 * - `ended`: monthly-billed and that invoice is synced without a line for the next cycle: ended at `from`;
 * - `term-end`: annual/triennial-billed: seats go on to the term end (`to` = SubscriptionEndDate + 1 day);
 * - `cancelled`: a Cancel / cancelImmediate line ended it: nothing carries;
 * - `no-carry`: nothing to carry (one-time billing plan, or the term ends with the latest charge period).
 */
export type CarryRule = 'open' | 'ended' | 'term-end' | 'cancelled' | 'no-carry';

export interface CarryForward {
  rule: CarryRule;
  /** First day after the latest charge period (the end of the latest half-open charge period). */
  from: PlainDate;
  /** First day without carried seats; undefined = still going. Equals `from` when nothing carries. */
  to: PlainDate | undefined;
  /** Seats carried: those of the last day of the latest charge period. */
  seats: Decimal;
}

export interface SubscriptionSteps {
  subscriptionId: string;
  steps: SeatSteps;
  carry: CarryForward | undefined;
}

/** The latest end of the lines' charge periods (the first day after the latest charge period). */
function latestEnd(group: SubscriptionLines): PlainDate | undefined {
  let end: PlainDate | undefined;
  for (const line of group.lines) {
    if (line.chargePeriod.end <= line.chargePeriod.start) continue;
    if (end === undefined || line.chargePeriod.end > end) end = line.chargePeriod.end;
  }
  return end;
}

/** The subscription's term end (half-open) as its latest-ending lines state it, if any line states one. */
function termEnd(group: SubscriptionLines, latest: PlainDate): PlainDate | undefined {
  let end: PlainDate | undefined;
  for (const line of group.lines) {
    if (line.chargePeriod.end !== latest || !line.subscriptionTerm) continue;
    if (end === undefined || line.subscriptionTerm.end > end) end = line.subscriptionTerm.end;
  }
  return end;
}

function carryRule(
  group: SubscriptionLines,
  from: PlainDate,
  invoices: readonly TimelineInvoice[],
): { rule: CarryRule; to: PlainDate | undefined } {
  if (group.lines.some((l) => CANCEL_CHARGE_TYPES.has(l.chargeType.toLowerCase())))
    return { rule: 'cancelled', to: from };
  const plan =
    group.lines.find((l) => l.chargePeriod.end === from)?.offer.billingPlan ??
    group.lines[0]?.offer.billingPlan;
  if (plan === 'OneTime') return { rule: 'no-carry', to: from };
  if (plan === 'Annual' || plan === 'Triennial') {
    const term = termEnd(group, from);
    if (term !== undefined)
      return term > from ? { rule: 'term-end', to: term } : { rule: 'no-carry', to: from };
    // Decision: an annual line without SubscriptionEndDate falls back to the monthly rule ("the subscription
    // goes on until an invoice says otherwise"), since its term end is unknown.
  }
  // Monthly: the next cycle starts on `from` and is billed on the invoice of that month.
  if (hasInvoiceFrom(invoices, periodOf(from), group.currencies)) return { rule: 'ended', to: from };
  return { rule: 'open', to: undefined };
}

/**
 * One subscription's seats: the signed quantities of its lines over their charge periods, plus the carry-forward
 * after its latest charge period by the monthly / annual rules of spec/behaviour.md §6.
 */
export function subscriptionSteps(
  group: SubscriptionLines,
  invoices: readonly TimelineInvoice[],
): SubscriptionSteps {
  const steps = new SeatSteps();
  for (const line of group.lines) steps.add(line.chargePeriod.start, line.chargePeriod.end, line.quantity);
  const from = latestEnd(group);
  if (from === undefined) return { subscriptionId: group.subscriptionId, steps, carry: undefined };
  const seats = steps.at(addDays(from, -1));
  const { rule, to } = carryRule(group, from, invoices);
  if (to === undefined || to > from) steps.add(from, to, seats);
  return { subscriptionId: group.subscriptionId, steps, carry: { rule, from, to, seats } };
}
