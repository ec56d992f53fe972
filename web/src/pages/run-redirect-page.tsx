import { Navigate, useParams } from 'react-router';
import { ErrorAlert } from '../components/error-alert';
import { PageLoader } from '../components/page-loader';
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

/** `/history`: the Autotask program's History. */
export function HistoryRedirectPage() {
  return <Navigate to={programPath('autotask', 'history')} replace />;
}
