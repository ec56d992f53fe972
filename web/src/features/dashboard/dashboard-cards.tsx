import { Anchor, Card, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { IconCoin, IconPackage, IconUsers } from '@tabler/icons-react';
import { type ReactNode, useId } from 'react';
import { Link } from 'react-router';
import type { Overview, RunStatus, TargetKind } from '../../api/types';
import { EmptyState } from '../../components/empty-state';
import { ErrorAlert } from '../../components/error-alert';
import { StatusChip } from '../../components/status-chip';
import { formatDateTime, formatMoney, formatPeriod, formatRelative, plural } from '../../lib/format';
import { CONTRACT_WORD, programPath, TARGET_LABEL } from '../programs/program-paths';
import { reconPath } from '../reconciliation/recon-paths';
import { useReconMonth } from '../reconciliation/recon-queries';
import { RUN_STATUS_LOOK, RunStatusBadge } from '../runs/run-status';
import { itemSummary } from '../runs/runs-table';

/**
 * The dashboard's Customers and Products cards of one PSA (spec section 7): the last successful sync, the latest
 * runs; the Leakage card (section 9): what Microsoft charged in the latest month that nobody is billed for.
 * `level` is the cards' heading level: 3 under a PSA's heading when the workspace uses both PSAs.
 */

export type CardLevel = 2 | 3;

interface CardProps {
  target: TargetKind;
  overview: Overview;
  level?: CardLevel;
}

const CARD_STATUSES: RunStatus[] = [
  'success',
  'warning',
  'error',
  'no_change',
  'awaiting_approval',
  'interrupted',
  'running',
  'rejected',
];

function DashCard({
  testId,
  title,
  children,
  link,
  level = 2,
}: {
  testId: string;
  title: string;
  children: ReactNode;
  link?: ReactNode;
  level?: CardLevel | undefined;
}) {
  // Both PSAs' cards can be on the page at once: the heading's id is the card's own.
  const id = useId();
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby={id} data-testid={testId}>
      <Title order={level} fz="h4" id={id} mb="sm">
        {title}
      </Title>
      <Stack gap="sm" style={{ flex: 1 }}>
        {children}
      </Stack>
      {link && (
        <Text size="sm" mt="md">
          {link}
        </Text>
      )}
    </Card>
  );
}

function LastSuccess({ at }: { at: string | null }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        Last successful sync
      </Text>
      <Text fz="xl" fw={700} title={formatDateTime(at)}>
        {at ? formatDateTime(at) : 'Never'}
      </Text>
      {at && (
        <Text size="xs" c="dimmed">
          {formatRelative(at)}
        </Text>
      )}
    </div>
  );
}

export function CustomersCard({ target, overview, level }: CardProps) {
  const c = overview.customers;
  const latest = CARD_STATUSES.filter((s) => (c.latest[s] ?? 0) > 0);
  return (
    <DashCard
      testId="dashboard-customers"
      title="Customers"
      level={level}
      link={
        <Anchor component={Link} to={`${programPath(target, 'history')}?kind=customer`}>
          Customer sync history
        </Anchor>
      }
    >
      {c.syncOn === 0 && !c.lastSuccessAt ? (
        <EmptyState icon={<IconUsers size={22} />} title="No customer sync has run yet">
          Once customers are mapped to {TARGET_LABEL[target]} {CONTRACT_WORD[target].one}s and their sync is
          on, this shows the last successful sync and the results of the latest runs.{' '}
          {c.total > 0 && (
            <Anchor component={Link} to={programPath(target, 'customers')}>
              Map customers
            </Anchor>
          )}
        </EmptyState>
      ) : (
        <>
          <LastSuccess at={c.lastSuccessAt} />
          <div>
            <Text size="xs" c="dimmed" tt="uppercase" fw={700} mb={4}>
              Latest run of each syncing customer
            </Text>
            <Group gap="xs" data-testid="dashboard-customer-counts">
              {latest.length === 0 && <Text size="sm">No run yet.</Text>}
              {latest.map((s) => (
                <StatusChip key={s} color={RUN_STATUS_LOOK[s].color} size="lg">
                  {c.latest[s]} {RUN_STATUS_LOOK[s].label}
                </StatusChip>
              ))}
            </Group>
          </div>
          <Text size="sm" c="dimmed">
            {c.mapped} of {plural(c.total, 'customer')} mapped · {c.syncOn} syncing
          </Text>
        </>
      )}
    </DashCard>
  );
}

export function ProductsCard({ target, overview, level }: CardProps) {
  const p = overview.products;
  const run = p.latestRun;
  return (
    <DashCard
      testId="dashboard-products"
      title="Products"
      level={level}
      link={
        <Anchor component={Link} to={`${programPath(target, 'history')}?kind=product`}>
          Product sync history
        </Anchor>
      }
    >
      {!run ? (
        <EmptyState icon={<IconPackage size={22} />} title="No product sync has run yet">
          A customer&apos;s first sync creates the products its invoices need. The{' '}
          <Anchor component={Link} to={programPath(target, 'products')}>
            Products
          </Anchor>{' '}
          tab previews and runs the product sync of every offer in scope.
        </EmptyState>
      ) : (
        <>
          <LastSuccess at={p.lastSuccessAt} />
          <div>
            <Text size="xs" c="dimmed" tt="uppercase" fw={700} mb={4}>
              Latest run
            </Text>
            <Group gap="sm">
              <RunStatusBadge status={run.status} size="lg" />
              <Text size="sm">{itemSummary(run.items)}</Text>
            </Group>
            <Text size="xs" c="dimmed" mt={4}>
              {formatDateTime(run.finishedAt ?? run.createdAt)} · {plural(run.writes, 'PSA write')}
            </Text>
            {run.message && (
              <Text size="xs" c={run.status === 'error' ? 'red.8' : 'dimmed'} mt={4} lineClamp={3}>
                {run.message}
              </Text>
            )}
          </div>
        </>
      )}
    </DashCard>
  );
}

export function LeakageCard({ target, level }: { target: TargetKind; level?: CardLevel }) {
  const month = useReconMonth(target, null);
  const data = month.data;
  const leakage = data?.leakage;
  const link = data?.period ? `${reconPath(target, data.period)}&tab=leakage` : reconPath(target);
  return (
    <DashCard
      testId="dashboard-leakage"
      title="Leakage"
      level={level}
      link={
        <Anchor component={Link} to={link}>
          {leakage && leakage.rows > 0 ? 'See what is not billed' : 'Reconciliation'}
        </Anchor>
      }
    >
      {month.isPending && <Loader size="sm" aria-label="Loading the leakage" />}
      {month.isError && (
        <ErrorAlert error={month.error} title="Could not load the figures" onRetry={() => month.refetch()} />
      )}
      {data && !data.period && (
        <EmptyState icon={<IconCoin size={22} />} title="No invoice imported yet">
          Once the Microsoft CSP invoices are in, this shows what Microsoft charged that nobody is billed for.
        </EmptyState>
      )}
      {data?.period && leakage && (
        <div>
          <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
            Not billed in {formatPeriod(data.period)}
          </Text>
          <Text
            fz="xl"
            fw={700}
            c={Number(leakage.total) > 0 ? 'red.8' : 'teal.8'}
            data-testid="dashboard-leakage-total"
          >
            {formatMoney(leakage.total, data.currency)}
          </Text>
          <Text size="sm" c="dimmed">
            {leakage.rows > 0
              ? `What Microsoft charged that no customer is billed for (${plural(leakage.rows, 'item')}).`
              : 'Everything Microsoft charged is billed.'}
          </Text>
        </div>
      )}
    </DashCard>
  );
}
