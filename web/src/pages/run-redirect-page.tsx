import { Navigate, useParams } from 'react-router';
import { ErrorAlert } from '../components/error-alert';
import { PageLoader } from '../components/page-loader';
import { useUsedTargets } from '../features/dashboard/used-targets';
import { programPath, runPath } from '../features/programs/program-paths';
import { useRun } from '../features/runs/run-queries';

/** `/history/<runId>` (the link of notification e-mails) -> the run under its program. */
export function RunRedirectPage() {
  const { runId } = useParams();
  const run = useRun(runId);
  if (run.isError)
    return <ErrorAlert error={run.error} title="Could not open the run" onRetry={() => run.refetch()} />;
  if (!run.data) return <PageLoader label="Opening the run" />;
  return <Navigate to={runPath(run.data.target, run.data.id)} replace />;
}

/** `/history`: the History of the PSA the workspace uses (Autotask's when it uses both, or none yet). */
export function HistoryRedirectPage() {
  const { targets } = useUsedTargets();
  if (!targets) return <PageLoader label="Opening the history" />;
  const target = targets.length === 1 ? targets[0]! : 'autotask';
  return <Navigate to={programPath(target, 'history')} replace />;
}
