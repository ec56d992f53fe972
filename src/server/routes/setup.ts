import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { SetupBody, SetupStatusOut } from '../../services/account-schemas';
import { isSetupNeeded, setupFirstWorkspace, startSession } from '../../services/auth';
import { setSessionCookie } from '../auth';
import type { AppContext } from '../context';
import { BODY_LIMIT } from '../validation';
import { ErrorBody, SessionView } from './schemas';

/** First start: the web app asks whether setup is needed, then creates the workspace and its admin. */
export const setupRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  app.get(
    '/api/setup',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Whether the first workspace still has to be created',
        response: { 200: SetupStatusOut },
      },
    },
    async () => ({ needed: await isSetupNeeded(ctx.pool) }),
  );

  app.post(
    '/api/setup',
    {
      config: { public: true, rateLimit: { max: ctx.config.loginRatePerMinute, timeWindow: 60_000 } },
      bodyLimit: BODY_LIMIT.signIn,
      schema: {
        tags: ['auth'],
        summary: 'Create the first workspace and its admin user (only while no workspace exists)',
        body: SetupBody,
        response: { 201: SessionView, 400: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      const { workspace, user } = await setupFirstWorkspace(ctx.pool, request.body);
      const session = await startSession(ctx.pool, user, {
        hours: ctx.config.sessionHours,
        now: new Date(ctx.clock.now()),
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? '',
      });
      setSessionCookie(reply, ctx, session.token, session.expiresAt);
      return reply.status(201).send({
        user: { id: user.id, email: user.email, role: user.role },
        workspace: { id: workspace.id, name: workspace.name },
        csrfToken: session.csrfToken,
      });
    },
  );
};
