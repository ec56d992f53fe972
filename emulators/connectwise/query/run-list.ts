import { badRequest } from '../http/errors';
import type { ResourceDef } from '../schema/types';
import type { EmulatorCtx, Row } from '../store/state';
import { toWire, viewRow, type WireOptions } from '../store/wire';
import { compileConditions } from './evaluate';
import { ConditionError } from './lexer';
import { type ListParams, linkQuery } from './params';
import { compileFields, compileOrderBy } from './shape';

export interface ListCall {
  params: ListParams;
  /** Request header `pagination-type: forward-only` (§2.5). */
  forwardOnly: boolean;
  /** `https://host/codebase/apis/3.0/path` as the client called it, for the `Link` header. */
  selfUrl: string;
  wire: WireOptions;
}

/** Rows matching conditions, childConditions and customFieldConditions (a parse error is a 400). */
export function filterRows(
  ctx: EmulatorCtx,
  resource: ResourceDef,
  rows: readonly Row[],
  params: ListParams,
): Row[] {
  const tests: Array<(row: Row) => boolean> = [];
  try {
    if (params.conditions) tests.push(compileConditions(ctx, resource, params.conditions, 'conditions'));
    if (params.childConditions) {
      tests.push(compileConditions(ctx, resource, params.childConditions, 'childConditions'));
    }
    if (params.customFieldConditions) {
      tests.push(compileConditions(ctx, resource, params.customFieldConditions, 'customFieldConditions'));
    }
  } catch (err) {
    if (err instanceof ConditionError) throw badRequest(err.message);
    throw err;
  }
  const views = rows.map((r) => viewRow(ctx, resource, r));
  return views.filter((v) => tests.every((t) => t(v)));
}

export interface ListResult {
  body: Record<string, unknown>[];
  /** The `Link` header value; '' = present but empty; undefined = no header. */
  link?: string;
}

/**
 * A list answer (§2.5): a bare array. Navigable paging (page, pageSize) sorts by orderBy (else id) and links
 * first/prev/next/last, leaving out those that do not exist; a page past the end is `[]`. Forward-only paging
 * sorts by id, starts after `pageId` and links the next `pageId` while rows remain.
 */
export function runList(
  ctx: EmulatorCtx,
  resource: ResourceDef,
  rows: readonly Row[],
  call: ListCall,
): ListResult {
  const { params } = call;
  if (call.forwardOnly && params.orderBy)
    throw badRequest('orderBy is not supported with forward-only pagination.');
  const project = params.fields ? compileFields(resource, call.wire.version, params.fields) : undefined;
  const matched = filterRows(ctx, resource, rows, params);
  const answer = (page: Row[]) =>
    page.map((view) => {
      const wire = toWire(ctx, resource, ctx.state.tables[resource.key].get(view.id) as Row, call.wire);
      return project ? project(wire) : wire;
    });
  const link = (rel: string, position: ['page' | 'pageId', number]) =>
    `<${call.selfUrl}?${linkQuery(params.pairs, position)}>; rel="${rel}"`;

  if (call.forwardOnly) {
    const after = params.pageId ?? 0;
    const rest = matched.filter((r) => r.id > after).sort((a, b) => a.id - b.id);
    const page = rest.slice(0, params.pageSize);
    const last = page.at(-1);
    if (last && rest.length > page.length)
      return { body: answer(page), link: link('next', ['pageId', last.id]) };
    return ctx.rules.forwardOnlyEnd === 'empty-link'
      ? { body: answer(page), link: '' }
      : { body: answer(page) };
  }

  if (params.orderBy) matched.sort(compileOrderBy(ctx, resource, params.orderBy));
  const { page, pageSize } = params;
  const pages = Math.ceil(matched.length / pageSize);
  const body = answer(matched.slice((page - 1) * pageSize, page * pageSize));
  const links: string[] = [];
  if (page > 1 && pages > 0)
    links.push(link('first', ['page', 1]), link('prev', ['page', Math.min(page - 1, pages)]));
  if (page < pages) links.push(link('next', ['page', page + 1]), link('last', ['page', pages]));
  return links.length > 0 ? { body, link: links.join(', ') } : { body };
}

/** `/count` (§2.6): `{"count": n}` with the same filters. */
export function runCount(ctx: EmulatorCtx, resource: ResourceDef, rows: readonly Row[], params: ListParams) {
  return { count: filterRows(ctx, resource, rows, params).length };
}
