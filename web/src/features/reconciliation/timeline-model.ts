import type { Timeline } from '../../api/types';

/**
 * The timeline's day ranges (`start` inclusive, `end` exclusive, YYYY-MM-DD) turned into what the step chart and
 * the table draw. Days are numbered from 1 Jan 1970 (UTC) so the chart's x axis is to scale.
 */

const DAY_MS = 86_400_000;
/** A point just after a day: where a line that ends on that day breaks (a step chart holds a value until the next point). */
const BREAK = 0.001;

export type DayRange = { start: string; end: string };
export type UnitRange = Timeline['invoice'][number];

export function dayNumber(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) / DAY_MS;
}

export function dayOf(n: number): string {
  return new Date(Math.floor(n + 1e-6) * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return dayOf(dayNumber(day) + n);
}

/** The range holding `day`, if any. */
export function rangeOn<R extends DayRange>(ranges: readonly R[], day: string): R | undefined {
  return ranges.find((r) => r.start <= day && day < r.end);
}

export interface ChartPoint {
  x: number;
  invoice: number | null;
  psa: number | null;
}

/**
 * The points of the two step lines: one at each day where either changes, holding the units from that day on. A
 * line that stops (no range after it) gets a closing point on its end day, then a break.
 */
export function chartPoints(t: Pick<Timeline, 'from' | 'until' | 'invoice' | 'psa'>): ChartPoint[] {
  const inside = (d: string) => d >= t.from && d <= t.until;
  const days = new Set([t.from, t.until]);
  for (const r of [...t.invoice, ...t.psa]) {
    if (inside(r.start)) days.add(r.start);
    if (inside(r.end)) days.add(r.end);
  }
  const units = (ranges: readonly UnitRange[], day: string) => {
    const r = rangeOn(ranges, day);
    return r ? Number(r.units) : null;
  };
  const closing = (ranges: readonly UnitRange[], day: string) => {
    const r = ranges.find((x) => x.end === day);
    return r ? Number(r.units) : null;
  };
  const points: ChartPoint[] = [];
  for (const day of [...days].sort()) {
    const invoice = units(t.invoice, day);
    const psa = units(t.psa, day);
    const x = dayNumber(day);
    const invoiceEnd = invoice === null ? closing(t.invoice, day) : null;
    const psaEnd = psa === null ? closing(t.psa, day) : null;
    points.push({ x, invoice: invoice ?? invoiceEnd, psa: psa ?? psaEnd });
    if (invoiceEnd !== null || psaEnd !== null) points.push({ x: x + BREAK, invoice, psa });
  }
  return points;
}

export interface Segment {
  start: string;
  /** Exclusive. */
  end: string;
  invoice: UnitRange | undefined;
  psa: UnitRange | undefined;
}

const same = (a: UnitRange | undefined, b: UnitRange | undefined) =>
  a?.units === b?.units && a?.price === b?.price && a?.cost === b?.cost;

/**
 * The days cut where the invoices or the PSA change: what each says (units, price, cost) on each stretch, adjacent
 * stretches that say the same merged; stretches where neither says anything left out.
 */
export function segments(t: Pick<Timeline, 'from' | 'until' | 'invoice' | 'psa'>): Segment[] {
  const days = new Set([t.from, t.until]);
  for (const r of [...t.invoice, ...t.psa]) {
    if (r.start > t.from && r.start < t.until) days.add(r.start);
    if (r.end > t.from && r.end < t.until) days.add(r.end);
  }
  const cuts = [...days].sort();
  const out: Segment[] = [];
  for (let i = 0; i + 1 < cuts.length; i += 1) {
    const start = cuts[i]!;
    const end = cuts[i + 1]!;
    const invoice = rangeOn(t.invoice, start);
    const psa = rangeOn(t.psa, start);
    if (!invoice && !psa) continue;
    const last = out.at(-1);
    if (last && last.end === start && same(last.invoice, invoice) && same(last.psa, psa)) last.end = end;
    else out.push({ start, end, invoice, psa });
  }
  return out;
}

/** Whether the PSA carries something other than the invoices on a stretch (units, price or cost). */
export function differs(s: Segment): boolean {
  if (!s.invoice || !s.psa) return true;
  const num = (v: string | null) => (v === null ? null : Number(v));
  return (
    num(s.invoice.units) !== num(s.psa.units) ||
    (s.invoice.price !== null && num(s.invoice.price) !== num(s.psa.price)) ||
    (s.invoice.cost !== null && num(s.invoice.cost) !== num(s.psa.cost))
  );
}
