import { countsForSeats } from '../../core/derive/seat-lines';
import { SeatSteps } from '../../core/derive/seat-steps';
import { type InvoiceLine, offerKeyText } from '../../core/model/source';
import { type Decimal, ZERO } from '../../core/money';
import { addDays, type DateRange, daysBetween, formatDayMonthYear, type PlainDate } from '../../core/time';
import type { WireSubscription } from './wire-types';
import { normalizeGuid, optionalDecimal, tryWireDate } from './wire-values';

/** One version of a subscription (`GET /subscriptions/{id}/history`): its quantity from a day on. */
export interface HistorySnapshot {
  from: PlainDate;
  quantity: Decimal;
}

/**
 * A subscription's history snapshots as seats from a day on, oldest first [UNVERIFIED: ordering (the example is
 * newest first) and which date a snapshot takes effect: `updatedDate`, else `createdDate`, else `startDate`].
 * A cancelled snapshot with an `endDate` has no seats from that day on. Snapshots without a readable date or
 * quantity are left out.
 */
export function historyFromWire(snapshots: readonly WireSubscription[]): HistorySnapshot[] {
  // rank 1: a cancellation, after every snapshot of its day; among snapshots of one day the later one in time
  // wins, i.e. the one Pax8 lists first when newest first.
  const out: { s: HistorySnapshot; i: number; rank: number }[] = [];
  snapshots.forEach((s, i) => {
    const from = tryWireDate(s.updatedDate) ?? tryWireDate(s.createdDate) ?? tryWireDate(s.startDate);
    let quantity: Decimal | undefined;
    try {
      quantity = optionalDecimal(s.quantity, 'quantity');
    } catch {
      quantity = undefined;
    }
    if (!from || quantity === undefined) return;
    out.push({ s: { from, quantity }, i, rank: 0 });
    const end = tryWireDate(s.endDate);
    if (end && /cancel/i.test(s.status ?? '')) out.push({ s: { from: end, quantity: ZERO }, i, rank: 1 });
  });
  return out
    .sort((a, b) => (a.s.from < b.s.from ? -1 : a.s.from > b.s.from ? 1 : a.rank - b.rank || b.i - a.i))
    .map((x) => x.s);
}

export interface SeatDisagreement {
  subscriptionId: string;
  customerTenantId: string;
  offerKey: string;
  /** Half-open: the days the two disagree on (`end` the first day they agree again or the compared end). */
  days: DateRange;
  invoiced: Decimal;
  history: Decimal;
  /** `Pax8 subscription <id>: the invoices bill 12 seats from 15 Mar 2026, its history says 10`. */
  text: string;
}

function seatsText(n: Decimal): string {
  return `${n.toFixed()} seat${n.eq(1) ? '' : 's'}`;
}

/**
 * Cross-check: per subscription, the seats its invoice lines bill (signed quantities over their charge periods,
 * the planner's seat timeline) against what its history snapshots say, on the days its lines cover from its first
 * snapshot on. Each stretch where they differ is one disagreement, in words. Stretches of at most `graceDays`
 * days are ignored (a change dated a day apart by time zones).
 *
 * `billedThrough` is the day the newest invoice bills changes up to (the 1st it is dated, the 1st after its billing
 * period): Pax8 bills a change on the first monthly invoice on or after it (a change on the 1st is in that invoice's
 * seats in advance, one later in the month is prorated on the next month's), so a snapshot dated after it is not
 * billed yet and is not compared: the history is read as it stood that day (the next invoice will bill the change;
 * until then the invoices' seats carry forward). Pure.
 */
export function crossCheckSeats(
  lines: readonly InvoiceLine[],
  histories: ReadonlyMap<string, readonly HistorySnapshot[]>,
  options: { graceDays?: number; billedThrough?: PlainDate | undefined } = {},
): SeatDisagreement[] {
  const grace = options.graceDays ?? 1;
  const billed = options.billedThrough;
  const bySub = new Map<string, InvoiceLine[]>();
  for (const l of lines) {
    if (!countsForSeats(l)) continue;
    const id = normalizeGuid(l.subscriptionId);
    if (!id) continue;
    bySub.set(id, [...(bySub.get(id) ?? []), l]);
  }
  const out: SeatDisagreement[] = [];
  for (const [id, subLines] of [...bySub].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const history = (histories.get(id) ?? []).filter((h) => billed === undefined || h.from <= billed);
    if (history.length === 0) continue;
    const invoiced = new SeatSteps();
    for (const l of subLines) invoiced.add(l.chargePeriod.start, l.chargePeriod.end, l.quantity);
    const said = new SeatSteps();
    let prev = ZERO;
    for (const h of history) {
      said.add(h.from, undefined, h.quantity.minus(prev));
      prev = h.quantity;
    }
    const known = history[0]!.from;
    // The covered days, as sorted disjoint ranges from the first snapshot on.
    const ranges = subLines
      .map((l) => ({
        start: l.chargePeriod.start < known ? known : l.chargePeriod.start,
        end: l.chargePeriod.end,
      }))
      .filter((r) => r.start < r.end)
      .sort((a, b) => (a.start < b.start ? -1 : 1));
    const covered: { start: PlainDate; end: PlainDate }[] = [];
    for (const r of ranges) {
      const last = covered.at(-1);
      if (last && r.start <= last.end) last.end = r.end > last.end ? r.end : last.end;
      else covered.push({ ...r });
    }
    const first = subLines[0]!;
    for (const range of covered) {
      const a = invoiced.segments(range.start, range.end);
      const b = said.segments(range.start, range.end);
      const cuts = [...new Set([...a, ...b].map((s) => s.start))].sort();
      let open: { start: PlainDate; invoiced: Decimal; history: Decimal } | undefined;
      const close = (end: PlainDate) => {
        if (open && daysBetween(open.start, end) > grace) {
          const to = addDays(end, -1);
          const until = end < range.end ? ` to ${formatDayMonthYear(to)}` : '';
          out.push({
            subscriptionId: id,
            customerTenantId: first.customerTenantId,
            offerKey: offerKeyText(first.offer),
            days: { start: open.start, end },
            invoiced: open.invoiced,
            history: open.history,
            text: `Pax8 subscription ${id}: the invoices bill ${seatsText(open.invoiced)} from ${formatDayMonthYear(open.start)}${until}, its history says ${open.history.toFixed()}`,
          });
        }
        open = undefined;
      };
      for (const day of cuts) {
        const inv = invoiced.at(day as PlainDate);
        const his = said.at(day as PlainDate);
        if (open?.invoiced.eq(inv) && open.history.eq(his)) continue;
        close(day as PlainDate);
        if (!inv.eq(his)) open = { start: day as PlainDate, invoiced: inv, history: his };
      }
      close(range.end);
    }
  }
  return out;
}
