import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from './clock';
import { pathOf } from './fault-hooks';
import { globToRegExp } from './fault-injector';

export interface RequestLogEntry {
  seq: number;
  /** Emulated instant the request arrived. */
  at: string;
  method: string;
  /** URL path without the query string. */
  path: string;
  /** Normalised route (e.g. `/V1.0/Companies/query`), the key of `counts()`. */
  route: string;
  /** HTTP status sent; absent while in flight or when the response was lost or hung. */
  status?: number;
}

export interface RequestLog {
  record(method: string, path: string, route: string, at: string): RequestLogEntry;
  complete(entry: RequestLogEntry, status: number): void;
  entries(): RequestLogEntry[];
  /** Requests per `METHOD route` since the last reset. */
  counts(): Record<string, number>;
  /** How many requests match a method (`*` = any) and a route glob (case-insensitive; default `**`). */
  count(method?: string, routeGlob?: string): number;
  reset(): void;
}

export function createRequestLog(options: { maxEntries?: number } = {}): RequestLog {
  const maxEntries = options.maxEntries ?? 10_000;
  let entries: RequestLogEntry[] = [];
  let counts = new Map<string, number>();
  let seq = 0;
  return {
    record(method, path, route, at) {
      const entry: RequestLogEntry = { seq: ++seq, at, method: method.toUpperCase(), path, route };
      entries.push(entry);
      if (entries.length > maxEntries) entries = entries.slice(-maxEntries);
      const key = `${entry.method} ${route}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return entry;
    },
    complete(entry, status) {
      entry.status = status;
    },
    entries: () => entries.map((e) => ({ ...e })),
    counts: () => Object.fromEntries([...counts.entries()].sort(([a], [b]) => a.localeCompare(b))),
    count(method = '*', routeGlob = '**') {
      const m = method.toUpperCase();
      const re = globToRegExp(routeGlob);
      let n = 0;
      for (const [key, c] of counts) {
        const space = key.indexOf(' ');
        if ((m === '*' || key.slice(0, space) === m) && re.test(key.slice(space + 1))) n += c;
      }
      return n;
    },
    reset() {
      entries = [];
      counts = new Map();
    },
  };
}

export interface RequestLogHookOptions {
  clock: Clock;
  /** Route key of a request. Default: Fastify's route pattern, else the path. */
  routeOf?: (request: FastifyRequest) => string;
  /** Requests not logged. Default: paths under `/_emulator`. */
  skip?: (request: FastifyRequest) => boolean;
}

/** Logs every request on arrival (so hung and lost requests count too) and its status when answered. */
export function registerRequestLog(app: FastifyInstance, log: RequestLog, options: RequestLogHookOptions) {
  const skip = options.skip ?? ((req: FastifyRequest) => /^\/_emulator(\/|$)/i.test(pathOf(req.url)));
  const routeOf = options.routeOf ?? ((req: FastifyRequest) => req.routeOptions.url ?? pathOf(req.url));
  const open = new WeakMap<FastifyRequest, RequestLogEntry>();
  app.addHook('onRequest', async (request) => {
    if (skip(request)) return;
    const at = options.clock.now().toISOString();
    open.set(request, log.record(request.method, pathOf(request.url), routeOf(request), at));
  });
  app.addHook('onResponse', async (request, reply) => {
    const entry = open.get(request);
    // A response destroyed by a lost-response fault never finished writing: leave its status absent.
    if (entry && reply.raw.writableFinished) log.complete(entry, reply.statusCode);
  });
}
