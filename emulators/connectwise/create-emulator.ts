import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import {
  type Clock,
  createClock,
  createFaultInjector,
  createRequestLog,
  type FaultInjector,
  pathOf,
  type RequestLog,
  realSleep,
  registerFaultHooks,
  registerKitAdminRoutes,
  registerRequestLog,
  type Sleep,
} from '../kit';
import { loadDemoSeed } from './demo/demo-seed';
import { registerConnectWiseAdminRoutes } from './http/admin-routes';
import { registerApiRoutes } from './http/api-routes';
import { LimitsTracker } from './http/limits';
import { matchRoute, routeKey } from './http/router';
import { mergeLimits, mergeRules, orThrow } from './option-values';
import { type ConnectWiseLimits, type ConnectWiseRules, DEFAULT_LIMITS, DEFAULT_RULES } from './options';
import { type ConnectWiseSeed, loadSeed } from './store/seed';
import { type ConnectWiseState, createEmptyState, type EmulatorCtx } from './store/state';

export interface ConnectWiseEmulatorOptions {
  /** The data to start with; default: the demo seed. */
  seed?: ConnectWiseSeed;
  /** Default: a clock that ticks with real time from now. Tests pass `createClock({ start })`. */
  clock?: Clock;
  /** Request limits (see options.ts); changeable later through `PUT /_emulator/limits`. */
  limits?: Partial<ConnectWiseLimits>;
  /** Behaviour switches (see options.ts, README "Switches"); changeable later through `PUT /_emulator/rules`. */
  rules?: Partial<ConnectWiseRules>;
  /** Serve HTTPS with this key and certificate (PEM), as ConnectWise does; default plain HTTP. */
  tls?: { key: string; cert: string };
  /** Fastify logger option (default off). */
  logger?: FastifyServerOptions['logger'];
  /** Used for added latency and `slow`/`hang` faults; tests pass a recording no-op. */
  sleep?: Sleep;
}

export interface ConnectWiseEmulator {
  app: FastifyInstance;
  /** Starts listening (port 0 = any free port) and returns the base URL, e.g. `http://127.0.0.1:8083`. */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
  /** The live state (replaced when a seed is loaded). */
  readonly state: ConnectWiseState;
  readonly ctx: EmulatorCtx;
  clock: Clock;
  faults: FaultInjector;
  requests: RequestLog;
  limits: LimitsTracker;
  loadSeed(seed: ConnectWiseSeed | 'demo'): void;
}

const isAdmin = (url: string) => /^\/_emulator(\/|$)/i.test(pathOf(url));

/** Bodies of injected faults: the documented 429 shape [DOC]; the 5xx wording is the emulator's. */
function faultBody(kind: '429' | '500' | '503') {
  if (kind === '429')
    return { error: 'ConnectWiseAPI', message: 'Too many requests. Please try again later.' };
  return kind === '500'
    ? { code: 'ServerError', message: 'An unexpected error has occurred.', errors: null }
    : { code: 'ServiceUnavailable', message: 'The service is temporarily unavailable.', errors: null };
}

export function createConnectWiseEmulator(options: ConnectWiseEmulatorOptions = {}): ConnectWiseEmulator {
  const clock = options.clock ?? createClock();
  const sleep = options.sleep ?? realSleep;
  const ctx: EmulatorCtx = {
    state: createEmptyState(),
    clock,
    rules: orThrow(mergeRules(DEFAULT_RULES, options.rules)),
  };
  const limits = new LimitsTracker(orThrow(mergeLimits(DEFAULT_LIMITS, options.limits)));
  const load = (seed: ConnectWiseSeed | 'demo') => loadSeed(ctx, seed === 'demo' ? loadDemoSeed() : seed);
  load(options.seed ?? 'demo');

  const faults = createFaultInjector();
  const requests = createRequestLog();
  const app = Fastify({
    logger: options.logger ?? false,
    forceCloseConnections: true,
    ...(options.tls ? { https: options.tls } : {}),
  }) as unknown as FastifyInstance;
  registerRequestLog(app, requests, {
    clock,
    routeOf: (req) => routeKey(matchRoute(req.url, ctx.state.tenant.codebase), req.url),
  });
  registerFaultHooks(app, faults, { sleep, skip: (req) => isAdmin(req.url), errorBody: faultBody });
  registerApiRoutes(app, { ctx: () => ctx, limits, sleep });
  registerKitAdminRoutes(app, { clock, faults, requestLog: requests });
  registerConnectWiseAdminRoutes(app, { ctx: () => ctx, limits, loadSeed: load });

  return {
    app,
    async listen(port = 0, host = '127.0.0.1') {
      await app.listen({ port, host });
      const address = app.server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      return `${options.tls ? 'https' : 'http'}://${host === '0.0.0.0' ? '127.0.0.1' : host}:${actual}`;
    },
    close: () => app.close(),
    get state() {
      return ctx.state;
    },
    ctx,
    clock,
    faults,
    requests,
    limits,
    loadSeed: load,
  };
}
