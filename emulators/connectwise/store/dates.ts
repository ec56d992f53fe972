/**
 * Date-times on the wire are `yyyy-MM-ddTHH:mm:ssZ`: UTC, no milliseconds (§3.8). Date-only business fields
 * (effectiveDate, cancelledDate, startDate, endDate...) are kept and answered as midnight UTC (INFERRED).
 */
const STRICT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const ZONED = /(Z|[+-]\d{2}:?\d{2})$/i;

/** `Date` -> `2026-03-15T09:00:00Z`. */
export function formatInstant(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/**
 * A client's date-time string as epoch ms, or undefined when it is not one. `strict` accepts only the
 * documented form; lenient accepts any ISO-8601 form (date-only and zone-less ones read as UTC).
 */
export function parseWireInstant(value: string, strict: boolean): number | undefined {
  if (strict && !STRICT.test(value)) return undefined;
  let text = value;
  if (DATE_ONLY.test(text)) text = `${text}T00:00:00Z`;
  else if (/^\d{4}-\d{2}-\d{2}T/.test(text) && !ZONED.test(text)) text = `${text}Z`;
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  // Reject rolled-over dates (2026-02-30) that Date.parse would accept.
  return new Date(ms).toISOString().slice(0, 10) === text.slice(0, 10) ? ms : undefined;
}

/** The UTC calendar date (`YYYY-MM-DD`) of a stored date or date-time. */
export function dayOf(iso: string): string {
  return iso.slice(0, 10);
}

/** `YYYY-MM-DD` -> `YYYY-MM-DDT00:00:00Z`. */
export function midnight(date: string): string {
  return `${date.slice(0, 10)}T00:00:00Z`;
}
