import { Button, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconBuildingStore } from '@tabler/icons-react';
import { useEffect, useRef } from 'react';
import { useNavigate } from 'react-router';
import type { Connection } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';
import { formatRelative } from '../../lib/format';
import { useCan } from '../auth/use-can';
import { programPath } from '../programs/program-paths';
import { CardActions } from './autotask-card';
import { ConnectionCard } from './connection-card';
import { useTestConnection } from './connection-queries';
import { type CardState, ConnectionStatusBadge } from './connection-status';
import { ConnectWiseCredentialsModal } from './connectwise-credentials-modal';

const EXPLAIN: Record<CardState, string> = {
  not_connected:
    'Connect the ConnectWise API member billsync writes catalog items and agreement additions with.',
  unknown: 'The credentials are saved but were not tested yet.',
  checking: 'Checking the credentials with ConnectWise…',
  connected: 'billsync can read and write ConnectWise.',
  error: 'billsync cannot use these credentials.',
  needs_setup: 'The credentials work; the Microsoft CSP program needs its settings.',
};

const text = (v: unknown) => (typeof v === 'string' ? v : null);

/** The ConnectWise card: the same states, reasons and buttons as the Autotask card (spec section 2). */
export function ConnectWiseCard({ connection }: { connection: Connection | undefined }) {
  const isAdmin = useCan('admin');
  const navigate = useNavigate();
  const [formOpened, form] = useDisclosure(false);
  const test = useTestConnection('connectwise');
  const autoTested = useRef(false);

  // Saved but never tested (e.g. set up from the CLI): find out once, so the card tells the truth.
  const untested = connection?.credentials === 'set' && connection.status === 'unknown';
  useEffect(() => {
    if (untested && isAdmin && !autoTested.current) {
      autoTested.current = true;
      test.mutate(undefined);
    }
  }, [untested, isAdmin, test]);

  const state: CardState = !connection ? 'not_connected' : test.isPending ? 'checking' : connection.status;
  const site = text(connection?.settings.site);
  const companyId = text(connection?.settings.companyId);
  const editProgram = () => navigate(programPath('connectwise', 'settings'));

  return (
    <>
      <ConnectionCard
        testId="connection-connectwise"
        name="ConnectWise"
        icon={<IconBuildingStore size={20} />}
        status={<ConnectionStatusBadge state={state} testId="connection-connectwise-status" />}
        actions={
          isAdmin ? (
            <CardActions
              state={state}
              onConnect={form.open}
              onEdit={editProgram}
              onTest={() => test.mutate(undefined)}
              testing={test.isPending}
            />
          ) : (
            connection && (
              <Button variant="default" onClick={editProgram}>
                View program settings
              </Button>
            )
          )
        }
      >
        <Text size="sm">{EXPLAIN[state]}</Text>
        {connection?.statusMessage && state !== 'checking' && (
          <Text
            size="sm"
            c={state === 'error' ? 'red.8' : 'dimmed'}
            data-testid="connection-connectwise-message"
          >
            {connection.statusMessage}
          </Text>
        )}
        {site && companyId && (
          <Text size="xs" c="dimmed">
            {site} · company {companyId}
            {connection?.checkedAt ? ` · checked ${formatRelative(connection.checkedAt)}` : ''}
          </Text>
        )}
        {!isAdmin && !connection && (
          <Text size="xs" c="dimmed">
            An administrator connects ConnectWise.
          </Text>
        )}
        {test.isError && <ErrorAlert error={test.error} title="Could not test the connection" />}
      </ConnectionCard>
      {formOpened && <ConnectWiseCredentialsModal opened onClose={form.close} connection={connection} />}
    </>
  );
}
