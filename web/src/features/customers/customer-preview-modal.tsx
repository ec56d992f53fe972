import { Alert, Button, Group, Loader, Modal, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { Customer, RunSummaryList, TargetKind } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';
import { currencyOfOffers, formatDelta, plural } from '../../lib/format';
import { TARGET_LABEL } from '../programs/program-paths';
import { RunLinesTable } from '../runs/run-lines-table';
import { useRun } from '../runs/run-queries';
import { useSyncNow } from '../sync/use-sync-now';

interface CustomerPreviewModalProps {
  target: TargetKind;
  customer: Customer;
  canSync: boolean;
  onClose: () => void;
}

/**
 * A customer sync preview (spec section 9): the exact PSA changes and the monthly money delta before anything is
 * written; Sync now applies it.
 */
export function CustomerPreviewModal({ target, customer, canSync, onClose }: CustomerPreviewModalProps) {
  const label = TARGET_LABEL[target];
  const preview = useQuery({
    queryKey: ['customer-preview', target, customer.tenantId],
    queryFn: async () =>
      (
        await api<RunSummaryList>(`/api/sync/${target}/customers/preview`, {
          method: 'POST',
          body: { tenantIds: [customer.tenantId] },
        })
      ).items[0] ?? null,
    staleTime: 0,
    gcTime: 0,
  });
  const run = useRun(preview.data?.runId);
  const syncNow = useSyncNow();
  const detail = run.data;
  const writes = detail?.operations ?? 0;
  const currency = detail ? currencyOfOffers(detail.lines.map((l) => l.offerKey)) : null;

  return (
    <Modal opened onClose={onClose} title={`Sync preview: ${customer.name}`} size="80rem">
      <Stack>
        <Text size="sm" c="dimmed">
          What the next sync would write to {label} for this customer. Nothing has been written yet.
        </Text>
        {(preview.isPending || (preview.data && run.isPending)) && (
          <Group gap="sm">
            <Loader size="sm" />
            <Text size="sm">Planning the sync…</Text>
          </Group>
        )}
        {preview.isError && <ErrorAlert error={preview.error} title="Could not preview the sync" />}
        {run.isError && <ErrorAlert error={run.error} title="Could not load the preview" />}
        {preview.data === null && (
          <Alert color="gray">The customer is not mapped with sync on, so there is nothing to preview.</Alert>
        )}
        {detail && (
          <>
            <Group gap="xl">
              <Figure label="PSA changes" value={plural(writes, 'write')} />
              <Figure
                label="Monthly value change"
                value={detail.monthlyDelta ? formatDelta(detail.monthlyDelta, currency) : 'none'}
              />
              <Figure
                label="Items"
                value={`${detail.items.ok} to change, ${detail.items.warning} warning(s), ${detail.items.error} error(s)`}
              />
            </Group>
            <RunLinesTable lines={detail.lines} kind="customer" currency={currency} />
          </>
        )}
        {syncNow.isError && <ErrorAlert error={syncNow.error} title="Could not start the sync" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Close
          </Button>
          {canSync && detail && writes > 0 && (
            <Button
              loading={syncNow.isPending}
              onClick={() =>
                syncNow.mutate(
                  { kind: 'customer', target, tenantId: customer.tenantId, label: customer.name },
                  { onSuccess: onClose },
                )
              }
            >
              Sync now
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text fw={600}>{value}</Text>
    </Stack>
  );
}
