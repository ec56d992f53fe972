import { Anchor, Card, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconChartBar } from '@tabler/icons-react';
import { Link } from 'react-router';
import { EmptyState } from '../components/empty-state';
import { ErrorAlert } from '../components/error-alert';
import { PageHeader } from '../components/page-header';
import { PageLoader } from '../components/page-loader';
import { useConnections } from '../features/connections/connection-queries';
import { CustomersCard, LeakageCard, ProductsCard } from '../features/dashboard/dashboard-cards';
import { hasFigures, MonthlyChart } from '../features/dashboard/monthly-chart';
import { NextSteps } from '../features/dashboard/next-steps';
import { nextSteps } from '../features/dashboard/next-steps-model';
import { useOverview } from '../features/dashboard/report-queries';
import { useProgram } from '../features/programs/program-queries';
import { reconPath } from '../features/reconciliation/recon-paths';
import { useReconChart } from '../features/reconciliation/recon-queries';

export function DashboardPage() {
  const program = useProgram('autotask');
  const overview = useOverview('autotask');
  const connections = useConnections();
  const configured = program.data?.configured ?? false;
  const autotask = connections.data?.find((c) => c.kind === 'autotask');
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
          {!program.isPending && !connections.isPending && (
            <NextSteps steps={nextSteps(autotask, program.data, overview.data)} />
          )}
          <SimpleGrid cols={{ base: 1, md: 2, xl: configured ? 3 : 2 }} spacing="lg">
            <CustomersCard overview={overview.data} />
            <ProductsCard overview={overview.data} />
            {configured && <LeakageCard />}
          </SimpleGrid>
          {configured && <ChartCard />}
        </Stack>
      )}
    </>
  );
}

function ChartCard() {
  const chart = useReconChart('autotask');
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby="dashboard-chart">
      <Title order={2} fz="h4" id="dashboard-chart">
        Last 12 months
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        What Microsoft charged (cost), what your customers should pay at your prices (expected retail) and
        what Autotask bills them, per month.{' '}
        <Anchor component={Link} to={reconPath('autotask')}>
          Reconciliation
        </Anchor>
      </Text>
      {chart.isPending && <PageLoader label="Loading the figures" />}
      {chart.isError && (
        <ErrorAlert error={chart.error} title="Could not load the figures" onRetry={() => chart.refetch()} />
      )}
      {chart.data &&
        (hasFigures(chart.data.months) ? (
          <MonthlyChart
            months={chart.data.months}
            currency={chart.data.currency}
            billedLabel="Billed in Autotask"
          />
        ) : (
          <EmptyState
            icon={<IconChartBar size={22} />}
            title="No invoice in the last 12 months"
            action={
              <Anchor component={Link} to="/sources">
                Upload the Microsoft CSP files
              </Anchor>
            }
          >
            Import or pull the Microsoft CSP invoices (see Connections) to see cost, retail and margin here.
          </EmptyState>
        ))}
    </Card>
  );
}
