import type { Queryable } from '../db/pool';
import { JOB_NAMES, type JobName } from './job-names';
import { QUEUE_SCHEMA } from './queue-schema';

/** Job states pg-boss stores: waiting (`created`, `retry` after a failure), `active`, and the finished ones. */
export const JOB_STATES = ['created', 'retry', 'active', 'completed', 'cancelled', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** What `billsync jobs` and `GET /api/jobs` show: waiting, running and failed jobs by default. */
export const DEFAULT_STATES: readonly JobState[] = ['created', 'retry', 'active', 'failed'];

export interface JobView {
  id: string;
  name: string;
  state: JobState;
  workspaceId: string | null;
  target: string | null;
  tenantId: string | null;
  runId: string | null;
  retryCount: number;
  retryLimit: number;
  createdOn: string;
  startAfter: string;
  startedOn: string | null;
  completedOn: string | null;
  /** The last failure's message (state `retry` or `failed`). */
  error: string | null;
}

interface JobRow {
  id: string;
  name: string;
  state: JobState;
  data: Record<string, unknown> | null;
  output: { message?: unknown; value?: { message?: unknown } } | null;
  retry_count: number;
  retry_limit: number;
  created_on: Date;
  start_after: Date;
  started_on: Date | null;
  completed_on: Date | null;
}

const text = (v: unknown) => (typeof v === 'string' ? v : null);

/** The queue's table does not exist yet (no worker or enqueue has started pg-boss on this database). */
const notInstalled = (error: unknown) => (error as { code?: string }).code === '42P01';

export async function listJobs(
  db: Queryable,
  f: { workspaceId?: string; states?: readonly JobState[]; names?: readonly JobName[]; limit?: number } = {},
): Promise<JobView[]> {
  try {
    const res = await db.query<JobRow>(
      `select id, name, state, data, output, retry_count, retry_limit, created_on, start_after, started_on, completed_on
       from ${QUEUE_SCHEMA}.job
       where name = any($1) and state::text = any($2) and ($3::text is null or data->>'workspaceId' = $3)
       order by created_on desc, id limit $4`,
      [f.names ?? JOB_NAMES, f.states ?? DEFAULT_STATES, f.workspaceId ?? null, f.limit ?? 100],
    );
    return res.rows.map((r) => ({
      id: r.id,
      name: r.name,
      state: r.state,
      workspaceId: text(r.data?.workspaceId),
      target: text(r.data?.target),
      tenantId: text(r.data?.tenantId),
      runId: text(r.data?.runId),
      retryCount: r.retry_count,
      retryLimit: r.retry_limit,
      createdOn: r.created_on.toISOString(),
      startAfter: r.start_after.toISOString(),
      startedOn: r.started_on?.toISOString() ?? null,
      completedOn: r.completed_on?.toISOString() ?? null,
      error:
        r.state === 'retry' || r.state === 'failed'
          ? (text(r.output?.message) ?? text(r.output?.value?.message))
          : null,
    }));
  } catch (error) {
    if (notInstalled(error)) return [];
    throw error;
  }
}

export interface QueueStats {
  /** Age in seconds of the oldest job that is due and not taken yet: how far the workers are behind. */
  lagSeconds: number;
  /** Jobs due and waiting for a worker. */
  pending: number;
  active: number;
  /** Jobs that failed for good in the last 24 hours. */
  failed24h: number;
}

/** Queue lag for `GET /health` and monitoring: one indexed query on pg-boss's job table. */
export async function queueStats(db: Queryable): Promise<QueueStats> {
  try {
    const res = await db.query<{ pending: number; active: number; failed: number; lag: string | null }>(
      `select count(*) filter (where state < 'active' and start_after <= now())::int as pending,
         count(*) filter (where state = 'active')::int as active,
         count(*) filter (where state = 'failed' and completed_on > now() - interval '1 day')::int as failed,
         extract(epoch from now() - min(start_after) filter (where state < 'active' and start_after <= now()))::text as lag
       from ${QUEUE_SCHEMA}.job where name = any($1)`,
      [JOB_NAMES],
    );
    const row = res.rows[0];
    return {
      lagSeconds: row?.lag ? Math.max(0, Math.round(Number(row.lag))) : 0,
      pending: row?.pending ?? 0,
      active: row?.active ?? 0,
      failed24h: row?.failed ?? 0,
    };
  } catch (error) {
    if (notInstalled(error)) return { lagSeconds: 0, pending: 0, active: 0, failed24h: 0 };
    throw error;
  }
}
