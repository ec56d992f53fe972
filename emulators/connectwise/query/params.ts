import { badRequest } from '../http/errors';

/**
 * The common query parameters of every list, single and `/count` call (§2.1). Names are matched in any letter
 * case (ASP.NET binding); the raw pairs are kept in order for the `Link` URLs.
 */
export interface ListParams {
  conditions?: string;
  childConditions?: string;
  customFieldConditions?: string;
  orderBy?: string;
  fields?: string;
  page: number;
  pageSize: number;
  pageId?: number;
  /** The request's own pairs, in order, for building page links. */
  pairs: Array<[string, string]>;
}

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 1_000;

const NAMES = [
  'conditions',
  'childConditions',
  'customFieldConditions',
  'orderBy',
  'fields',
  'page',
  'pageSize',
  'pageId',
];

function positive(name: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min)
    throw badRequest(`${name} must be an integer of at least ${min}.`);
  return Number(raw);
}

/** Reads the parameters from a raw query string (`+` is a space, as browsers and axios encode it). */
export function parseListParams(rawQuery: string): ListParams {
  const pairs = [...new URLSearchParams(rawQuery).entries()];
  const get = (name: string) => {
    const lower = name.toLowerCase();
    return pairs.find(([k]) => k.toLowerCase() === lower)?.[1];
  };
  const out: ListParams = { page: 1, pageSize: DEFAULT_PAGE_SIZE, pairs };
  for (const name of NAMES.slice(0, 5) as Array<'conditions'>) {
    const v = get(name);
    if (v !== undefined && v.trim() !== '') out[name] = v;
  }
  out.page = positive('page', get('page'), 1) ?? 1;
  // Larger page sizes are capped, not refused [OBSERVED, single source].
  out.pageSize = Math.min(positive('pageSize', get('pageSize'), 1) ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const pageId = positive('pageId', get('pageId'), 0);
  if (pageId !== undefined) out.pageId = pageId;
  return out;
}

/** The query string of a page link: the request's pairs without paging, then the page position. */
export function linkQuery(pairs: Array<[string, string]>, position: ['page' | 'pageId', number]): string {
  const kept = pairs.filter(([k]) => !['page', 'pageid'].includes(k.toLowerCase()));
  return [...kept, [position[0], String(position[1])] as [string, string]]
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
}
