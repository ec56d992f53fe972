import { Button, Group, Pagination, Stack, Table, Text } from '@mantine/core';
import { Fragment, useState } from 'react';
import type { RunLine } from '../../api/types';
import { StatusChip } from '../../components/status-chip';
import { formatMoney } from '../../lib/format';
import { ACTION_GROUPS, actionGroup, changeOf, describeOffer } from './product-actions';

const PAGE = 100;

interface ProductsTableProps {
  lines: readonly RunLine[];
  namePrefix: string;
  currency?: string | null;
  /** Adopt on collision rows (operators). */
  onAdopt?: ((line: RunLine) => void) | undefined;
}

/** The product sync preview: per offer the PSA product, the action and the old -> new price and cost. */
export function ProductsTable({ lines, namePrefix, currency, onAdopt }: ProductsTableProps) {
  const [page, setPage] = useState(1);
  const pages = Math.max(1, Math.ceil(lines.length / PAGE));
  const current = Math.min(page, pages);
  const slice = lines.slice((current - 1) * PAGE, current * PAGE);
  return (
    <Stack gap="sm">
      <Table.ScrollContainer minWidth={900}>
        <Table verticalSpacing="xs" highlightOnHover data-testid="products-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>SKU code / offer</Table.Th>
              <Table.Th>PSA product</Table.Th>
              <Table.Th>Action</Table.Th>
              <Table.Th ta="right">Price</Table.Th>
              <Table.Th ta="right">Cost</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {slice.map((line) => {
              const offer = describeOffer(line.offerKey);
              const sku = line.label.startsWith(namePrefix) ? line.label.slice(namePrefix.length) : offer.sku;
              const group = ACTION_GROUPS.find((g) => g.value === actionGroup(line))!;
              const border = line.messages.length ? { borderBottom: 0 } : undefined;
              const money = line.offerKey?.split('|')[6] ?? currency;
              return (
                <Fragment key={line.seq}>
                  <Table.Tr data-testid="product-row" data-action={group.value}>
                    <Table.Td style={border}>
                      <Text size="sm" fw={600} ff="monospace">
                        {sku}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {offer.terms}
                      </Text>
                    </Table.Td>
                    <Table.Td style={border}>
                      <Text size="sm">{line.label}</Text>
                      {line.targetId && (
                        <Text size="xs" c="dimmed">
                          {line.action === 'collision'
                            ? 'existing, not linked'
                            : line.action === 'link'
                              ? 'existing, to be linked'
                              : 'linked'}{' '}
                          · id {line.targetId}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td style={border}>
                      <StatusChip color={group.color}>{line.action}</StatusChip>
                    </Table.Td>
                    <Table.Td ta="right" style={border}>
                      <FromTo change={changeOf(line, 'unit price')} currency={money} />
                    </Table.Td>
                    <Table.Td ta="right" style={border}>
                      <FromTo change={changeOf(line, 'unit cost')} currency={money} />
                    </Table.Td>
                    <Table.Td style={border} ta="right">
                      {line.action === 'collision' && line.targetId && onAdopt && (
                        <Button
                          size="xs"
                          variant="light"
                          onClick={() => onAdopt(line)}
                          aria-label={`Adopt ${line.label}`}
                        >
                          Adopt
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                  {line.messages.length > 0 && (
                    <Table.Tr>
                      <Table.Td colSpan={6} pt={0}>
                        {line.messages.map((m) => (
                          <Text
                            key={m.text}
                            size="sm"
                            pl="md"
                            c={m.level === 'error' ? 'red.8' : m.level === 'warning' ? 'orange.9' : 'dimmed'}
                          >
                            {m.text}
                          </Text>
                        ))}
                      </Table.Td>
                    </Table.Tr>
                  )}
                </Fragment>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {pages > 1 && (
        <Group justify="flex-end">
          <Pagination total={pages} value={current} onChange={setPage} size="sm" />
        </Group>
      )}
    </Stack>
  );
}

function FromTo({
  change,
  currency,
}: {
  change: { from: string | null; to: string | null } | undefined;
  currency?: string | null | undefined;
}) {
  if (!change)
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  if (change.from === null) {
    return (
      <Text size="sm" fw={500}>
        {formatMoney(change.to, currency)}
      </Text>
    );
  }
  return (
    <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
      <Text span c="dimmed" td="line-through">
        {formatMoney(change.from, currency)}
      </Text>{' '}
      →{' '}
      <Text span fw={500}>
        {formatMoney(change.to, currency)}
      </Text>
    </Text>
  );
}
