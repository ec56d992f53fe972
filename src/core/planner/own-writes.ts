import { ZERO } from '../money/decimal';
import type {
  PlannedOperation,
  TargetContractLine,
  TargetSnapshot,
  TargetUnitSegment,
} from '../ports/target';
import { addDays, type PlainDate } from '../time/plain-date';
import { FOREVER } from './day-set';

/** One adjustment billsync wrote (done in its journal), in the order it was written: the planned operation's fields. */
export type OwnAdjustment = Pick<
  Extract<PlannedOperation, { kind: 'adjust-contract-line' }>,
  'contractId' | 'productId' | 'contractLineId' | 'effectiveDate' | 'unitChange' | 'unitPrice' | 'unitCost'
>;

/**
 * The snapshot with billsync's own writes on the days the PSA's rows do not reach yet (a line's
 * `unitsReadUntil`): Autotask with rows only up to the current period shows neither an adjustment dated in a coming
 * period nor a line that one creates, so the check after writing would see the old state (or 0 units) and the next
 * plan would write the same change again: a double charge. From that day on the line is its last state read (0
 * units for a line without rows) plus every adjustment billsync wrote to it from then, in the order written. What
 * others change there stays unknown until the rows come (the next period's sync reads them). A write without a line
 * id (the one that created the line) is taken for the contract's only line of that product. Pure.
 */
export function withOwnWrites(snapshot: TargetSnapshot, own: readonly OwnAdjustment[]): TargetSnapshot {
  const open = snapshot.contractLines.filter((l) => l.unitsReadUntil !== undefined);
  if (open.length === 0 || own.length === 0) return snapshot;
  const lineCount = new Map<string, number>();
  for (const l of snapshot.contractLines) {
    const k = `${l.contractId}|${l.productId}`;
    lineCount.set(k, (lineCount.get(k) ?? 0) + 1);
  }
  const ownOf = groupBy(own, (a) => `${a.contractId}|${a.productId}`);
  const segmentsOf = groupBy(snapshot.unitSegments, (s) => s.contractLineId);
  const replaced = new Map<string, TargetUnitSegment[]>();
  for (const line of open) {
    const from = line.unitsReadUntil as PlainDate;
    const key = `${line.contractId}|${line.productId}`;
    const only = lineCount.get(key) === 1;
    const mine = (ownOf.get(key) ?? []).filter(
      (a) =>
        (a.contractLineId === line.id || (a.contractLineId === undefined && only)) && a.effectiveDate >= from,
    );
    if (mine.length === 0) continue;
    replaced.set(line.id, extend(snapshot, line, segmentsOf.get(line.id) ?? [], from, mine));
  }
  if (replaced.size === 0) return snapshot;
  // In the snapshot's order: a line's new segments where its first one was, a line without rows at the end.
  const unitSegments: TargetUnitSegment[] = [];
  const placed = new Set<string>();
  for (const s of snapshot.unitSegments) {
    const mine = replaced.get(s.contractLineId);
    if (!mine) unitSegments.push(s);
    else if (!placed.has(s.contractLineId)) {
      placed.add(s.contractLineId);
      unitSegments.push(...mine);
    }
  }
  for (const [id, mine] of replaced) if (!placed.has(id)) unitSegments.push(...mine);
  return { ...snapshot, unitSegments };
}

/** The line's segments: those read before `from`, then the carried state with `mine` applied in order. */
function extend(
  snapshot: TargetSnapshot,
  line: TargetContractLine,
  lineSegments: readonly TargetUnitSegment[],
  from: PlainDate,
  mine: readonly OwnAdjustment[],
): TargetUnitSegment[] {
  const segments = [...lineSegments].sort((a, b) => (a.start < b.start ? -1 : 1));
  const read = segments.filter((s) => s.start < from).map((s) => (s.end > from ? { ...s, end: from } : s));
  const carried = segments.find((s) => s.start <= from && from < s.end) ?? read.at(-1);
  const contract = snapshot.contracts.find((c) => c.id === line.contractId);
  const end =
    carried && carried.end > from
      ? carried.end
      : contract?.endDate !== undefined
        ? addDays(contract.endDate, 1)
        : FOREVER;
  let state = carried
    ? { units: carried.units, price: carried.price, cost: carried.cost }
    : { units: ZERO, price: line.unitPrice, cost: line.unitCost };
  const base = {
    contractLineId: line.id,
    contractId: line.contractId,
    productId: line.productId,
    posted: false,
  };
  const out: TargetUnitSegment[] = [];
  let day = from;
  // A line without rows starts with the first write (the one that created it).
  let started = carried !== undefined;
  const days = [...new Set(mine.map((a) => a.effectiveDate))].sort().filter((d) => d < end);
  for (const d of days) {
    if (started && d > day) out.push({ ...base, start: day, end: d, ...state });
    for (const a of mine.filter((x) => x.effectiveDate === d)) {
      state = {
        units: state.units.plus(a.unitChange),
        price: a.unitPrice ?? state.price,
        cost: a.unitCost ?? state.cost,
      };
    }
    day = d;
    started = true;
  }
  if (started && day < end) out.push({ ...base, start: day, end, ...state });
  return [...read, ...out];
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
