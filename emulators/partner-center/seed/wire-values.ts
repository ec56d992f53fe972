/**
 * Wire value helpers: turning the demo files' text cells into what the Partner Center API writes in JSON.
 * Decimals are kept as their exact text and written as raw JSON numbers (Json.NET serializes C# decimals in
 * full), so nothing is lost to binary floating point on the way.
 */

/** A JSON number written exactly as `text` (see `toWireJson`). */
export class RawNumber {
  constructor(readonly text: string) {}
  toJSON(): string {
    return `\u0000num:${this.text}`;
  }
}

/** JSON text in which every RawNumber appears as a bare number literal. */
export function toWireJson(value: unknown): string {
  return JSON.stringify(value).replace(/"\\u0000num:(-?\d+(?:\.\d+)?)"/g, '$1');
}

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** A decimal cell as a JSON number (an empty cell is 0, as the API never sends null amounts). */
export function wireDecimal(cell: string | undefined, where: string): RawNumber {
  const t = (cell ?? '').trim();
  if (t === '') return new RawNumber('0');
  if (!DECIMAL.test(t)) throw new Error(`${where}: not a decimal number: ${JSON.stringify(cell)}`);
  const unsigned = t.replace(/^\+/, '');
  const normal = unsigned.startsWith('.')
    ? `0${unsigned}`
    : unsigned.startsWith('-.')
      ? `-0${unsigned.slice(1)}`
      : unsigned;
  return new RawNumber(normal.endsWith('.') ? normal.slice(0, -1) : normal);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_STAMP = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([AaPp][Mm]))?)?$/;

const pad = (n: number | string) => String(n).padStart(2, '0');

/**
 * A date cell as the API writes dates: `2025-07-15T00:00:00Z` (the calendar date as written in the file; a time
 * of day is kept). Empty -> null.
 */
export function wireDate(cell: string | undefined, where: string): string | null {
  const t = (cell ?? '').trim();
  if (t === '') return null;
  if (ISO_DATE.test(t)) return `${t}T00:00:00Z`;
  const iso = ISO_STAMP.exec(t);
  if (iso) return `${iso[1]}T${iso[2]!.length === 5 ? `${iso[2]}:00` : iso[2]}Z`;
  const us = US.exec(t);
  if (us) {
    let hour = Number(us[4] ?? 0);
    const meridiem = us[7]?.toUpperCase();
    if (meridiem === 'PM' && hour < 12) hour += 12;
    if (meridiem === 'AM' && hour === 12) hour = 0;
    return `${us[3]}-${pad(us[1]!)}-${pad(us[2]!)}T${pad(hour)}:${pad(us[5] ?? 0)}:${pad(us[6] ?? 0)}Z`;
  }
  throw new Error(`${where}: not a date: ${JSON.stringify(cell)}`);
}

/** A list cell (`["AddOn"]`, `AddOn;Trial` or empty) as a JSON array of strings. */
export function wireList(cell: string | undefined): string[] {
  const t = (cell ?? '').trim();
  if (t === '') return [];
  if (t.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(t);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // fall through: not JSON, split below
    }
  }
  return t
    .split(/[;,]/)
    .map((s) => s.trim().replace(/^"|"$/g, ''))
    .filter((s) => s !== '');
}

/** PascalCase CSV header -> camelCase JSON name, with the acronym prefixes Microsoft lower-cases (`PCToBC...`). */
export function camelName(header: string): string {
  const h = header.replace(/\s+/g, '');
  if (/^PCToBC/.test(h)) return `pc${h.slice(2)}`;
  if (h === 'MPNID') return 'mpnId';
  if (/^[A-Z]{2,}$/.test(h)) return h.toLowerCase();
  return h.charAt(0).toLowerCase() + h.slice(1);
}

/** Sums decimal texts exactly (for invoice totals), returning decimal text. */
export function sumDecimals(values: readonly string[]): string {
  const SCALE = 10;
  let total = 0n;
  for (const v of values) {
    const t = v.trim();
    if (t === '' || !DECIMAL.test(t)) continue;
    const negative = t.startsWith('-');
    const [int = '0', frac = ''] = t.replace(/^[+-]/, '').split('.');
    const units = BigInt((int || '0') + frac.padEnd(SCALE, '0').slice(0, SCALE));
    total += negative ? -units : units;
  }
  const negative = total < 0n;
  const digits = (negative ? -total : total).toString().padStart(SCALE + 1, '0');
  const text = `${digits.slice(0, -SCALE)}.${digits.slice(-SCALE)}`.replace(/\.?0+$/, '');
  return `${negative ? '-' : ''}${text}`;
}
