import { Container } from '@mantine/core';
import { Outlet } from 'react-router';
import { ErrorAlert } from '../../components/error-alert';
import { PageLoader } from '../../components/page-loader';
import { useSetupStatus } from './use-setup-status';

/** Root of every route: nothing renders until we know whether the workspace still has to be set up. */
export function SetupGate() {
  const setup = useSetupStatus();
  if (setup.isPending) return <PageLoader label="Starting billsync" />;
  if (setup.isError) {
    return (
      <Container size="sm" py="xl" component="main">
        <ErrorAlert error={setup.error} title="billsync is not available" onRetry={() => setup.refetch()} />
      </Container>
    );
  }
  return <Outlet />;
}
