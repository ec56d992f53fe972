import { pathOf } from '../../kit';
import { findChild, findEntity } from '../metadata/registry';
import type { EntityMeta } from '../metadata/types';

export type ApiRoute =
  | { kind: 'version' }
  | { kind: 'zone' }
  | { kind: 'threshold' }
  | { kind: 'root'; meta: EntityMeta }
  | { kind: 'query' | 'count' | 'next' | 'info' | 'fields' | 'udfs'; meta: EntityMeta }
  | { kind: 'byId'; meta: EntityMeta; id: number }
  | { kind: 'child'; meta: EntityMeta; parent: EntityMeta; parentId: number }
  | { kind: 'childById'; meta: EntityMeta; parent: EntityMeta; parentId: number; id: number }
  | { kind: 'notFound' };

const SUFFIX: Record<string, 'query' | 'info'> = { query: 'query', entityinformation: 'info' };
const NESTED: Record<string, 'count' | 'next' | 'fields' | 'udfs'> = {
  'query/count': 'count',
  'query/next': 'next',
  'entityinformation/fields': 'fields',
  'entityinformation/userdefinedfields': 'udfs',
};

const asId = (s: string | undefined) => (s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined);

/** Resolves a URL under `/atservicesrest` (any letter case, as clients mix `ATServicesRest/V1.0` and `atservicesrest/v1.0`). */
export function matchRoute(url: string): ApiRoute {
  const segs = pathOf(url)
    .split('/')
    .filter((s) => s !== '');
  const lower = segs.map((s) => s.toLowerCase());
  if (lower[0] !== 'atservicesrest') return { kind: 'notFound' };
  if (lower.length === 2 && lower[1] === 'versioninformation') return { kind: 'version' };
  if (lower[1] !== 'v1.0' || segs.length < 3) return { kind: 'notFound' };
  const rest = segs.slice(2);
  const restLower = lower.slice(2);
  if (rest.length === 1 && restLower[0] === 'zoneinformation') return { kind: 'zone' };
  if (rest.length === 1 && restLower[0] === 'thresholdinformation') return { kind: 'threshold' };
  const meta = findEntity(rest[0] as string);
  if (!meta) return { kind: 'notFound' };
  if (rest.length === 1) return { kind: 'root', meta };
  const second = restLower[1] as string;
  if (rest.length === 2) {
    const suffix = SUFFIX[second];
    if (suffix) return { kind: suffix, meta };
    const id = asId(second);
    return id === undefined ? { kind: 'notFound' } : { kind: 'byId', meta, id };
  }
  if (rest.length === 3) {
    const nested = NESTED[`${second}/${restLower[2]}`];
    if (nested) return { kind: nested, meta };
  }
  const parentId = asId(second);
  const child = findChild(meta, rest[2] as string);
  if (parentId === undefined || !child || rest.length > 4) return { kind: 'notFound' };
  if (rest.length === 3) return { kind: 'child', meta: child, parent: meta, parentId };
  const id = asId(rest[3]);
  return id === undefined
    ? { kind: 'notFound' }
    : { kind: 'childById', meta: child, parent: meta, parentId, id };
}

/** Normalised route key for the request log: `/V1.0/Companies/query`, `/V1.0/Contracts/{id}/ServiceAdjustments`. */
export function routeKey(route: ApiRoute, url: string): string {
  switch (route.kind) {
    case 'version':
      return '/versioninformation';
    case 'zone':
      return '/V1.0/zoneInformation';
    case 'threshold':
      return '/V1.0/ThresholdInformation';
    case 'root':
      return `/V1.0/${route.meta.name}`;
    case 'query':
      return `/V1.0/${route.meta.name}/query`;
    case 'count':
      return `/V1.0/${route.meta.name}/query/count`;
    case 'next':
      return `/V1.0/${route.meta.name}/query/next`;
    case 'info':
      return `/V1.0/${route.meta.name}/entityInformation`;
    case 'fields':
      return `/V1.0/${route.meta.name}/entityInformation/fields`;
    case 'udfs':
      return `/V1.0/${route.meta.name}/entityInformation/userDefinedFields`;
    case 'byId':
      return `/V1.0/${route.meta.name}/{id}`;
    case 'child':
      return `/V1.0/${route.parent.name}/{id}/${route.meta.child?.segment}`;
    case 'childById':
      return `/V1.0/${route.parent.name}/{id}/${route.meta.child?.segment}/{id}`;
    default:
      return pathOf(url);
  }
}
