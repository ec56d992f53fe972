import type { Command } from 'commander';
import { DEFAULT_STATES, JOB_STATES, type JobState, type JobView, listJobs } from '../../jobs/job-list';
import { withContext } from '../context';
import { parseChoice, parseCount } from '../exit';
import { output, table } from '../output';
import { resolveCliWorkspace } from '../workspace-option';

// Apart from `jobs enqueue`: a listing does not load the sync services (the PSA adapters, the planner).

function jobTable(rows: JobView[]): string {
  if (rows.length === 0) return 'No jobs waiting, running or failed.';
  return table(
    ['ID', 'JOB', 'STATE', 'FOR', 'RETRIES', 'QUEUED', 'ERROR'],
    rows.map((j) => [
      j.id.slice(0, 8),
      j.name,
      j.state,
      [j.target, j.tenantId ?? (j.runId ? `run ${j.runId.slice(0, 8)}` : null)].filter(Boolean).join(' ') ||
        (j.workspaceId ? `workspace ${j.workspaceId.slice(0, 8)}` : 'all'),
      `${j.retryCount}/${j.retryLimit}`,
      j.createdOn.replace('T', ' ').slice(0, 19),
      j.error ? j.error.slice(0, 60) : '',
    ]),
  );
}

/** `billsync jobs list`: jobs waiting, running and failed. */
export async function listJobsCommand(
  opts: { state?: string[]; limit: string; workspace?: string },
  cmd: Command,
): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const states = opts.state?.map((s) => parseChoice<JobState>('--state', s, JOB_STATES)) ?? DEFAULT_STATES;
  const limit = parseCount('--limit', opts.limit);
  const rows = await withContext(async ({ db }) => {
    const ws = opts.workspace ? await resolveCliWorkspace(db.pool, opts.workspace, out.info) : undefined;
    return listJobs(db.pool, { ...(ws ? { workspaceId: ws } : {}), states, limit });
  });
  out.result(rows, () => jobTable(rows));
}
