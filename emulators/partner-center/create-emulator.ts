import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import {
  type Clock,
  createClock,
  createFaultInjector,
  createRequestLog,
  type FaultInjector,
  pathOf,
  type RequestLog,
  registerFaultHooks,
  registerKitAdminRoutes,
  registerRequestLog,
  type Sleep,
} from '../kit';
import { faultBody, pcError, pcUnauthorized } from './http/errors';
import { createContinuations } from './http/paging';
import { createTokenStore, PARTNER_API_AUDIENCE, PARTNER_CENTER_AUDIENCE } from './http/tokens';
import { createUserGrants, type SignedInUser } from './http/user-grants';
import { registerPartnerCenterAdmin } from './routes/admin';
import { registerAuthorizeRoutes } from './routes/authorize';
import { registerCustomerRoutes } from './routes/customers';
import { registerInvoiceRoutes } from './routes/invoices';
import { registerLineItemRoutes } from './routes/line-items';
import { registerPriceSheetRoutes } from './routes/price-sheet';
import { type EmulatorCredentials, registerTokenRoutes } from './routes/token';
import { emptySeed, type PartnerCenterSeed, readSeedDir } from './seed/read-seed-dir';

/** The app registration the sandbox prints; tests and demos use it unless they pass their own. */
export const DEMO_CREDENTIALS: EmulatorCredentials = {
  tenantId: '7f6d5c4b-3a29-4e18-9d07-0000000000aa',
  clientId: '3c9e1f2a-0b7d-4e6c-8a5f-000000000b11',
  clientSecret: 'demo~client~secret~not~for~production',
  refreshToken: 'demo-refresh-token',
};

/** Who signs in on the emulated consent page unless the form says otherwise. */
export const DEMO_USER: SignedInUser = { upn: 'admin@partner.example', name: 'Partner Admin' };

export interface PartnerCenterEmulatorOptions {
  /** A demo-data directory (`billsync demo-data --out DIR`); nothing is served without it (or `seed`). */
  seedDir?: string;
  /** An already-read seed (tests). */
  seed?: PartnerCenterSeed;
  /** Emulated time: invoices appear on their issue date, tokens expire. Default: real time, ticking. */
  clock?: Clock;
  credentials?: Partial<EmulatorCredentials>;
  /** Largest page of line items and customers (default 2,000, Partner Center's maximum). */
  maxPageSize?: number;
  /** Delay function for `slow` faults (tests pass a recording one). */
  sleep?: Sleep;
  /** The user of the consent page (default DEMO_USER). */
  user?: SignedInUser;
  /** The app's registered redirect URIs; default: any http(s) URL is accepted. */
  redirectUris?: readonly string[];
  /**
   * Refuse app-only tokens on the price sheet (403), as Microsoft does. Default false: the price sheet also
   * accepts app-only tokens, for clients without a consent.
   */
  priceSheetNeedsUser?: boolean;
}

export interface PartnerCenterEmulator {
  app: FastifyInstance;
  clock: Clock;
  faults: FaultInjector;
  requestLog: RequestLog;
  credentials: EmulatorCredentials;
  /** Starts listening (port 0 = any free port) and resolves to the base URL, e.g. `http://127.0.0.1:8082`. */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
  /** Replaces what is served with a demo-data directory. */
  reseed(dir: string): void;
}

/** The request-log key of a request: the route pattern, with the price sheet's OData path kept readable. */
function routeOf(request: FastifyRequest): string {
  const pattern = request.routeOptions.url;
  if (pattern === '/v1.0/sales/*') return decodeURIComponent(pathOf(request.url)).replace(/\(.*\)/, '(...)');
  return pattern ?? pathOf(request.url);
}

/**
 * An emulator of Microsoft Partner Center for billsync: the Entra ID token endpoint (v1 and v2), customers, invoices,
 * invoice line items (NCE billing and Azure daily-rated usage) and the license-based price sheet, in the real wire
 * format, seeded from a demo-data directory. Admin API under `/_emulator` (clock, request counts, faults, seed).
 */
export function createPartnerCenterEmulator(
  options: PartnerCenterEmulatorOptions = {},
): PartnerCenterEmulator {
  const clock = options.clock ?? createClock();
  const credentials: EmulatorCredentials = { ...DEMO_CREDENTIALS, ...options.credentials };
  let seed = options.seed ?? (options.seedDir ? readSeedDir(options.seedDir) : emptySeed());
  const getSeed = () => seed;
  const maxPageSize = options.maxPageSize ?? 2000;
  const faults = createFaultInjector();
  const requestLog = createRequestLog();
  const tokens = createTokenStore(clock);
  const grants = createUserGrants(clock);
  const user = options.user ?? DEMO_USER;
  const continuations = createContinuations();

  const app = Fastify({ forceCloseConnections: true });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  registerRequestLog(app, requestLog, { clock, routeOf });
  registerFaultHooks(app, faults, {
    errorBody: faultBody,
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  registerKitAdminRoutes(app, { clock, faults, requestLog });
  const reseed = (dir: string) => {
    seed = readSeedDir(dir);
    return seed;
  };
  registerPartnerCenterAdmin(app, { seed: getSeed, reseed, clock, tokens, grants });

  // Every API route wants a bearer token for its host's audience.
  app.addHook('preHandler', async (request, reply) => {
    const path = pathOf(request.url);
    const audience = path.startsWith('/v1/')
      ? PARTNER_CENTER_AUDIENCE
      : path.startsWith('/v1.0/')
        ? PARTNER_API_AUDIENCE
        : undefined;
    if (!audience) return;
    const problem = tokens.check(request.headers.authorization, audience);
    if (problem) return pcUnauthorized(reply, problem);
    if (
      audience === PARTNER_API_AUDIENCE &&
      options.priceSheetNeedsUser &&
      tokens.isAppOnly(request.headers.authorization)
    )
      return pcError(
        reply,
        403,
        '403',
        'Application-only authentication is not supported for this API: use App+User (delegated) authentication.',
      );
  });
  registerTokenRoutes(app, { clock, tokens, grants, user, credentials: () => credentials });
  registerAuthorizeRoutes(app, {
    grants,
    user,
    credentials: () => credentials,
    redirectUris: options.redirectUris,
  });
  registerCustomerRoutes(app, { customers: () => seed.customers, continuations, maxPageSize });
  registerInvoiceRoutes(app, { seed: getSeed, clock });
  registerLineItemRoutes(app, { seed: getSeed, clock, continuations, maxPageSize });
  registerPriceSheetRoutes(app, { seed: getSeed });

  return {
    app,
    clock,
    faults,
    requestLog,
    credentials,
    async listen(port = 0, host = '127.0.0.1') {
      const address = await app.listen({ port, host });
      return address.replace('[::1]', 'localhost');
    },
    close: () => app.close(),
    reseed(dir) {
      reseed(dir);
    },
  };
}
