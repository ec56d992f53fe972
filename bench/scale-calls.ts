import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';

/** What the scale bench watches on the emulator's wire, beside its request log. */
export interface CallStats {
  /** Answers per HTTP status. */
  statuses(): Record<number, number>;
  /** Rate-limit answers: thread-limit and over-threshold refusals, in either dialect (429, or 500 with the text). */
  rateLimited(): number;
  /** Most API requests in flight at once: over all endpoints, and on any one endpoint. */
  maxInFlight(): { total: number; perEndpoint: number };
  /**
   * Since the reset (ms): when the first request came and the last one ended, and how long no request at all was
   * in flight between them: where the wall time goes beyond the calls.
   */
  timeline(): { firstMs: number; lastMs: number; idleMs: number };
  reset(): void;
}

const RATE_LIMIT_TEXT = /thread threshold exceeded|request threshold exceeded|api request limit reached/i;
/** The API endpoint a request URL calls, or undefined for what is not an API call (discovery, admin). */
export type EndpointOf = (url: string) => string | undefined;

/** The entity endpoint of an API URL, as Autotask's thread limit counts it: `Contracts/1/Charges` is Charges. */
export const autotaskEndpoint: EndpointOf = (url) => {
  const path = /\/atservicesrest\/v1\.0\/([^?]+)/i.exec(url)?.[1];
  if (!path) return undefined;
  const parts = path.split('/').filter((p) => p && !/^(query|next|count|\d+)$/i.test(p));
  const endpoint = parts.at(-1)?.toLowerCase();
  return endpoint === 'zoneinformation' ? undefined : endpoint;
};

/**
 * The resource of a ConnectWise API URL (`/{codebase}apis/3.0/finance/agreements/1/additions` is
 * finance/agreements/additions); `/login/companyinfo` is discovery, outside the API and its limits.
 */
export const connectWiseEndpoint: EndpointOf = (url) => {
  const path = /\/apis\/3\.0\/+([^?]+)/i.exec(url)?.[1];
  if (!path) return undefined;
  return path
    .split('/')
    .filter((p) => p && !/^(count|\d+)$/i.test(p))
    .join('/')
    .toLowerCase();
};

/** Hooks on the emulator's Fastify app (before it listens) that count statuses, refusals and concurrency. */
export function observeCalls(app: FastifyInstance, endpointOf: EndpointOf = autotaskEndpoint): CallStats {
  let statuses = new Map<number, number>();
  let limited = 0;
  let maxTotal = 0;
  let maxEndpoint = 0;
  let total = 0;
  const inFlight = new Map<string, number>();
  let since = performance.now();
  let first = Number.NaN;
  let last = Number.NaN;
  let idle = 0;
  const open = new WeakSet<object>();
  app.addHook('onRequest', async (request) => {
    const endpoint = endpointOf(request.url);
    if (!endpoint) return;
    open.add(request);
    const now = performance.now();
    if (Number.isNaN(first)) first = now;
    else if (total === 0) idle += now - last;
    total++;
    const n = (inFlight.get(endpoint) ?? 0) + 1;
    inFlight.set(endpoint, n);
    maxTotal = Math.max(maxTotal, total);
    maxEndpoint = Math.max(maxEndpoint, n);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (!open.has(request)) return payload;
    const status = reply.statusCode;
    if (status === 429 || (status === 500 && typeof payload === 'string' && RATE_LIMIT_TEXT.test(payload)))
      limited++;
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    if (!open.has(request)) return;
    open.delete(request);
    total--;
    if (total === 0) last = performance.now();
    const endpoint = endpointOf(request.url) as string;
    inFlight.set(endpoint, (inFlight.get(endpoint) ?? 1) - 1);
    statuses.set(reply.statusCode, (statuses.get(reply.statusCode) ?? 0) + 1);
  });
  return {
    statuses: () => Object.fromEntries(statuses),
    rateLimited: () => limited,
    maxInFlight: () => ({ total: maxTotal, perEndpoint: maxEndpoint }),
    timeline: () => ({ firstMs: first - since, lastMs: last - since, idleMs: idle }),
    reset() {
      since = performance.now();
      first = Number.NaN;
      last = Number.NaN;
      idle = 0;
      statuses = new Map();
      limited = 0;
      maxTotal = total;
      maxEndpoint = Math.max(0, ...inFlight.values());
    },
  };
}
