import { Group, Stack, Table, Text } from '@mantine/core';
import { Fragment } from 'react';
import type { RuleEffect } from '../../api/types';
import { formatDelta, formatMoney, formatPeriod } from '../../lib/format';

/** Amounts stay on one line: `USD 1,234.50`. */
const NOWRAP = { whiteSpace: 'nowrap' } as const;

interface RuleEffectViewProps {
  effect: RuleEffect;
  /** Shown when no customer's bill changes. */
  nothing: string;
}

/**
 * The money effect of a rule change on the next contract period: per customer the offers whose price changes, with
 * the seats of the customer's latest invoice, the price from → to and the change of the bill; then the totals per
 * currency.
 */
export function RuleEffectView({ effect, nothing }: RuleEffectViewProps) {
  return (
    <Stack gap="xs" data-testid="rule-effect">
      <Text size="sm" c="dimmed">
        {formatPeriod(effect.period)}, the next contract period: the seats of each customer’s latest invoice,
        for the customers synced with cost and retail.
      </Text>
      {effect.customers.length === 0 ? (
        <Text size="sm" data-testid="rule-effect-nothing">
          {nothing}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={480}>
          <Table verticalSpacing={4} fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Customer / offer</Table.Th>
                <Table.Th ta="right" style={NOWRAP}>
                  Seats
                </Table.Th>
                <Table.Th ta="right" style={NOWRAP}>
                  From
                </Table.Th>
                <Table.Th ta="right" style={NOWRAP}>
                  To
                </Table.Th>
                <Table.Th ta="right" style={NOWRAP}>
                  Change
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {effect.customers.map((c) => (
                <Fragment key={c.tenantId}>
                  <Table.Tr data-testid="effect-customer" data-tenant={c.tenantId}>
                    <Table.Td colSpan={4}>
                      <Text size="sm" fw={600}>
                        {c.name}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right" style={NOWRAP} fw={600} data-testid="effect-customer-delta">
                      {formatDelta(c.delta, c.currency)}
                    </Table.Td>
                  </Table.Tr>
                  {c.lines.map((l) => (
                    <Table.Tr key={l.offerKey} data-testid="effect-line">
                      <Table.Td pl="lg">{l.title}</Table.Td>
                      <Table.Td ta="right" style={NOWRAP}>
                        {l.seats}
                      </Table.Td>
                      <Table.Td ta="right" style={NOWRAP}>
                        {formatMoney(l.from, c.currency)}
                      </Table.Td>
                      <Table.Td ta="right" style={NOWRAP}>
                        {formatMoney(l.to, c.currency)}
                      </Table.Td>
                      <Table.Td ta="right" style={NOWRAP}>
                        {formatDelta(l.delta, c.currency)}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Fragment>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {effect.totals.length > 0 && (
        <Group gap="lg" justify="flex-end">
          {effect.totals.map((t) => (
            <Text key={t.currency} size="sm" fw={700} data-testid="effect-total">
              Total: {formatDelta(t.delta, t.currency)}
            </Text>
          ))}
        </Group>
      )}
    </Stack>
  );
}
