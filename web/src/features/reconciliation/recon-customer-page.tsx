import { Anchor, Card, Group, Stack, Text, Title } from '@mantine/core';
import { IconArrowLeft, IconChartBar, IconReceipt } from '@tabler/icons-react';
import { Link, useParams, useSearchParams } from 'react-router';
import { EmptyState } from '../../components/empty-state';
import { ErrorAlert } from '../../components/error-alert';
import { PageLoader } from '../../components/page-loader';
import { formatPeriod } from '../../lib/format';
import { hasFigures, MonthlyChart } from '../dashboard/monthly-chart';
import { ProgramPageHeader } from '../programs/program-page-header';
import { CONTRACT_WORD, programPath, TARGET_LABEL } from '../programs/program-paths';
import { useProgramTarget } from '../programs/program-route';
import { OffersTable } from './offers-table';
import { FlagBadges } from './recon-flags';
import { reconPath } from './recon-paths';
import { useReconChart, useReconCustomer } from './recon-queries';
import { ExportButtons, FreshnessLine, PeriodSelect } from './recon-toolbar';
import { ReconTotals } from './recon-totals';

/** One customer's month: its offers with their figures and flags, the invoice lines behind them, 12 months. */
export function ReconCustomerPage() {
  const target = useProgramTarget();
  const { tenantId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const period = params.get('period');
  const customer = useReconCustomer(target, tenantId, period);
  const data = customer.data;
  const psa = TARGET_LABEL[target];
  return (
    <>
      <ProgramPageHeader
        tab="reconciliation"
        target={target}
        title={data ? data.name : 'Customer'}
        description={
          data
            ? data.mapped
              ? `${CONTRACT_WORD[target].title}: ${data.contractName ?? '—'}`
              : `Not mapped to a ${psa} ${CONTRACT_WORD[target].one}: nothing of it is billed.`
            : undefined
        }
      />
      <Anchor
        component={Link}
        to={reconPath(target, data?.period ?? period)}
        size="sm"
        mb="md"
        display="inline-flex"
      >
        <Group gap={4}>
          <IconArrowLeft size={14} aria-hidden />
          Back to Reconciliation
        </Group>
      </Anchor>
      {customer.isPending && <PageLoader label="Loading the customer's figures" />}
      {customer.isError && (
        <ErrorAlert
          error={customer.error}
          title="Could not load the customer's figures"
          onRetry={() => customer.refetch()}
        />
      )}
      {data && (
        <Stack gap="lg">
          <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
            <Group align="flex-end" gap="md" wrap="wrap">
              <PeriodSelect
                periods={data.periods}
                value={data.period}
                onChange={(p) =>
                  setParams(
                    (prev) => {
                      const next = new URLSearchParams(prev);
                      next.set('period', p);
                      return next;
                    },
                    { replace: true },
                  )
                }
              />
              <FreshnessLine target={target} computedAt={data.computedAt} />
            </Group>
            <ExportButtons
              target={target}
              table="offers"
              period={data.period}
              tenantId={data.tenantId}
              what={`the offers of ${data.name}`}
            />
          </Group>
          {!data.mapped && (
            <Text size="sm">
              <Anchor
                component={Link}
                to={`${programPath(target, 'customers')}?${new URLSearchParams({ q: data.tenantId })}`}
              >
                Map {data.name}
              </Anchor>{' '}
              to a {psa} {CONTRACT_WORD[target].one} to bill it.
            </Text>
          )}
          {data.flags.length > 0 && (
            <Group gap="xs" data-testid="recon-customer-flags">
              <Text size="sm" fw={600}>
                To look at:
              </Text>
              <FlagBadges flags={data.flags} />
            </Group>
          )}
          <ReconTotals figures={data.totals} currency={data.currency} target={target} />
          <Card withBorder radius="md" padding="md" component="section" aria-labelledby="recon-offers-title">
            <Title order={2} fz="h4" id="recon-offers-title" mb={4}>
              Offers{data.period ? ` in ${formatPeriod(data.period)}` : ''}
            </Title>
            <Text size="sm" c="dimmed" mb="sm">
              Open an offer to see the Microsoft invoice lines behind its figures; its timeline shows the
              seats and the {psa} units day by day.
            </Text>
            {data.offers.length === 0 ? (
              <EmptyState icon={<IconReceipt size={22} />} title="No offer in this month">
                No Microsoft invoice line of this customer covers the month.
              </EmptyState>
            ) : (
              <OffersTable
                target={target}
                tenantId={data.tenantId}
                currency={data.currency}
                offers={data.offers}
              />
            )}
          </Card>
          <CustomerChart tenantId={data.tenantId} />
        </Stack>
      )}
    </>
  );
}

function CustomerChart({ tenantId }: { tenantId: string }) {
  const target = useProgramTarget();
  const chart = useReconChart(target, tenantId);
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby="recon-customer-chart">
      <Title order={2} fz="h4" id="recon-customer-chart" mb="sm">
        Last 12 months
      </Title>
      {chart.isPending && <PageLoader label="Loading the 12 months" />}
      {chart.isError && (
        <ErrorAlert
          error={chart.error}
          title="Could not load the 12 months"
          onRetry={() => chart.refetch()}
        />
      )}
      {chart.data &&
        (hasFigures(chart.data.months) ? (
          <MonthlyChart
            months={chart.data.months}
            currency={chart.data.currency}
            billedLabel={`Billed in ${TARGET_LABEL[target]}`}
            height={260}
          />
        ) : (
          <EmptyState icon={<IconChartBar size={22} />} title="No figures in the last 12 months" />
        ))}
    </Card>
  );
}
