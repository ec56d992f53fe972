import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PlainDate } from '../../core/time/plain-date';
import { enqueuerFor } from '../../jobs/client-queue';
import {
  enqueueAllCustomerSyncs,
  enqueueCustomerSync,
  enqueueDailyCheck,
  enqueueProductSync,
} from '../../jobs/enqueue';
import { DEFAULT_STATES, JOB_STATES, listJobs } from '../../jobs/job-list';
import { zonedParts } from '../../jobs/schedule';
import { getScheduleView, saveSchedule } from '../../jobs/schedule-settings';
import { sessionOf } from '../auth';
import type { AppContext } from '../context';
import { ErrorBody } from './schemas';
import { DateText, TargetParam } from './sync-schemas';

const Enqueued = z.object({
  jobId: z.string().nullable().describe('null when the same job was already waiting: that one does the work'),
  alreadyQueued: z.boolean(),
});
const JobOut = z.object({
  id: z.string(),
  name: z.string(),
  state: z.enum(JOB_STATES),
  workspaceId: z.string().nullable(),
  target: z.string().nullable(),
  tenantId: z.string().nullable(),
  runId: z.string().nullable(),
  retryCount: z.number(),
  retryLimit: z.number(),
  createdOn: z.string(),
  startAfter: z.string(),
  startedOn: z.string().nullable(),
  completedOn: z.string().nullable(),
  error: z.string().nullable(),
});
const ScheduleOut = z.object({
  enabled: z.boolean(),
  hour: z.number(),
  timeZone: z.string(),
  defaults: z.object({ hour: z.number(), timeZone: z.string() }),
  lastFired: z.object({ localDate: z.string(), firedAt: z.string() }).nullable(),
});
const Target = TargetParam.shape.target.default('autotask');
const AsOf = DateText.optional().describe("sync as of this day (default: the worker's today, UTC)");
const errors = { 400: ErrorBody, 404: ErrorBody };

/**
 * Background jobs (spec section 8): queue syncs now (SAVE AND SYNC NOW queues one customer), see the queue, and
 * the workspace's daily schedule. The work is done by workers; these routes answer at once (202).
 */
export const jobRoutes: FastifyPluginAsyncZod<AppContext> = async (app, ctx) => {
  const queue = () => enqueuerFor(ctx.pool, ctx.config.jobs);
  const defaults = { hour: ctx.config.jobs.scheduleHour, timeZone: ctx.config.jobs.timeZone };
  const operator = { minRole: 'operator' as const };
  const origin = (request: Parameters<typeof sessionOf>[0], asOf: string | undefined) => ({
    trigger: 'api',
    actor: sessionOf(request).email,
    asOf: asOf as PlainDate | undefined,
  });

  app.get(
    '/api/jobs',
    {
      schema: {
        tags: ['jobs'],
        summary: "The workspace's jobs: waiting, running and failed by default",
        querystring: z.object({
          state: z
            .enum(JOB_STATES)
            .array()
            .or(z.enum(JOB_STATES).transform((s) => [s]))
            .optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: z.object({ items: z.array(JobOut) }) },
      },
    },
    async (request) => ({
      items: await listJobs(ctx.pool, {
        workspaceId: sessionOf(request).workspace_id,
        states: request.query.state ?? DEFAULT_STATES,
        limit: request.query.limit,
      }),
    }),
  );

  app.post(
    '/api/jobs/sync-customer',
    {
      config: operator,
      schema: {
        tags: ['jobs'],
        summary: "Queue one customer's sync now (SAVE AND SYNC NOW)",
        body: z.object({ target: Target, tenantId: z.string().min(1), asOf: AsOf }).strict(),
        response: { 202: Enqueued, ...errors },
      },
    },
    async (request, reply) => {
      const { target, tenantId, asOf } = request.body;
      const ws = sessionOf(request).workspace_id;
      const result = await enqueueCustomerSync(await queue(), ctx.pool, ws, tenantId, {
        target,
        ...origin(request, asOf),
      });
      return reply.status(202).send(result);
    },
  );

  app.post(
    '/api/jobs/sync-customers',
    {
      config: operator,
      schema: {
        tags: ['jobs'],
        summary: 'Queue the sync of every mapped customer whose sync is on (one job each)',
        body: z.object({ target: Target, asOf: AsOf }).strict(),
        response: { 202: z.object({ queued: z.number(), alreadyQueued: z.number() }), ...errors },
      },
    },
    async (request, reply) => {
      const ws = sessionOf(request).workspace_id;
      const { target, asOf } = request.body;
      return reply
        .status(202)
        .send(
          await enqueueAllCustomerSyncs(await queue(), ctx.pool, ws, { target, ...origin(request, asOf) }),
        );
    },
  );

  app.post(
    '/api/jobs/sync-products',
    {
      config: operator,
      schema: {
        tags: ['jobs'],
        summary: 'Queue the product sync now; with thenCustomers, every enabled customer follows',
        body: z.object({ target: Target, asOf: AsOf, thenCustomers: z.boolean().default(false) }).strict(),
        response: { 202: Enqueued, ...errors },
      },
    },
    async (request, reply) => {
      const ws = sessionOf(request).workspace_id;
      const { target, asOf, thenCustomers } = request.body;
      return reply
        .status(202)
        .send(
          await enqueueProductSync(await queue(), ws, { target, thenCustomers, ...origin(request, asOf) }),
        );
    },
  );

  app.post(
    '/api/jobs/daily-check',
    {
      config: operator,
      schema: {
        tags: ['jobs'],
        summary:
          'Run the daily check now: look for new invoices (and refresh the price list) and sync what is new',
        response: { 202: Enqueued },
      },
    },
    async (request, reply) => {
      const ws = sessionOf(request).workspace_id;
      const view = await getScheduleView(ctx.pool, ws, defaults);
      const today = zonedParts(ctx.clock.now(), view.timeZone).date;
      return reply.status(202).send(await enqueueDailyCheck(await queue(), ws, today));
    },
  );

  app.get(
    '/api/schedule',
    {
      schema: {
        tags: ['jobs'],
        summary: "The workspace's daily check: on/off, hour and time zone, when it last fired",
        response: { 200: ScheduleOut },
      },
    },
    async (request) => getScheduleView(ctx.pool, sessionOf(request).workspace_id, defaults),
  );

  app.put(
    '/api/schedule',
    {
      config: { minRole: 'admin' },
      schema: {
        tags: ['jobs'],
        summary: 'Change the daily check: on/off, local hour (0-23), IANA time zone',
        body: z
          .object({
            enabled: z.boolean().optional(),
            hour: z.number().int().min(0).max(23).optional(),
            timeZone: z.string().min(1).max(64).optional(),
          })
          .strict(),
        response: { 200: ScheduleOut, 400: ErrorBody },
      },
    },
    async (request) => {
      const s = sessionOf(request);
      const patch = Object.fromEntries(Object.entries(request.body).filter(([, v]) => v !== undefined));
      return saveSchedule(ctx.pool, s.workspace_id, patch, defaults, s.email);
    },
  );
};
