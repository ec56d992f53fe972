import { offerKeyText, type PriceListEntry } from '../model/source';
import type { Decimal } from '../money/decimal';
import { type BillingPeriod, firstDayOf, nextPeriod, periodOf } from '../time/billing-period';
import { addDays, type PlainDate, startOfNextMonth } from '../time/plain-date';

/** A price over a half-open stretch of days; `end` undefined = open-ended. */
export interface PriceSpan {
  start: PlainDate;
  end: PlainDate | undefined;
  value: Decimal;
}

/** A price that changed inside a contract period: it applies from the next period only (spec section 6). */
export interface MidPeriodChange {
  day: PlainDate;
  from: Decimal;
  to: Decimal;
}

export interface PeriodPrice {
  value: Decimal;
  /** Changes inside the period (not prorated; reported as warnings). */
  changes: MidPeriodChange[];
}

/** The value of the latest span holding `day` (later spans win where they overlap). */
export function valueOn(spans: readonly PriceSpan[], day: PlainDate): Decimal | undefined {
  let found: Decimal | undefined;
  for (const s of spans) if (s.start <= day && (s.end === undefined || day < s.end)) found = s.value;
  return found;
}

/**
 * The price of each calendar-month contract period: the price in force on the first day of the period that has
 * one (a period's price never changes mid-period). Later changes inside the period are returned as
 * `changes`. Spans later in the list win where they overlap (pass them oldest first).
 */
export function pricePerPeriod(spans: readonly PriceSpan[], period: BillingPeriod): PeriodPrice | undefined {
  const first = firstDayOf(period);
  const end = startOfNextMonth(first);
  let current: Decimal | undefined;
  const changes: MidPeriodChange[] = [];
  // The candidate days where the price may change: the first day and every span start inside the period.
  const days = [first, ...spans.map((s) => s.start).filter((d) => d > first && d < end)].sort();
  for (const day of days) {
    const v = valueOn(spans, day as PlainDate);
    if (v === undefined) continue;
    if (current === undefined) current = v;
    else if (!v.eq(current) && !changes.some((c) => c.day === day)) {
      const last = changes.at(-1)?.to ?? current;
      if (!v.eq(last)) changes.push({ day: day as PlainDate, from: last, to: v });
    }
  }
  return current === undefined ? undefined : { value: current, changes };
}

const offerIndexes = new WeakMap<readonly PriceListEntry[], Map<string, PriceListEntry[]>>();

/**
 * The entries of one offer (`offerKeyText`), in list order. The planners ask per offer and customer, and a real
 * price list holds tens of thousands of entries: the list is indexed by offer once (kept while the list lives; a
 * planner's input list is never changed after it is built).
 */
export function entriesOfOffer(list: readonly PriceListEntry[], key: string): readonly PriceListEntry[] {
  let index = offerIndexes.get(list);
  if (!index) {
    index = new Map();
    for (const e of list) {
      const k = offerKeyText(e.offer);
      const entries = index.get(k);
      if (entries) entries.push(e);
      else index.set(k, [e]);
    }
    offerIndexes.set(list, index);
  }
  return index.get(key) ?? [];
}

/** Price-list entries of one offer as spans of retail and of cost (oldest first). */
export function priceListSpans(entries: readonly PriceListEntry[]): {
  retail: PriceSpan[];
  cost: PriceSpan[];
} {
  const sorted = [...entries].sort((a, b) => (a.effective.start < b.effective.start ? -1 : 1));
  return {
    retail: sorted.map((e) => ({ start: e.effective.start, end: e.effective.end, value: e.retail.amount })),
    cost: sorted.map((e) => ({ start: e.effective.start, end: e.effective.end, value: e.cost.amount })),
  };
}

/**
 * The price-list entry of an offer in force on a day. Where rows overlap, the one that started latest wins: a
 * monthly price list lists only the rows in force, open-ended, so the row a later list brings supersedes the
 * earlier list's open-ended one (as in `priceListSpans`). 'ambiguous' only when several rows that start on that
 * same latest day have different prices.
 */
export function entryOn(
  entries: readonly PriceListEntry[],
  day: PlainDate,
): PriceListEntry | 'ambiguous' | undefined {
  const covering = entries.filter(
    (e) => e.effective.start <= day && (e.effective.end === undefined || day < e.effective.end),
  );
  if (covering.length === 0) return undefined;
  const latest = covering.reduce(
    (a, e) => (e.effective.start > a ? e.effective.start : a),
    covering[0]!.effective.start,
  );
  const hits = covering.filter((e) => e.effective.start === latest);
  const first = hits[0]!;
  const same = hits.every(
    (h) => h.retail.amount.eq(first.retail.amount) && h.cost.amount.eq(first.cost.amount),
  );
  return same ? first : 'ambiguous';
}

/** The entry in force on `day`, or else the latest one that started before it (the price list lags a little). */
export function currentEntry(
  entries: readonly PriceListEntry[],
  day: PlainDate,
): PriceListEntry | 'ambiguous' | undefined {
  const on = entryOn(entries, day);
  if (on !== undefined) return on;
  const before = entries
    .filter((e) => e.effective.start <= day)
    .sort((a, b) => (a.effective.start < b.effective.start ? 1 : -1));
  return before[0];
}

/** Calendar months from the one holding `from` through `through`, inclusive. */
export function periodsFrom(from: PlainDate, through: BillingPeriod): BillingPeriod[] {
  const out: BillingPeriod[] = [];
  for (let p = periodOf(from); p <= through; p = nextPeriod(p)) out.push(p);
  return out;
}

export function lastDayOf(period: BillingPeriod): PlainDate {
  return addDays(startOfNextMonth(firstDayOf(period)), -1);
}
