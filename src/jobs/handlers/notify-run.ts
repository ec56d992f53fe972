import type { WorkspaceId } from '../../core/ids';
import type { JobDeps } from '../job-deps';
import type { PayloadOf } from '../job-names';

/** A run's notification: in-app and one e-mail to the program's addresses (src/notifications/notify-run.ts). */
export function handleNotifyRun(deps: JobDeps, p: PayloadOf<'notify-run'>): Promise<unknown> {
  return deps.notify(p.workspaceId as WorkspaceId, p.runId);
}
