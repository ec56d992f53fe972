import { skuCode } from '../../core/model/source';
import { type Decimal, dec, decimalText } from '../../core/money/decimal';
import { addDays, type PlainDate, tryParsePlainDate } from '../../core/time/plain-date';

/**
 * ConnectWise wire quirks (docs/vendors/connectwise.md, reference §2-§5). Pure helpers: no I/O.
 */

/** §3.8: date-times go as `yyyy-MM-ddTHH:mm:ssZ` (no milliseconds); date-only fields are midnight UTC. */
export function toCwDate(day: PlainDate): string {
  return `${day}T00:00:00Z`;
}

/** The day of a ConnectWise date-time (date-only fields come back as midnight `Z`); null/absent = undefined. */
export function fromCwDate(value: unknown): PlainDate | undefined {
  if (typeof value !== 'string' || value.length < 10) return undefined;
  return tryParsePlainDate(value.slice(0, 10));
}

/** An exact decimal from a JSON number; null/absent stays undefined. */
export function jsonDecimal(value: unknown): Decimal | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return dec(numberText(value));
  if (typeof value === 'string' && value.trim() !== '') return dec(value);
  throw new RangeError(`not a number: ${JSON.stringify(value)}`);
}

/** The shortest decimal text of a double (JSON numbers are doubles), without exponent notation. */
function numberText(n: number): string {
  const text = String(n);
  if (!/e/i.test(text)) return text;
  return n.toFixed(20).replace(/\.?0+$/, '');
}

/** A decimal as a JSON number; a value a double cannot carry exactly is refused rather than changed. */
export function toJsonNumber(value: Decimal): number {
  const text = decimalText(value);
  const n = Number(text);
  if (!Number.isFinite(n) || !dec(numberText(n)).eq(value))
    throw new RangeError(`${text} cannot be sent exactly as a JSON number`);
  return n;
}

/** ConnectWise ids are int32 on the wire; the port carries them as strings. */
export function wireId(id: string, what: string): number {
  if (!/^\d{1,10}$/.test(id)) throw new RangeError(`${what} is not a ConnectWise id: ${JSON.stringify(id)}`);
  return Number(id);
}

export function idText(value: unknown): string {
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  throw new RangeError(`not a ConnectWise id: ${JSON.stringify(value)}`);
}

/** The id of a reference object (`{"id": 12, "name": ...}`), when there is one. */
export function refId(value: unknown): string | undefined {
  if (value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'number')
    return String((value as { id: number }).id);
  return undefined;
}

/** §2.2: a string literal in `conditions` (double quotes; a backslash escapes a quote or a backslash). */
export function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * §2.1: keep URLs under ~2,000 characters (the emulator's and IIS's default limit is 2,048 for the query).
 * `id in (...)` lists are cut into chunks whose condition text stays under `budget` characters (URL-encoded,
 * a digit and a comma are one character each, the spaces and parentheses three).
 */
export const CONDITION_BUDGET = 1500;

export function chunkIds(ids: readonly number[], budget = CONDITION_BUDGET): number[][] {
  const out: number[][] = [];
  let current: number[] = [];
  let length = 0;
  for (const id of ids) {
    const add = String(id).length + 1;
    if (current.length > 0 && length + add > budget) {
      out.push(current);
      current = [];
      length = 0;
    }
    current.push(id);
    length += add;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** Catalog `description` is 60 characters at most (§5.5); the whole title goes to `customerDescription`. */
export const CATALOG_DESCRIPTION_MAX = 60;

export function fitText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Markers in `serialNumber` (≤ 50 characters, printed, filterable; §4.5, §5.2), decision 0012:
 * `billsync:<YYYY-MM-DD>` on the line addition billsync started that day, `billsync-charge:<YYYY-MM>:<n>` on a
 * one-time charge of that month (the planner's identity: agreement, item, month, sequence).
 */
const LINE_MARKER = /^billsync:(\d{4}-\d{2}-\d{2})$/;
const CHARGE_MARKER = /^billsync-charge:(\d{4}-\d{2}-\d{2}):(\d{1,6})$/;

export function lineMarker(day: PlainDate): string {
  return `billsync:${day}`;
}

/** The charge marker keeps the charge's own day (its month is the identity; the day is for the label). */
export function chargeMarker(day: PlainDate, sequence: number): string {
  return `billsync-charge:${day}:${sequence}`;
}

export type Marker =
  | { kind: 'line'; day: PlainDate }
  | { kind: 'charge'; day: PlainDate; sequence: number }
  | undefined;

export function parseMarker(serial: unknown): Marker {
  if (typeof serial !== 'string') return undefined;
  const text = serial.trim();
  const line = LINE_MARKER.exec(text);
  if (line) {
    const day = tryParsePlainDate(line[1]!);
    return day ? { kind: 'line', day } : undefined;
  }
  const charge = CHARGE_MARKER.exec(text);
  if (charge) {
    const day = tryParsePlainDate(charge[1]!);
    return day ? { kind: 'charge', day, sequence: Number(charge[2]) } : undefined;
  }
  return undefined;
}

/** The SKU code of an offer key text (`ProductId|SkuId|Term|BillingPlan|...`, spec section 1). */
export function skuCodeOfKey(offerKey: string): string {
  const [productId, skuId, term, billingPlan] = offerKey.split('|');
  if (!productId || !skuId || !term || !billingPlan) throw new RangeError(`not an offer key: ${offerKey}`);
  return skuCode({ productId, skuId, term, billingPlan } as Parameters<typeof skuCode>[0]);
}

/** The day before (a cancelled date is the last billed day, inclusive). */
export function dayBefore(day: PlainDate): PlainDate {
  return addDays(day, -1);
}
