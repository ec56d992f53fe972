import { addDays, daysBetween } from '../../kit';
import { prorateCents, toCents } from '../rules/money';
import type { EmulatorCtx, Row } from '../store/state';
import { recurringItem } from './approve-post';
import { billedOn, billedSegments, daysOf, postedDaysFrom, postedOn, postedRanges } from './billed-days';
import { unitRowsOf } from './derive-units';
import { derivePeriods, type Period, periodOf } from './periods';

/*
 * rules.postedPeriodAdjustments 'bill-prorated': an adjustment dated in an approved-and-posted period is
 * accepted; posted rows keep their approveAndPostDate and BillingItems, and the change is billed at once as
 * extra posted BillingItems for the posted days it affects ("prorated billing lines are generated ... create
 * an opposing edit" [Datto KB, notes §8.1]). New rows that fall on posted days are marked posted, so approve &
 * post never bills those days again.
 */

interface DayBill {
  units: number;
  price: number | null;
  cost: number | null;
}

/** Posted days on or after a change's date, with what they billed before the change. */
export interface PostedSnapshot {
  cs: Row;
  days: string[];
  before: DayBill[];
}

function billsOn(ctx: EmulatorCtx, cs: Row, days: readonly string[]): DayBill[] {
  const segments = billedSegments(unitRowsOf(ctx, cs));
  return days.map((d) => {
    const row = billedOn(segments, d)?.row;
    return row
      ? { units: row.units as number, price: row.price as number | null, cost: row.cost as number | null }
      : { units: 0, price: null, cost: null };
  });
}

/** Call before a change dated `from`: the posted days it may touch (undefined when there are none). */
export function snapshotPostedDays(ctx: EmulatorCtx, cs: Row, from: string): PostedSnapshot | undefined {
  const days = postedDaysFrom(postedRanges(ctx.state, cs.id), from);
  return days.length === 0 ? undefined : { cs, days, before: billsOn(ctx, cs, days) };
}

const same = (a: DayBill, b: DayBill) => a.units === b.units && a.price === b.price && a.cost === b.cost;
const perPeriod = (bill: DayBill, field: 'price' | 'cost') => bill.units * toCents(bill[field] ?? 0);

interface Run {
  first: string;
  last: string;
  period: Period | undefined;
  before: DayBill;
  after: DayBill;
}

/** Consecutive posted days of one billing period whose billing changed the same way. */
function changedRuns(snapshot: PostedSnapshot, after: DayBill[], periods: readonly Period[]): Run[] {
  const runs: Run[] = [];
  snapshot.days.forEach((day, i) => {
    const b = snapshot.before[i] as DayBill;
    const a = after[i] as DayBill;
    if (same(a, b)) return;
    const period = periodOf(periods, day);
    const run = runs.at(-1);
    if (
      run &&
      addDays(run.last, 1) === day &&
      run.period === period &&
      same(run.before, b) &&
      same(run.after, a)
    ) {
      run.last = day;
    } else {
      runs.push({ first: day, last: day, period, before: b, after: a });
    }
  });
  return runs;
}

/**
 * Call after the change: one posted BillingItem per run of changed posted days, amount = (units x price after
 * - units x price before) x days / days of the period (negative when units drop; cost likewise), dated on the
 * run's first day; then the new rows lying wholly on posted days are marked posted.
 */
export function billPostedChange(ctx: EmulatorCtx, snapshot: PostedSnapshot): void {
  const { cs } = snapshot;
  const contract = ctx.state.tables.Contracts.get(cs.contractID as number);
  if (!contract) return;
  const periods = derivePeriods(contract);
  const segments = billedSegments(unitRowsOf(ctx, cs));
  const items: Row[] = [];
  for (const run of changedRuns(snapshot, billsOn(ctx, cs, snapshot.days), periods)) {
    const days = daysBetween(run.first, run.last) + 1;
    const periodDays = run.period ? daysBetween(run.period.start, run.period.end) + 1 : 1;
    const cents = {
      amount: prorateCents(perPeriod(run.after, 'price') - perPeriod(run.before, 'price'), days, periodDays),
      cost: prorateCents(perPeriod(run.after, 'cost') - perPeriod(run.before, 'cost'), days, periodDays),
    };
    if (cents.amount === 0 && cents.cost === 0) continue;
    items.push(
      recurringItem(ctx, cs, {
        periodRowId: billedOn(segments, run.first)?.row.id ?? 0,
        itemDate: run.first,
        quantity: run.after.units - run.before.units,
        rate: run.after.price ?? 0,
        cents,
      }),
    );
  }
  const ranges = postedRanges(ctx.state, cs.id);
  for (const segment of segments) {
    if (ctx.state.posted.has(segment.key)) continue;
    const covering = postedOn(ranges, segment.start);
    if (!covering || daysOf(segment.start, segment.end).some((d) => !postedOn(ranges, d))) continue;
    const item = items.find((i) => String(i.itemDate) >= segment.start && String(i.itemDate) <= segment.end);
    ctx.state.posted.set(segment.key, {
      contractServiceId: cs.id,
      startDate: segment.start,
      endDate: String(segment.row.endDate),
      billedThrough: segment.end,
      approveAndPostDate: covering.approveAndPostDate,
      billingItemId: item?.id ?? null,
    });
  }
}
