import { Anchor, Button, type MantineColor, Table, Text } from '@mantine/core';
import { IconArrowRight } from '@tabler/icons-react';
import { Link } from 'react-router';
import type { LeakageRow, TargetKind } from '../../api/types';
import { StatusChip } from '../../components/status-chip';
import { formatMoney } from '../../lib/format';
import { programPath, runPath, TARGET_LABEL } from '../programs/program-paths';
import { reconCustomerPath } from './recon-paths';

type Reason = LeakageRow['reason'];

/** Why nobody is billed, in a few words (the words of the export's Reason column). */
export const REASON_LOOK: Record<Reason, { label: string; color: MantineColor }> = {
  unmapped: { label: 'Customer not mapped', color: 'red' },
  'sync-off': { label: 'Sync off', color: 'orange' },
  'no-product': { label: 'No PSA product', color: 'red' },
  error: { label: 'Sync error', color: 'red' },
  'skipped-line': { label: 'Line skipped', color: 'orange' },
  'azure-off': { label: 'Azure not billed', color: 'yellow' },
  'not-synced': { label: 'Not synced yet', color: 'blue' },
  'before-contract': { label: 'Before the contract start', color: 'orange' },
};

/** Where the fix button of a row leads, and what it says; null: the fix is done by hand in the PSA. */
export function fixLink(target: TargetKind, row: LeakageRow): { to: string; label: string } | null {
  const customers = `${programPath(target, 'customers')}?${new URLSearchParams({ q: row.tenantId })}`;
  switch (row.action) {
    case 'map':
      return { to: customers, label: 'Map the customer' };
    case 'turn-sync-on':
      return { to: customers, label: 'Turn sync on' };
    case 'sync':
      return { to: customers, label: 'Sync the customer' };
    case 'product-sync':
      return { to: programPath(target, 'products'), label: 'Open Products' };
    case 'adopt':
      return { to: programPath(target, 'products'), label: 'Adopt the product' };
    case 'open-run':
      return row.runId ? { to: runPath(target, row.runId), label: 'Open the run' } : null;
    case 'settings':
      return { to: programPath(target, 'settings'), label: 'Program settings' };
    case 'bill-manually':
      return null;
  }
}

interface LeakageTableProps {
  target: TargetKind;
  period: string | null;
  currency: string | null;
  rows: readonly LeakageRow[];
}

/** Microsoft charges nobody is billed for, the biggest first, each with what to do and a button that leads there. */
export function LeakageTable({ target, period, currency, rows }: LeakageTableProps) {
  const sorted = [...rows].sort(
    (a, b) => Number(b.cost) - Number(a.cost) || a.customerName.localeCompare(b.customerName),
  );
  return (
    <Table.ScrollContainer minWidth={960}>
      <Table verticalSpacing="xs" highlightOnHover data-testid="leakage-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Customer</Table.Th>
            <Table.Th>Not billed</Table.Th>
            <Table.Th>Why</Table.Th>
            <Table.Th ta="right">Microsoft cost</Table.Th>
            <Table.Th>How to fix it</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sorted.map((row) => {
            const fix = fixLink(target, row);
            return (
              <Table.Tr
                key={`${row.tenantId}|${row.offerKey ?? ''}|${row.reason}|${row.title}`}
                data-testid="leakage-row"
                data-reason={row.reason}
              >
                <Table.Td>
                  <Anchor
                    component={Link}
                    to={reconCustomerPath(target, row.tenantId, period)}
                    size="sm"
                    fw={500}
                  >
                    {row.customerName}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{row.title}</Text>
                </Table.Td>
                <Table.Td>
                  <StatusChip color={REASON_LOOK[row.reason].color} size="sm">
                    {REASON_LOOK[row.reason].label}
                  </StatusChip>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace" ta="right" data-testid="leakage-cost">
                    {formatMoney(row.cost, currency)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c="dimmed" maw={360}>
                    {row.fix}
                  </Text>
                </Table.Td>
                <Table.Td ta="right">
                  {fix ? (
                    <Button
                      component={Link}
                      to={fix.to}
                      size="xs"
                      variant="light"
                      rightSection={<IconArrowRight size={14} aria-hidden />}
                      aria-label={`${fix.label}: ${row.customerName}`}
                    >
                      {fix.label}
                    </Button>
                  ) : (
                    <Text size="xs" c="dimmed">
                      By hand in {TARGET_LABEL[target]}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
