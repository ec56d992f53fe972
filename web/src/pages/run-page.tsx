import { Alert, Anchor, Card, Group, Progress, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconArrowLeft, IconInfoCircle } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import type { RunDetail } from '../api/types';
import { ErrorAlert } from '../components/error-alert';
import { PageLoader } from '../components/page-loader';
import { ProgramPageHeader } from '../features/programs/program-page-header';
import { asTarget, programPath, TARGET_LABEL } from '../features/programs/program-paths';
import { useProgramTarget } from '../features/programs/program-route';
import { RunTimelineLinks } from '../features/reconciliation/run-timeline-links';
import { RunActions } from '../features/runs/run-actions';
import { isShadowRun, RunComparison } from '../features/runs/run-comparison';
import { RunLinesTable } from '../features/runs/run-lines-table';
import { useRun } from '../features/runs/run-queries';
import { RUN_STATUS_LOOK, RunStatusBadge } from '../features/runs/run-status';
import { itemSummary, triggerWords } from '../features/runs/runs-table';
import { SyncActivity } from '../features/sync/sync-activity';
import { currencyOfOffers, formatDateTime, formatDelta, formatPlainDate, plural } from '../lib/format';

const EXPLAIN: Partial<Record<RunDetail['status'], string>> = {
  no_change: 'Nothing new to sync: no change was written.',
  success: 'New data was synced to the PSA.',
  warning: 'The data was synced, but look at the warnings below.',
  awaiting_approval: 'The changes wait for your approval: nothing has been written yet.',
  interrupted:
    'The run stopped before it finished. Resume it: writes in flight are checked first, never sent twice.',
  preview: 'A preview: nothing was written.',
  rejected: 'The changes were rejected: nothing was written.',
  superseded: 'A newer plan replaced this one.',
  running: 'The sync is writing to the PSA now.',
};

/** A run's details (spec section 7): every item with its message inline, the PSA changes and the money delta. */
export function RunPage() {
  const target = useProgramTarget();
  const { runId } = useParams();
  const run = useRun(runId);
  const detail = run.data;
  const title = detail
    ? detail.kind === 'product'
      ? 'Product sync'
      : `Customer sync: ${detail.customerName ?? detail.tenantId ?? ''}`
    : 'Run';
  return (
    <>
      <ProgramPageHeader target={target} tab="history" title={title} />
      <Anchor component={Link} to={programPath(target, 'history')} size="sm" mb="md" display="inline-flex">
        <Group gap={4}>
          <IconArrowLeft size={14} aria-hidden />
          Back to History
        </Group>
      </Anchor>
      <SyncActivity />
      {run.isPending && <PageLoader label="Loading the run" />}
      {run.isError && (
        <ErrorAlert error={run.error} title="Could not load the run" onRetry={() => run.refetch()} />
      )}
      {detail && <RunBody run={detail} />}
    </>
  );
}

const SHADOW_EXPLAIN = 'A shadow first sync: nothing has been written yet.';

/** What the status means for this run: an Error run says what was written and what was not. */
function explainOf(run: RunDetail): string | undefined {
  if (run.status === 'awaiting_approval' && isShadowRun(run)) return SHADOW_EXPLAIN;
  if (run.status !== 'error') return EXPLAIN[run.status];
  if (run.lines.length === 0)
    return 'The sync stopped before it reached any item: see the message. Nothing was written.';
  const failed = `${plural(run.items.error, 'item')} failed: see the errors below.`;
  return run.writes > 0 ? `${failed} The other items were synced.` : `${failed} Nothing was written.`;
}

/** The run's message, prominent: what to do next (apply a shadow sync, resume a paused customer, fix errors). */
function RunMessage({ run }: { run: RunDetail }) {
  if (!run.message) return null;
  const problem = run.status === 'error' || run.status === 'interrupted';
  const waiting = run.status === 'awaiting_approval';
  return (
    <Alert
      mt="md"
      variant="light"
      color={problem ? 'red' : waiting ? 'violet' : 'gray'}
      icon={problem ? <IconAlertTriangle aria-hidden /> : <IconInfoCircle aria-hidden />}
      data-testid="run-message"
    >
      <Text size="sm" fw={500}>
        {run.message}
      </Text>
    </Alert>
  );
}

function RunBody({ run }: { run: RunDetail }) {
  const look = RUN_STATUS_LOOK[run.status];
  const total = run.operations;
  const written = run.journal.done + run.journal.failed;
  const explain = explainOf(run);
  const currency = currencyOfOffers(run.lines.map((l) => l.offerKey));
  return (
    <Stack gap="lg">
      <Card withBorder radius="md" padding="lg" data-testid="run-summary">
        <Group justify="space-between" align="flex-start" wrap="wrap">
          <Group gap="sm">
            <RunStatusBadge status={run.status} size="lg" data-testid="run-status" />
            <Text size="sm" c="dimmed">
              {explain ?? look.label}
            </Text>
          </Group>
          <RunActions run={run} />
        </Group>
        <RunMessage run={run} />
        {run.status === 'running' && total > 0 && (
          <Stack gap={4} mt="md" aria-live="polite">
            <Progress value={(100 * written) / total} animated aria-label="PSA writes done" />
            <Text size="xs" c="dimmed">
              {written} of {plural(total, 'PSA change')} written
              {run.journal.failed ? `, ${run.journal.failed} failed` : ''}
            </Text>
          </Stack>
        )}
        <SimpleGrid cols={{ base: 2, md: 4 }} mt="md" spacing="md">
          <Fact label="Items">{itemSummary(run.items)}</Fact>
          <Fact
            label={
              run.status === 'preview' || run.status === 'awaiting_approval'
                ? 'Planned PSA changes'
                : 'PSA writes'
            }
          >
            {run.status === 'preview' || run.status === 'awaiting_approval' ? run.operations : run.writes}
          </Fact>
          {run.kind === 'customer' && (
            <Fact label="Monthly value change">
              <span data-testid="run-monthly-delta">
                {run.monthlyDelta ? formatDelta(run.monthlyDelta, currency) : 'none'}
              </span>
            </Fact>
          )}
          <Fact label="As of">{formatPlainDate(run.asOf)}</Fact>
          <Fact label="Started">{formatDateTime(run.startedAt ?? run.createdAt)}</Fact>
          <Fact label="Finished">{run.finishedAt ? formatDateTime(run.finishedAt) : '—'}</Fact>
          <Fact label="Started by">{triggerWords(run)}</Fact>
          <Fact label="PSA">{TARGET_LABEL[run.target === 'connectwise' ? 'connectwise' : 'autotask']}</Fact>
        </SimpleGrid>
        {run.journal.failures.length > 0 && (
          <Alert color="red" variant="light" mt="md" title="Failed PSA writes">
            {run.journal.failures.map((f) => (
              <Text size="sm" key={f}>
                {f}
              </Text>
            ))}
          </Alert>
        )}
      </Card>
      <RunComparison run={run} currency={currency} />
      <Card withBorder radius="md" padding="md" component="section" aria-labelledby="run-items-title">
        <Title order={2} fz="h4" mb="sm" id="run-items-title">
          Items
        </Title>
        {run.lines.length === 0 ? (
          <Text size="sm" c="dimmed">
            This run has no items.
          </Text>
        ) : (
          <RunLinesTable lines={run.lines} kind={run.kind} currency={currency} />
        )}
        {run.kind === 'customer' && <RunTimelineLinks run={run} target={asTarget(run.target)} />}
      </Card>
    </Stack>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text size="sm">{children}</Text>
    </Stack>
  );
}
