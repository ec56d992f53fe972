import { Container } from '@mantine/core';
import { Navigate, Outlet, useLocation } from 'react-router';
import { ErrorAlert } from '../../components/error-alert';
import { PageLoader } from '../../components/page-loader';
import { SessionContext } from './session-context';
import { useSession } from './use-session';
import { useSetupStatus } from './use-setup-status';

/** Routes behind it need a signed-in user: otherwise setup (empty database) or login. */
export function RequireSession() {
  const location = useLocation();
  const setup = useSetupStatus();
  const session = useSession();

  if (setup.data?.needed) return <Navigate to="/setup" replace />;
  if (session.isPending) return <PageLoader />;
  if (session.isError) {
    return (
      <Container size="sm" py="xl" component="main">
        <ErrorAlert
          error={session.error}
          title="Could not load your session"
          onRetry={() => session.refetch()}
        />
      </Container>
    );
  }
  if (!session.data)
    return <Navigate to="/login" replace state={{ from: `${location.pathname}${location.search}` }} />;

  return (
    <SessionContext.Provider value={session.data}>
      <Outlet />
    </SessionContext.Provider>
  );
}
