import { parseListParams } from '../query/params';
import { runCount, runList } from '../query/run-list';
import { compileFields } from '../query/shape';
import { resourceOf } from '../schema/registry';
import type { ResourceDef } from '../schema/types';
import type { ApiMember, EmulatorCtx, Row } from '../store/state';
import { toWire, type WireOptions } from '../store/wire';
import { createRow, deleteRow, patchRow, putRow } from '../writes/writer';
import { methodNotAllowed, notFound } from './errors';
import type { ApiRoute } from './router';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ResourceCall {
  route: Extract<ApiRoute, { kind: 'collection' | 'count' | 'item' }>;
  method: string;
  body: unknown;
  rawQuery: string;
  forwardOnly: boolean;
  /** `https://host:port/codebase/apis/3.0/...` as called (no query), for `Link`. */
  selfUrl: string;
  wire: WireOptions;
  member: ApiMember;
}

/** The rows a call may see: an addition list is its agreement's (404 when that agreement does not exist). */
function scope(ctx: EmulatorCtx, resource: ResourceDef, parentId: number | undefined): Row[] {
  if (parentId === undefined || !resource.parentField || !resource.parentTable)
    return [...ctx.state.tables[resource.key].values()];
  checkParent(ctx, resource, parentId);
  const table = ctx.state.tables[resource.key];
  const parentField = resource.parentField;
  return table.byField(parentField, parentId);
}

/** 404 when a child route's parent (an addition's agreement) does not exist. */
function checkParent(ctx: EmulatorCtx, resource: ResourceDef, parentId: number): void {
  if (resource.parentTable && !ctx.state.tables[resource.parentTable].has(parentId))
    throw notFound(resourceOf(resource.parentTable).resourceName, parentId);
}

/** Every resource route: lists, `/count`, single records and the writes (§3.1 status codes). */
export function handleResource(ctx: EmulatorCtx, call: ResourceCall): Reply {
  const { route, method } = call;
  const resource = route.resource;
  const rows = route.kind === 'item' ? [] : scope(ctx, resource, route.parentId);
  const params = parseListParams(call.rawQuery);
  const wire = (row: Row) => toWire(ctx, resource, row, call.wire);
  const actor = call.member.identifier;
  switch (route.kind) {
    case 'count':
      if (method !== 'GET') throw methodNotAllowed(method);
      return { status: 200, body: runCount(ctx, resource, rows, params) };
    case 'collection': {
      if (method === 'POST') {
        const parent = route.parentId !== undefined ? { parentId: route.parentId } : {};
        return { status: 201, body: wire(createRow(ctx, resource, call.body, { actor, ...parent })) };
      }
      if (method !== 'GET') throw methodNotAllowed(method);
      const list = runList(ctx, resource, rows, {
        params,
        forwardOnly: call.forwardOnly,
        selfUrl: call.selfUrl,
        wire: call.wire,
      });
      return {
        status: 200,
        body: list.body,
        ...(list.link !== undefined ? { headers: { Link: list.link } } : {}),
      };
    }
    case 'item': {
      // One row by id (no scan): under its parent when the route has one, as the list would hold it.
      const found = ctx.state.tables[resource.key].get(route.id);
      const parentField = resource.parentField;
      if (route.parentId !== undefined && parentField) checkParent(ctx, resource, route.parentId);
      const under = route.parentId === undefined || !parentField || found?.[parentField] === route.parentId;
      const row = found && under ? found : undefined;
      if (!row) throw notFound(resource.resourceName, route.id);
      switch (method) {
        case 'GET': {
          const body = wire(row);
          return {
            status: 200,
            body: params.fields ? compileFields(resource, call.wire.version, params.fields)(body) : body,
          };
        }
        case 'PUT':
          return { status: 200, body: wire(putRow(ctx, resource, row, call.body, actor)) };
        case 'PATCH':
          return { status: 200, body: wire(patchRow(ctx, resource, row, call.body, actor)) };
        case 'DELETE':
          deleteRow(ctx, resource, row, actor);
          return { status: 204 };
        default:
          throw methodNotAllowed(method);
      }
    }
  }
}
