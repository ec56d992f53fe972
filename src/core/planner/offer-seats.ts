import { subscriptionSteps } from '../derive/seat-carry-forward';
import {
  billsPeriod,
  hasInvoiceFrom,
  invoicesUpTo,
  linesBySubscription,
  type SeatLine,
  type TimelineInvoice,
} from '../derive/seat-lines';
import { type SeatSegment, SeatSteps } from '../derive/seat-steps';
import type { OfferKey } from '../model/source';
import { periodOf } from '../time/billing-period';
import type { DateRange } from '../time/date-range';
import { addDays, minDate, type PlainDate } from '../time/plain-date';
import { clipDays, type DaySet, daySet, FOREVER, firstDay } from './day-set';

const FIRST_DAY = '0001-01-01' as PlainDate;

/** The seats a contract line must carry for one customer and offer, and the days the synced invoices decide. */
export interface OfferSeats {
  /**
   * Seats per day from the first decided day on: the sum over the offer's subscriptions, each counted from its
   * own first synced day (the first charge day of its synced lines; 0 before it). Open-ended (seats carry
   * forward). Empty when no synced line concerns the offer.
   */
  segments: SeatSegment[];
  /**
   * Spec section 6, "Write only what is decided": per subscription, the days from its first synced day to the
   * end of its latest synced charge period, and every day from its end once a synced invoice ended it. Days
   * only invoices before the sync start cover are not in it.
   */
  decided: DaySet;
  /** The latest day a synced line covers or a synced invoice ended a subscription on (prices carry after it). */
  through: PlainDate | undefined;
  /** The days a synced line of the offer bills (its charge periods), also those another subscription carries on. */
  billed: DaySet;
}

export interface OfferSeatsQuery {
  /** Every invoice known up to the as-of date (before the sync start too: reversals net against them). */
  invoices: readonly TimelineInvoice[];
  /** The synced invoices: issued on or after the mapping's sync start (and up to the as-of date). */
  syncedInvoiceIds: ReadonlySet<string>;
  customerTenantId: string;
  offer: OfferKey;
}

/** Seats and decided days of one offer (pure; see `OfferSeats`). */
export function offerSeats(q: OfferSeatsQuery): OfferSeats {
  const known = invoicesUpTo(q.invoices, undefined);
  const synced = known.filter((i) => q.syncedInvoiceIds.has(i.header.id));
  const syncedLines = new Set<SeatLine>(synced.flatMap((i) => i.lines));
  const total = new SeatSteps();
  const ranges: DateRange[] = [];
  const billed: DateRange[] = [];
  let first: PlainDate | undefined;
  let through: PlainDate | undefined;
  // The earliest day a synced subscription only carries forward (no synced invoice has decided it yet).
  let carrying: PlainDate | undefined;
  const later = (day: PlainDate) => {
    if (through === undefined || day > through) through = day;
  };
  for (const group of linesBySubscription(known, q.customerTenantId, q.offer)) {
    const sub = subscriptionSteps(group, known);
    const mine = group.lines.filter((l) => syncedLines.has(l) && l.chargePeriod.start < l.chargePeriod.end);
    const fs = mine.map((l) => l.chargePeriod.start).reduce<PlainDate | undefined>(earlier, undefined);
    if (fs !== undefined) {
      // Spec section 6: seats(day) = the signed quantities of the synced lines covering it. A synced reversal of
      // a cycle billed before the sync start nets against nothing: those seats were on an invoice billsync does
      // not sync, and counting them again would bill them twice (decision 0008 addendum).
      const counted = subscriptionSteps({ ...group, lines: mine }, known);
      const stated = counted.carry?.from;
      for (const seg of counted.steps.segments(fs, stated)) total.add(seg.start, seg.end, seg.seats);
      // After its latest synced charge period the subscription carries its real seat count (all its lines: the
      // next cycle is billed in full), until an invoice says otherwise.
      if (stated !== undefined)
        for (const seg of sub.steps.segments(stated, undefined)) total.add(seg.start, seg.end, seg.seats);
      // The days of its synced charge periods are decided. A day between two of them has no seats, decided only
      // once the synced invoice that would bill the cycle starting there is in (its month's invoice, which has no
      // line for it): with that invoice not imported yet (files imported out of order), the gap is not decided and
      // the seats carry forward (spec section 6, "Write only what is decided").
      const periods = daySet(mine.map((l) => l.chargePeriod));
      for (const [i, r] of periods.entries()) {
        ranges.push(r);
        billed.push(r);
        const next = periods[i + 1];
        if (next && billsPeriod(synced, periodOf(r.end), group.currencies))
          ranges.push({ start: r.end, end: next.start });
      }
      const last = periods.at(-1)!.end;
      first = earlier(first, fs);
      later(addDays(last, -1));
    }
    const carry = sub.carry;
    if (fs !== undefined && carry?.rule === 'open') carrying = earlier(carrying, carry.from);
    if (!carry || carry.to === undefined || carry.rule === 'open') continue;
    // The end of a subscription is decided by the lines that end it (cancel) or by the synced invoice of the
    // month its next cycle would start in, which has no line for it (monthly rule; annual at its term end).
    const end = carry.to;
    const byLines = carry.rule === 'cancelled' || carry.rule === 'no-carry';
    // Once ended, the subscription's days are decided for good: it bills nothing from then on (a later line
    // of it, if any, is decided by its own invoice).
    if ((byLines && fs !== undefined) || hasInvoiceFrom(synced, periodOf(end), group.currencies)) {
      if (fs === undefined || end >= fs) {
        ranges.push({ start: end, end: FOREVER });
        later(end);
      }
    }
  }
  // A day is decided only when no synced subscription of the offer is still carrying on it: another one's end
  // does not decide the seats of one whose next cycle no invoice has billed yet.
  const decided = carrying === undefined ? daySet(ranges) : clipDays(daySet(ranges), FIRST_DAY, carrying);
  const from = earlier(first, firstDay(decided));
  return {
    segments: from === undefined ? [] : total.segments(from, undefined),
    decided,
    through,
    billed: daySet(billed),
  };
}

function earlier(a: PlainDate | undefined, b: PlainDate | undefined): PlainDate | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return minDate(a, b);
}
