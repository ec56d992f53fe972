/**
 * Autotask's query model (§2.2): top-level conditions are ANDed, `and`/`or` groups nest, `in` takes a list.
 * Typed helpers keep filters readable: `[eq('contractType', 7), inList('id', ids)]`.
 */
export type Scalar = string | number | boolean;

export type ComparisonOp =
  | 'eq'
  | 'noteq'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'beginsWith'
  | 'endsWith'
  | 'contains';

export type Condition =
  | { op: ComparisonOp; field: string; value: Scalar }
  | { op: 'in' | 'notIn'; field: string; value: readonly Scalar[] }
  | { op: 'exist' | 'notExist'; field: string }
  | { op: 'and' | 'or'; items: readonly Condition[] };

export interface Query {
  filter: readonly Condition[];
  /** Columns to return; `id` is always added ("results over 500 rows must include Id", §2.3). */
  includeFields?: readonly string[];
  /** Page size, 1..500 (default 500, the maximum). */
  maxRecords?: number;
}

/** Page size and `in`-list chunk: at most 500 (§2.3; "500 or fewer OR conditions", §2.2). */
export const MAX_PAGE = 500;
export const IN_CHUNK = 500;

const cmp =
  (op: ComparisonOp) =>
  (field: string, value: Scalar): Condition => ({ op, field, value });

export const eq = cmp('eq');
export const noteq = cmp('noteq');
export const gt = cmp('gt');
export const gte = cmp('gte');
export const lt = cmp('lt');
export const lte = cmp('lte');
export const beginsWith = cmp('beginsWith');
export const contains = cmp('contains');

export function inList(field: string, values: readonly Scalar[]): Condition {
  if (values.length === 0)
    throw new RangeError(`in(${field}): an empty list matches nothing; skip the query`);
  if (values.length > IN_CHUNK) throw new RangeError(`in(${field}): at most ${IN_CHUNK} values; use chunk()`);
  return { op: 'in', field, value: values };
}

export const exist = (field: string): Condition => ({ op: 'exist', field });
export const notExist = (field: string): Condition => ({ op: 'notExist', field });
export const and = (...items: Condition[]): Condition => ({ op: 'and', items });
export const or = (...items: Condition[]): Condition => ({ op: 'or', items });

/** "An empty filter is not allowed": the documented way to list everything (§2.2). */
export const everything = (): Condition => gte('id', 0);

/** The JSON body of `POST /{Entity}/query` (and of its next pages). */
export function queryBody(query: Query): Record<string, unknown> {
  if (query.filter.length === 0) throw new RangeError('an Autotask query needs a filter (use everything())');
  const max = query.maxRecords ?? MAX_PAGE;
  if (!Number.isInteger(max) || max < 1 || max > MAX_PAGE) throw new RangeError(`MaxRecords must be 1..500`);
  const body: Record<string, unknown> = { MaxRecords: max, filter: query.filter };
  if (query.includeFields && query.includeFields.length > 0) {
    const fields = new Set(['id', ...query.includeFields]);
    body.IncludeFields = [...fields];
  }
  return body;
}

/** Distinct values in slices of at most `size` (for `in` filters). */
export function chunk<T>(values: readonly T[], size: number = IN_CHUNK): T[][] {
  const distinct = [...new Set(values)];
  const out: T[][] = [];
  for (let i = 0; i < distinct.length; i += size) out.push(distinct.slice(i, i + size));
  return out;
}
