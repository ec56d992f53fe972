import { type ClaimedJob, claimWaitingCustomers } from '../claim';
import type { JobDeps, JobInfo } from '../job-deps';
import { doneLine, failedLine } from '../job-log';
import { PAYLOADS, type PayloadOf } from '../job-names';
import { isPermanent } from '../permanent';
import { withPsaSlot } from '../psa-slots';
import { type BatchMember, type Outcome, type SyncCustomerResult, syncCustomerBatch } from './customer-batch';

export type { SyncCustomerResult } from './customer-batch';

/**
 * Customers one job syncs at most: the engine reads the PSA state of up to 50 customers in one snapshot
 * (src/engine/sync.ts), so a batch of 50 costs the reads of one.
 */
export const CUSTOMER_BATCH = 50;

/**
 * One customer's sync (spec section 6) holding a PSA slot of its connection. Once the slot is held, the job takes
 * over up to 49 more customer jobs waiting for the same connection (same day and origin) and syncs them with its
 * own customer as one batch (customer-batch.ts): the daily check queues every customer, and a tenant of 5,000
 * customers would otherwise spend its Autotask hourly budget on reads repeated per customer. Jobs are taken over
 * only by a job that holds a slot, so none waits in a batch while a slot elsewhere is free. Each taken-over job is
 * completed or failed on its own (its retries and output are its own); this job's result is returned as before.
 */
export async function handleSyncCustomer(
  deps: JobDeps,
  p: PayloadOf<'sync-customer'>,
  job: JobInfo,
): Promise<SyncCustomerResult> {
  return withPsaSlot(
    deps.pool,
    p.workspaceId,
    p.target,
    async () => {
      const started = Date.now();
      const others = await claimWaitingCustomers(deps.pool, p, CUSTOMER_BATCH - 1);
      for (const o of others) deps.inFlight?.start(o.id);
      const settled = new Set<string>();
      const answer = (o: ClaimedJob, outcome: Answer) => {
        settled.add(o.id);
        return settle(deps, o, Date.now() - started, outcome);
      };
      try {
        const members: BatchMember[] = [
          { id: job.id, tenantId: p.tenantId.toLowerCase(), createdOn: job.createdOn },
        ];
        for (const o of others) {
          const parsed = PAYLOADS['sync-customer'].safeParse(o.data);
          if (parsed.success)
            members.push({ id: o.id, tenantId: parsed.data.tenantId.toLowerCase(), createdOn: o.createdOn });
          else await answer(o, { ok: true, value: { skipped: INVALID_PAYLOAD } });
        }
        const outcomes = await syncCustomerBatch(deps, p, members);
        for (const o of others) if (!settled.has(o.id)) await answer(o, outcomes.get(o.id) ?? missing);
        const own = outcomes.get(job.id) ?? missing;
        if (!own.ok) throw own.error;
        return own.value;
      } catch (error) {
        // Whatever is not answered yet fails with this job (each is retried on its own).
        for (const o of others) if (!settled.has(o.id)) await answer(o, { ok: false, error });
        throw error;
      } finally {
        for (const o of others) deps.inFlight?.finish(o.id);
      }
    },
    deps.slots,
  );
}

const INVALID_PAYLOAD = 'the job payload is not valid for this version of billsync';
const missing: Outcome = { ok: false, error: new Error('the batch gave no answer for this job') };

type Answer = Outcome | { ok: true; value: { skipped: string } };

/** Completes or fails a taken-over job as the worker does its own: permanent refusals end it as skipped. */
async function settle(deps: JobDeps, job: ClaimedJob, ms: number, outcome: Answer): Promise<void> {
  const boss = deps.queue.boss;
  if (!outcome.ok && !isPermanent(outcome.error)) {
    await boss.fail('sync-customer', job.id, outcome.error as object);
    deps.log(failedLine('sync-customer', job.id, outcome.error, job));
    return;
  }
  const output = outcome.ok ? outcome.value : { skipped: (outcome.error as Error).message };
  await boss.complete('sync-customer', job.id, output);
  deps.log(doneLine('sync-customer', job.id, ms, output));
}
