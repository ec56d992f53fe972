import type { WorkspaceId } from '../core/ids';
import type { PlainDate } from '../core/time/plain-date';
import type { Queryable } from '../db/pool';
import { getMapping, listMappings, type TargetKind } from '../db/repos/sync';
import { AppError } from '../services/errors';
import type { JobQueue } from './queue';

/**
 * Queueing work from the HTTP API, the CLI and the web's SAVE AND SYNC NOW: the job runs on a worker (embedded in
 * `billsync serve`, or `billsync worker`) as soon as one is free. `jobId` is null when the same job was already
 * waiting: the waiting one does the work (nothing is queued twice).
 */
export interface Enqueued {
  jobId: string | null;
  alreadyQueued: boolean;
}

export interface EnqueueOptions {
  target?: TargetKind;
  asOf?: PlainDate | undefined;
  /** 'api', 'cli', 'schedule': shown as the run's trigger. */
  trigger?: string;
  actor?: string;
}

const enqueued = (jobId: string | null): Enqueued => ({ jobId, alreadyQueued: jobId === null });

function origin(o: EnqueueOptions) {
  return {
    target: o.target ?? ('autotask' as const),
    ...(o.asOf ? { asOf: o.asOf } : {}),
    trigger: o.trigger ?? 'api',
    actor: o.actor ?? 'billsync',
  };
}

/** One customer's sync, now. Refused at once (not in the job) when the customer is not mapped or its sync is off. */
export async function enqueueCustomerSync(
  queue: JobQueue,
  db: Queryable,
  ws: WorkspaceId,
  tenantId: string,
  o: EnqueueOptions = {},
): Promise<Enqueued> {
  const base = origin(o);
  const mapping = await getMapping(db, ws, base.target, tenantId.toLowerCase());
  if (!mapping?.contract_id) {
    throw new AppError('bad_request', `Customer ${tenantId} is not mapped to a contract: map it first`);
  }
  if (!mapping.sync_on)
    throw new AppError('bad_request', `Sync is off for customer ${tenantId}: switch it on first`);
  return enqueued(
    await queue.send('sync-customer', { workspaceId: ws, tenantId: mapping.tenant_id, ...base }),
  );
}

/** Every mapped customer whose sync is on, one job each. */
export async function enqueueAllCustomerSyncs(
  queue: JobQueue,
  db: Queryable,
  ws: WorkspaceId,
  o: EnqueueOptions = {},
): Promise<{ queued: number; alreadyQueued: number }> {
  const base = origin(o);
  let queued = 0;
  let already = 0;
  for (const m of await listMappings(db, ws, base.target)) {
    if (!m.sync_on || !m.contract_id) continue;
    const id = await queue.send('sync-customer', { workspaceId: ws, tenantId: m.tenant_id, ...base });
    if (id) queued += 1;
    else already += 1;
  }
  return { queued, alreadyQueued: already };
}

/** The product sync; with `thenCustomers`, every enabled customer's sync follows it. */
export async function enqueueProductSync(
  queue: JobQueue,
  ws: WorkspaceId,
  o: EnqueueOptions & { thenCustomers?: boolean } = {},
): Promise<Enqueued> {
  return enqueued(
    await queue.send('sync-products', {
      workspaceId: ws,
      thenCustomers: o.thenCustomers ?? false,
      ...origin(o),
    }),
  );
}

/** The daily check now, outside the schedule (the schedule still fires its own once a day). */
export async function enqueueDailyCheck(
  queue: JobQueue,
  ws: WorkspaceId,
  localDate: string,
): Promise<Enqueued> {
  return enqueued(await queue.send('daily-check', { workspaceId: ws, localDate }));
}

/** A sweep that resumes the workspace's runs left open by a worker that died. */
export async function enqueueResumeSweep(queue: JobQueue, ws: WorkspaceId): Promise<Enqueued> {
  return enqueued(await queue.send('resume-interrupted', { workspaceId: ws }));
}
