import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pathOf, type Sleep } from '../../kit';
import { SINCE_2025 } from '../schema/types';
import type { EmulatorCtx } from '../store/state';
import { authenticate, header, requireClientId } from './auth';
import { badRequest, CwError, cwError, MESSAGES, methodNotAllowed, noSuchRoute } from './errors';
import { handleResource, type Reply } from './handlers';
import { type LimitsTracker, withinLimits } from './limits';
import { type ApiRoute, matchRoute } from './router';
import { contentType, type Served, servedVersion } from './version';

export interface ApiDeps {
  ctx: () => EmulatorCtx;
  limits: LimitsTracker;
  sleep: Sleep;
}

/** IIS's page for a query string over its request-filtering limit (HTTP 404.15). */
const QUERY_TOO_LONG =
  '<!DOCTYPE html><html><head><title>IIS 10.0 Detailed Error - 404.15 - Not Found</title></head><body><h3>HTTP Error 404.15 - Not Found</h3><h4>The request filtering module is configured to deny a request where the query string is too long.</h4></body></html>';

/** Marker body for a request whose JSON could not be parsed. */
const INVALID_JSON = Symbol('invalid-json');

export function originOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? request.hostname}`;
}

/** `GET /login/companyinfo/{companyId}` (§1.3): no credentials; PascalCase fields, `IsCloud` as a string. */
function companyInfo(ctx: EmulatorCtx, request: FastifyRequest, companyId: string): Reply {
  if (request.method !== 'GET') throw methodNotAllowed(request.method);
  const t = ctx.state.tenant;
  // The answer for an unknown company is not documented (emulator's choice: 404).
  if (companyId.toLowerCase() !== t.companyId.toLowerCase()) {
    throw cwError(404, 'NotFound', `Company ${companyId} was not found.`);
  }
  return {
    status: 200,
    body: {
      CompanyName: t.companyName,
      Codebase: t.codebase,
      VersionCode: `v${t.version}`,
      VersionNumber: `v4.6.${t.build}`,
      CompanyID: t.companyId,
      IsCloud: t.isCloud ? 'True' : 'False',
      SiteUrl: request.headers.host ?? request.hostname,
    },
  };
}

/** `GET /system/info` (§1.7). */
function systemInfo(ctx: EmulatorCtx, method: string, served: Served): Reply {
  if (method !== 'GET') throw methodNotAllowed(method);
  const t = ctx.state.tenant;
  return {
    status: 200,
    body: {
      version: `v${t.version}.${t.build}`,
      isCloud: t.isCloud,
      serverTimeZone: t.serverTimeZone,
      licenseBits: [],
      cloudRegion: t.cloudRegion,
      ...(served.number >= SINCE_2025 ? { maxWorkFlowRecordsAllowed: 1000 } : {}),
    },
  };
}

async function handleApi(deps: ApiDeps, request: FastifyRequest, route: ApiRoute, served: { v?: Served }) {
  const ctx = deps.ctx();
  if (ctx.rules.plainHttp === 'refuse' && request.protocol === 'http') {
    throw new CwError(403, { code: 'Security', message: MESSAGES.sslRequired, errors: null });
  }
  requireClientId(ctx, request.headers);
  const anonymous = route.kind === 'systemInfo' && ctx.rules.systemInfoAuth === 'anonymous';
  const member = anonymous ? undefined : authenticate(ctx, request.headers);
  served.v = servedVersion(header(request.headers, 'accept'), ctx.state.tenant.version);
  const version = served.v;
  return withinLimits(deps.limits, ctx.clock.nowMs(), member?.publicKey ?? '(anonymous)', deps.sleep, () => {
    if (request.body === INVALID_JSON) throw badRequest('The request body is not valid JSON.');
    if (route.kind === 'systemInfo') return systemInfo(ctx, request.method, version);
    if (route.kind === 'notFound' || route.kind === 'companyinfo' || !member)
      throw noSuchRoute(pathOf(request.url));
    const q = request.url.indexOf('?');
    return handleResource(ctx, {
      route,
      method: request.method,
      body: request.body,
      rawQuery: q === -1 ? '' : request.url.slice(q + 1),
      forwardOnly: (header(request.headers, 'pagination-type') ?? '').toLowerCase() === 'forward-only',
      selfUrl: `${originOf(request)}${pathOf(request.url)}`,
      wire: { origin: originOf(request), codebase: route.codebase, version: version.number },
      member,
    });
  });
}

function send(reply: FastifyReply, ctx: EmulatorCtx, r: Reply, served: Served | undefined): FastifyReply {
  for (const [k, v] of Object.entries(r.headers ?? {})) reply.header(k, v);
  reply.code(r.status);
  if (r.body === undefined) return reply.send();
  const v = served ?? servedVersion(undefined, ctx.state.tenant.version);
  return reply.type(contentType(ctx.rules.contentType, v)).send(JSON.stringify(r.body));
}

/** The ConnectWise surface: one catch-all route, dispatched case-insensitively by `matchRoute`. */
export function registerApiRoutes(app: FastifyInstance, deps: ApiDeps) {
  app.removeAllContentTypeParsers();
  // Bodies are parsed whatever the content type; bad JSON becomes a 400 in the handler.
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(null, INVALID_JSON);
    }
  });
  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/*',
    handler: async (request, reply) => {
      const ctx = deps.ctx();
      const route = matchRoute(request.url, ctx.state.tenant.codebase);
      const served: { v?: Served } = {};
      const q = request.url.indexOf('?');
      const max = deps.limits.limits.maxQueryLength;
      if (q !== -1 && max > 0 && request.url.length - q - 1 > max) {
        // IIS request filtering answers before the application (UNVERIFIED for ConnectWise's hosts).
        return reply.code(404).type('text/html').send(QUERY_TOO_LONG);
      }
      try {
        if (route.kind === 'companyinfo')
          return send(reply, ctx, companyInfo(ctx, request, route.companyId), undefined);
        const segs = pathOf(request.url)
          .split('/')
          .filter((s) => s !== '');
        if (route.kind === 'notFound' && segs[1]?.toLowerCase() !== 'apis')
          throw noSuchRoute(pathOf(request.url));
        reply.header('api-current-version', ctx.state.tenant.version);
        reply.header('x-cw-request-id', randomUUID());
        reply.header('x-server-name', 'CW-EMULATOR');
        reply.header('Pragma', 'no-cache');
        reply.header('Cache-Control', 'no-cache');
        return send(reply, ctx, await handleApi(deps, request, route, served), served.v);
      } catch (err) {
        if (err instanceof CwError) return send(reply, ctx, err, served.v);
        request.log.error(err);
        return send(
          reply,
          ctx,
          { status: 500, body: { code: 'ServerError', message: String(err), errors: null } },
          served.v,
        );
      }
    },
  });
}
