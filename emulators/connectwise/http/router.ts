import { pathOf } from '../../kit';
import { RESOURCES } from '../schema/registry';
import type { ResourceDef } from '../schema/types';

export type ApiRoute =
  | { kind: 'companyinfo'; companyId: string }
  | { kind: 'systemInfo'; codebase: string }
  | { kind: 'collection' | 'count'; resource: ResourceDef; parentId?: number; codebase: string }
  | { kind: 'item'; resource: ResourceDef; parentId?: number; id: number; codebase: string }
  | { kind: 'notFound' };

/** The release-independent codebase every server answers under (§1.1). */
export const ROUTER_CODEBASE = 'v4_6_release';

const BY_DEPTH = [...RESOURCES].sort((a, b) => b.path.length - a.path.length);
const asId = (s: string | undefined) => (s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined);

function matchResource(
  segs: string[],
): { resource: ResourceDef; parentId?: number; rest: string[] } | undefined {
  for (const resource of BY_DEPTH) {
    if (segs.length < resource.path.length) continue;
    let parentId: number | undefined;
    const ok = resource.path.every((p, i) => {
      const seg = segs[i] as string;
      if (p === ':parentId') {
        parentId = asId(seg);
        return parentId !== undefined;
      }
      return p.toLowerCase() === seg.toLowerCase();
    });
    if (ok)
      return {
        resource,
        ...(parentId !== undefined ? { parentId } : {}),
        rest: segs.slice(resource.path.length),
      };
  }
  return undefined;
}

/**
 * Resolves a URL: `/login/companyinfo/{companyId}` (no codebase, §1.3), or `/{codebase}/apis/3.0/{resource...}`
 * under `v4_6_release` or the tenant's advertised codebase. Segments match in any letter case; empty segments
 * are skipped, so the double slash of the server's own links (`3.0//company/...`) resolves too.
 */
export function matchRoute(url: string, tenantCodebase: string): ApiRoute {
  const segs = pathOf(url)
    .split('/')
    .filter((s) => s !== '');
  const lower = segs.map((s) => s.toLowerCase());
  if (lower[0] === 'login' && lower[1] === 'companyinfo' && segs.length === 3) {
    return { kind: 'companyinfo', companyId: decodeURIComponent(segs[2] as string) };
  }
  const codebase = segs[0] ?? '';
  const known = [ROUTER_CODEBASE, tenantCodebase.replace(/\/$/, '')].map((c) => c.toLowerCase());
  if (!known.includes(codebase.toLowerCase()) || lower[1] !== 'apis' || lower[2] !== '3.0')
    return { kind: 'notFound' };
  const rest = segs.slice(3);
  if (rest.length === 2 && rest.join('/').toLowerCase() === 'system/info')
    return { kind: 'systemInfo', codebase };
  const hit = matchResource(rest);
  if (!hit) return { kind: 'notFound' };
  const base = {
    resource: hit.resource,
    codebase,
    ...(hit.parentId !== undefined ? { parentId: hit.parentId } : {}),
  };
  if (hit.rest.length === 0) return { kind: 'collection', ...base };
  if (hit.rest.length === 1 && hit.rest[0]?.toLowerCase() === 'count') return { kind: 'count', ...base };
  const id = hit.rest.length === 1 ? asId(hit.rest[0]) : undefined;
  return id === undefined ? { kind: 'notFound' } : { kind: 'item', ...base, id };
}

/** Normalised route for the request log: `/finance/agreements/{id}/additions/count`, `/login/companyinfo/{companyId}`. */
export function routeKey(route: ApiRoute, url: string): string {
  switch (route.kind) {
    case 'companyinfo':
      return '/login/companyinfo/{companyId}';
    case 'systemInfo':
      return '/system/info';
    case 'collection':
    case 'count':
    case 'item': {
      const base = `/${route.resource.path.map((p) => (p === ':parentId' ? '{id}' : p)).join('/')}`;
      return route.kind === 'collection' ? base : route.kind === 'count' ? `${base}/count` : `${base}/{id}`;
    }
    default:
      return pathOf(url);
  }
}
