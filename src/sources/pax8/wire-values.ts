import { IntegrationError } from '../../core/integration-error';
import { type Decimal, tryParseDecimal } from '../../core/money';
import { type PlainDate, tryParsePlainDate } from '../../core/time';

export const VENDOR = 'pax8';

export function protocol(message: string): IntegrationError {
  return new IntegrationError({ kind: 'protocol', vendor: VENDOR, message });
}

/**
 * Parses JSON keeping every number as its exact text: Pax8 amounts carry up to 3 decimals (pax8-api.md 1.8) and
 * `JSON.parse` would turn them into binary floats before billsync sees them. Number tokens occur only outside
 * strings, so quoting them first is safe.
 */
export function parseJsonLossless(text: string): unknown {
  const quoted = text.replace(/"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g, (token) =>
    token.startsWith('"') ? token : `"${token}"`,
  );
  return JSON.parse(quoted);
}

/**
 * A Pax8 number (JSON number, or its text after lossless parsing, or a decimal string) as an exact decimal. A JS
 * number is read through its shortest text, which is the decimal Pax8 wrote for anything up to 15 digits.
 */
export function wireDecimal(value: string | number | null | undefined, what: string): Decimal {
  if (value === null || value === undefined) throw protocol(`${what}: missing`);
  const text = typeof value === 'number' ? String(value) : value;
  const scientific = /^-?\d+(\.\d+)?[eE][+-]?\d+$/.test(text.trim());
  const parsed = scientific ? tryParseDecimal(Number(text).toFixed(10)) : tryParseDecimal(text);
  if (!parsed) throw protocol(`${what}: not a number: ${JSON.stringify(value)}`);
  return parsed;
}

/** Like wireDecimal, but absent/null/'' -> undefined. */
export function optionalDecimal(
  value: string | number | null | undefined,
  what: string,
): Decimal | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  return wireDecimal(value, what);
}

/**
 * Pax8 dates come in every form (pax8-api.md 1.7): `2021-01-01`, `2021-01-01T08:30:00Z`,
 * `2020-12-01T13:20:13.153-0700` (offset without colon), `2000-10-31T01:30:00.000-05:00`. billsync reads the
 * calendar date as written (the local date of the offset given), like the Partner Center dates: a billing date
 * is a day, not an instant.
 */
const DATE_TEXT = /^(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

export function tryWireDate(value: string | null | undefined): PlainDate | undefined {
  if (typeof value !== 'string') return undefined;
  const m = DATE_TEXT.exec(value.trim());
  return m ? tryParsePlainDate(m[1]!) : undefined;
}

export function wireDate(value: string | null | undefined, what: string): PlainDate {
  const d = tryWireDate(value);
  if (!d) throw protocol(`${what}: not a date: ${JSON.stringify(value)}`);
  return d;
}

/** A GUID lower-cased, or undefined when the text is not one. */
export function normalizeGuid(value: string | null | undefined): string | undefined {
  const t = (value ?? '').trim().toLowerCase();
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(t) ? t : undefined;
}
