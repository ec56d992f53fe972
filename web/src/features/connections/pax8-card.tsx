import {
  Anchor,
  Button,
  Collapse,
  Group,
  List,
  Modal,
  PasswordInput,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconCloudDownload } from '@tabler/icons-react';
import type { Connection } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';
import { formatRelative } from '../../lib/format';
import { useCan } from '../auth/use-can';
import { ConnectionCard } from './connection-card';
import { type CardState, ConnectionStatusBadge } from './connection-status';
import { type Pax8ConnectionInput, usePullPax8, useTestPax8 } from './pax8-queries';

const EXPLAIN: Record<CardState, string> = {
  not_connected:
    'Buy Microsoft through Pax8? Connect its API instead of Partner Center: billsync reads your companies, the Pax8 price list and the monthly invoices.',
  unknown: 'The credentials are saved but were not tested yet.',
  checking: 'Checking the credentials with Pax8…',
  connected: 'billsync can read Pax8.',
  error: 'billsync cannot use these credentials.',
  needs_setup: 'The credentials work.',
};

const text = (v: unknown) => (typeof v === 'string' && v ? v : null);

interface PullRecord {
  state: string;
  finishedAt: string;
  summary: string;
  errors: string[];
  disagreements: string[];
}

function pullOf(connection: Connection | undefined): PullRecord | null {
  const p = connection?.settings.pull as Partial<PullRecord> | undefined;
  if (!p || typeof p.summary !== 'string') return null;
  return {
    state: String(p.state ?? ''),
    finishedAt: String(p.finishedAt ?? ''),
    summary: p.summary,
    errors: Array.isArray(p.errors) ? p.errors.map(String) : [],
    disagreements: Array.isArray(p.disagreements) ? p.disagreements.map(String) : [],
  };
}

/**
 * The Pax8 source card (issue 18): client id and secret, Test, Pull now, the last pull with its problems and the
 * seats the subscriptions' history contradicts. A workspace has one source: the server refuses Pax8 beside
 * Microsoft's data and says why.
 */
export function Pax8Card({ connection }: { connection: Connection | undefined }) {
  const isAdmin = useCan('admin');
  const [formOpened, form] = useDisclosure(false);
  const test = useTestPax8();
  const pull = usePullPax8();
  const state: CardState = !connection ? 'not_connected' : test.isPending ? 'checking' : connection.status;
  const clientId = text(connection?.settings.clientId);
  const last = pullOf(connection);
  const canPull = connection?.credentials === 'set' && state !== 'error';

  return (
    <>
      <ConnectionCard
        testId="connection-pax8"
        name="Pax8"
        icon={<IconCloudDownload size={20} />}
        status={<ConnectionStatusBadge state={state} testId="connection-pax8-status" />}
        actions={
          isAdmin && (
            <>
              <Button variant={connection ? 'default' : 'filled'} onClick={form.open}>
                {connection ? 'Change credentials' : 'Connect Pax8'}
              </Button>
              {connection && (
                <Button variant="default" onClick={() => test.mutate(undefined)} loading={test.isPending}>
                  Test
                </Button>
              )}
              {canPull && (
                <Button variant="light" onClick={() => pull.mutate()} loading={pull.isPending}>
                  Pull now
                </Button>
              )}
            </>
          )
        }
      >
        <Text size="sm">{EXPLAIN[state]}</Text>
        {connection?.statusMessage && state !== 'checking' && (
          <Text size="sm" c={state === 'error' ? 'red.8' : 'dimmed'} data-testid="connection-pax8-message">
            {connection.statusMessage}
          </Text>
        )}
        {clientId && (
          <Text size="xs" c="dimmed">
            client {clientId}
            {connection?.checkedAt ? ` · checked ${formatRelative(connection.checkedAt)}` : ''}
          </Text>
        )}
        {last ? (
          <Stack gap={2} data-testid="connection-pax8-pull">
            <Text size="xs" c="dimmed">
              Last pull {last.finishedAt ? formatRelative(last.finishedAt) : ''}: {last.summary}
            </Text>
            {(last.errors.length > 0 || last.disagreements.length > 0) && (
              <List size="xs" c={last.errors.length > 0 ? 'red.8' : 'yellow.9'}>
                {[...last.errors, ...last.disagreements].map((e) => (
                  <List.Item key={e}>{e}</List.Item>
                ))}
              </List>
            )}
          </Stack>
        ) : (
          connection && (
            <Text size="xs" c="dimmed">
              Not pulled yet: the daily check reads Pax8 (its invoices appear around the 5th), or click Pull
              now.
            </Text>
          )
        )}
        {test.isError && <ErrorAlert error={test.error} title="Could not test the connection" />}
        {pull.isError && <ErrorAlert error={pull.error} title="Could not pull Pax8" />}
      </ConnectionCard>
      {formOpened && <Pax8Modal onClose={form.close} connection={connection} />}
    </>
  );
}

interface Values {
  clientId: string;
  clientSecret: string;
  apiUrl: string;
}

const isUrl = (v: string) => {
  try {
    new URL(v);
    return true;
  } catch {
    return false;
  }
};

/** Connect (or change) Pax8: the API credentials' client id and secret; Save stores and tests them. */
function Pax8Modal({ onClose, connection }: { onClose: () => void; connection: Connection | undefined }) {
  const hasSecret = connection?.credentials === 'set';
  const test = useTestPax8();
  const storedApiUrl = text(connection?.settings.apiUrl) ?? '';
  const [advanced, { toggle }] = useDisclosure(Boolean(storedApiUrl));
  const form = useForm<Values>({
    mode: 'uncontrolled',
    initialValues: {
      clientId: text(connection?.settings.clientId) ?? '',
      clientSecret: '',
      apiUrl: storedApiUrl,
    },
    validate: {
      clientId: (v) => (v.trim() ? null : 'Enter the client id of the Pax8 API credentials'),
      clientSecret: (v) => (v || hasSecret ? null : 'Enter the client secret'),
      apiUrl: (v) => (!v.trim() || isUrl(v.trim()) ? null : 'Enter a full URL, or leave it empty'),
    },
  });
  const save = form.onSubmit((values) => {
    // Keep the token URL and audience the connection was saved with (set from the CLI).
    const keep = Object.fromEntries(
      ['tokenUrl', 'audience'].flatMap((k) => {
        const v = text(connection?.settings[k]);
        return v ? [[k, v]] : [];
      }),
    );
    const settings = {
      ...keep,
      clientId: values.clientId.trim(),
      ...(values.apiUrl.trim() ? { apiUrl: values.apiUrl.trim() } : {}),
    };
    const input: Pax8ConnectionInput = values.clientSecret
      ? { settings, secrets: { clientSecret: values.clientSecret } }
      : { settings };
    test.mutate(input, {
      onSuccess: (result) => {
        if (!result.ok) return;
        notifications.show({ color: 'green', title: 'Pax8 connected', message: result.message });
        onClose();
      },
    });
  });
  return (
    <Modal opened onClose={onClose} title="Connect Pax8" size="lg">
      <form onSubmit={save} noValidate aria-label="Pax8 credentials">
        <Stack>
          <Text size="sm" c="dimmed">
            Use API credentials a Partner Admin creates in the Pax8 portal (Integrations › API credentials).
            The secret is encrypted at rest and never shown again.
          </Text>
          <TextInput
            label="Client id"
            autoComplete="off"
            required
            data-autofocus
            key={form.key('clientId')}
            {...form.getInputProps('clientId')}
          />
          <PasswordInput
            label="Client secret"
            autoComplete="new-password"
            required={!hasSecret}
            placeholder={hasSecret ? 'Saved: leave empty to keep it' : undefined}
            key={form.key('clientSecret')}
            {...form.getInputProps('clientSecret')}
          />
          <div>
            <Anchor component="button" type="button" size="sm" onClick={toggle} aria-expanded={advanced}>
              {advanced ? 'Hide advanced settings' : 'Advanced settings'}
            </Anchor>
            <Collapse in={advanced}>
              <TextInput
                mt="xs"
                label="Pax8 API URL"
                description="Leave empty for Pax8 (https://api.pax8.com/v1); set it for an emulator."
                key={form.key('apiUrl')}
                {...form.getInputProps('apiUrl')}
              />
            </Collapse>
          </div>
          {test.error && <ErrorAlert error={test.error} title="Could not connect Pax8" />}
          {test.data && !test.data.ok && (
            <ErrorAlert
              error={new Error(`${test.data.message}. The credentials are saved; fix them and try again.`)}
              title="The test failed"
            />
          )}
          <Group justify="flex-end">
            <Button variant="subtle" color="gray" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={test.isPending}>
              Save and test
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
