import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { enqueuerFor } from '../../jobs/client-queue';
import { zonedParts } from '../../jobs/schedule';
import { getScheduleView } from '../../jobs/schedule-settings';
import { saveConnection } from '../../services/connections';
import { completeConsent, disconnectConsent } from '../../services/partner-center/consent-complete';
import { startConsent } from '../../services/partner-center/consent-flow';
import { queuePull } from '../../services/partner-center/pull-now';
import {
  ConsentStartOut,
  PullQueuedOut,
  SourceInput,
  SourceStatusOut,
  SourceTestOut,
} from '../../services/partner-center/schemas';
import { sourceStatus } from '../../services/partner-center/status';
import { testSource } from '../../services/partner-center/test-source';
import { sessionOf } from '../auth';
import type { AppContext } from '../context';
import { ErrorBody } from './schemas';

const BASE = '/api/connections/partner-center';
const CALLBACK = `${BASE}/consent/callback`;
/** The consent cookie: a random value only the browser that clicked Connect has (SameSite=Lax: it comes back). */
const CONSENT_COOKIE = 'billsync_pc_consent';
const tags = ['connections'];

/**
 * The Microsoft CSP source card (Partner Center in the browser, docs/vendors/microsoft-csp.md): status, Test,
 * the App+User consent (authorization code flow: Connect sends the browser to Microsoft, the callback redeems
 * the code and stores the refresh token sealed) and Pull now (the daily check as a job).
 */
export const partnerCenterRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  const redirectUri = `${ctx.config.publicUrl}${CALLBACK}`;
  const scheduleDefaults = { hour: ctx.config.jobs.scheduleHour, timeZone: ctx.config.jobs.timeZone };
  const deps = { pool: ctx.pool, box: ctx.box, clock: ctx.clock };
  const status = (ws: Parameters<typeof sourceStatus>[1]) =>
    sourceStatus(deps, ws, { redirectUri, scheduleDefaults });
  const save = async (
    request: { body?: z.infer<typeof SourceInput> | null | undefined },
    s: ReturnType<typeof sessionOf>,
  ) => {
    const body = request.body;
    if (!body) return;
    await saveConnection(ctx.pool, ctx.box, {
      workspaceId: s.workspace_id,
      kind: 'partner-center',
      settings: body.settings,
      ...(body.secrets ? { secrets: body.secrets } : {}),
      actor: s.email,
    });
  };

  app.get(
    `${BASE}/status`,
    {
      schema: {
        tags,
        summary: 'The Microsoft CSP source card: consent and its expiry, last and next pull',
        response: { 200: SourceStatusOut },
      },
    },
    async (request) => status(sessionOf(request).workspace_id),
  );

  app.post(
    `${BASE}/test`,
    {
      config: { minRole: 'admin' },
      schema: {
        tags,
        summary:
          'Test the Partner Center connection (app sign-in, then the App+User consent); with a body, save first',
        body: SourceInput.nullish(),
        response: { 200: SourceTestOut, 400: ErrorBody },
      },
    },
    async (request) => {
      const s = sessionOf(request);
      await save(request, s);
      const outcome = await testSource(deps, s.workspace_id, s.email);
      return { ...outcome, source: await status(s.workspace_id) };
    },
  );

  app.post(
    `${BASE}/consent`,
    {
      config: { minRole: 'admin' },
      schema: {
        tags,
        summary: 'Start the App+User consent: the URL of Microsoft’s sign-in page (with a body, save first)',
        description: `Register ${redirectUri} as a Web redirect URI of the app. Sets a short-lived cookie that binds the sign-in to this browser.`,
        body: SourceInput.nullish(),
        response: { 200: ConsentStartOut, 400: ErrorBody },
      },
    },
    async (request, reply) => {
      const s = sessionOf(request);
      await save(request, s);
      const started = await startConsent(deps, {
        workspaceId: s.workspace_id,
        sessionId: s.session_id,
        actor: s.email,
        redirectUri,
      });
      reply.setCookie(CONSENT_COOKIE, started.browserSecret, {
        path: CALLBACK,
        httpOnly: true,
        sameSite: 'lax',
        secure: !ctx.config.insecureCookies,
        maxAge: 15 * 60,
      });
      return { authorizeUrl: started.authorizeUrl, expiresAt: started.expiresAt };
    },
  );

  app.get(
    CALLBACK,
    {
      // Microsoft sends the browser here: the session cookie (SameSite=Strict) does not come along. The state
      // (single use), the consent cookie and the session stored with the state stand for it.
      config: { public: true, rateLimit: { max: 30, timeWindow: 60_000 } },
      schema: {
        tags,
        summary: 'The redirect URI of the App+User consent (Microsoft sends the browser here)',
        querystring: z
          .object({
            state: z.string().max(300).optional(),
            code: z.string().max(8000).optional(),
            error: z.string().max(200).optional(),
            error_description: z.string().max(2000).optional(),
          })
          .loose(),
      },
    },
    async (request, reply) => {
      const q = request.query;
      const outcome = await completeConsent(deps, {
        state: q.state,
        code: q.code,
        error: q.error,
        errorDescription: q.error_description,
        browserSecret: request.cookies[CONSENT_COOKIE],
      });
      reply.clearCookie(CONSENT_COOKIE, { path: CALLBACK });
      return reply.redirect(`/connections?partnerCenter=${outcome.outcome}`, 303);
    },
  );

  app.delete(
    `${BASE}/consent`,
    {
      config: { minRole: 'admin' },
      schema: {
        tags,
        summary: 'Forget the App+User consent (the refresh token)',
        response: { 200: SourceStatusOut },
      },
    },
    async (request) => {
      const s = sessionOf(request);
      await disconnectConsent(deps, s.workspace_id, s.email);
      return status(s.workspace_id);
    },
  );

  app.post(
    `${BASE}/pull`,
    {
      config: { minRole: 'operator' },
      schema: {
        tags,
        summary: 'Pull now: run the daily check at once (reads Partner Center; progress in the status)',
        response: { 202: PullQueuedOut, 400: ErrorBody },
      },
    },
    async (request, reply) => {
      const s = sessionOf(request);
      const view = await getScheduleView(ctx.pool, s.workspace_id, scheduleDefaults);
      const queued = await queuePull(deps, {
        workspaceId: s.workspace_id,
        localDate: zonedParts(ctx.clock.now(), view.timeZone).date,
        queue: await enqueuerFor(ctx.pool, ctx.config.jobs),
        actor: s.email,
      });
      return reply.status(202).send(queued);
    },
  );
};
