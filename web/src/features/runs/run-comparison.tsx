import { Card, Table, Text, Title } from '@mantine/core';
import { Fragment } from 'react';
import type { RunDetail, RunLine } from '../../api/types';
import { isZeroDecimal, subtractDecimal } from '../../lib/decimal';
import { formatDelta, formatMoney, formatPeriod } from '../../lib/format';

type Compared = RunLine & { comparison: NonNullable<RunLine['comparison']> };

const compared = (lines: readonly RunLine[]): Compared[] =>
  lines.filter((l): l is Compared => !!l.comparison && l.comparison.length > 0);

/** Whether a run carries the shadow first sync's comparison (some item has months compared). */
export const hasComparison = (run: RunDetail) => compared(run.lines).length > 0;

/** A shadow first sync: compared with what the PSA bills, written only once a user applies it. */
export const isShadowRun = (run: RunDetail) =>
  !!run.message?.startsWith('Shadow first sync:') || hasComparison(run);

/**
 * The shadow first sync's comparison (issue 11): per item and month, what the PSA bills today and what it will
 * bill once the run is applied (what the invoices say), and the difference; months that differ are highlighted.
 */
export function RunComparison({ run, currency }: { run: RunDetail; currency?: string | null }) {
  const items = compared(run.lines);
  if (items.length === 0) return null;
  const pending = run.status === 'awaiting_approval';
  return (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby="run-comparison-title">
      <Title order={2} fz="h4" mb={4} id="run-comparison-title">
        {pending
          ? 'What the PSA bills today and once this run is applied'
          : 'What the PSA billed before this run and what the invoices say'}
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Per month: the contract's billing as it {pending ? 'is today' : 'was'}, what the invoices say it
        should be, and the difference the run {pending ? 'writes once you apply it' : 'was to write'}.
      </Text>
      <Table.ScrollContainer minWidth={640}>
        <Table verticalSpacing={6} data-testid="run-comparison">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Item</Table.Th>
              <Table.Th>Month</Table.Th>
              <Table.Th ta="right">{pending ? 'PSA today' : 'PSA before'}</Table.Th>
              <Table.Th ta="right">{pending ? 'Once applied (invoices)' : 'Invoices'}</Table.Th>
              <Table.Th ta="right">Difference</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((line) => (
              <Fragment key={line.seq}>
                {line.comparison.map((m, i) => {
                  const diff = subtractDecimal(m.invoices, m.psa);
                  const differs = diff === undefined || !isZeroDecimal(diff);
                  return (
                    <Table.Tr
                      key={m.month}
                      data-testid="comparison-row"
                      data-differs={differs}
                      {...(differs ? { bg: 'var(--mantine-color-yellow-light)' } : {})}
                    >
                      {i === 0 && (
                        <Table.Td rowSpan={line.comparison.length} bg="var(--mantine-color-body)">
                          <Text size="sm" fw={500}>
                            {line.label}
                          </Text>
                        </Table.Td>
                      )}
                      <Table.Td>
                        <Text size="sm">{formatPeriod(m.month)}</Text>
                      </Table.Td>
                      <Table.Td ta="right" ff="monospace" fz="sm">
                        {formatMoney(m.psa, currency)}
                      </Table.Td>
                      <Table.Td ta="right" ff="monospace" fz="sm">
                        {formatMoney(m.invoices, currency)}
                      </Table.Td>
                      <Table.Td ta="right" ff="monospace" fz="sm" fw={differs ? 700 : undefined}>
                        {diff === undefined ? '?' : differs ? formatDelta(diff, currency) : 'same'}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Fragment>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Card>
  );
}
