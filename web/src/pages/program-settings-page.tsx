import { Button } from '@mantine/core';
import { IconPlugConnected } from '@tabler/icons-react';
import { Link } from 'react-router';
import { EmptyState } from '../components/empty-state';
import { ErrorAlert } from '../components/error-alert';
import { PageLoader } from '../components/page-loader';
import { useCan } from '../features/auth/use-can';
import { useConnections } from '../features/connections/connection-queries';
import { ProgramPageHeader } from '../features/programs/program-page-header';
import { TARGET_LABEL } from '../features/programs/program-paths';
import { useProgram } from '../features/programs/program-queries';
import { useProgramTarget } from '../features/programs/program-route';
import { ProgramSettingsForm } from '../features/programs/program-settings-form';

export function ProgramSettingsPage() {
  const target = useProgramTarget();
  const isAdmin = useCan('admin');
  const program = useProgram(target);
  const connections = useConnections();
  const connected = connections.data?.some((c) => c.kind === target && c.credentials === 'set');
  return (
    <>
      <ProgramPageHeader
        target={target}
        tab="settings"
        title="Program settings"
        description={`What billsync syncs from Microsoft CSP to ${TARGET_LABEL[target]}, and how.`}
      />
      {(program.isPending || connections.isPending) && <PageLoader label="Loading the program settings" />}
      {program.isError && (
        <ErrorAlert
          error={program.error}
          title="Could not load the program"
          onRetry={() => program.refetch()}
        />
      )}
      {connections.data && !connected && (
        <EmptyState
          icon={<IconPlugConnected size={22} />}
          title={`${TARGET_LABEL[target]} is not connected`}
          action={
            <Button component={Link} to="/connections">
              Go to Connections
            </Button>
          }
        >
          Connect {TARGET_LABEL[target]} first: the billing codes and vendors of the settings come from it.
        </EmptyState>
      )}
      {program.data && connected && (
        <ProgramSettingsForm target={target} program={program.data} readOnly={!isAdmin} />
      )}
    </>
  );
}
