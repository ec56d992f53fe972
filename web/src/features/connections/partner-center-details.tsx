import { Alert, List, Loader, Progress, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { formatDateTime, formatPlainDate } from '../../lib/format';
import { pullActive, type SourceStatus } from './partner-center-queries';

/** Who consented and until when, with the warning well ahead of the expiry. */
function ConsentLine({ status }: { status: SourceStatus }) {
  const c = status.consent;
  return (
    <>
      {c.state === 'connected' && (
        <Text size="sm" data-testid="partner-center-consent">
          App+User consent{c.user ? ` by ${c.user}` : ''}: valid until {formatPlainDate(c.expiresAt)}
          {c.daysLeft !== null && c.daysLeft > 0 ? ` (${c.daysLeft} days)` : ''}, renewed automatically.
        </Text>
      )}
      {c.warning && (
        <Alert
          color={c.state === 'connected' && (c.daysLeft ?? 0) > 0 ? 'yellow' : 'red'}
          variant="light"
          icon={<IconAlertTriangle aria-hidden />}
          title={c.state === 'none' ? 'Consent needed' : 'Reconnect needed'}
          data-testid="partner-center-consent-warning"
        >
          {c.warning}
        </Alert>
      )}
    </>
  );
}

const STATE_WORDS = {
  queued: 'Waiting',
  running: 'Running',
  done: 'Done',
  warning: 'Done with problems',
  failed: 'Failed',
} as const;

/** The last or running pull: progress while it runs, then the outcome with the errors in words. */
function PullLine({ status }: { status: SourceStatus }) {
  const pull = status.pull;
  if (!pull) return <Text size="sm">Not pulled yet.</Text>;
  if (pullActive(status)) {
    return (
      <Stack gap={4}>
        <Progress value={100} striped animated aria-label="Pull progress" />
        <Text size="sm" role="status" data-testid="partner-center-pull-progress">
          <Loader size="xs" mr={6} aria-hidden />
          Pulling from Partner Center: {pull.step ?? STATE_WORDS[pull.state]}
        </Text>
      </Stack>
    );
  }
  return (
    <Stack gap={2} data-testid="partner-center-pull-result">
      <Text size="sm" role="status">
        Last pull {formatDateTime(pull.finishedAt ?? pull.startedAt)}: {STATE_WORDS[pull.state]}
        {pull.step ? `, ${pull.step}` : ''}.
      </Text>
      {pull.errors.length > 0 && (
        <List size="sm" c="red.8" spacing={2} aria-label="Pull problems">
          {pull.errors.map((e) => (
            <List.Item key={e}>{e}</List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}

/** The Partner Center part of the Microsoft CSP card: app, consent, last and next pull. */
export function PartnerCenterDetails({ status }: { status: SourceStatus }) {
  const s = status.settings;
  // A working connection's message says what the consent line says: only problems and setup hints are shown.
  const message = status.connection?.status !== 'connected' ? status.connection?.statusMessage : null;
  return (
    <Stack gap={6}>
      {s.clientId && (
        <Text size="xs" c="dimmed">
          App {s.clientId} in tenant {s.tenantId}
          {status.connection?.checkedAt ? ` · checked ${formatDateTime(status.connection.checkedAt)}` : ''}
        </Text>
      )}
      {message && (
        <Text
          size="sm"
          c={status.connection?.status === 'error' ? 'red.8' : 'dimmed'}
          data-testid="partner-center-message"
        >
          {message}
        </Text>
      )}
      <ConsentLine status={status} />
      {status.consent.problem && status.consent.state === 'connected' && (
        <Text size="sm" c="red.8">
          The last sign-in did not complete: {status.consent.problem}
        </Text>
      )}
      <PullLine status={status} />
      <Text size="xs" c="dimmed" data-testid="partner-center-next-pull">
        Next pull:{' '}
        {status.nextPull.at
          ? `${formatDateTime(status.nextPull.at)} (${status.nextPull.note})`
          : status.nextPull.note}
      </Text>
    </Stack>
  );
}
