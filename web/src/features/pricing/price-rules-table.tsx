import { Button, Table, Text } from '@mantine/core';
import type { PriceRule } from '../../api/types';
import { StatusChip } from '../../components/status-chip';
import { formatDateTime, formatPlainDate, todayUtc } from '../../lib/format';
import { offersText, removable } from './rule-form';

interface PriceRulesTableProps {
  rules: readonly PriceRule[];
  /** Admins: the row's Remove button (not on a rule that ended before the next contract period). */
  onRemove?: ((rule: PriceRule) => void) | undefined;
}

/** Whether a rule applies today, is still to come or has ended. */
function ruleState(rule: PriceRule, today: string) {
  if (rule.validTo !== null && rule.validTo < today) return { color: 'gray', label: 'Ended' } as const;
  if (rule.validFrom > today) return { color: 'blue', label: 'Upcoming' } as const;
  return { color: 'green', label: 'In force' } as const;
}

/** The price rules in their stated order (position): each in words, with whom, which offers and when it applies. */
export function PriceRulesTable({ rules, onRemove }: PriceRulesTableProps) {
  const today = todayUtc();
  return (
    <Table.ScrollContainer minWidth={980}>
      <Table verticalSpacing="xs" highlightOnHover data-testid="price-rules-table">
        <Table.Thead style={{ whiteSpace: 'nowrap' }}>
          <Table.Tr>
            <Table.Th ta="right">Position</Table.Th>
            <Table.Th>Rule</Table.Th>
            <Table.Th>Customer</Table.Th>
            <Table.Th>Offers</Table.Th>
            <Table.Th>Valid from</Table.Th>
            <Table.Th>Valid to</Table.Th>
            <Table.Th>Note</Table.Th>
            {onRemove && <Table.Th />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rules.map((rule) => {
            const state = ruleState(rule, today);
            return (
              <Table.Tr key={rule.id} data-testid="price-rule-row" data-rule={rule.id}>
                <Table.Td ta="right">{rule.position}</Table.Td>
                <Table.Td>
                  <Text size="sm" data-testid="price-rule-description">
                    {rule.description}
                  </Text>
                  <Text size="xs" c="dimmed">
                    Added by {rule.createdBy}, {formatDateTime(rule.createdAt)}
                  </Text>
                </Table.Td>
                <Table.Td>{rule.customer?.name ?? 'Every customer'}</Table.Td>
                <Table.Td>{offersText(rule.offers)}</Table.Td>
                <Table.Td>
                  <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                    {formatPlainDate(rule.validFrom)}
                  </Text>
                  <StatusChip color={state.color} size="sm" mt={4}>
                    {state.label}
                  </StatusChip>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  {rule.validTo ? (
                    formatPlainDate(rule.validTo)
                  ) : (
                    <Text span size="sm" c="dimmed">
                      No end
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{rule.note}</Table.Td>
                {onRemove && (
                  <Table.Td>
                    {removable(rule, today) && (
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        onClick={() => onRemove(rule)}
                        aria-label={`Remove rule: ${rule.description}`}
                      >
                        Remove
                      </Button>
                    )}
                  </Table.Td>
                )}
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
