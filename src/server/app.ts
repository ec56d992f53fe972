import { existsSync } from 'node:fs';
import { join } from 'node:path';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import { appRoot } from '../runtime/app-root';
import { loggerOptions } from '../runtime/logger';
import { authPlugin, isApiPath, routedPath } from './auth';
import type { AppContext } from './context';
import { envelope, errorHandler } from './errors';
import { docsCsp, securityHeaders } from './headers';
import { inputGuard } from './input-guard';
import { openApiFinish, openApiTransform } from './openapi';
import { authRoutes } from './routes/auth';
import { connectionRoutes } from './routes/connections';
import { customerRoutes } from './routes/customers';
import { healthRoutes } from './routes/health';
import { jobRoutes } from './routes/jobs';
import { notificationRoutes } from './routes/notifications';
import { partnerCenterRoutes } from './routes/partner-center';
import { pax8Routes } from './routes/pax8';
import { priceRuleRoutes } from './routes/price-rules';
import { programRoutes } from './routes/programs';
import { psaDirectoryRoutes } from './routes/psa-directory';
import { reconciliationRoutes } from './routes/reconciliation';
import { reportRoutes } from './routes/reports';
import { runRoutes } from './routes/runs';
import { setupRoutes } from './routes/setup';
import { sourceRoutes } from './routes/sources';
import { syncRoutes } from './routes/sync';
import { userRoutes } from './routes/users';
import { workspaceRoutes } from './routes/workspace';
import { securityOf } from './security-config';
import { BODY_LIMIT, cappedValidatorCompiler } from './validation';

// From the package root: this module runs from src/server/ under tsx and from dist/ once built.
export const WEB_DIST = join(appRoot(import.meta.url), 'web', 'dist');

export interface BuildAppOptions {
  /** false silences request logs (tests). */
  logger?: boolean;
  /** Directory of the built web app; defaults to web/dist. */
  webDist?: string;
}

/** The Fastify app with every plugin and route; listening is the caller's business. */
export async function buildApp(ctx: AppContext, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const security = securityOf(ctx);
  const app = Fastify({
    logger: options.logger === false ? false : loggerOptions(ctx.config.logLevel),
    // X-Forwarded-For counts only from the configured proxies; otherwise request.ip is the TCP peer.
    trustProxy: security.trustProxy.length ? [...security.trustProxy] : false,
    bodyLimit: BODY_LIMIT.default,
  });
  app.setValidatorCompiler(cappedValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);

  await app.register(securityHeaders);
  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      message: `Too many attempts: try again in ${Math.ceil(context.ttl / 1000)} seconds`,
    }),
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'billsync API',
        version: '0.1.0',
        description: 'Sync Microsoft CSP billing into your PSA.',
      },
      components: {
        securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'billsync_session' } },
      },
      security: [{ session: [] }],
    },
    transform: openApiTransform,
    transformObject: openApiFinish,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, transformStaticCSP: docsCsp });
  await app.register(authPlugin, ctx);
  await app.register(inputGuard);

  for (const routes of [
    healthRoutes,
    setupRoutes,
    authRoutes,
    connectionRoutes,
    partnerCenterRoutes,
    pax8Routes,
    userRoutes,
    workspaceRoutes,
    programRoutes,
    priceRuleRoutes,
    customerRoutes,
    psaDirectoryRoutes,
    syncRoutes,
    runRoutes,
    jobRoutes,
    notificationRoutes,
    reportRoutes,
    reconciliationRoutes,
    sourceRoutes,
  ]) {
    await app.register(routes, ctx);
  }

  const webDist = options.webDist ?? WEB_DIST;
  const hasWeb = existsSync(join(webDist, 'index.html'));
  if (hasWeb) {
    await app.register(fastifyStatic, {
      root: webDist,
      wildcard: false,
      index: false,
      // Source maps stay on the build machine, even if a build left some in web/dist.
      allowedPath: (path) => !path.endsWith('.map'),
    });
  }

  app.setNotFoundHandler((request, reply) => {
    const path = routedPath(request);
    const wantsPage =
      request.method === 'GET' && !isApiPath(path) && !path.startsWith('/docs') && !path.endsWith('.map');
    if (!wantsPage)
      return reply
        .status(404)
        .send(envelope('not_found', `No route ${request.method} ${path.slice(0, 200)}`));
    if (!hasWeb) {
      return reply
        .status(503)
        .type('text/plain')
        .send('The web app is not built yet: run `npm run build:web` (npm install does it), then reload.');
    }
    // The single-page app handles its own routes (/connections, /settings, ...).
    return reply.type('text/html').sendFile('index.html');
  });
  return app;
}
