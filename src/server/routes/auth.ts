import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordAudit } from '../../db/repos/audit';
import { getWorkspace } from '../../db/repos/workspaces';
import { LoginBody } from '../../services/account-schemas';
import { endSession, startSession } from '../../services/auth';
import { signIn } from '../../services/sign-in';
import { clearSessionCookie, SESSION_COOKIE, sessionOf, setSessionCookie } from '../auth';
import type { AppContext } from '../context';
import { securityOf } from '../security-config';
import { BODY_LIMIT } from '../validation';
import { ErrorBody, SessionView } from './schemas';

export const authRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  const security = securityOf(ctx);
  app.post(
    '/api/auth/login',
    {
      config: {
        public: true,
        // Per client address (request.ip: the TCP peer, or the client a trusted proxy names); a burst gets 429
        // with Retry-After. signIn adds the per-account limit, whatever the address.
        rateLimit: { max: ctx.config.loginRatePerMinute, timeWindow: 60_000 },
      },
      bodyLimit: BODY_LIMIT.signIn,
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password; sets the session cookie',
        body: LoginBody,
        response: { 200: SessionView, 400: ErrorBody, 401: ErrorBody, 429: ErrorBody, 503: ErrorBody },
      },
    },
    async (request, reply) => {
      const now = new Date(ctx.clock.now());
      const user = await signIn(ctx.pool, request.body, {
        now,
        limit: { max: security.accountLoginLimit, windowMinutes: security.accountLoginWindowMinutes },
      });
      const workspace = await getWorkspace(ctx.pool, user.workspace_id);
      const session = await startSession(ctx.pool, user, {
        hours: ctx.config.sessionHours,
        now,
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? '',
      });
      await recordAudit(ctx.pool, {
        workspaceId: user.workspace_id,
        userId: user.id,
        actor: user.email,
        action: 'user.login',
      });
      setSessionCookie(reply, ctx, session.token, session.expiresAt);
      return {
        user: { id: user.id, email: user.email, role: user.role },
        workspace: { id: user.workspace_id, name: workspace?.name ?? '' },
        csrfToken: session.csrfToken,
      };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign out (ends the session)',
        response: { 204: z.null(), 401: ErrorBody },
      },
    },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await endSession(ctx.pool, token);
      clearSessionCookie(reply, ctx);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user, workspace and CSRF token',
        response: { 200: SessionView, 401: ErrorBody },
      },
    },
    async (request) => {
      const s = sessionOf(request);
      return {
        user: { id: s.user_id, email: s.email, role: s.role },
        workspace: { id: s.workspace_id, name: s.workspace_name },
        csrfToken: s.csrf_token,
      };
    },
  );
};
