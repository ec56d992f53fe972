import { Button, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { ItemCounts, RunView } from '../../api/types';
import { formatDateTime, formatRelative } from '../../lib/format';
import { runPath } from '../programs/program-paths';
import { RunStatusBadge } from './run-status';

/** `3 OK · 1 warning · 2 no change`. */
export function itemSummary(items: ItemCounts): string {
  const parts: string[] = [];
  if (items.ok) parts.push(`${items.ok} OK`);
  if (items.warning) parts.push(`${items.warning} warning${items.warning === 1 ? '' : 's'}`);
  if (items.error) parts.push(`${items.error} error${items.error === 1 ? '' : 's'}`);
  if (items.skipped) parts.push(`${items.skipped} skipped`);
  if (items.no_change) parts.push(`${items.no_change} no change`);
  return parts.join(' · ') || 'no items';
}

export function triggerWords(run: Pick<RunView, 'trigger' | 'createdBy'>): string {
  if (run.trigger === 'schedule') return 'Daily schedule';
  if (run.trigger === 'api' || run.trigger === 'cli')
    return `${run.createdBy} (${run.trigger === 'api' ? 'web' : 'CLI'})`;
  return run.createdBy === run.trigger ? run.trigger : `${run.createdBy} (${run.trigger})`;
}

/** History: one row per run with its status chip and a View link to every item (spec section 7). */
export function RunsTable({ runs }: { runs: readonly RunView[] }) {
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table verticalSpacing="xs" highlightOnHover data-testid="runs-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>Sync</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Items</Table.Th>
            <Table.Th ta="right">PSA writes</Table.Th>
            <Table.Th>Started by</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {runs.map((run) => {
            const what =
              run.kind === 'product' ? 'Products' : (run.customerName ?? run.tenantId ?? 'Customer');
            const when = run.finishedAt ?? run.startedAt ?? run.createdAt;
            return (
              <Table.Tr key={run.id} data-testid="run-row" data-status={run.status} data-kind={run.kind}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Text size="sm">{formatDateTime(when)}</Text>
                  {formatRelative(when) !== formatDateTime(when) && (
                    <Text size="xs" c="dimmed">
                      {formatRelative(when)}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {what}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {run.kind === 'product' ? 'Product sync' : 'Customer sync'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <RunStatusBadge status={run.status} />
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{itemSummary(run.items)}</Text>
                  {run.message && (
                    <Text size="xs" c={run.status === 'error' ? 'red.8' : 'dimmed'} lineClamp={2}>
                      {run.message}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td ta="right">
                  <Text size="sm">{run.status === 'preview' ? `${run.operations} planned` : run.writes}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c="dimmed">
                    {triggerWords(run)}
                  </Text>
                </Table.Td>
                <Table.Td ta="right">
                  <Button
                    component={Link}
                    to={runPath(run.target, run.id)}
                    size="xs"
                    variant="light"
                    aria-label={`View ${run.kind} sync of ${what}, ${formatDateTime(when)}`}
                  >
                    View
                  </Button>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
