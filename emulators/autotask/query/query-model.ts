import { MESSAGES, ruleError } from '../http/errors';
import { findVisibleField } from '../metadata/registry';
import type { EntityMeta, FieldMeta } from '../metadata/types';

export type Operator =
  | 'eq'
  | 'noteq'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'beginsWith'
  | 'endsWith'
  | 'contains'
  | 'exist'
  | 'notExist'
  | 'in'
  | 'notIn';

const OPERATORS: readonly Operator[] = [
  'eq',
  'noteq',
  'gt',
  'gte',
  'lt',
  'lte',
  'beginsWith',
  'endsWith',
  'contains',
  'exist',
  'notExist',
  'in',
  'notIn',
];

export type Condition =
  | { kind: 'field'; op: Operator; field: FieldMeta; value: unknown }
  | { kind: 'udf'; op: Operator; name: string; value: unknown }
  | { kind: 'group'; op: 'and' | 'or'; items: Condition[] };

export interface QueryModel {
  filter: Condition[];
  maxRecords: number;
  /** Canonical field names to return; undefined = all. */
  includeFields?: string[];
}

/** A body property by case-insensitive name (`MaxRecords`, `maxRecords`, `filter`, `Filter`, ...). */
function prop(obj: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : obj[key];
}

interface Counters {
  udf: number;
  or: number;
}

function parseCondition(meta: EntityMeta, raw: unknown, counters: Counters): Condition {
  if (!raw || typeof raw !== 'object') throw ruleError('Invalid filter: each filter item must be an object.');
  const item = raw as Record<string, unknown>;
  const opRaw = String(prop(item, 'op') ?? '');
  const opLower = opRaw.toLowerCase();
  if (opLower === 'and' || opLower === 'or') {
    const items = prop(item, 'items');
    if (!Array.isArray(items) || items.length === 0)
      throw ruleError(`Invalid filter: '${opRaw}' needs items.`);
    if (opLower === 'or') counters.or += items.length;
    return { kind: 'group', op: opLower, items: items.map((i) => parseCondition(meta, i, counters)) };
  }
  const op = OPERATORS.find((o) => o.toLowerCase() === opLower);
  if (!op) throw ruleError(`Invalid filter operator '${opRaw}'.`);
  const fieldName = String(prop(item, 'field') ?? '');
  const value = prop(item, 'value');
  if ((op === 'in' || op === 'notIn') && !Array.isArray(value)) {
    throw ruleError(`Invalid filter: the '${op}' operator needs an array value.`);
  }
  if ((op === 'in' || op === 'notIn') && (value as unknown[]).length > 500) {
    throw ruleError(MESSAGES.tooManyValues(op));
  }
  if (prop(item, 'udf') === true) {
    // "You can only query by one user-defined field at a time" [DOC].
    if (++counters.udf > 1) throw ruleError('Only one user-defined field can be queried at a time.');
    return { kind: 'udf', op, name: fieldName, value };
  }
  const field = findVisibleField(meta, fieldName);
  if (!field) throw ruleError(`Unable to find ${fieldName} in the ${meta.name} entity.`);
  if (field.isQueryable === false) throw ruleError(`The field ${field.name} cannot be queried.`);
  return { kind: 'field', op, field, value };
}

/**
 * Parses a QueryModel body. Property names are case-insensitive; `filter` must be non-empty (to list all, use
 * `{"op":"gte","field":"id","value":0}`); MaxRecords 1..500, default 500. Error texts are the emulator's
 * except the OR limit [DOC].
 */
export function parseQuery(meta: EntityMeta, body: unknown): QueryModel {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw ruleError('A query object is required.');
  const obj = body as Record<string, unknown>;
  const filter = prop(obj, 'filter');
  if (!Array.isArray(filter) || filter.length === 0) {
    throw ruleError('A filter is required. To list all records use {"op":"gte","field":"id","value":0}.');
  }
  const counters: Counters = { udf: 0, or: 0 };
  const conditions = filter.map((c) => parseCondition(meta, c, counters));
  if (counters.or > 500) throw ruleError(MESSAGES.tooManyOr);
  const maxRaw = prop(obj, 'MaxRecords');
  const maxRecords = maxRaw === undefined || maxRaw === null ? 500 : Number(maxRaw);
  if (!Number.isInteger(maxRecords) || maxRecords < 1 || maxRecords > 500) {
    throw ruleError('MaxRecords must be between 1 and 500.');
  }
  const includeRaw = prop(obj, 'IncludeFields');
  const model: QueryModel = { filter: conditions, maxRecords };
  if (Array.isArray(includeRaw) && includeRaw.length > 0) {
    // Unknown names are skipped (UNVERIFIED).
    model.includeFields = includeRaw
      .map((n) => findVisibleField(meta, String(n))?.name)
      .filter((n): n is string => n !== undefined);
  }
  return model;
}
