import { type Decimal, ZERO } from '../money/decimal';
import type { PlannedOperation, TargetCharge, TargetContract, TargetContractLine } from '../ports/target';
import { periodOf } from '../time/billing-period';
import type { DateRange } from '../time/date-range';
import {
  addDays,
  formatDayMonthYear,
  type PlainDate,
  startOfMonth,
  startOfNextMonth,
} from '../time/plain-date';
import { clipDays, type DaySet, daySet, firstDay, hasDay } from './day-set';
import { diffLine, type LineAdjustment, type PriceSync } from './diff-line';
import { holdAboveZero, writeOrder } from './held-units';
import { checkDays, lineCheck } from './line-check';
import { lineLocks } from './line-locks';
import { normalizeSegments, type StateSegment, stateAt } from './line-state';
import { chargeOperations } from './locked-charges';
import { lockedGaps } from './locked-gaps';
import { monthMoney } from './month-money';
import { projectedLine } from './projected-line';
import type { LineCheck, PlanItem, PricingStrategy } from './types';

/** What the customer planner hands over for one contract line (one offer of one customer). */
export interface LineWork {
  tenantId: string;
  offerKey: string;
  /** The offer's title, for charge labels. */
  title: string;
  productId: string;
  /** The wanted state per day (seats and per-period prices), open-ended. */
  desired: StateSegment[];
  /** The days the synced invoices decide. */
  decided: DaySet;
  contract: TargetContract;
  strategy: PricingStrategy;
  /** The strategy sets prices from this day on; before it the line keeps the PSA's prices (mapping strategyFrom). */
  priceFrom: PlainDate | undefined;
  /**
   * Whether the invoices synced before this run already showed a seat change of this size on this day (its
   * warning was given then). Data warnings (moved to the contract start) are reported once, by the run that
   * syncs the invoice showing the change; a re-issue that changes the day warns again.
   */
  shownBefore: (day: PlainDate, change: Decimal) => boolean;
  asOf: PlainDate;
  chargeCodeId: string | undefined;
  /** The PSA's lines of this contract, its unit segments and charges; the linked line id, when known. */
  contractLines: readonly TargetContractLine[];
  unitSegments: readonly {
    contractLineId: string;
    start: PlainDate;
    end: PlainDate;
    units: StateSegment['state']['units'];
    price: StateSegment['state']['price'];
    cost: StateSegment['state']['cost'];
  }[];
  charges: readonly TargetCharge[];
  linkedLineId: string | undefined;
  /** Days billsync's own adjustments occupy on this line (the engine's journal). */
  knownChangeDays: readonly PlainDate[];
  /** Of those, the days whose adjustment set price and cost: the row from there has them (diffLine `pricedDays`). */
  knownPricedDays: readonly PlainDate[];
  /** The PSA product's current price and cost: a line billsync creates starts from them (strategies 2-4). */
  base: { price: StateSegment['state']['price']; cost: StateSegment['state']['cost'] };
  /** The latest day the invoices decide for this line (not counting an ended subscription's open tail). */
  through: PlainDate;
  /** Shadow first sync: fill the item's per-month comparison. */
  compare: boolean;
  /** Fill the item's `monthChanges` (an approval threshold is set). */
  monthChanges: boolean;
  /** Each write holds to the end of its month only (`TargetContract.azureByMonth`, `DiffOptions.byMonth`). */
  byMonth?: boolean | undefined;
  /** Reconciliation (issue 17): told what the line bills and what it should, as the plan sees it. */
  observe?: ((view: LineView) => void) | undefined;
}

/** One contract line as planned: what the PSA carries, the days the invoices decide, what locks them. */
export interface LineView {
  contractLineId: string | undefined;
  /** The contract's first day: days before it are not billed (spec section 6 moves their changes to it). */
  contractStart: PlainDate;
  actual: readonly StateSegment[];
  decided: DaySet;
  postedThrough: PlainDate | undefined;
  changeDays: readonly PlainDate[];
  /** Every one-time charge of the line's product on the contract (billsync's and others). */
  charges: readonly TargetCharge[];
}

/** At most this many holds per line and plan (each lifts one more day below 0; a line has few locked days). */
const MAX_HOLDS = 50;

/** The wanted states with units below 0 raised to 0 (prices kept). */
function floorUnits(desired: readonly StateSegment[]): readonly StateSegment[] {
  if (!desired.some((d) => d.state.units.lt(ZERO))) return desired;
  return desired.map((d) => (d.state.units.lt(ZERO) ? { ...d, state: { ...d.state, units: ZERO } } : d));
}

function priceSync(strategy: PricingStrategy): PriceSync {
  return {
    price: strategy === 'cost-and-retail' || strategy === 'none-on-update',
    cost: strategy !== 'none',
    onCreateOnly: strategy === 'none-on-update',
  };
}

/**
 * The prices a strategy keeps in step with the source after a line is created (spec section 5): cost under
 * "cost and retail" and "only cost", retail under "cost and retail" only. "None" and "none when updating" leave
 * both to the MSP once the line exists.
 */
export function followedPrices(strategy: PricingStrategy): Record<'cost' | 'retail', boolean> {
  const sync = priceSync(strategy);
  return { cost: sync.cost && !sync.onCreateOnly, retail: sync.price && !sync.onCreateOnly };
}

/**
 * Plans one contract line (spec section 6): the adjustments that make the PSA carry the wanted state on every
 * decided day it still can, and a charge or credit for the money of the decided days it can no longer change.
 * Fills the item's status, messages, preview changes and money delta.
 */
export function planLine(
  w: LineWork,
  item: PlanItem,
  operations: PlannedOperation[],
  checks: LineCheck[],
): void {
  const { contract } = w;
  const onContract = w.contractLines.filter(
    (l) => l.contractId === contract.id && l.productId === w.productId,
  );
  const line =
    onContract.find((l) => l.id === w.linkedLineId) ?? (onContract.length === 1 ? onContract[0] : undefined);
  if (!line && onContract.length > 1) {
    item.status = 'error';
    item.action = 'error';
    item.messages.push({
      level: 'error',
      text: `The contract has ${onContract.length} lines for this product: remove the duplicates in the PSA or link one`,
    });
    return;
  }
  const sync = priceSync(w.strategy);
  const actual = actualSegments(line ? w.unitSegments.filter((s) => s.contractLineId === line.id) : []);
  const until = contract.endDate ? addDays(contract.endDate, 1) : undefined;
  const decided = movedToContractStart(w, item);
  const from = firstDay(decided) ?? contract.startDate;
  // billsync's own change days lock a day only on PSAs that take one change per line and day (Autotask). A
  // month-start PSA (ConnectWise, decision 0012) takes a second change of a 1st: the marked addition is edited.
  const locks = lineLocks(
    contract.postedThrough,
    contract.changesOn === 'month-start'
      ? (line?.changeDays ?? [])
      : [...(line?.changeDays ?? []), ...w.knownChangeDays],
    contract.changesOn,
  );
  // An adjustment billsync sent with price and cost starts a PSA row with them: a price we set on an earlier day
  // ends there, even when the two are equal (both Autotask readings of unitRowPrice agree). Month-start PSAs
  // (ConnectWise) edit the month's addition instead: nothing carries there.
  const pricedDays = new Set<PlainDate>(contract.changesOn === 'month-start' ? [] : w.knownPricedDays);
  // A contract line holds no fewer than 0 units: where the synced lines net below 0 the line carries 0 and the
  // rest is booked as a credit with the locked days (locked-gaps.ts, reason `negative`).
  // A strategy changed after invoices were synced sets prices from its day on: before it the wanted prices are
  // the PSA's (what the earlier strategy wrote), so nothing there is re-priced or corrected (mapping strategyFrom).
  const desired = keepPricesBefore(w.desired, actual, w.priceFrom);
  const options = {
    from,
    until,
    decided,
    locks,
    sync,
    base: w.base,
    newLine: line === undefined,
    pricedDays,
    byMonth: w.byMonth === true,
  };
  let wanted = floorUnits(desired);
  let diff = diffLine(wanted, actual, options);
  let projected = projectedLine(actual, diff.adjustments, w.base, pricedDays, options.byMonth);
  // A change the PSA keeps on a later day must not take the line below 0: hold it higher before (held-units.ts).
  // First the line as the plan leaves it, then (when no order of the writes keeps every day at 0 or more) after
  // each write: the PSA checks them one by one. Only where a line takes a change on any day (Autotask): a
  // month-start PSA (ConnectWise, decision 0012) books the month's units as one addition per month, in day order.
  const held: DateRange[] = [];
  let order: LineAdjustment[] | undefined;
  for (const everyWrite of contract.changesOn === 'month-start' ? [] : [false, true]) {
    for (let n = 0; n < MAX_HOLDS; n += 1) {
      const hold = holdAboveZero(wanted, actual, diff.adjustments, from, everyWrite);
      if (!hold) break;
      wanted = hold.wanted;
      held.push(hold.range);
      diff = diffLine(wanted, actual, options);
      projected = projectedLine(actual, diff.adjustments, w.base, pricedDays, options.byMonth);
    }
    order = writeOrder(actual, diff.adjustments, from);
    if (order) break;
  }
  for (const a of order ?? diff.adjustments) operations.push(toOperation(w, line, a));
  const mine = w.charges.filter(
    (c) => c.billsync && c.contractId === contract.id && c.productId === w.productId,
  );
  const gaps = lockedGaps({
    held,
    // Not a month with a charge dated before the first decided day: a sync start moved later leaves it as it is.
    bookedMonths: new Set(mine.filter((c) => c.date >= from).map((c) => periodOf(c.date))),
    desired,
    projected,
    decided,
    locks,
    from,
    until,
    syncPrice: sync.price && (!sync.onCreateOnly || line === undefined),
    syncCost: sync.cost && (!sync.onCreateOnly || line === undefined),
    base: w.base,
  });
  const written = new Set(diff.adjustments.map((a) => periodOf(a.effectiveDate)));
  const charges = chargeOperations(w, line?.id, gaps, mine, diff.locked, written);
  operations.push(...charges.operations);
  const booked = charges.operations.filter((o) => o.kind === 'book-charge');
  const after = [...mine, ...booked];
  const writes = [...diff.adjustments.map((a) => a.effectiveDate), ...booked.map((c) => c.date)].sort();
  if (writes.length > 0) {
    const until = [addDays(w.through, 1), addDays(writes.at(-1)!, 1)].sort().at(-1)!;
    const fixes = diff.locked.map((l) => l.fixedFrom).filter((d): d is PlainDate => d !== undefined);
    const days = checkDays(decided, fixes, writes[0]!, until);
    const months = [...new Set(booked.map((c) => periodOf(c.date)))];
    if (w.monthChanges)
      item.monthChanges = monthChanges(
        clipDays(decided, startOfMonth(writes[0]!), startOfNextMonth(until)),
        { segments: actual, charges: mine },
        { segments: projected, charges: after },
      );
    checks.push(
      lineCheck(
        { itemKey: item.key, contractId: contract.id, productId: w.productId },
        days,
        projected,
        after,
        months,
      ),
    );
  }
  if (w.compare) item.comparison = comparison(w, decided, actual, projected, mine, after);
  w.observe?.({
    contractLineId: line?.id,
    contractStart: contract.startDate,
    actual,
    // The invoices' days, also those before the contract start (their money is not billed: reconciliation shows it).
    decided: w.decided,
    postedThrough: contract.postedThrough,
    changeDays: [...locks.changeDays].sort(),
    charges: w.charges.filter((c) => c.contractId === contract.id && c.productId === w.productId),
  });
  item.messages.push(...charges.messages);
  if (line) item.targetId = line.id;
  item.changes = [
    ...diff.adjustments.map((a) => ({
      field: `units from ${a.effectiveDate}`,
      from: a.unitsBefore.toString(),
      to: `${a.unitsAfter.toString()}${a.unitPrice !== undefined ? ` @ ${a.unitPrice.toString()}` : ''}${a.unitCost !== undefined ? ` (cost ${a.unitCost.toString()})` : ''}`,
    })),
    ...charges.changes,
  ];
  // What the line bills per month at the as-of date, before and after: the money delta of the preview.
  const now = stateAt(actual, w.asOf);
  const next = stateAt(projected, w.asOf);
  item.monthlyBefore = now.units.times(now.price ?? ZERO).toFixed();
  item.monthlyDelta = next.units
    .times(next.price ?? ZERO)
    .minus(now.units.times(now.price ?? ZERO))
    .toFixed();
  const count = diff.adjustments.length + charges.operations.length;
  const errors = item.messages.some((m) => m.level === 'error');
  const warnings = item.messages.some((m) => m.level === 'warning');
  item.status = errors ? 'error' : warnings ? 'warning' : count ? 'ok' : 'no_change';
  item.action = count ? (line === undefined && diff.adjustments.length ? 'add line' : 'adjust') : 'no change';
}

/** Per month from the first decided day to the as-of month: what the PSA bills today and after the plan. */
function comparison(
  w: LineWork,
  decided: DaySet,
  actual: readonly StateSegment[],
  projected: readonly StateSegment[],
  before: readonly TargetCharge[],
  after: readonly Pick<TargetCharge, 'date' | 'amount' | 'cost'>[],
): NonNullable<PlanItem['comparison']> {
  const first = firstDay(decided);
  if (first === undefined) return [];
  const last = w.through < w.asOf ? w.through : w.asOf;
  const days = clipDays(decided, first, startOfNextMonth(last));
  const psa = monthMoney(actual, days, before);
  const invoices = monthMoney(projected, days, after);
  return invoices.map((m) => ({
    month: m.month,
    psa: (psa.find((p) => p.month === m.month)?.amount ?? ZERO).round(2, 1).toFixed(2),
    invoices: m.amount.round(2, 1).toFixed(2),
  }));
}

function actualSegments(segments: LineWork['unitSegments']): StateSegment[] {
  return segments
    .map((s) => ({
      start: s.start,
      end: s.end as PlainDate | undefined,
      state: { units: s.units, price: s.price, cost: s.cost },
    }))
    .sort((a, b) => (a.start < b.start ? -1 : 1));
}

/**
 * Decided days before the contract start cannot be written: their change is moved to the contract start (spec
 * section 6), with a warning when the invoices that show it are synced.
 */
function movedToContractStart(w: LineWork, item: PlanItem): DaySet {
  const start = w.contract.startDate;
  const early = w.decided.filter((r) => r.start < start);
  if (early.length === 0) return w.decided;
  // The contract start takes the moved changes only once an invoice decides a day from it on: the changes of a
  // month before the start wait for the invoice that bills the start's month (spec section 6, "Write only what is
  // decided": a change written ahead on the start day would block the right one there later).
  const reaches = w.decided.some((r) => r.end > start);
  const decided = daySet([
    ...w.decided.map((r) => ({ start: r.start < start ? start : r.start, end: r.end })),
    ...(reaches ? [{ start, end: addDays(start, 1) }] : []),
  ]).filter((r) => r.start < r.end && r.end > start);
  for (const s of w.desired) {
    if (s.start >= start || !hasDay(w.decided, s.start)) continue;
    const change = s.state.units.minus(stateAt(w.desired, addDays(s.start, -1)).units);
    if (change.eq(ZERO) || w.shownBefore(s.start, change)) continue;
    item.messages.push({
      level: 'warning',
      text: `Seat change on ${formatDayMonthYear(s.start)} is before the contract start: moved to the contract start date ${formatDayMonthYear(start)}`,
    });
  }
  return decided;
}

function toOperation(w: LineWork, line: TargetContractLine | undefined, a: LineAdjustment): PlannedOperation {
  return {
    kind: 'adjust-contract-line',
    key: `adjust:${w.tenantId}:${w.offerKey}:${a.effectiveDate}`,
    customerTenantId: w.tenantId,
    offerKey: w.offerKey,
    contractId: w.contract.id,
    productId: w.productId,
    contractLineId: line?.id,
    effectiveDate: a.effectiveDate,
    unitChange: a.unitChange,
    unitPrice: a.unitPrice,
    unitCost: a.unitCost,
    unitsBefore: a.unitsBefore,
    unitsAfter: a.unitsAfter,
  };
}

/** What each month bills after the plan minus before, over some days (charges dated in those months included). */
function monthChanges(
  days: DaySet,
  before: {
    segments: readonly StateSegment[];
    charges: readonly Pick<TargetCharge, 'date' | 'amount' | 'cost'>[];
  },
  after: {
    segments: readonly StateSegment[];
    charges: readonly Pick<TargetCharge, 'date' | 'amount' | 'cost'>[];
  },
): Record<string, string> {
  const out = new Map<string, Decimal>();
  for (const m of monthMoney(after.segments, days, after.charges)) out.set(m.month, m.amount);
  for (const m of monthMoney(before.segments, days, before.charges))
    out.set(m.month, (out.get(m.month) ?? ZERO).minus(m.amount));
  const changes: Record<string, string> = {};
  for (const [month, delta] of out) if (!delta.eq(ZERO)) changes[month] = delta.toFixed();
  return changes;
}

/**
 * The wanted states with the PSA's price and cost (`actual`) on the days before `from` where the PSA has them;
 * units and every day from `from` on as wanted. Undefined `from`: unchanged.
 */
export function keepPricesBefore(
  desired: readonly StateSegment[],
  actual: readonly StateSegment[],
  from: PlainDate | undefined,
): readonly StateSegment[] {
  if (from === undefined || desired.length === 0 || desired[0]!.start >= from) return desired;
  const cuts = new Set<PlainDate>([from]);
  for (const s of [...desired, ...actual]) {
    if (s.start < from) cuts.add(s.start);
    if (s.end !== undefined && s.end < from) cuts.add(s.end);
  }
  const days = [...cuts].sort();
  const out: StateSegment[] = [];
  for (const [i, start] of days.entries()) {
    if (start >= from) break;
    const want = desired.find((s) => s.start <= start && (s.end === undefined || start < s.end));
    if (!want) continue;
    const have = stateAt(actual, start);
    out.push({
      start,
      end: days[i + 1],
      state: {
        units: want.state.units,
        price: have.price ?? want.state.price,
        cost: have.cost ?? want.state.cost,
      },
    });
  }
  for (const s of desired) {
    if (s.end !== undefined && s.end <= from) continue;
    out.push(s.start < from ? { ...s, start: from } : s);
  }
  return normalizeSegments(out);
}
