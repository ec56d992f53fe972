import { entityFields, entityInformation } from '../metadata/registry';
import type { EntityMeta } from '../metadata/types';
import { type PageLinks, parsePageToken } from '../query/paging';
import { parseQuery } from '../query/query-model';
import { rowById, runCount, runQuery } from '../query/run-query';
import { executeDelete, executeWrite } from '../rules/writer';
import type { EmulatorCtx } from '../store/state';
import { toWire } from '../store/wire';
import type { Caller } from './auth';
import { AutotaskError, methodNotAllowed, notFoundItem } from './errors';
import type { ApiRoute } from './router';

export interface EntityRequest {
  route: Exclude<ApiRoute, { kind: 'version' | 'zone' | 'threshold' | 'notFound' }>;
  method: string;
  body: unknown;
  query: Record<string, string | undefined>;
  /** `http://host:port` as the client addressed us, for page URLs. */
  origin: string;
  caller: Caller;
}

function parseSearch(raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new AutotaskError(500, { errors: ['The search parameter is not valid JSON.'] });
  }
}

function writeBody(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new AutotaskError(400, { errors: ['The request body must be a JSON object.'] });
  }
  return body as Record<string, unknown>;
}

function getItem(ctx: EmulatorCtx, meta: EntityMeta, id: number, parentId?: number) {
  const row = rowById(ctx, meta, id);
  const field = meta.child?.parentField;
  if (!row || (parentId !== undefined && field && row[field] !== parentId)) throw notFoundItem();
  return { item: toWire(meta, row) };
}

/** `{Entity}/query`, `/query/count`, `/query/next`: POST with a body, or GET with `?search=`. */
function handleQuery(
  ctx: EmulatorCtx,
  req: EntityRequest,
  meta: EntityMeta,
  kind: 'query' | 'count' | 'next',
) {
  if (!meta.canQuery) throw methodNotAllowed(req.method);
  const isGet = req.method === 'GET';
  if (!isGet && req.method !== 'POST') throw methodNotAllowed(req.method);
  // A POST query's next page is POSTed again with the same body; GET there is 405 [OBS WYRE-AI PR #170].
  if (kind === 'next' && isGet && req.query.search === undefined) throw methodNotAllowed('GET');
  const model = parseQuery(meta, isGet ? parseSearch(req.query.search) : req.body);
  if (kind === 'count') return runCount(ctx, meta, model);
  const links: PageLinks = { origin: req.origin, entity: meta.name };
  if (isGet && req.query.search !== undefined) links.search = req.query.search;
  const token = kind === 'next' ? parsePageToken(req.query.paging) : undefined;
  if (kind === 'next' && !token)
    throw new AutotaskError(500, { errors: ['The paging parameter is not valid.'] });
  return runQuery(ctx, meta, model, token, links);
}

/**
 * Every per-entity route: metadata, reads, queries, writes, child deletes; 405 where the real API has no such
 * verb.
 */
export function handleEntityRequest(ctx: EmulatorCtx, req: EntityRequest): unknown {
  const { route, method } = req;
  const meta = route.meta;
  const write = (mode: 'create' | 'patch' | 'put', parentId?: number) =>
    executeWrite(ctx, {
      meta,
      mode,
      body: writeBody(req.body),
      actorResourceId: req.caller.actorResourceId,
      method,
      ...(parentId !== undefined ? { parentId } : {}),
    });
  const verbs: Record<string, 'create' | 'patch' | 'put'> = { POST: 'create', PATCH: 'patch', PUT: 'put' };
  switch (route.kind) {
    case 'info':
    case 'fields':
    case 'udfs':
      if (method !== 'GET') throw methodNotAllowed(method);
      // UDF definitions are not modelled: records may carry UDF values (seed), definitions come back empty.
      return route.kind === 'info'
        ? entityInformation(meta)
        : route.kind === 'fields'
          ? entityFields(meta)
          : { fields: [] };
    case 'query':
    case 'count':
    case 'next':
      return handleQuery(ctx, req, meta, route.kind);
    case 'root': {
      const mode = verbs[method];
      if (!mode) throw methodNotAllowed(method);
      return write(mode);
    }
    case 'byId':
      if (method !== 'GET' || !meta.canQuery) throw methodNotAllowed(method);
      return getItem(ctx, meta, route.id);
    case 'child': {
      if (method === 'GET') {
        if (!meta.canQuery) throw methodNotAllowed(method);
        const parentField = meta.child?.parentField as string;
        const search = JSON.stringify({ filter: [{ op: 'eq', field: parentField, value: route.parentId }] });
        return handleQuery(ctx, { ...req, query: { search } }, meta, 'query');
      }
      const mode = verbs[method];
      if (!mode) throw methodNotAllowed(method);
      return write(mode, route.parentId);
    }
    case 'childById':
      if (method === 'DELETE')
        return executeDelete(ctx, { meta, parentId: route.parentId, id: route.id, method });
      if (method !== 'GET' || !meta.canQuery) throw methodNotAllowed(method);
      return getItem(ctx, meta, route.id, route.parentId);
  }
}
