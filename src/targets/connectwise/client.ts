import type { Dispatcher } from 'undici';
import { IntegrationError } from '../../core/integration-error';
import type { TargetContext } from '../../core/ports/target';
import {
  allSettledOrThrow,
  createHttpClient,
  createLimiter,
  DEFAULT_RETRY,
  type HttpClient,
  type HttpLogEvent,
  type Limiter,
  type RetryOptions,
} from '../../http';
import { mapConnectWiseFailure } from './error-mapper';
import { CONDITION_BUDGET, chunkIds } from './quirks';

export interface ConnectWiseConnectionOptions {
  /** The API host (`api-na.myconnectwise.net`), with or without `https://`; `http://` only for loopback. */
  site: string;
  /** The login company id (§1.3), also the first part of the Basic-auth user name. */
  companyId: string;
  publicKey: string;
  privateKey: string;
  /** billsync's integration GUID (§1.4: required on every call). */
  clientId: string;
  /** The codebase (`v2025_8/`): skips discovery. */
  codebase?: string;
  /** The model version pinned with `Accept` (§1.5). */
  apiVersion?: string;
  timeoutMs?: number;
  /** Requests of this connection in flight at once (default 5; §3.7 says "limit parallelism", no number). */
  maxConcurrent?: number;
  /** Share one limiter between adapters of the same connection (default: one per adapter). */
  limiter?: Limiter;
  retry?: Partial<RetryOptions>;
  allowLocalUrls?: boolean;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  onHttp?: (event: HttpLogEvent) => void;
  dispatcher?: Dispatcher;
}

export type Row = Record<string, unknown>;
export type PatchOp = { op: 'replace' | 'add' | 'remove'; path: string; value?: unknown };

export interface ListOptions {
  conditions?: string;
  childConditions?: string;
  fields?: readonly string[];
}

export interface ConnectWiseClient {
  /** `https://{site}/{codebase}apis/3.0` after discovery. */
  root(ctx: TargetContext): Promise<string>;
  get(ctx: TargetContext, path: string, query?: Record<string, string>): Promise<Row>;
  /** Every row matching, with forward-only paging (§2.5): 1,000 a page, by id. */
  list(ctx: TargetContext, path: string, options?: ListOptions): Promise<Row[]>;
  /** `list` for `field in (...)`, the ids chunked so each URL stays under the query-length limit (§2.1). */
  listIn(
    ctx: TargetContext,
    path: string,
    field: string,
    ids: readonly number[],
    options?: ListOptions,
  ): Promise<Row[]>;
  count(ctx: TargetContext, path: string, conditions?: string): Promise<number>;
  post(ctx: TargetContext, path: string, body: Row): Promise<Row>;
  /** ConnectWise's JSON-Patch dialect (§3.4): absolute `replace` values, so it is safe to repeat. */
  patch(ctx: TargetContext, path: string, ops: readonly PatchOp[]): Promise<Row>;
}

export const PAGE_SIZE = 1000;
/** The model version billsync is written against (reference §4: field facts from 2025.8). */
export const DEFAULT_API_VERSION = '2025.8';
/** §1.1: on-premise servers and the cloud router answer under this codebase. */
export const FALLBACK_CODEBASE = 'v4_6_release/';

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
// Discovered codebases, or the discovery in flight (a batch's first reads all wait on one request).
const codebases = new Map<string, Promise<string>>();

/** `https://host` from what the user typed (a host, a URL, with or without a path). */
export function siteOrigin(site: string): string {
  const text = site.trim();
  const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  return url.origin;
}

/** Forget discovered codebases (tests; a tenant moved release). */
export function forgetCodebases(): void {
  codebases.clear();
}

/**
 * One ConnectWise connection's wire: codebase discovery (§1.3), Basic `company+public:private` and `clientId`
 * (§1.4), the pinned `Accept` version (§1.5), at most `maxConcurrent` requests in flight, retries of 429/503
 * honouring Retry-After (the shared client) and of reads on 5xx and timeouts. Writes are never blindly retried.
 */
export function createConnectWiseClient(o: ConnectWiseConnectionOptions): ConnectWiseClient {
  const origin = siteOrigin(o.site);
  const retry: RetryOptions = { ...DEFAULT_RETRY, ...o.retry };
  const secrets = () => [o.privateKey];
  const http: HttpClient = createHttpClient({
    vendor: 'connectwise',
    timeoutMs: o.timeoutMs ?? 60_000,
    retry,
    sleep: o.sleep ?? realSleep,
    ...(o.random ? { random: o.random } : {}),
    ...(o.now ? { now: o.now } : {}),
    ...(o.allowLocalUrls !== undefined ? { allowLocalUrls: o.allowLocalUrls } : {}),
    mapError: mapConnectWiseFailure,
    secretValues: secrets,
    ...(o.dispatcher ? { dispatcher: o.dispatcher } : {}),
    ...(o.onHttp ? { log: o.onHttp } : {}),
  });
  const limiter = o.limiter ?? createLimiter(Math.max(1, Math.floor(o.maxConcurrent ?? 5)));
  const auth = `Basic ${Buffer.from(`${o.companyId}+${o.publicKey}:${o.privateKey}`).toString('base64')}`;
  const headers = {
    authorization: auth,
    clientId: o.clientId,
    accept: `application/vnd.connectwise.com+json; version=${o.apiVersion ?? DEFAULT_API_VERSION}`,
    'cache-control': 'no-cache',
  };

  function codebase(ctx: TargetContext): Promise<string> {
    if (o.codebase) return Promise.resolve(o.codebase.replace(/^\/+/, '').replace(/\/*$/, '/'));
    const key = `${origin}|${o.companyId.toLowerCase()}`;
    const known = codebases.get(key);
    if (known) return known;
    const asked = discover(ctx);
    codebases.set(key, asked);
    // A failed discovery is not kept: the next request asks again.
    asked.catch(() => {
      if (codebases.get(key) === asked) codebases.delete(key);
    });
    return asked;
  }

  async function discover(ctx: TargetContext): Promise<string> {
    ctx.onRequest?.('GET', '/login/companyinfo/{companyId}');
    const res = await limiter.run(() =>
      http.request({
        method: 'GET',
        url: `${origin}/login/companyinfo/${encodeURIComponent(o.companyId)}`,
        acceptStatus: (s) => (s >= 200 && s < 300) || s === 404,
      }),
    );
    if (res.status === 404) {
      throw new IntegrationError({
        kind: 'auth',
        vendor: 'connectwise',
        status: 404,
        message: `The company id ${o.companyId} is not known at ${origin}: check the site and the company id`,
      });
    }
    const info = res.json<{ Codebase?: unknown }>();
    const found =
      typeof info?.Codebase === 'string' && /^[\w.]+\/?$/.test(info.Codebase)
        ? info.Codebase.replace(/\/*$/, '/')
        : FALLBACK_CODEBASE;
    return found;
  }

  const root = async (ctx: TargetContext) => `${origin}/${await codebase(ctx)}apis/3.0`;

  async function send(
    ctx: TargetContext,
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    init: { query?: Record<string, string>; body?: unknown; forwardOnly?: boolean } = {},
  ): Promise<{ body: unknown; headers: Record<string, string> }> {
    ctx.signal?.throwIfAborted();
    const url = `${await root(ctx)}/${path.replace(/^\/+/, '')}`;
    ctx.onRequest?.(method, `/${path.replace(/^\/+/, '').replace(/\/\d+(?=\/|$)/g, '/{id}')}`);
    const res = await limiter.run(() =>
      http.request({
        method,
        url,
        ...(init.query ? { query: init.query } : {}),
        headers: { ...headers, ...(init.forwardOnly ? { 'pagination-type': 'forward-only' } : {}) },
        ...(init.body !== undefined ? { body: { json: init.body } } : {}),
        // PATCH carries absolute values (replace): repeating it after a lost answer changes nothing more.
        idempotent: method !== 'POST',
      }),
    );
    return { body: res.text ? res.json<unknown>() : undefined, headers: res.headers };
  }

  function query(options: ListOptions, extra: Record<string, string>): Record<string, string> {
    return {
      ...(options.conditions ? { conditions: options.conditions } : {}),
      ...(options.childConditions ? { childConditions: options.childConditions } : {}),
      ...(options.fields?.length ? { fields: [...new Set(['id', ...options.fields])].join(',') } : {}),
      ...extra,
    };
  }

  async function list(ctx: TargetContext, path: string, options: ListOptions = {}): Promise<Row[]> {
    const out: Row[] = [];
    let pageId: number | undefined;
    for (;;) {
      const { body } = await send(ctx, 'GET', path, {
        query: query(options, {
          pageSize: String(PAGE_SIZE),
          ...(pageId !== undefined ? { pageId: String(pageId) } : {}),
        }),
        forwardOnly: true,
      });
      if (!Array.isArray(body)) throw protocol(`${path} did not answer a list`);
      const rows = body as Row[];
      out.push(...rows);
      if (rows.length < PAGE_SIZE) return out;
      const last = rows.at(-1)?.id;
      if (typeof last !== 'number' || (pageId !== undefined && last <= pageId))
        throw protocol(`${path}: forward-only paging did not move on`);
      pageId = last;
    }
  }

  return {
    root,
    async get(ctx, path, q) {
      const { body } = await send(ctx, 'GET', path, q ? { query: q } : {});
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw protocol(`${path}: not an object`);
      return body as Row;
    },
    list,
    async listIn(ctx, path, field, ids, options = {}) {
      const unique = [...new Set(ids)].sort((a, b) => a - b);
      const budget = CONDITION_BUDGET - (options.conditions?.length ?? 0);
      const chunks = chunkIds(unique, budget);
      const pages = await allSettledOrThrow(
        chunks.map((chunk) => {
          const inList = `${field} in (${chunk.join(',')})`;
          const conditions = options.conditions ? `${inList} and (${options.conditions})` : inList;
          return list(ctx, path, { ...options, conditions });
        }),
      );
      return pages.flat();
    },
    async count(ctx, path, conditions) {
      const { body } = await send(ctx, 'GET', `${path}/count`, conditions ? { query: { conditions } } : {});
      const n = (body as { count?: unknown } | undefined)?.count;
      if (typeof n !== 'number') throw protocol(`${path}/count did not answer a count`);
      return n;
    },
    async post(ctx, path, body) {
      const res = await send(ctx, 'POST', path, { body });
      return (res.body ?? {}) as Row;
    },
    async patch(ctx, path, ops) {
      const res = await send(ctx, 'PATCH', path, { body: ops });
      return (res.body ?? {}) as Row;
    },
  };
}

function protocol(message: string): IntegrationError {
  return new IntegrationError({ kind: 'protocol', vendor: 'connectwise', message });
}
