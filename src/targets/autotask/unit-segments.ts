import type { TargetContract, TargetContractLine, TargetUnitSegment } from '../../core/ports/target';
import { addDays, type PlainDate } from '../../core/time/plain-date';

/**
 * The ContractServiceUnits rows of one contract line as what the PSA bills per day (port unit segments), right
 * under every plausible Autotask variant (§8.1, emulator README "Variants"):
 * - rows are read as segments by start date: a later row wins from its start, so a split row that ends ON the
 *   next adjustment's day (the SOAP page read literally) is not billed twice on that day; of two rows with the
 *   same start, the later one in `rows` (higher id) wins;
 * - rows may stop at the current period (how far ahead Autotask has rows is open): after the last row the line
 *   carries its last state to the contract end, as Autotask will bill it, never 0 units.
 * `contractEnd`: the contract's last day (inclusive), undefined when unknown (then nothing is carried).
 */
export function lineSegments(
  rows: readonly TargetUnitSegment[],
  contractEnd: PlainDate | undefined,
): TargetUnitSegment[] {
  const byStart = new Map<PlainDate, TargetUnitSegment>();
  for (const r of rows) byStart.set(r.start, r);
  const sorted = [...byStart.values()].sort((a, b) => (a.start < b.start ? -1 : 1));
  const out: TargetUnitSegment[] = [];
  sorted.forEach((row, i) => {
    const next = sorted[i + 1];
    const end = next && next.start < row.end ? next.start : row.end;
    if (row.start < end) out.push({ ...row, end });
  });
  const last = out.at(-1);
  const stop = contractEnd === undefined ? undefined : addDays(contractEnd, 1);
  if (last && stop !== undefined && last.end < stop)
    out.push({ ...last, start: last.end, end: stop, posted: false });
  return out;
}

/** Every line's segments (see `lineSegments`), the contracts' end dates given by contract id. */
export function billingSegments(
  rows: readonly TargetUnitSegment[],
  contractEnds: ReadonlyMap<string, PlainDate | undefined>,
): TargetUnitSegment[] {
  const byLine = new Map<string, TargetUnitSegment[]>();
  for (const r of rows) {
    const list = byLine.get(r.contractLineId) ?? [];
    list.push(r);
    byLine.set(r.contractLineId, list);
  }
  return [...byLine.values()].flatMap((list) => lineSegments(list, contractEnds.get(list[0]!.contractId)));
}

/**
 * The lines of the contracts read, each with the day its rows stop before the contract's end
 * (`unitsReadUntil`): with rows only up to the current period (`unitsHorizon: 'current-period'`, §8 Q7), a
 * change dated in a coming period is in no row yet, and a line that such a change creates has no row at all
 * (then: the contract's start). The engine adds billsync's own writes of those days from its journal.
 */
export function withUnitsReadUntil(
  lines: readonly TargetContractLine[],
  rows: readonly TargetUnitSegment[],
  contracts: ReadonlyMap<string, TargetContract>,
): TargetContractLine[] {
  const byLine = new Map<string, TargetUnitSegment[]>();
  for (const r of rows) {
    const list = byLine.get(r.contractLineId);
    if (list) list.push(r);
    else byLine.set(r.contractLineId, [r]);
  }
  return lines.map((l) => {
    const contract = contracts.get(l.contractId);
    if (!contract) return l;
    const mine = byLine.get(l.id);
    if (!mine) return { ...l, unitsReadUntil: contract.startDate };
    const last = lineSegments(mine, undefined).at(-1);
    if (!last || contract.endDate === undefined || last.end >= addDays(contract.endDate, 1)) return l;
    return { ...l, unitsReadUntil: last.end };
  });
}
