import type { EntityMeta } from '../metadata/types';
import { contractServiceView } from '../rules/contract-services';
import { type EmulatorCtx, type Row, type StoredEntity, sortedRows } from '../store/state';
import { toWire } from '../store/wire';
import { allUnitRows } from '../units/derive-units';
import { matchesAll } from './filter';
import { type PageLinks, type PageToken, paginate } from './paging';
import type { QueryModel } from './query-model';

/** All rows of an entity as queries see them, ordered by id (UNVERIFIED: implied by the id-loop advice). */
export function rowsFor(ctx: EmulatorCtx, meta: EntityMeta): Row[] {
  if (meta.name === 'ContractServiceUnits') return allUnitRows(ctx);
  const rows = sortedRows(ctx.state, meta.name as StoredEntity);
  return meta.name === 'ContractServices' ? rows.map((r) => contractServiceView(ctx, r)) : rows;
}

export function runQuery(
  ctx: EmulatorCtx,
  meta: EntityMeta,
  model: QueryModel,
  token: PageToken | undefined,
  links: PageLinks,
) {
  const matched = rowsFor(ctx, meta).filter((r) => matchesAll(model.filter, r));
  const page = paginate(matched, token?.pageSize ?? model.maxRecords, token, links);
  return {
    items: page.items.map((r) => toWire(meta, r, model.includeFields)),
    pageDetails: page.pageDetails,
  };
}

export function runCount(ctx: EmulatorCtx, meta: EntityMeta, model: QueryModel) {
  return { queryCount: rowsFor(ctx, meta).filter((r) => matchesAll(model.filter, r)).length };
}
