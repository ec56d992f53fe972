import type { JobDeps } from '../job-deps';
import type { PayloadOf } from '../job-names';
import { type RunBrief, resumeOpenRuns } from './resume-runs';

/**
 * The sweep for runs whose worker died (killed, machine lost, deploy): a run left `running` or `interrupted` whose
 * advisory lock is free has no live owner, so it is resumed through its journal, each holding a PSA slot of its
 * connection. Queued by every worker's tick while such runs exist (one sweep waits at a time).
 */
export async function handleResumeInterrupted(
  deps: JobDeps,
  p: PayloadOf<'resume-interrupted'>,
): Promise<{ resumed: RunBrief[] }> {
  return { resumed: await resumeOpenRuns(deps, { workspaceId: p.workspaceId }, { sweep: true }) };
}
