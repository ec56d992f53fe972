import { Navigate, Outlet, useParams } from 'react-router';
import type { TargetKind } from '../../api/types';
import { NotFoundPage } from '../../pages/not-found-page';
import { isTarget, programPath } from './program-paths';

/** `/programs/:target/csp/*`: a known PSA, else "page not found". */
export function ProgramRoute() {
  const { target } = useParams();
  if (!isTarget(target)) return <NotFoundPage />;
  return <Outlet />;
}

/** `/programs/:target/csp`: the Customers tab. */
export function ProgramIndexRedirect() {
  return <Navigate to={programPath(useProgramTarget(), 'customers')} replace />;
}

/** The PSA of the program page being shown (ProgramRoute has checked it). */
export function useProgramTarget(): TargetKind {
  const { target } = useParams();
  return isTarget(target) ? target : 'autotask';
}
