import { Button, Card, Group, Pill, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import { IconHistory } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { api } from '../api/client';
import type { Customer, RunKind, RunStatus } from '../api/types';
import { EmptyState } from '../components/empty-state';
import { ErrorAlert } from '../components/error-alert';
import { PageLoader } from '../components/page-loader';
import { ProgramPageHeader } from '../features/programs/program-page-header';
import { TARGET_LABEL } from '../features/programs/program-paths';
import { useProgramTarget } from '../features/programs/program-route';
import { useRuns } from '../features/runs/run-queries';
import { RUN_STATUS_LOOK } from '../features/runs/run-status';
import { RunsTable } from '../features/runs/runs-table';
import { SyncActivity } from '../features/sync/sync-activity';

const PAGE = 50;
const STATUS_ORDER: RunStatus[] = [
  'success',
  'warning',
  'error',
  'no_change',
  'awaiting_approval',
  'running',
  'interrupted',
  'preview',
  'rejected',
  'superseded',
];

export function HistoryPage() {
  const target = useProgramTarget();
  const [params, setParams] = useSearchParams();
  const kindParam = params.get('kind');
  const kind: RunKind | undefined =
    kindParam === 'customer' || kindParam === 'product' ? kindParam : undefined;
  const statusParam = params.get('status') as RunStatus | null;
  const status = statusParam && STATUS_ORDER.includes(statusParam) ? statusParam : undefined;
  const customer = params.get('customer') ?? undefined;
  const page = Math.max(1, Number(params.get('page')) || 1);
  const runs = useRuns({ target, kind, status, customer, limit: PAGE, offset: (page - 1) * PAGE });
  const customerName = useQuery({
    queryKey: ['customer', target, customer],
    queryFn: () => api<Customer>(`/api/customers/${encodeURIComponent(customer!)}?target=${target}`),
    enabled: !!customer,
  });

  const update = (patch: Record<string, string | null>) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(patch)) {
          if (v === null || v === '') next.delete(k);
          else next.set(k, v);
        }
        if (!('page' in patch)) next.delete('page');
        return next;
      },
      { replace: true },
    );
  const filtered = !!(kind || status || customer);

  return (
    <>
      <ProgramPageHeader
        target={target}
        tab="history"
        title="History"
        description={`Every product and customer sync to ${TARGET_LABEL[target]}, newest first.`}
      />
      <SyncActivity />
      <Card withBorder radius="md" padding="md">
        <Stack gap="sm">
          <Group gap="sm" wrap="wrap" align="flex-end">
            <SegmentedControl
              value={kind ?? 'all'}
              onChange={(v) => update({ kind: v === 'all' ? null : v })}
              data={[
                { value: 'all', label: 'All syncs' },
                { value: 'customer', label: 'Customers' },
                { value: 'product', label: 'Products' },
              ]}
              aria-label="Kind of sync"
            />
            <Select
              w={220}
              placeholder="Any status"
              aria-label="Status"
              clearable
              data={STATUS_ORDER.map((s) => ({ value: s, label: RUN_STATUS_LOOK[s].label }))}
              value={status ?? null}
              onChange={(v) => update({ status: v })}
            />
            {customer && (
              <Pill size="lg" withRemoveButton onRemove={() => update({ customer: null })}>
                Customer: {customerName.data?.name ?? customer}
              </Pill>
            )}
            {filtered && (
              <Button variant="subtle" size="xs" onClick={() => setParams({}, { replace: true })}>
                Clear filters
              </Button>
            )}
          </Group>
          {runs.isPending && <PageLoader label="Loading the history" />}
          {runs.isError && (
            <ErrorAlert
              error={runs.error}
              title="Could not load the history"
              onRetry={() => runs.refetch()}
            />
          )}
          {runs.data && runs.data.items.length > 0 && (
            <div style={{ opacity: runs.isPlaceholderData ? 0.6 : 1 }}>
              <RunsTable runs={runs.data.items} />
            </div>
          )}
          {runs.data && runs.data.items.length === 0 && (
            <EmptyState
              icon={<IconHistory size={22} />}
              title={filtered ? 'No run matches' : 'No sync has run yet'}
            >
              {filtered
                ? 'Try other filters.'
                : 'Runs appear here once a product or customer sync has run (daily, or when you sync now).'}
            </EmptyState>
          )}
          {runs.data && (page > 1 || runs.data.hasMore) && (
            <Group justify="space-between">
              <Button
                variant="default"
                size="xs"
                disabled={page === 1}
                onClick={() => update({ page: page === 2 ? null : String(page - 1) })}
              >
                Newer
              </Button>
              <Text size="sm" c="dimmed">
                Page {page}
              </Text>
              <Button
                variant="default"
                size="xs"
                disabled={!runs.data.hasMore}
                onClick={() => update({ page: String(page + 1) })}
              >
                Older
              </Button>
            </Group>
          )}
        </Stack>
      </Card>
    </>
  );
}
