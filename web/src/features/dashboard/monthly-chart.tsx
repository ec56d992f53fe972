import { CompositeChart } from '@mantine/charts';
import { Anchor, Collapse, Group, Table, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import Big from 'big.js';
import type { ReconChartMonth } from '../../api/types';
import { formatDelta, formatMoney, formatMoneyCompact, formatPeriod } from '../../lib/format';

interface MonthlyChartProps {
  months: readonly ReconChartMonth[];
  currency: string | null;
  /** What the PSA is called in the legend: "Billed in Autotask". */
  billedLabel: string;
  height?: number;
}

const SERIES = (billedLabel: string) =>
  [
    { name: 'cost', label: 'Microsoft cost', color: 'indigo.2', type: 'bar' },
    { name: 'billed', label: billedLabel, color: 'indigo.6', type: 'bar' },
    { name: 'expected', label: 'Expected retail', color: 'orange.6', type: 'line', strokeDasharray: '5 4' },
    { name: 'margin', label: 'Margin', color: 'teal.6', type: 'line' },
  ] as const;

const sum = (months: readonly ReconChartMonth[], pick: (m: ReconChartMonth) => string) =>
  months.reduce((s, m) => s.plus(pick(m)), new Big(0));

/** Whether any month has a figure (else the chart would be a flat line at zero). */
export function hasFigures(months: readonly ReconChartMonth[]): boolean {
  return months.some((m) => Number(m.cost) !== 0 || Number(m.billed) !== 0 || Number(m.expected) !== 0);
}

/**
 * 12 months (spec section 9): Microsoft's cost and what the PSA bills as bars, the expected retail as a dashed
 * line (a bar below it is money not billed) and the margin as a line. The figures are also a table.
 */
export function MonthlyChart({ months, currency, billedLabel, height = 300 }: MonthlyChartProps) {
  const [tableOpened, table] = useDisclosure(false);
  const data = months.map((m) => ({
    month: formatPeriod(m.period),
    cost: Number(m.cost),
    billed: Number(m.billed),
    expected: Number(m.expected),
    margin: Number(m.margin),
  }));
  const billed = sum(months, (m) => m.billed);
  const margin = sum(months, (m) => m.margin);
  const summary = billed.gt(0)
    ? `Over ${months.length} months: Microsoft cost ${formatMoney(sum(months, (m) => m.cost).toFixed(2), currency)}, expected ${formatMoney(sum(months, (m) => m.expected).toFixed(2), currency)}, billed ${formatMoney(billed.toFixed(2), currency)}, margin ${formatMoney(margin.toFixed(2), currency)} (${margin.times(100).div(billed).toFixed(1)}%).`
    : 'Nothing has been billed in these months yet.';

  return (
    <div>
      <div role="img" aria-label={`Cost, expected retail, billed and margin per month. ${summary}`}>
        <CompositeChart
          h={height}
          data={data}
          dataKey="month"
          series={[...SERIES(billedLabel)]}
          withLegend
          legendProps={{ verticalAlign: 'top', height: 40 }}
          valueFormatter={(v) => formatMoney(v, currency)}
          yAxisProps={{ tickFormatter: (v: number) => formatMoneyCompact(v, currency), width: 80 }}
          maxBarWidth={22}
          curveType="linear"
          data-testid="monthly-chart"
        />
      </div>
      <Group justify="space-between" mt="xs">
        <Text size="sm" c="dimmed" data-testid="monthly-chart-summary">
          {summary}
        </Text>
        <Anchor component="button" type="button" size="sm" onClick={table.toggle} aria-expanded={tableOpened}>
          {tableOpened ? 'Hide the figures' : 'Show the figures'}
        </Anchor>
      </Group>
      <Collapse in={tableOpened}>
        <Table.ScrollContainer minWidth={720} mt="sm">
          <Table striped fz="sm" data-testid="monthly-figures">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Month</Table.Th>
                <Table.Th ta="right">Microsoft cost</Table.Th>
                <Table.Th ta="right">Expected retail</Table.Th>
                <Table.Th ta="right">{billedLabel}</Table.Th>
                <Table.Th ta="right">Margin</Table.Th>
                <Table.Th ta="right">Margin %</Table.Th>
                <Table.Th ta="right">Difference</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {months.map((m) => (
                <Table.Tr key={m.period}>
                  <Table.Td>{formatPeriod(m.period)}</Table.Td>
                  <Table.Td ta="right">{formatMoney(m.cost, currency)}</Table.Td>
                  <Table.Td ta="right">{formatMoney(m.expected, currency)}</Table.Td>
                  <Table.Td ta="right">{formatMoney(m.billed, currency)}</Table.Td>
                  <Table.Td ta="right">{formatMoney(m.margin, currency)}</Table.Td>
                  <Table.Td ta="right">
                    {m.marginPercent === null ? '—' : `${m.marginPercent.toFixed(1)}%`}
                  </Table.Td>
                  <Table.Td ta="right">{formatDelta(m.difference, currency)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Collapse>
    </div>
  );
}
