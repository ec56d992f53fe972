import { ActionIcon, Anchor, Card, Group, Loader, Progress, Stack, Text } from '@mantine/core';
import { IconX } from '@tabler/icons-react';
import { Link } from 'react-router';
import type { RunKind } from '../../api/types';
import { StatusChip } from '../../components/status-chip';
import { runPath } from '../programs/program-paths';
import { useRun } from '../runs/run-queries';
import { RunStatusBadge } from '../runs/run-status';
import { dismissTrackedSync, type TrackedSync, useTrackedSyncs } from './sync-tracker';

/** Live progress of the syncs started from this tab (of one kind, or all). */
export function SyncActivity({ kind }: { kind?: RunKind }) {
  const syncs = useTrackedSyncs().filter((s) => !kind || s.kind === kind);
  if (syncs.length === 0) return null;
  return (
    <Card withBorder radius="md" padding="sm" mb="md" component="section" aria-label="Sync activity">
      <Stack gap="xs" aria-live="polite">
        {syncs.map((s) => (
          <TrackedSyncRow key={s.key} sync={s} />
        ))}
      </Stack>
    </Card>
  );
}

function TrackedSyncRow({ sync }: { sync: TrackedSync }) {
  const live = sync.phase === 'running' && sync.runId ? sync.runId : undefined;
  const run = useRun(live);
  const total = run.data?.operations ?? 0;
  const done = (run.data?.journal.done ?? 0) + (run.data?.journal.failed ?? 0);
  return (
    <Stack gap={4} data-testid="sync-activity-row" data-phase={sync.phase}>
      <Group justify="space-between" wrap="nowrap" gap="sm">
        <Group gap="sm" wrap="nowrap" miw={0}>
          {sync.phase === 'queued' && (
            <StatusChip color="gray" icon={<Loader size={10} color="gray" aria-hidden />}>
              Queued
            </StatusChip>
          )}
          {sync.phase === 'running' && !sync.runStatus && (
            <StatusChip color="blue" icon={<Loader size={10} color="blue" aria-hidden />}>
              Starting
            </StatusChip>
          )}
          {sync.runStatus && <RunStatusBadge status={sync.runStatus} />}
          {sync.phase === 'failed' && <StatusChip color="red">Failed</StatusChip>}
          <Text size="sm" fw={500} truncate="end">
            {sync.label}
          </Text>
        </Group>
        <Group gap="xs" wrap="nowrap">
          {sync.runId && (
            <Anchor component={Link} to={runPath(sync.target, sync.runId)} size="sm">
              View run
            </Anchor>
          )}
          {(sync.phase === 'done' || sync.phase === 'failed') && (
            <ActionIcon
              variant="subtle"
              color="gray"
              size="sm"
              aria-label={`Dismiss ${sync.label}`}
              onClick={() => dismissTrackedSync(sync.key)}
            >
              <IconX size={14} aria-hidden />
            </ActionIcon>
          )}
        </Group>
      </Group>
      {live && total > 0 && (
        <Progress
          value={(100 * done) / total}
          size="sm"
          animated
          aria-label={`${done} of ${total} PSA changes written`}
        />
      )}
      {sync.message && (
        <Text size="xs" c={sync.phase === 'failed' || sync.runStatus === 'error' ? 'red.8' : 'dimmed'}>
          {sync.message}
        </Text>
      )}
    </Stack>
  );
}
