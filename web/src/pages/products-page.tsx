import { Alert, Anchor, Button, Card, Chip, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconPackage, IconRefresh, IconSearch } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import type { RunLine } from '../api/types';
import { EmptyState } from '../components/empty-state';
import { ErrorAlert } from '../components/error-alert';
import { PageLoader } from '../components/page-loader';
import { useCan } from '../features/auth/use-can';
import { useOverview } from '../features/dashboard/report-queries';
import {
  ACTION_GROUPS,
  type ActionGroup,
  actionGroup,
  describeOffer,
} from '../features/products/product-actions';
import { useAdoptProduct, useProductPreview } from '../features/products/product-queries';
import { ProductsTable } from '../features/products/products-table';
import { ProgramPageHeader } from '../features/programs/program-page-header';
import { runPath, TARGET_LABEL } from '../features/programs/program-paths';
import { useProgram } from '../features/programs/program-queries';
import { useProgramTarget } from '../features/programs/program-route';
import { RunStatusBadge } from '../features/runs/run-status';
import { SyncActivity } from '../features/sync/sync-activity';
import { useTrackedSyncs } from '../features/sync/sync-tracker';
import { useSyncNow } from '../features/sync/use-sync-now';
import { formatDateTime, formatPlainDate, formatRelative, plural } from '../lib/format';

const ATTENTION: Record<ActionGroup, number> = {
  collision: 0,
  error: 1,
  create: 2,
  link: 3,
  update: 4,
  'no-change': 5,
};

/** Collisions and errors first, then what will be written, then the rest (stable within a group). */
function sortByAttention(lines: readonly RunLine[]): RunLine[] {
  return [...lines].sort((a, b) => ATTENTION[actionGroup(a)] - ATTENTION[actionGroup(b)] || a.seq - b.seq);
}

export function ProductsPage() {
  const target = useProgramTarget();
  const label = TARGET_LABEL[target];
  const canSync = useCan('operator');
  const program = useProgram(target);
  const preview = useProductPreview(target);
  const overview = useOverview(target);
  const adopt = useAdoptProduct(target);
  const syncNow = useSyncNow();
  const running = useTrackedSyncs().some(
    (s) => s.kind === 'product' && s.target === target && (s.phase === 'queued' || s.phase === 'running'),
  );
  const [groups, setGroups] = useState<string[]>([]);
  const [search, setSearch] = useState('');
  const [adopting, setAdopting] = useState<RunLine | null>(null);
  const [confirmOpened, confirm] = useDisclosure(false);

  const lines = preview.data?.lines ?? [];
  const counts = useMemo(() => {
    const c: Record<ActionGroup, number> = {
      create: 0,
      link: 0,
      update: 0,
      collision: 0,
      error: 0,
      'no-change': 0,
    };
    for (const l of lines) c[actionGroup(l)] += 1;
    return c;
  }, [lines]);
  const needle = search.trim().toLowerCase();
  const shown = sortByAttention(lines).filter(
    (l) =>
      (groups.length === 0 || groups.includes(actionGroup(l))) &&
      (!needle ||
        l.label.toLowerCase().includes(needle) ||
        (l.offerKey ?? '').toLowerCase().includes(needle)),
  );
  const writes = counts.create + counts.update;
  const latest = overview.data?.products.latestRun;

  const doAdopt = () => {
    if (!adopting?.offerKey || !adopting.targetId) return;
    adopt.mutate(
      { offer: adopting.offerKey, productId: adopting.targetId },
      {
        onSuccess: (r) => {
          notifications.show({
            color: 'green',
            title: 'Product adopted',
            message: `${r.productName} is linked: billsync keeps its price and cost updated.`,
          });
          setAdopting(null);
        },
      },
    );
  };

  const runSync = () =>
    syncNow.mutate({ kind: 'product', target, label: 'Product sync' }, { onSuccess: confirm.close });

  return (
    <>
      <ProgramPageHeader
        target={target}
        tab="products"
        title="Products"
        description={`What the product sync would create or update in ${label}. Nothing is written until you run it.`}
        actions={
          <>
            <Button
              variant="default"
              leftSection={<IconRefresh size={16} aria-hidden />}
              onClick={() => preview.refetch()}
              loading={preview.isFetching}
            >
              Refresh preview
            </Button>
            {canSync && (
              <Button onClick={confirm.open} disabled={!preview.data || running} loading={running}>
                Run product sync
              </Button>
            )}
          </>
        }
      />
      <SyncActivity kind="product" />
      {latest && (
        <Text size="sm" c="dimmed" mb="sm" data-testid="last-product-sync">
          Last product sync <RunStatusBadge status={latest.status} size="sm" />{' '}
          <span title={formatDateTime(latest.finishedAt ?? latest.createdAt)}>
            {formatRelative(latest.finishedAt ?? latest.createdAt)}
          </span>{' '}
          ·{' '}
          <Anchor component={Link} to={runPath(target, latest.id)} size="sm">
            View run
          </Anchor>
        </Text>
      )}
      <Card withBorder radius="md" padding="md">
        {preview.isPending && <PageLoader label="Planning the product sync" />}
        {preview.isError && (
          <ErrorAlert
            error={preview.error}
            title="Could not preview the product sync"
            onRetry={() => preview.refetch()}
          />
        )}
        {preview.data && lines.length === 0 && (
          <EmptyState icon={<IconPackage size={22} />} title="No product to sync">
            {program.data?.settings.mode === 'in-use'
              ? 'In Use mode syncs only offers on the invoices of customers whose sync is on: map customers and switch their sync on first.'
              : 'The price list has no offer of the enabled billing motions.'}
          </EmptyState>
        )}
        {preview.data && lines.length > 0 && (
          <Stack gap="sm">
            <Group justify="space-between" wrap="wrap" gap="sm">
              <Chip.Group multiple value={groups} onChange={setGroups}>
                <Group gap="xs" role="group" aria-label="Filter by action">
                  {ACTION_GROUPS.map((g) => (
                    <Chip
                      key={g.value}
                      value={g.value}
                      color={g.color}
                      size="sm"
                      disabled={counts[g.value] === 0}
                    >
                      {g.label} ({counts[g.value]})
                    </Chip>
                  ))}
                </Group>
              </Chip.Group>
              <TextInput
                w={260}
                size="sm"
                placeholder="Find a SKU or service"
                aria-label="Find a product"
                leftSection={<IconSearch size={14} aria-hidden />}
                value={search}
                onChange={(e) => setSearch(e.currentTarget.value)}
              />
            </Group>
            {counts.collision > 0 && (
              <Alert color="red" variant="light" title={`${plural(counts.collision, 'name collision')}`}>
                A service with the name billsync would create already exists in {label} and is not linked.
                Adopt it (billsync links it and keeps its price and cost updated) or rename it in {label}.
                Collisions do not stop the other products.
              </Alert>
            )}
            <Text size="xs" c="dimmed">
              Planned {formatRelative(preview.data.createdAt)} as of {formatPlainDate(preview.data.asOf)} ·{' '}
              {plural(shown.length, 'offer')} shown
            </Text>
            <ProductsTable
              lines={shown}
              namePrefix={program.data?.settings.namePrefix ?? 'PC_'}
              onAdopt={canSync ? setAdopting : undefined}
            />
          </Stack>
        )}
      </Card>

      <Modal opened={!!adopting} onClose={() => setAdopting(null)} title="Adopt the existing service?">
        {adopting && (
          <Stack>
            <Text size="sm">
              Link {label} service <b>{adopting.label}</b> (id {adopting.targetId}) to offer{' '}
              <b>{describeOffer(adopting.offerKey).sku}</b>. From the next product sync on, billsync updates
              its unit price and unit cost; its name and other fields stay as they are.
            </Text>
            {adopt.isError && <ErrorAlert error={adopt.error} title="Could not adopt the service" />}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setAdopting(null)}>
                Cancel
              </Button>
              <Button onClick={doAdopt} loading={adopt.isPending}>
                Adopt
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>

      <Modal opened={confirmOpened} onClose={confirm.close} title="Run the product sync?">
        <Stack>
          <Text size="sm">
            {writes > 0
              ? `${plural(counts.create, 'service')} to create and ${plural(counts.update, 'service')} to update in ${label}.`
              : `Nothing needs to change in ${label} right now; the sync will check again.`}
            {counts.collision + counts.error > 0 &&
              ` ${plural(counts.collision + counts.error, 'offer')} with a collision or error will be reported and skipped.`}
          </Text>
          {syncNow.isError && <ErrorAlert error={syncNow.error} title="Could not start the product sync" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={confirm.close}>
              Cancel
            </Button>
            <Button onClick={runSync} loading={syncNow.isPending}>
              Run product sync
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
