import { z } from 'zod';
import { PlainDateText } from './customer-schemas';

/**
 * The API contract of background jobs and the daily schedule (spec section 8), in one place: the server
 * validates and documents its job routes with these schemas, and the web app takes its wire types from them
 * (type-only imports in web/src/api/types.ts). Keep this file pure zod: no database or server code. The job
 * states are checked against the queue's at compile time (src/server/routes/sync-schemas.ts).
 */

/** Job states pg-boss stores: waiting (`created`, `retry` after a failure), `active`, and the finished ones. */
export const JobStateSchema = z.enum(['created', 'retry', 'active', 'completed', 'cancelled', 'failed']);

/** The job queues (`GET /api/jobs?name=`). */
export const JobNameSchema = z.enum([
  'sync-products',
  'sync-customer',
  'daily-check',
  'resume-interrupted',
  'notify-run',
]);

/** `POST /api/jobs/...`: `jobId` is null when the same job was already waiting. */
export const EnqueuedOut = z.object({
  jobId: z.string().nullable().describe('null when the same job was already waiting: that one does the work'),
  alreadyQueued: z.boolean(),
});

/** `POST /api/jobs/sync-customers`: one job per enabled customer. */
export const EnqueuedManyOut = z.object({ queued: z.number(), alreadyQueued: z.number() });

export const JobOut = z.object({
  id: z.string(),
  name: z.string(),
  state: JobStateSchema,
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

/** `GET /api/jobs`. */
export const JobListOut = z.object({ items: z.array(JobOut) });

/** `GET /api/schedule`, `PUT /api/schedule`: the workspace's daily check. */
export const ScheduleOut = z.object({
  enabled: z.boolean(),
  hour: z.number(),
  timeZone: z.string(),
  defaults: z.object({ hour: z.number(), timeZone: z.string() }),
  lastFired: z.object({ localDate: z.string(), firedAt: z.string() }).nullable(),
});

export const SchedulePatch = z
  .object({
    enabled: z.boolean().optional(),
    hour: z.number().int().min(0).max(23).optional(),
    timeZone: z.string().min(1).max(64).optional(),
  })
  .strict();

const Target = z.enum(['autotask', 'connectwise']).default('autotask');
const AsOf = PlainDateText.optional().describe("sync as of this day (default: the worker's today, UTC)");

/** `POST /api/jobs/sync-customer` (SAVE AND SYNC NOW, Sync now). */
export const SyncCustomerBody = z
  .object({ target: Target, tenantId: z.string().min(1), asOf: AsOf })
  .strict();

/** `POST /api/jobs/sync-customers`. */
export const SyncCustomersBody = z.object({ target: Target, asOf: AsOf }).strict();

/** `POST /api/jobs/sync-products`. */
export const SyncProductsBody = z
  .object({ target: Target, asOf: AsOf, thenCustomers: z.boolean().default(false) })
  .strict();

/** Wire types (what the API sends and takes), for the web app. */
export type JobStateWire = z.infer<typeof JobStateSchema>;
export type JobNameWire = z.infer<typeof JobNameSchema>;
export type EnqueuedWire = z.infer<typeof EnqueuedOut>;
export type EnqueuedManyWire = z.infer<typeof EnqueuedManyOut>;
export type JobWire = z.infer<typeof JobOut>;
export type JobListWire = z.infer<typeof JobListOut>;
export type ScheduleWire = z.infer<typeof ScheduleOut>;
export type SchedulePatchWire = z.input<typeof SchedulePatch>;
export type SyncCustomerBodyWire = z.input<typeof SyncCustomerBody>;
export type SyncCustomersBodyWire = z.input<typeof SyncCustomersBody>;
export type SyncProductsBodyWire = z.input<typeof SyncProductsBody>;
