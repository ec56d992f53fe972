import { BarChart } from '@mantine/charts';
import { Anchor, Badge, Card, Group, Stack, Tabs, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCoin, IconUsers } from '@tabler/icons-react';
import { Link, useSearchParams } from 'react-router';
import { errorMessage } from '../../api/api-error';
import type { Leakage, TargetKind } from '../../api/types';
import { EmptyState } from '../../components/empty-state';
import { ErrorAlert } from '../../components/error-alert';
import { PageLoader } from '../../components/page-loader';
import { formatMoney, formatMoneyCompact, formatPeriod, plural } from '../../lib/format';
import { ProgramPageHeader } from '../programs/program-page-header';
import { programPath, TARGET_LABEL } from '../programs/program-paths';
import { useProgramTarget } from '../programs/program-route';
import { LeakageTable } from './leakage-table';
import { ReconCustomersTable } from './recon-customers-table';
import { useLeakage, useReconMonth, useRefreshRecon } from './recon-queries';
import { ExportButtons, FreshnessLine, PeriodSelect } from './recon-toolbar';
import { ReconTotals } from './recon-totals';

type Tab = 'customers' | 'leakage';

/**
 * The month's reconciliation (spec section 9): what Microsoft charged, what the customers should pay at the
 * workspace's prices, what the PSA bills, per customer with what is wrong flagged, and the leakage: Microsoft
 * charges nobody is billed for, each with its fix. The month, the tab and the sort live in the URL.
 */
export function ReconciliationPage() {
  const target = useProgramTarget();
  const [params, setParams] = useSearchParams();
  const period = params.get('period');
  const tab: Tab = params.get('tab') === 'leakage' ? 'leakage' : 'customers';
  const month = useReconMonth(target, period);
  const refresh = useRefreshRecon(target, period);
  const data = month.data;
  const shown = data?.period ?? null;
  const leakage = useLeakage(target, shown, tab === 'leakage' && !!shown);
  const set = (patch: Record<string, string | null>) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(patch)) {
          if (v === null) next.delete(k);
          else next.set(k, v);
        }
        return next;
      },
      { replace: true },
    );
  const onRefresh = () =>
    refresh.mutate(undefined, {
      onError: (error) =>
        notifications.show({
          color: 'red',
          title: `Could not read ${TARGET_LABEL[target]}`,
          message: errorMessage(error),
        }),
    });

  return (
    <>
      <ProgramPageHeader
        tab="reconciliation"
        target={target}
        title="Reconciliation"
        description={`Microsoft's invoices against what ${TARGET_LABEL[target]} bills, month by month: what each customer should pay, what is billed, and what nobody is billed for.`}
      />
      {month.isPending && <PageLoader label="Loading the figures" />}
      {month.isError && (
        <ErrorAlert error={month.error} title="Could not load the figures" onRetry={() => month.refetch()} />
      )}
      {data && !data.period && (
        <Card withBorder radius="md" padding="lg">
          <EmptyState
            icon={<IconCoin size={22} />}
            title="No invoice imported yet"
            action={
              <Anchor component={Link} to="/sources">
                Upload the Microsoft CSP files
              </Anchor>
            }
          >
            Once the Microsoft CSP invoices are in, this page compares them, customer by customer, with what{' '}
            {TARGET_LABEL[target]} bills.
          </EmptyState>
        </Card>
      )}
      {data?.period && (
        <Stack gap="lg">
          <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
            <Group align="flex-end" gap="md" wrap="wrap">
              <PeriodSelect periods={data.periods} value={data.period} onChange={(p) => set({ period: p })} />
              <FreshnessLine
                target={target}
                computedAt={data.computedAt}
                onRefresh={onRefresh}
                refreshing={refresh.isPending}
              />
            </Group>
            <ExportButtons
              target={target}
              table={tab}
              period={data.period}
              what={tab === 'leakage' ? 'the leakage' : 'the customers'}
            />
          </Group>
          <ReconTotals figures={data.totals} currency={data.currency} target={target} />
          <Card withBorder radius="md" padding="md">
            <Tabs value={tab} onChange={(v) => set({ tab: v === 'leakage' ? 'leakage' : null })}>
              <Tabs.List aria-label="Reconciliation tables" mb="md">
                <Tabs.Tab value="customers">Customers ({data.customers.length})</Tabs.Tab>
                <Tabs.Tab
                  value="leakage"
                  rightSection={
                    data.leakage.rows > 0 ? (
                      <Badge color="red" variant="light" size="sm" tt="none" data-testid="leakage-tab-total">
                        {formatMoney(data.leakage.total, data.currency)}
                      </Badge>
                    ) : undefined
                  }
                >
                  Leakage
                </Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="customers">
                {data.customers.length === 0 ? (
                  <EmptyState
                    icon={<IconUsers size={22} />}
                    title={`No customer in ${formatPeriod(data.period)}`}
                  >
                    No invoice line of this month belongs to a customer yet.
                  </EmptyState>
                ) : (
                  <ReconCustomersTable
                    target={target}
                    period={data.period}
                    currency={data.currency}
                    rows={data.customers}
                  />
                )}
              </Tabs.Panel>
              <Tabs.Panel value="leakage">
                {tab === 'leakage' && (
                  <LeakagePanel
                    target={target}
                    period={data.period}
                    loading={leakage.isPending}
                    error={leakage.error}
                    onRetry={() => leakage.refetch()}
                    data={leakage.data}
                  />
                )}
              </Tabs.Panel>
            </Tabs>
          </Card>
        </Stack>
      )}
    </>
  );
}

function LeakagePanel({
  target,
  period,
  loading,
  error,
  onRetry,
  data,
}: {
  target: TargetKind;
  period: string;
  loading: boolean;
  error: unknown;
  onRetry: () => void;
  data: Leakage | undefined;
}) {
  if (error) return <ErrorAlert error={error} title="Could not load the leakage" onRetry={onRetry} />;
  if (loading || !data) return <PageLoader label="Loading the leakage" />;
  const currency = data.currency;
  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed" data-testid="leakage-summary">
        {data.rows.length === 0
          ? `Everything Microsoft charged in ${formatPeriod(period)} is billed in ${TARGET_LABEL[target]}.`
          : `${formatMoney(data.total, currency)} of Microsoft's cost in ${formatPeriod(period)} is billed to nobody (${plural(data.rows.length, 'item')}). Each row says why and how to fix it.`}
      </Text>
      {data.rows.length > 0 && (
        <LeakageTable target={target} period={period} currency={currency} rows={data.rows} />
      )}
      {data.months.some((m) => Number(m.total) > 0) && (
        <div>
          <Text size="sm" fw={600} mb="xs">
            Not billed, per month
          </Text>
          <BarChart
            h={160}
            data={data.months.map((m) => ({ month: formatPeriod(m.period), total: Number(m.total) }))}
            dataKey="month"
            series={[{ name: 'total', label: 'Not billed', color: 'red.5' }]}
            valueFormatter={(v) => formatMoney(v, currency)}
            yAxisProps={{ tickFormatter: (v: number) => formatMoneyCompact(v, currency), width: 80 }}
            maxBarWidth={24}
          />
        </div>
      )}
      {data.rows.some((r) => r.reason === 'unmapped') && (
        <Text size="xs" c="dimmed">
          Customers that are not mapped are listed on the{' '}
          <Anchor component={Link} to={`${programPath(target, 'customers')}?show=unmapped`} size="xs">
            Customers
          </Anchor>{' '}
          page.
        </Text>
      )}
    </Stack>
  );
}
