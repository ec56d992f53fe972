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
import { DEFAULT_STATES, listJobs } from '../../jobs/job-list';
import { zonedParts } from '../../jobs/schedule';
import { getScheduleView, saveSchedule } from '../../jobs/schedule-settings';
import {
  EnqueuedManyOut,
  EnqueuedOut,
  JobListOut,
  JobNameSchema,
  JobStateSchema,
  ScheduleOut,
  SchedulePatch,
  SyncCustomerBody,
  SyncCustomersBody,
  SyncProductsBody,
} from '../../services/sync/job-schemas';
import { sessionOf } from '../auth';
import type { AppContext } from '../context';
import { ErrorBody } from './schemas';

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
          state: JobStateSchema.array()
            .or(JobStateSchema.transform((s) => [s]))
            .optional(),
          name: JobNameSchema.array()
            .or(JobNameSchema.transform((n) => [n]))
            .optional()
            .describe('only jobs of these queues, e.g. sync-customer'),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: JobListOut },
      },
    },
    async (request) => ({
      items: await listJobs(ctx.pool, {
        workspaceId: sessionOf(request).workspace_id,
        states: request.query.state ?? DEFAULT_STATES,
        ...(request.query.name ? { names: request.query.name } : {}),
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
        body: SyncCustomerBody,
        response: { 202: EnqueuedOut, ...errors },
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
        body: SyncCustomersBody,
        response: { 202: EnqueuedManyOut, ...errors },
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
        body: SyncProductsBody,
        response: { 202: EnqueuedOut, ...errors },
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
        response: { 202: EnqueuedOut },
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
        body: SchedulePatch,
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
