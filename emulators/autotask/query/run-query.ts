import type { EntityMeta } from '../metadata/types';
import { contractServiceView } from '../rules/contract-services';
import type { EmulatorCtx, Row, StoredEntity, Table } from '../store/state';
import { toWire } from '../store/wire';
import { allUnitRows, unitRowsOf } from '../units/derive-units';
import { matchesAll } from './filter';
import { type PageLinks, type PageToken, paginate } from './paging';
import type { Condition, QueryModel } from './query-model';

const byId = (a: Row, b: Row) => a.id - b.id;
const INTEGER = new Set(['integer', 'long', 'short']);

/**
 * The numbers a top-level `eq`/`in` condition on the integer field `field` allows, or undefined when there is
 * none (or a value is not plainly a number: those rows are left to the filter, with its errors).
 */
function allowedValues(filter: readonly Condition[], field: string): number[] | undefined {
  for (const c of filter) {
    if (c.kind !== 'field' || c.field.name !== field || !INTEGER.has(c.field.dataType)) continue;
    if (c.op !== 'eq' && c.op !== 'in') continue;
    const values = c.op === 'in' ? (c.value as unknown[]) : [c.value];
    const numbers = values.map((v) =>
      typeof v === 'number' || (typeof v === 'string' && v.trim() !== '') ? Number(v) : Number.NaN,
    );
    if (numbers.every(Number.isFinite)) return [...new Set(numbers)];
  }
  return undefined;
}

/** Rows of `table` whose `field` is one of `values`, in id order. */
function rowsIn(table: Table, field: string, values: readonly number[]): Row[] {
  const rows =
    field === 'id'
      ? values.map((v) => table.get(v)).filter((r): r is Row => r !== undefined)
      : values.flatMap((v) => table.where(field, v));
  return rows.sort(byId);
}

/**
 * The rows a query has to look at, ordered by id (UNVERIFIED: implied by the id-loop advice): a superset of its
 * matches. A top-level `eq`/`in` on `id`,
 * `contractID` or `contractServiceID` narrows them through the table's indexes (the filter still decides), so
 * reading a few contracts of a large tenant does not derive every unit row.
 */
function candidates(ctx: EmulatorCtx, meta: EntityMeta, filter: readonly Condition[]): readonly Row[] {
  const tables = ctx.state.tables;
  if (meta.name === 'ContractServiceUnits') {
    const lines = allowedValues(filter, 'contractServiceID');
    const contracts = allowedValues(filter, 'contractID');
    if (!lines && !contracts) return allUnitRows(ctx);
    const services = lines
      ? rowsIn(tables.ContractServices, 'id', lines)
      : rowsIn(tables.ContractServices, 'contractID', contracts ?? []);
    return services.flatMap((cs) => unitRowsOf(ctx, cs)).sort(byId);
  }
  const table = tables[meta.name as StoredEntity];
  let rows: readonly Row[] | undefined;
  for (const field of ['id', 'contractID', 'contractServiceID']) {
    const values = allowedValues(filter, field);
    if (values) {
      rows = rowsIn(table, field, values);
      break;
    }
  }
  rows ??= table.inIdOrder();
  return meta.name === 'ContractServices' ? rows.map((r) => contractServiceView(ctx, r)) : rows;
}

/** One row by id as queries see it, or undefined. */
export function rowById(ctx: EmulatorCtx, meta: EntityMeta, id: number): Row | undefined {
  if (meta.name === 'ContractServiceUnits') return allUnitRows(ctx).find((r) => r.id === id);
  const row = ctx.state.tables[meta.name as StoredEntity].get(id);
  return row && meta.name === 'ContractServices' ? contractServiceView(ctx, row) : row;
}

export function runQuery(
  ctx: EmulatorCtx,
  meta: EntityMeta,
  model: QueryModel,
  token: PageToken | undefined,
  links: PageLinks,
) {
  const matched = candidates(ctx, meta, model.filter).filter((r) => matchesAll(model.filter, r));
  const page = paginate(matched, token?.pageSize ?? model.maxRecords, token, links);
  return {
    items: page.items.map((r) => toWire(meta, r, model.includeFields)),
    pageDetails: page.pageDetails,
  };
}

export function runCount(ctx: EmulatorCtx, meta: EntityMeta, model: QueryModel) {
  return {
    queryCount: candidates(ctx, meta, model.filter).filter((r) => matchesAll(model.filter, r)).length,
  };
}
