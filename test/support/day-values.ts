import { addDays, parsePlainDate } from '../../src/core/time/plain-date';

/** Every day from `from` to `to`, both included (YYYY-MM-DD). */
export function eachDay(from: string, to: string): string[] {
  const out: string[] = [];
  for (let day = from; day <= to; day = addDays(parsePlainDate(day), 1)) out.push(day);
  return out;
}

/** Runs of consecutive days with one value (`2025-12-05..2025-12-19: 2, ...`), for readable failure messages. */
export function dayRuns(values: readonly (readonly [string, number | string])[]): string {
  const out: string[] = [];
  let start = '';
  let prev = '';
  let v: number | string | undefined;
  for (const [day, n] of values) {
    if (n !== v) {
      if (v !== undefined) out.push(`${start}..${prev}: ${v}`);
      start = day;
      v = n;
    }
    prev = day;
  }
  if (v !== undefined) out.push(`${start}..${prev}: ${v}`);
  return out.join(', ');
}
