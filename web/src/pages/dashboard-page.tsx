import { Anchor, Card, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconChartBar } from '@tabler/icons-react';
import { useId } from 'react';
import { Link } from 'react-router';
import type { Connection, Program, TargetKind } from '../api/types';
import { EmptyState } from '../components/empty-state';
import { ErrorAlert } from '../components/error-alert';
import { PageHeader } from '../components/page-header';
import { PageLoader } from '../components/page-loader';
import {
  type CardLevel,
  CustomersCard,
  LeakageCard,
  ProductsCard,
} from '../features/dashboard/dashboard-cards';
import { hasFigures, MonthlyChart } from '../features/dashboard/monthly-chart';
import { NextSteps } from '../features/dashboard/next-steps';
import { firstSteps, nextSteps } from '../features/dashboard/next-steps-model';
import { useOverview } from '../features/dashboard/report-queries';
import { useUsedTargets } from '../features/dashboard/used-targets';
import { TARGET_LABEL } from '../features/programs/program-paths';
import { reconPath } from '../features/reconciliation/recon-paths';
import { useReconChart } from '../features/reconciliation/recon-queries';

/**
 * The dashboard: one section per PSA the workspace uses (connected, or with a saved program), headed by the PSA's
 * name when there are two; a new workspace sees the way to connect one.
 */
export function DashboardPage() {
  const used = useUsedTargets();
  const { connections, targets } = used;
  return (
    <>
      <PageHeader title="Dashboard" description="The state of your Microsoft CSP billing sync at a glance." />
      {connections.isError && (
        <ErrorAlert
          error={connections.error}
          title="Could not load the dashboard"
          onRetry={() => connections.refetch()}
        />
      )}
      {used.isPending && <PageLoader label="Loading the dashboard" />}
      {targets &&
        !connections.isError &&
        (targets.length === 0 ? (
          <NoTargetYet connections={connections.data} />
        ) : (
          <Stack gap="xl">
            {targets.map((target) => (
              <TargetSection
                key={target}
                target={target}
                headed={targets.length > 1}
                connection={connections.data?.find((c) => c.kind === target)}
                program={used.programs[target]}
              />
            ))}
          </Stack>
        ))}
    </>
  );
}

/** A workspace without a PSA: the next steps, starting with connecting one (Autotask or ConnectWise). */
function NoTargetYet({ connections }: { connections: Connection[] | undefined }) {
  // The Microsoft data are the workspace's, whichever PSA: any target's overview counts them.
  const overview = useOverview('autotask');
  return (
    <>
      {overview.isError && (
        <ErrorAlert
          error={overview.error}
          title="Could not load the dashboard"
          onRetry={() => overview.refetch()}
        />
      )}
      {overview.isPending && <PageLoader label="Loading the dashboard" />}
      {overview.data && <NextSteps steps={firstSteps(connections, overview.data)} />}
    </>
  );
}

interface TargetSectionProps {
  target: TargetKind;
  /** Under a heading with the PSA's name (the workspace uses both). */
  headed: boolean;
  connection: Connection | undefined;
  program: Program | undefined;
}

function TargetSection({ target, headed, connection, program }: TargetSectionProps) {
  const overview = useOverview(target);
  const headingId = useId();
  const configured = program?.configured ?? false;
  const level: CardLevel = headed ? 3 : 2;
  const body = (
    <Stack gap="lg">
      {overview.isError && (
        <ErrorAlert
          error={overview.error}
          title={`Could not load the ${TARGET_LABEL[target]} dashboard`}
          onRetry={() => overview.refetch()}
        />
      )}
      {overview.isPending && <PageLoader label={`Loading the ${TARGET_LABEL[target]} dashboard`} />}
      {overview.data && (
        <>
          <NextSteps steps={nextSteps(target, connection, program, overview.data)} level={level} />
          <SimpleGrid cols={{ base: 1, md: 2, xl: configured ? 3 : 2 }} spacing="lg">
            <CustomersCard target={target} overview={overview.data} level={level} />
            <ProductsCard target={target} overview={overview.data} level={level} />
            {configured && <LeakageCard target={target} level={level} />}
          </SimpleGrid>
          {configured && <ChartCard target={target} level={level} />}
        </>
      )}
    </Stack>
  );
  if (!headed) return <div data-testid={`dashboard-${target}`}>{body}</div>;
  return (
    <section aria-labelledby={headingId} data-testid={`dashboard-${target}`}>
      <Title order={2} fz="h3" id={headingId} mb="md">
        {TARGET_LABEL[target]}
      </Title>
      {body}
    </section>
  );
}

function ChartCard({ target, level }: { target: TargetKind; level: CardLevel }) {
  const chart = useReconChart(target);
  const id = useId();
  const psa = TARGET_LABEL[target];
  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby={id}>
      <Title order={level} fz="h4" id={id}>
        Last 12 months
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        What Microsoft charged (cost), what your customers should pay at your prices (expected retail) and
        what {psa} bills them, per month.{' '}
        <Anchor component={Link} to={reconPath(target)}>
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
            billedLabel={`Billed in ${psa}`}
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
