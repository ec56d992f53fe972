import { isDate } from '../../kit';
import { ruleError } from '../http/errors';
import type { FieldMeta } from '../metadata/types';

const INTEGER_TYPES = new Set(['integer', 'long', 'short']);
const NUMBER_TYPES = new Set(['decimal', 'double']);

/** A date-only value (`2026-09-01`, `2026-09-01T00:00:00Z`, `2026-09-01T00:00:00.000`) -> `2026-09-01`. */
export function parseDateOnly(value: string): string | undefined {
  const d = value.slice(0, 10);
  return /^\d{4}-\d{2}-\d{2}/.test(value) && isDate(d) ? d : undefined;
}

/**
 * Coerces a client-supplied value to the field's type, or throws the 500 error a client would get.
 * Numbers may come as numeric strings (Autotask accepts both); booleans must be JSON true/false [DOC].
 * Error texts here are the emulator's wording (UNVERIFIED).
 */
export function coerceValue(f: FieldMeta, raw: unknown): unknown {
  if (raw === null || raw === undefined) {
    if (f.dataType === 'boolean') throw ruleError(`${f.name}: Value must be true or false.`);
    return null;
  }
  if (f.dataType === 'string') {
    const s = typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : undefined;
    if (s === undefined) throw ruleError(`${f.name}: Value is not a valid string.`);
    if (f.length && s.length > f.length) {
      throw ruleError(`${f.name}: Value exceeds the maximum length of ${f.length} characters.`);
    }
    return s;
  }
  if (INTEGER_TYPES.has(f.dataType) || NUMBER_TYPES.has(f.dataType)) {
    const n =
      typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
    if (!Number.isFinite(n) || (INTEGER_TYPES.has(f.dataType) && !Number.isInteger(n))) {
      throw ruleError(`${f.name}: Value '${String(raw)}' is not a valid ${f.dataType}.`);
    }
    return n;
  }
  if (f.dataType === 'boolean') {
    if (typeof raw !== 'boolean') throw ruleError(`${f.name}: Value must be true or false.`);
    return raw;
  }
  // datetime
  if (typeof raw !== 'string') throw ruleError(`${f.name}: Value '${String(raw)}' is not a valid datetime.`);
  if (f.dateOnly) {
    const d = parseDateOnly(raw);
    if (!d) throw ruleError(`${f.name}: Value '${raw}' is not a valid datetime.`);
    return d;
  }
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw ruleError(`${f.name}: Value '${raw}' is not a valid datetime.`);
  return new Date(ms).toISOString();
}

/** Stored value -> wire value: date-only fields go out as `YYYY-MM-DDT00:00:00Z` (UTC, as Autotask returns). */
export function toWireValue(f: FieldMeta, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (f.dataType === 'datetime' && f.dateOnly && typeof value === 'string')
    return `${value.slice(0, 10)}T00:00:00Z`;
  return value;
}
