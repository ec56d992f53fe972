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
import { loadDemoSeed } from './demo-seed';
import { registerAutotaskAdminRoutes } from './http/admin-routes';
import { registerApiRoutes } from './http/api-routes';
import { LimitsTracker } from './http/limits';
import { matchRoute, routeKey } from './http/router';
import { mergeLimits, mergeRules, orThrow } from './option-values';
import { type AutotaskLimits, type AutotaskRules, DEFAULT_LIMITS, DEFAULT_RULES } from './options';
import { type AutotaskSeed, loadSeed } from './store/seed';
import { type AutotaskState, createEmptyState, type EmulatorCtx } from './store/state';

export interface AutotaskEmulatorOptions {
  /** The data to start with; default: the demo seed. */
  seed?: AutotaskSeed;
  /** Default: a clock that ticks with real time from now. Tests pass `createClock({ start })`. */
  clock?: Clock;
  /** Tenant limits and error dialects (see options.ts); changeable later through `PUT /_emulator/limits`. */
  limits?: Partial<AutotaskLimits>;
  /** Behaviour switches (see options.ts, README "Variants"); changeable later through `PUT /_emulator/rules`. */
  rules?: Partial<AutotaskRules>;
  /** Fastify logger option (default off). */
  logger?: FastifyServerOptions['logger'];
  /** Used for added latency and `slow`/`hang` faults; tests pass a recording no-op. */
  sleep?: Sleep;
}

export interface AutotaskEmulator {
  app: FastifyInstance;
  /** Starts listening on 127.0.0.1 (port 0 = any free port) and returns the base URL, e.g. `http://127.0.0.1:8081`. */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
  /** The live state (replaced when a seed is loaded). */
  readonly state: AutotaskState;
  readonly ctx: EmulatorCtx;
  clock: Clock;
  faults: FaultInjector;
  requests: RequestLog;
  limits: LimitsTracker;
  loadSeed(seed: AutotaskSeed | 'demo'): void;
}

const isAdmin = (url: string) => /^\/_emulator(\/|$)/i.test(pathOf(url));

export function createAutotaskEmulator(options: AutotaskEmulatorOptions = {}): AutotaskEmulator {
  const clock = options.clock ?? createClock();
  const sleep = options.sleep ?? realSleep;
  const ctx: EmulatorCtx = {
    state: createEmptyState(),
    clock,
    rules: orThrow(mergeRules(DEFAULT_RULES, options.rules)),
  };
  const limits = new LimitsTracker(orThrow(mergeLimits(DEFAULT_LIMITS, options.limits)));
  const load = (seed: AutotaskSeed | 'demo') => loadSeed(ctx, seed === 'demo' ? loadDemoSeed() : seed);
  load(options.seed ?? 'demo');

  const faults = createFaultInjector();
  const requests = createRequestLog();
  const app = Fastify({ logger: options.logger ?? false, forceCloseConnections: true });
  registerRequestLog(app, requests, {
    clock,
    routeOf: (req) => routeKey(matchRoute(req.url), req.url),
  });
  registerFaultHooks(app, faults, {
    sleep,
    skip: (req) => isAdmin(req.url),
    errorBody: (kind) => ({
      errors: [
        kind === '429' ? 'Too many requests. Please retry later.' : 'An unexpected error has occurred.',
      ],
    }),
  });
  registerApiRoutes(app, { ctx: () => ctx, limits, sleep });
  registerKitAdminRoutes(app, { clock, faults, requestLog: requests });
  registerAutotaskAdminRoutes(app, { ctx: () => ctx, limits, loadSeed: load });

  return {
    app,
    async listen(port = 0, host = '127.0.0.1') {
      await app.listen({ port, host });
      const address = app.server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${actual}`;
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
