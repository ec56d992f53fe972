import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Sleep } from '../../kit';
import type { EmulatorCtx } from '../store/state';
import { authenticate } from './auth';
import { handleEntityRequest } from './entity-handlers';
import { AutotaskError, IIS_404_HTML, MESSAGES, methodNotAllowed } from './errors';
import { type LimitsTracker, withinLimits } from './limits';
import { matchRoute } from './router';

export interface ApiDeps {
  ctx: () => EmulatorCtx;
  limits: LimitsTracker;
  sleep: Sleep;
}

/** Marker body for a request whose JSON could not be parsed. */
export const INVALID_JSON = Symbol('invalid-json');

export function originOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? request.hostname}`;
}

function send(reply: FastifyReply, status: number, body: unknown, headers: Record<string, string> = {}) {
  for (const [k, v] of Object.entries(headers)) reply.header(k, v);
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
}

async function handle(deps: ApiDeps, request: FastifyRequest) {
  const ctx = deps.ctx();
  const route = matchRoute(request.url);
  const method = request.method;
  const query = request.query as Record<string, string | undefined>;
  switch (route.kind) {
    case 'notFound':
      throw new AutotaskError(404, IIS_404_HTML);
    case 'version':
      if (method !== 'GET') throw methodNotAllowed(method);
      return { apiVersions: ['1.0'] };
    case 'zone': {
      // No credentials and no thread limiting for zone calls [DOC ThreadLimiting][CLIENT].
      if (method !== 'GET') throw methodNotAllowed(method);
      const user = ctx.state.apiUsers.find(
        (u) => u.userName.toLowerCase() === (query.user ?? '').toLowerCase(),
      );
      if (!user) throw new AutotaskError(500, { errors: [MESSAGES.zoneNotFound] });
      const { zoneName, webUrl, ci } = ctx.state.zone;
      // `url` ends in `ATServicesRest/` with a trailing slash: clients append `V1.0/...` (apigrate).
      return { zoneName, url: `${originOf(request)}/ATServicesRest/`, webUrl, ci };
    }
    default:
      break;
  }
  if (request.body === INVALID_JSON) {
    throw new AutotaskError(400, { errors: ['The request body is not valid JSON.'] });
  }
  const caller = authenticate(ctx, request.headers);
  const endpoint =
    route.kind === 'threshold'
      ? 'ThresholdInformation'
      : (route.kind === 'child' || route.kind === 'childById') &&
          deps.limits.limits.threadEndpoint === 'url-root'
        ? route.parent.name
        : route.meta.name;
  const key = `${caller.user.integrationCode}|${endpoint}`;
  return withinLimits(deps.limits, ctx.clock.nowMs(), key, endpoint, deps.sleep, () => {
    if (route.kind === 'threshold') {
      if (method !== 'GET') throw methodNotAllowed(method);
      return {
        externalRequestThreshold: deps.limits.limits.hourlyThreshold,
        requestThresholdTimeframe: 60,
        // The call itself counts [CLIENT n8n].
        currentTimeframeRequestCount: deps.limits.currentCount(ctx.clock.nowMs()),
      };
    }
    return handleEntityRequest(ctx, {
      route,
      method,
      body: request.body,
      query,
      origin: originOf(request),
      caller,
    });
  });
}

/** The Autotask surface: one catch-all route, dispatched case-insensitively by `matchRoute`. */
export function registerApiRoutes(app: FastifyInstance, deps: ApiDeps) {
  app.removeAllContentTypeParsers();
  // Bodies are parsed leniently whatever the content type; bad JSON becomes a 400 in the handler.
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
      try {
        return send(reply, 200, await handle(deps, request));
      } catch (err) {
        if (err instanceof AutotaskError) {
          if (typeof err.body === 'string') return reply.code(err.status).type('text/html').send(err.body);
          return send(reply, err.status, err.body, err.headers);
        }
        request.log.error(err);
        return send(reply, 500, { errors: [`An unexpected error has occurred: ${(err as Error).message}`] });
      }
    },
  });
}
