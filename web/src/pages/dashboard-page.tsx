import { Anchor, Badge, Card, Group, List, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconChartBar, IconPackage, IconUsers } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { Overview, RunStatus } from '../api/types';
import { EmptyState } from '../components/empty-state';
import { ErrorAlert } from '../components/error-alert';
import { PageHeader } from '../components/page-header';
import { PageLoader } from '../components/page-loader';
import { MonthlyChart } from '../features/dashboard/monthly-chart';
import { useMonthlyReport, useOverview } from '../features/dashboard/report-queries';
import { programPath } from '../features/programs/program-paths';
import { useProgram } from '../features/programs/program-queries';
import { RUN_STATUS_LOOK, RunStatusBadge } from '../features/runs/run-status';
import { itemSummary } from '../features/runs/runs-table';
import { formatDateTime, formatRelative, plural } from '../lib/format';

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

export function DashboardPage() {
  const program = useProgram('autotask');
  const overview = useOverview('autotask');
  const configured = program.data?.configured ?? false;
  return (
    <>
      <PageHeader title="Dashboard" description="The state of your Microsoft CSP billing sync at a glance." />
      {overview.isError && (
        <ErrorAlert
          error={overview.error}
          title="Could not load the dashboard"
          onRetry={() => overview.refetch()}
        />
      )}
      {overview.isPending && <PageLoader label="Loading the dashboard" />}
      {overview.data && (
        <Stack gap="lg">
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
            <CustomersCard overview={overview.data} />
            <ProductsCard overview={overview.data} />
          </SimpleGrid>
          {configured ? <ChartCard /> : <GettingStarted />}
        </Stack>
      )}
    </>
  );
}

function DashCard({
  id,
  title,
  children,
  link,
}: {
  id: string;
  title: string;
  children: ReactNode;
  link?: ReactNode;
}) {
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby={id} data-testid={id}>
      <Title order={2} fz="h4" id={id} mb="sm">
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

function CustomersCard({ overview }: { overview: Overview }) {
  const c = overview.customers;
  const latest = CARD_STATUSES.filter((s) => (c.latest[s] ?? 0) > 0);
  return (
    <DashCard
      id="dashboard-customers"
      title="Customers"
      link={
        <Anchor component={Link} to={`${programPath('autotask', 'history')}?kind=customer`}>
          Customer sync history
        </Anchor>
      }
    >
      {c.syncOn === 0 && !c.lastSuccessAt ? (
        <EmptyState icon={<IconUsers size={22} />} title="No customer sync has run yet">
          Once customers are mapped to PSA contracts and their sync is on, this shows the last successful sync
          and the results of the latest runs.{' '}
          {c.total > 0 && (
            <Anchor component={Link} to={programPath('autotask', 'customers')}>
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
                <Badge key={s} color={RUN_STATUS_LOOK[s].color} variant="light" size="lg">
                  {c.latest[s]} {RUN_STATUS_LOOK[s].label}
                </Badge>
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

function ProductsCard({ overview }: { overview: Overview }) {
  const p = overview.products;
  const run = p.latestRun;
  return (
    <DashCard
      id="dashboard-products"
      title="Products"
      link={
        <Anchor component={Link} to={`${programPath('autotask', 'history')}?kind=product`}>
          Product sync history
        </Anchor>
      }
    >
      {!run ? (
        <EmptyState icon={<IconPackage size={22} />} title="No product sync has run yet">
          Once the program is configured, preview and run the product sync on the{' '}
          <Anchor component={Link} to={programPath('autotask', 'products')}>
            Products
          </Anchor>{' '}
          tab.
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
          </div>
        </>
      )}
    </DashCard>
  );
}

function ChartCard() {
  const report = useMonthlyReport('autotask');
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="dashboard-chart">
      <Title order={2} fz="h4" id="dashboard-chart">
        Last 12 months
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        What Microsoft billed (cost) and what your customers pay (retail) for the invoices synced to Autotask,
        per usage month.
      </Text>
      {report.isPending && <PageLoader label="Loading the figures" />}
      {report.isError && (
        <ErrorAlert
          error={report.error}
          title="Could not load the figures"
          onRetry={() => report.refetch()}
        />
      )}
      {report.data &&
        (report.data.months.some((m) => Number(m.invoicedCost) > 0) ? (
          <MonthlyChart months={report.data.months} currency={report.data.currency} />
        ) : (
          <EmptyState icon={<IconChartBar size={22} />} title="No invoice in the last 12 months">
            Import or pull the Microsoft CSP invoices (see Connections) to see cost, retail and margin here.
          </EmptyState>
        ))}
    </Card>
  );
}

function GettingStarted() {
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="dashboard-start">
      <Title order={2} fz="h4" id="dashboard-start" mb="sm">
        Getting started
      </Title>
      <List type="ordered" spacing="xs" size="sm">
        <List.Item>Connect the Microsoft CSP source (Partner Center or imported files).</List.Item>
        <List.Item>Connect your PSA: Autotask now, ConnectWise later.</List.Item>
        <List.Item>Configure the Microsoft CSP program and map your customers to their contracts.</List.Item>
      </List>
      <Text size="sm" mt="md">
        <Anchor component={Link} to="/connections">
          Go to Connections
        </Anchor>
      </Text>
    </Card>
  );
}
