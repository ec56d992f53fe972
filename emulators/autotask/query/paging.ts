/**
 * Paging: `pageDetails.nextPageUrl`/`prevPageUrl` point to `/{Entity}/query/next?paging={token}` [CLIENT Kelvin].
 * The token is opaque to clients; here it is `{"pageSize":n,"afterId":id}` (next) or `{"pageSize":n,"beforeId":id}`
 * (previous). A POST query's next page must be POSTed with the same body; GET-style queries carry `&search=`.
 */
export interface PageToken {
  pageSize: number;
  afterId?: number;
  beforeId?: number;
}

export function parsePageToken(raw: string | undefined): PageToken | undefined {
  if (raw === undefined) return undefined;
  try {
    const t = JSON.parse(raw) as Partial<PageToken>;
    if (!Number.isInteger(t.pageSize) || (t.pageSize as number) < 1 || (t.pageSize as number) > 500)
      return undefined;
    const token: PageToken = { pageSize: t.pageSize as number };
    if (Number.isInteger(t.afterId)) token.afterId = t.afterId as number;
    if (Number.isInteger(t.beforeId)) token.beforeId = t.beforeId as number;
    return token;
  } catch {
    return undefined;
  }
}

export interface PageLinks {
  /** `http://host:port` of the request. */
  origin: string;
  entity: string;
  /** The raw `search` JSON of a GET-style query, carried into its page URLs. */
  search?: string;
}

export function pageUrl(links: PageLinks, token: PageToken): string {
  const base = `${links.origin}/ATServicesRest/V1.0/${links.entity}/query/next?paging=${encodeURIComponent(JSON.stringify(token))}`;
  return links.search === undefined ? base : `${base}&search=${encodeURIComponent(links.search)}`;
}

export interface Page<T extends { id: number }> {
  items: T[];
  pageDetails: {
    count: number;
    requestCount: number;
    prevPageUrl: string | null;
    nextPageUrl: string | null;
  };
}

/** One page of id-ordered rows. */
export function paginate<T extends { id: number }>(
  rows: readonly T[],
  pageSize: number,
  token: PageToken | undefined,
  links: PageLinks,
): Page<T> {
  let page: T[];
  if (token?.afterId !== undefined) {
    const after = token.afterId;
    page = rows.filter((r) => r.id > after).slice(0, pageSize);
  } else if (token?.beforeId !== undefined) {
    const before = token.beforeId;
    page = rows.filter((r) => r.id < before).slice(-pageSize);
  } else {
    page = rows.slice(0, pageSize);
  }
  const first = page[0]?.id;
  const last = page[page.length - 1]?.id;
  const hasNext = last !== undefined && rows.some((r) => r.id > last);
  const hasPrev = first !== undefined && rows.some((r) => r.id < first);
  return {
    items: page,
    pageDetails: {
      count: page.length,
      requestCount: pageSize,
      prevPageUrl: hasPrev ? pageUrl(links, { pageSize, beforeId: first }) : null,
      nextPageUrl: hasNext ? pageUrl(links, { pageSize, afterId: last }) : null,
    },
  };
}
