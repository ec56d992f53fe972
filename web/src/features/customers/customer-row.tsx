import { Anchor, Group, Loader, Stack, Table, Text } from '@mantine/core';
import { memo } from 'react';
import { Link } from 'react-router';
import type { Customer, TargetKind } from '../../api/types';
import { StatusChip } from '../../components/status-chip';
import { formatDateTime, formatPlainDate, formatRelative } from '../../lib/format';
import { runPath } from '../programs/program-paths';
import { RunStatusBadge } from '../runs/run-status';
import type { RowProgress } from './customer-progress';
import { CustomerRowActions } from './customer-row-actions';
import { CustomerSyncSwitch } from './customer-sync-switch';
import { strategyOf } from './pricing-strategies';
import { SuggestionCell } from './suggestion-cell';
import { SyncStateBadge } from './sync-state-badge';

export interface CustomerRowProps {
  target: TargetKind;
  customer: Customer;
  canMap: boolean;
  /** Its sync is waiting for a worker or running now. */
  progress: RowProgress | undefined;
  onEdit: (customer: Customer) => void;
  onPreview: (customer: Customer) => void;
}

/** One customer; memoized: typing in the search box or a new page of suggestions re-renders only what changed. */
export const CustomerRow = memo(function CustomerRow(props: CustomerRowProps) {
  const { target, customer: c, canMap, progress, onEdit } = props;
  return (
    <Table.Tr data-testid="customer-row" data-tenant={c.tenantId} data-progress={progress ?? 'none'}>
      <Table.Td maw={240}>
        <Text size="sm" fw={600} truncate="end" title={c.name}>
          {c.name}
        </Text>
        <Text size="xs" c="dimmed" truncate="end" title={c.domain}>
          {c.domain || 'No domain'}
        </Text>
      </Table.Td>
      <Table.Td maw={240}>
        {c.mapped ? (
          <>
            <Text size="sm" truncate="end" title={c.companyName ?? undefined}>
              {c.companyName ?? `#${c.companyId}`}
            </Text>
            <Text size="xs" c="dimmed" truncate="end" title={c.contractName ?? undefined}>
              {c.contractName ?? (c.contractId ? `#${c.contractId}` : 'No contract')}
            </Text>
          </>
        ) : c.suggestion ? (
          <SuggestionCell target={target} customer={c} readOnly={!canMap} onReview={() => onEdit(c)} />
        ) : (
          <Text size="sm" c="dimmed">
            Not mapped
          </Text>
        )}
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        {c.mapped && (
          <>
            <Text size="sm" title={strategyOf(c.strategy)?.label}>
              {strategyOf(c.strategy)?.short ?? ''}
            </Text>
            <Text size="xs" c="dimmed">
              from {formatPlainDate(c.syncStart)}
            </Text>
          </>
        )}
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        <Group gap={8} wrap="nowrap">
          <CustomerSyncSwitch target={target} customer={c} readOnly={!canMap} />
          <SyncStateBadge customer={c} />
        </Group>
      </Table.Td>
      <Table.Td style={{ minWidth: 170, maxWidth: 280 }}>
        <LastRunCell target={target} customer={c} progress={progress} />
      </Table.Td>
      <Table.Td>
        <CustomerRowActions {...props} busy={progress !== undefined} />
      </Table.Td>
    </Table.Tr>
  );
});

/**
 * Queued / Running while the customer's sync is on its way (its row is where the user looks), then the last run's
 * status with a link to it, what the run says (e.g. why there was nothing to sync) and when it last synced.
 */
function LastRunCell({
  target,
  customer: c,
  progress,
}: Omit<CustomerRowProps, 'canMap' | 'onEdit' | 'onPreview'>) {
  return (
    <Stack gap={2} aria-live="polite">
      <Group gap={8} wrap="nowrap">
        {progress === 'queued' && (
          <StatusChip
            color="gray"
            icon={<Loader size={10} color="gray" aria-hidden />}
            data-testid="row-progress"
          >
            Queued
          </StatusChip>
        )}
        {progress === 'running' && (
          <StatusChip
            color="blue"
            icon={<Loader size={10} color="blue" aria-hidden />}
            data-testid="row-progress"
          >
            Running
          </StatusChip>
        )}
        {!progress && c.lastRun && <RunStatusBadge status={c.lastRun.status} />}
        {!progress && !c.lastRun && (
          <Text size="sm" c="dimmed">
            No run yet
          </Text>
        )}
        {c.lastRun && (
          <Anchor
            component={Link}
            to={runPath(target, c.lastRun.id)}
            size="xs"
            aria-label={`Last run of ${c.name}`}
          >
            View run
          </Anchor>
        )}
      </Group>
      {!progress && c.lastRun?.message && (
        <Text
          size="xs"
          c={c.lastRun.status === 'error' ? 'red.8' : 'dimmed'}
          lineClamp={2}
          title={c.lastRun.message}
        >
          {c.lastRun.message}
        </Text>
      )}
      {(c.lastRun || c.lastSyncedAt) && (
        <Text size="xs" c="dimmed" title={formatDateTime(c.lastSyncedAt)}>
          {c.lastSyncedAt ? `synced ${formatRelative(c.lastSyncedAt)}` : 'never synced'}
        </Text>
      )}
    </Stack>
  );
}
