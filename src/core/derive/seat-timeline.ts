import type { OfferKey } from '../model/source';
import type { Decimal } from '../money/decimal';
import type { PlainDate } from '../time/plain-date';
import { type CarryForward, subscriptionSteps } from './seat-carry-forward';
import { invoicesUpTo, linesBySubscription, type TimelineInvoice } from './seat-lines';
import { type SeatChange, type SeatSegment, SeatSteps } from './seat-steps';

export type { CarryForward, CarryRule } from './seat-carry-forward';
export { CANCEL_CHARGE_TYPES, countsForSeats, type SeatLine, type TimelineInvoice } from './seat-lines';
export type { SeatChange, SeatSegment } from './seat-steps';

/**
 * "Timeline for customer C, offer O, from day A to day B, given the synced invoices known up to invoice I."
 * Pass every invoice known for the workspace (history before the sync start date too: a reversal line only nets
 * out against the line it reverses); `from`/`to` only clip the answer.
 */
export interface SeatTimelineQuery {
  /** Customer tenant GUID (compared case-insensitively). */
  customerTenantId: string;
  offer: OfferKey;
  /** First day of the answer (the first synced day). */
  from: PlainDate;
  /** First day after the answer; undefined = open-ended. */
  to?: PlainDate | undefined;
  /** Only invoices up to and including this one (billing period, issue date, id order) count. Default: all. */
  upToInvoiceId?: string | undefined;
}

/** One subscription's part of an offer timeline, for explanations in runs. */
export interface SubscriptionTimeline {
  subscriptionId: string;
  segments: SeatSegment[];
  /** What happened after its latest charge period; undefined when it has no dated lines. */
  carry: CarryForward | undefined;
}

/**
 * Seats of one customer and offer per day, over [from, to): contiguous segments (zero-seat ones included, equal
 * neighbours merged; the last one open-ended when `to` is undefined) and the change points, i.e. every day d in
 * [from, to) whose seats differ from those of d - 1 (a change on `from` itself is listed too).
 */
export interface SeatTimeline {
  segments: SeatSegment[];
  changes: SeatChange[];
  subscriptions: SubscriptionTimeline[];
}

/**
 * The seat timeline of spec/behaviour.md §6: per subscription, seats(day) = sum of the signed quantities of its
 * license lines whose charge period covers the day, carried forward after the latest charge period (monthly:
 * while no synced invoice of the next cycle's month says otherwise; annual: to the term end unless a Cancel ends
 * it or a renewal continues it); per customer and offer, the sum over subscriptions. Pure and order-independent.
 *
 * Over a charge cycle, sum(day) unit price / days in the cycle x seats(day) reproduces the sum of the lines'
 * Subtotals within 0.01 x sum(|Quantity|): Microsoft rounds each line's EffectiveUnitPrice to cents before
 * multiplying by the whole quantity (property-tested in seat-timeline.property.test.ts).
 */
export function seatTimeline(invoices: readonly TimelineInvoice[], query: SeatTimelineQuery): SeatTimeline {
  const known = invoicesUpTo(invoices, query.upToInvoiceId);
  const to = query.to;
  const total = new SeatSteps();
  const subscriptions: SubscriptionTimeline[] = [];
  for (const group of linesBySubscription(known, query.customerTenantId, query.offer)) {
    const sub = subscriptionSteps(group, known);
    total.addAll(sub.steps);
    subscriptions.push({
      subscriptionId: sub.subscriptionId,
      segments: sub.steps.segments(query.from, to),
      carry: sub.carry,
    });
  }
  subscriptions.sort((a, b) =>
    a.subscriptionId < b.subscriptionId ? -1 : a.subscriptionId > b.subscriptionId ? 1 : 0,
  );
  return { segments: total.segments(query.from, to), changes: total.changes(query.from, to), subscriptions };
}

/** Seats on one day, read from a timeline's segments; undefined outside the timeline's window. */
export function seatsOn(timeline: Pick<SeatTimeline, 'segments'>, day: PlainDate): Decimal | undefined {
  const seg = timeline.segments.find((s) => s.start <= day && (s.end === undefined || day < s.end));
  return seg?.seats;
}
