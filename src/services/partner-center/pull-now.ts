import type { WorkspaceId } from '../../core/ids';
import type { Clock } from '../../core/time/clock';
import type { Pool } from '../../db/pool';
import { recordAudit } from '../../db/repos/audit';
import type { JobQueue } from '../../jobs/queue';
import type { SecretBox } from '../../runtime/secret-box';
import { requireApiSource, writeManaged } from './store';

/** The daily check of a workspace that waits or runs now, if any (pg-boss's job table). */
export async function openDailyCheck(pool: Pool, ws: WorkspaceId): Promise<string | undefined> {
  try {
    const res = await pool.query<{ id: string }>(
      `select id from pgboss.job where name = 'daily-check' and data->>'workspaceId' = $1
          and state::text in ('created', 'retry', 'active')
        order by created_on desc limit 1`,
      [ws],
    );
    return res.rows[0]?.id;
  } catch (error) {
    // The queue's tables do not exist yet: nothing waits.
    if ((error as { code?: string }).code === '42P01') return undefined;
    throw error;
  }
}

/** A job's state as pg-boss stores it (`created`, `retry`, `active`, `completed`, `cancelled`, `failed`). */
export async function jobState(pool: Pool, ws: WorkspaceId, jobId: string): Promise<string | undefined> {
  try {
    const res = await pool.query<{ state: string }>(
      `select state::text as state from pgboss.job where id = $1 and data->>'workspaceId' = $2`,
      [jobId, ws],
    );
    return res.rows[0]?.state;
  } catch (error) {
    if ((error as { code?: string }).code === '42P01') return undefined;
    throw error;
  }
}

/**
 * Pull now: runs the workspace's daily check at once (a job, done by a worker): it reads Partner Center and,
 * when a new invoice arrived, queues the syncs the daily check queues. A check that already waits or runs is the
 * pull (nothing is queued twice). The card follows the job through `settings.pull`.
 */
export async function queuePull(
  deps: { pool: Pool; box: SecretBox; clock: Clock },
  p: { workspaceId: WorkspaceId; localDate: string; queue: JobQueue; actor: string },
): Promise<{ jobId: string; alreadyQueued: boolean }> {
  const loaded = await requireApiSource(deps.pool, deps.box, p.workspaceId);
  const open = await openDailyCheck(deps.pool, p.workspaceId);
  if (open) return { jobId: open, alreadyQueued: true };
  const jobId = await p.queue.send('daily-check', { workspaceId: p.workspaceId, localDate: p.localDate });
  const id = jobId ?? (await openDailyCheck(deps.pool, p.workspaceId));
  if (!id) throw new Error('the daily check could not be queued');
  await writeManaged(deps.pool, p.workspaceId, 'pull', {
    state: 'queued',
    jobId: id,
    startedAt: deps.clock.now(),
    finishedAt: null,
    step: 'Waiting for a worker',
    invoicesPulled: 0,
    pricesChanged: false,
    priceEntries: null,
    errors: [],
  });
  await recordAudit(deps.pool, {
    workspaceId: p.workspaceId,
    actor: p.actor,
    action: 'partner-center.pull',
    targetType: 'connection',
    targetId: loaded.row.id,
    details: { jobId: id },
  });
  return { jobId: id, alreadyQueued: jobId === null };
}
