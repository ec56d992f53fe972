import { Button, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPlugConnected } from '@tabler/icons-react';
import { useEffect, useRef } from 'react';
import { useNavigate } from 'react-router';
import type { Connection } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';
import { formatRelative } from '../../lib/format';
import { useCan } from '../auth/use-can';
import { programPath } from '../programs/program-paths';
import { AutotaskCredentialsModal } from './autotask-credentials-modal';
import { ConnectionCard } from './connection-card';
import { useTestConnection } from './connection-queries';
import { type CardState, ConnectionStatusBadge } from './connection-status';

const EXPLAIN: Record<CardState, string> = {
  not_connected: 'Connect the Autotask API user billsync writes services and contract changes with.',
  unknown: 'The credentials are saved but were not tested yet.',
  checking: 'Checking the credentials with Autotask…',
  connected: 'billsync can read and write Autotask.',
  error: 'billsync cannot use these credentials.',
  needs_setup: 'The credentials work; the Microsoft CSP program needs its settings.',
};

/** The Autotask card: CONNECT NOW, the state in colour and words, Test, and EDIT for the program settings. */
export function AutotaskCard({ connection }: { connection: Connection | undefined }) {
  const isAdmin = useCan('admin');
  const navigate = useNavigate();
  const [formOpened, form] = useDisclosure(false);
  const test = useTestConnection('autotask');
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
  const username = typeof connection?.settings.username === 'string' ? connection.settings.username : null;
  const editProgram = () => navigate(programPath('autotask', 'settings'));

  return (
    <>
      <ConnectionCard
        testId="connection-autotask"
        name="Autotask"
        icon={<IconPlugConnected size={20} />}
        status={<ConnectionStatusBadge state={state} testId="connection-autotask-status" />}
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
            data-testid="connection-autotask-message"
          >
            {connection.statusMessage}
          </Text>
        )}
        {username && (
          <Text size="xs" c="dimmed">
            API user {username}
            {connection?.checkedAt ? ` · checked ${formatRelative(connection.checkedAt)}` : ''}
          </Text>
        )}
        {!isAdmin && !connection && (
          <Text size="xs" c="dimmed">
            An administrator connects Autotask.
          </Text>
        )}
        {test.isError && <ErrorAlert error={test.error} title="Could not test the connection" />}
      </ConnectionCard>
      {formOpened && <AutotaskCredentialsModal opened onClose={form.close} connection={connection} />}
    </>
  );
}

export interface CardActionsProps {
  state: CardState;
  onConnect: () => void;
  onEdit: () => void;
  onTest: () => void;
  testing: boolean;
}

/** The PSA card's buttons by state (shared by the Autotask and ConnectWise cards). */
export function CardActions({ state, onConnect, onEdit, onTest, testing }: CardActionsProps) {
  if (state === 'not_connected') return <Button onClick={onConnect}>CONNECT NOW</Button>;
  const test = (
    <Button variant="default" onClick={onTest} loading={testing}>
      Test again
    </Button>
  );
  if (state === 'error') {
    return (
      <>
        <Button onClick={onConnect}>Fix credentials</Button>
        {test}
      </>
    );
  }
  return (
    <>
      <Button
        onClick={onEdit}
        variant={state === 'needs_setup' ? 'filled' : 'light'}
        title="The Microsoft CSP program: sync, products, billing code, vendor, e-mails"
      >
        EDIT PROGRAM SETTINGS
      </Button>
      <Button variant="default" onClick={onConnect}>
        Change credentials
      </Button>
      {test}
    </>
  );
}
