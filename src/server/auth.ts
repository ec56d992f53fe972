import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { SessionWithUser } from '../db/repos/sessions';
import type { Role } from '../db/repos/users';
import { ErrorBody } from '../services/account-schemas';
import { resolveSession } from '../services/auth';
import { AppError } from '../services/errors';
import type { AppContext } from './context';

export const SESSION_COOKIE = 'billsync_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in session; set by the auth hook on every route that is not public. */
    session: SessionWithUser | undefined;
  }
  interface FastifyContextConfig {
    /** Route needs no session (health, setup, login). */
    public?: boolean;
    /** Lowest role allowed; viewer by default. */
    minRole?: Role;
  }
}

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The session of a request that passed the auth hook. */
export function sessionOf(request: FastifyRequest): SessionWithUser {
  if (!request.session) throw new AppError('unauthenticated', 'Sign in first');
  return request.session;
}

export function setSessionCookie(reply: FastifyReply, ctx: AppContext, token: string, expires: Date): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    // Chromium and Firefox treat http://localhost as secure, so Secure cookies work on a laptop too.
    secure: !ctx.config.insecureCookies,
    expires,
  });
}

export function clearSessionCookie(reply: FastifyReply, ctx: AppContext): void {
  reply.clearCookie(SESSION_COOKIE, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: !ctx.config.insecureCookies,
  });
}

/** An API path: one under /api. */
export const isApiPath = (path: string): boolean => path === '/api' || path.startsWith('/api/');

/**
 * The path a request was routed by: the matched route's pattern (`/api/customers/:id`), so percent-encoding
 * (`/%61pi/...`, which the router decodes) cannot make an API route look like something else; for a request no
 * route matched, its decoded path.
 */
export function routedPath(request: FastifyRequest): string {
  const pattern = request.routeOptions.url;
  if (pattern) return pattern;
  const raw = request.url.split('?')[0] ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * Every /api route requires a live session unless its config says `public: true`; so does every unknown /api
 * path (routes cannot be probed). Cookie-authenticated writes must carry the session's CSRF token in
 * `x-csrf-token` (synchronizer token; SameSite=Strict is a second fence). Runs first (onRequest): a request that
 * is not allowed is refused before its body is read, parsed or validated.
 */
export const authPlugin = fp(async (app: FastifyInstance, ctx: AppContext) => {
  app.decorateRequest('session', undefined);
  // What the hook below can answer is documented on every route it guards (the OpenAPI document at /docs/json
  // lists it): 401 without a live session; 403 for a write without the CSRF token or a role below the route's.
  app.addHook('onRoute', (route) => {
    if (!isApiPath(route.url) || route.config?.public || !route.schema) return;
    route.schema.response ??= {};
    const response = route.schema.response as Record<number, unknown>;
    response[401] ??= ErrorBody;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if ((route.config?.minRole ?? 'viewer') !== 'viewer' || methods.some((m) => !SAFE_METHODS.has(m)))
      response[403] ??= ErrorBody;
  });
  app.addHook('onRequest', async (request) => {
    if (!isApiPath(routedPath(request))) return;
    const config = request.routeOptions.config;
    if (config?.public) return;
    const token = request.cookies[SESSION_COOKIE];
    const session = token ? await resolveSession(ctx.pool, token, new Date(ctx.clock.now())) : undefined;
    if (!session)
      throw new AppError('unauthenticated', 'Sign in first: your session is missing or has expired');
    if (!SAFE_METHODS.has(request.method) && request.headers['x-csrf-token'] !== session.csrf_token) {
      throw new AppError(
        'csrf_failed',
        'The request lacks a valid CSRF token: reload the page and try again (an API client sends the csrfToken ' +
          'of its login or of GET /api/me in the x-csrf-token header)',
      );
    }
    const needed = config?.minRole ?? 'viewer';
    if (RANK[session.role] < RANK[needed]) {
      throw new AppError('forbidden', `This needs the ${needed} role; you are signed in as ${session.role}`);
    }
    request.session = session;
  });
});
