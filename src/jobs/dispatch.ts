import { handleDailyCheck } from './handlers/daily-check';
import { handleNotifyRun } from './handlers/notify-run';
import { handleResumeInterrupted } from './handlers/resume-interrupted';
import { handleSyncCustomer } from './handlers/sync-customer';
import { handleSyncProducts } from './handlers/sync-products';
import type { JobDeps, JobInfo } from './job-deps';
import { type JobName, PAYLOADS, type PayloadOf } from './job-names';
import { isPermanent } from './permanent';

export { isPermanent } from './permanent';

/** Runs one job: validates its payload and calls its handler. */
export async function runJob(deps: JobDeps, name: JobName, data: unknown, job: JobInfo): Promise<unknown> {
  const parsed = PAYLOADS[name].safeParse(data);
  if (!parsed.success) {
    deps.log(`${name} ${job.id}: payload refused (${parsed.error.message}); not retried`);
    return { skipped: 'the job payload is not valid for this version of billsync' };
  }
  try {
    switch (name) {
      case 'sync-customer':
        return await handleSyncCustomer(deps, parsed.data as PayloadOf<'sync-customer'>, job);
      case 'sync-products':
        return await handleSyncProducts(deps, parsed.data as PayloadOf<'sync-products'>, job);
      case 'daily-check':
        return await handleDailyCheck(deps, parsed.data as PayloadOf<'daily-check'>);
      case 'resume-interrupted':
        return await handleResumeInterrupted(deps, parsed.data as PayloadOf<'resume-interrupted'>);
      case 'notify-run':
        return await handleNotifyRun(deps, parsed.data as PayloadOf<'notify-run'>);
    }
  } catch (error) {
    if (isPermanent(error)) {
      deps.log(`${name} ${job.id}: ${error.message} (not retried)`);
      return { skipped: error.message };
    }
    throw error;
  }
}
