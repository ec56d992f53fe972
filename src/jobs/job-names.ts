import { z } from 'zod';
import { tryParsePlainDate } from '../core/time/plain-date';

/**
 * The job queues of billsync and the payload each carries. Payloads are validated on both ends (enqueue and
 * handle): a job stored by an older or newer version that does not parse fails instead of doing the wrong thing.
 */
export const JOB_NAMES = [
  'sync-products',
  'sync-customer',
  'daily-check',
  'resume-interrupted',
  'notify-run',
] as const;
export type JobName = (typeof JOB_NAMES)[number];

const Uuid = z.uuid();
const Target = z.enum(['autotask', 'connectwise']);
const Day = z.string().refine((s) => tryParsePlainDate(s) !== undefined, 'a date is written YYYY-MM-DD');

/** Who asked: 'schedule', 'api', 'cli', 'job' (a follow-up of another job); shown as the run's trigger. */
const Origin = {
  trigger: z.string().min(1).max(40).default('job'),
  actor: z.string().min(1).max(200).default('billsync'),
};

export const SyncProductsPayload = z.object({
  workspaceId: Uuid,
  target: Target,
  /** Plan as of this day (default: the worker's today). */
  asOf: Day.optional(),
  /** After the product sync, queue one customer sync per enabled customer (the daily check's chain). */
  thenCustomers: z.boolean().default(false),
  /** The invoices the daily check queued this chain for: new to it again when the PSA cannot be read. */
  invoices: z
    .array(z.object({ id: z.string().min(1).max(200), revision: z.number().int() }))
    .max(10_000)
    .optional(),
  ...Origin,
});

export const SyncCustomerPayload = z.object({
  workspaceId: Uuid,
  target: Target,
  tenantId: z.string().min(1).max(100),
  asOf: Day.optional(),
  ...Origin,
});

export const DailyCheckPayload = z.object({
  workspaceId: Uuid,
  /** The workspace's local calendar day the check fired for. */
  localDate: Day,
});

export const ResumeInterruptedPayload = z.object({
  /** Only this workspace's runs (default: every workspace). */
  workspaceId: Uuid.optional(),
});

export const NotifyRunPayload = z.object({ workspaceId: Uuid, runId: Uuid });

export const PAYLOADS = {
  'sync-products': SyncProductsPayload,
  'sync-customer': SyncCustomerPayload,
  'daily-check': DailyCheckPayload,
  'resume-interrupted': ResumeInterruptedPayload,
  'notify-run': NotifyRunPayload,
} as const satisfies Record<JobName, z.ZodType>;

export type PayloadOf<N extends JobName> = z.output<(typeof PAYLOADS)[N]>;
export type PayloadInput<N extends JobName> = z.input<(typeof PAYLOADS)[N]>;

/**
 * The singleton key of a job: at most one job per key waits in a queue (pg-boss `short` policy), so the same
 * customer is never queued twice at once; a request while one waits is absorbed by the waiting one.
 */
export function singletonKeyOf<N extends JobName>(name: N, data: PayloadOf<N>): string {
  const d = data as Record<string, unknown>;
  switch (name) {
    case 'sync-customer':
      return `${d.workspaceId}:${d.target}:${d.tenantId}`;
    case 'sync-products':
      // A plain product sync must not absorb the daily check's chained one (which queues the customers after).
      return `${d.workspaceId}:${d.target}:${d.thenCustomers ? 'then-customers' : 'alone'}`;
    case 'daily-check':
      return `${d.workspaceId}:${d.localDate}`;
    case 'resume-interrupted':
      return `${d.workspaceId ?? 'all'}`;
    default:
      return `${d.runId}`;
  }
}
