import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import {
  type Clock,
  createClock,
  createFaultInjector,
  createRequestLog,
  type FaultInjector,
  orThrow,
  pathOf,
  type RequestLog,
  realSleep,
  registerFaultHooks,
  registerKitAdminRoutes,
  registerRequestLog,
  type Sleep,
} from '../kit';
import { registerPax8AdminRoutes } from './http/admin-routes';
import { registerApiRoutes } from './http/api-routes';
import { registerAuthRoutes } from './http/auth-routes';
import { errorBody, sendError } from './http/errors';
import type { Pax8Ctx } from './http/state';
import { mergeRules } from './option-values';
import { DEFAULT_RULES, type Pax8Rules } from './options';
import { demoSeed } from './seed/demo';
import { type Pax8Seed, validateSeed } from './seed/model';

export interface Pax8EmulatorOptions {
  /** The account to start with: a seed, or `demo` (default), generated against the clock's today. */
  seed?: Pax8Seed | 'demo';
  /** Default: a clock that ticks with real time from now. Tests pass `createClock({ start })`. */
  clock?: Clock;
  /** Behaviour switches (options.ts, README "Switches"); changeable later through `PUT /_emulator/rules`. */
  rules?: Partial<Pax8Rules>;
  logger?: FastifyServerOptions['logger'];
  /** Used for `slow`/`hang` faults; tests pass a recording no-op. */
  sleep?: Sleep;
}

export interface Pax8Emulator {
  app: FastifyInstance;
  /** Starts listening (port 0 = any free port) and returns the base URL, e.g. `http://127.0.0.1:8085`. */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
  readonly ctx: Pax8Ctx;
  clock: Clock;
  faults: FaultInjector;
  requests: RequestLog;
  /** Replaces the account (tokens stay valid). */
  loadSeed(seed: Pax8Seed | 'demo'): Pax8Seed;
  /** Changes switches (checked; throws on a bad value). */
  setRules(rules: Partial<Pax8Rules>): Pax8Rules;
}

const isAdmin = (url: string) => /^\/_emulator(\/|$)/i.test(pathOf(url));
const isOAuth = (url: string) => /^\/(v1\/token|oauth\/token|auth\/token)\/?$/i.test(pathOf(url));

export function createPax8Emulator(options: Pax8EmulatorOptions = {}): Pax8Emulator {
  const clock = options.clock ?? createClock();
  const sleep = options.sleep ?? realSleep;
  const resolve = (seed: unknown): Pax8Seed =>
    seed === 'demo' ? demoSeed(clock.today()) : validateSeed(structuredClone(seed as Pax8Seed));
  const ctx: Pax8Ctx = {
    seed: resolve(options.seed ?? 'demo'),
    rules: orThrow(mergeRules(DEFAULT_RULES, options.rules)),
    clock,
    tokens: new Map(),
  };
  const loadSeed = (seed: unknown) => {
    ctx.seed = resolve(seed);
    return ctx.seed;
  };

  const faults = createFaultInjector();
  const requests = createRequestLog();
  const app = Fastify({
    logger: options.logger ?? false,
    forceCloseConnections: true,
  }) as unknown as FastifyInstance;
  registerRequestLog(app, requests, { clock });
  registerFaultHooks(app, faults, {
    sleep,
    skip: (req) => isAdmin(req.url),
    // The error envelope (§1.6); a 429 body is undocumented, the envelope is the likeliest (§1.3 UNVERIFIED).
    errorBody: (kind, request) =>
      kind === '429'
        ? errorBody(request, 429, 'TOO_MANY_REQUESTS', 'Too many requests hit the API quickly')
        : errorBody(
            request,
            Number(kind),
            kind === '500' ? 'INTERNAL_SERVER_ERROR' : 'SERVICE_UNAVAILABLE',
            'The server encountered an error',
          ),
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode === 429 && ctx.rules.retryAfter === 'omit') reply.removeHeader('Retry-After');
    return payload;
  });
  registerAuthRoutes(app, () => ctx);
  registerApiRoutes(app, () => ctx);
  registerKitAdminRoutes(app, { clock, faults, requestLog: requests });
  registerPax8AdminRoutes(app, { ctx: () => ctx, loadSeed });

  app.setNotFoundHandler((request, reply) =>
    sendError(reply, request, 404, 'NOT_FOUND', `No endpoint ${request.method} ${pathOf(request.url)}`),
  );
  app.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (isOAuth(request.url) || isAdmin(request.url))
      return reply.code(status).send({
        error: status === 500 ? 'server_error' : 'invalid_request',
        error_description: error.message,
      });
    return sendError(
      reply,
      request,
      status,
      status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST',
      error.message,
    );
  });

  return {
    app,
    async listen(port = 0, host = '127.0.0.1') {
      await app.listen({ port, host });
      const address = app.server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${actual}`;
    },
    close: () => app.close(),
    ctx,
    clock,
    faults,
    requests,
    loadSeed,
    setRules(rules) {
      ctx.rules = orThrow(mergeRules(ctx.rules, rules));
      return ctx.rules;
    },
  };
}
