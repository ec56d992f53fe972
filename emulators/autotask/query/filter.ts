import { ruleError } from '../http/errors';
import type { FieldMeta } from '../metadata/types';
import type { Row } from '../store/state';
import type { Condition, Operator } from './query-model';

type Scalar = number | string | boolean;

const NUMERIC = new Set(['integer', 'long', 'short', 'decimal', 'double']);

/** A comparable form of a value for a field: numbers, epoch ms for datetimes, lower-cased trimmed strings. */
function normalize(dataType: string, raw: unknown, what: string): Scalar | null {
  if (raw === null || raw === undefined) return null;
  if (NUMERIC.has(dataType)) {
    const n = typeof raw === 'number' ? raw : Number(raw);
    if (typeof raw === 'boolean' || Number.isNaN(n))
      throw ruleError(`Invalid value '${String(raw)}' for ${what}.`);
    return n;
  }
  if (dataType === 'boolean') {
    if (typeof raw === 'boolean') return raw;
    const s = String(raw).toLowerCase();
    if (s === 'true' || s === 'false') return s === 'true';
    throw ruleError(`Invalid value '${String(raw)}' for ${what}.`);
  }
  if (dataType === 'datetime') {
    const s = String(raw);
    const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s);
    if (Number.isNaN(ms)) throw ruleError(`Invalid value '${s}' for ${what}.`);
    return ms;
  }
  // SQL Server default collation: case-insensitive; trailing spaces do not count in comparisons (UNVERIFIED).
  return String(raw).toLowerCase().replace(/\s+$/, '');
}

function compare(
  op: Operator,
  actual: Scalar | null,
  expected: unknown,
  norm: (v: unknown) => Scalar | null,
) {
  if (op === 'exist') return actual !== null;
  if (op === 'notExist') return actual === null;
  // SQL semantics: a null never matches a comparison, not even noteq/notIn (UNVERIFIED).
  if (actual === null) return false;
  if (op === 'in' || op === 'notIn') {
    const hit = (expected as unknown[]).some((v) => norm(v) === actual);
    return op === 'in' ? hit : !hit;
  }
  if (op === 'beginsWith' || op === 'endsWith' || op === 'contains') {
    const a = String(actual).toLowerCase();
    const e = String(expected ?? '').toLowerCase();
    return op === 'beginsWith' ? a.startsWith(e) : op === 'endsWith' ? a.endsWith(e) : a.includes(e);
  }
  const e = norm(expected);
  if (e === null) return false;
  switch (op) {
    case 'eq':
      return actual === e;
    case 'noteq':
      return actual !== e;
    case 'gt':
      return actual > e;
    case 'gte':
      return actual >= e;
    case 'lt':
      return actual < e;
    default:
      return actual <= e;
  }
}

function fieldMatch(op: Operator, f: FieldMeta, row: Row, value: unknown): boolean {
  const norm = (v: unknown) => normalize(f.dataType, v, `field ${f.name}`);
  const raw = row[f.name];
  // String matching operators work on the text of the stored value.
  if (op === 'beginsWith' || op === 'endsWith' || op === 'contains') {
    return compare(op, raw === null || raw === undefined ? null : String(raw), value, norm);
  }
  return compare(op, norm(raw), value, norm);
}

/** UDF values are strings; compared as numbers when both sides are numeric. */
function udfMatch(op: Operator, name: string, row: Row, value: unknown): boolean {
  const udfs = (row.userDefinedFields as Array<{ name: string; value: string | null }> | undefined) ?? [];
  const raw = udfs.find((u) => u.name.toLowerCase() === name.toLowerCase())?.value ?? null;
  const numeric = raw !== null && raw.trim() !== '' && !Number.isNaN(Number(raw));
  const norm = (v: unknown) =>
    v === null || v === undefined
      ? null
      : numeric && !Number.isNaN(Number(v))
        ? Number(v)
        : normalize('string', v, name);
  return compare(op, norm(raw), value, norm);
}

export function matches(condition: Condition, row: Row): boolean {
  switch (condition.kind) {
    case 'group':
      return condition.op === 'and'
        ? condition.items.every((c) => matches(c, row))
        : condition.items.some((c) => matches(c, row));
    case 'udf':
      return udfMatch(condition.op, condition.name, row, condition.value);
    default:
      return fieldMatch(condition.op, condition.field, row, condition.value);
  }
}

/** Top-level filter items are ANDed [DOC]. */
export function matchesAll(filter: readonly Condition[], row: Row): boolean {
  return filter.every((c) => matches(c, row));
}
