import { ActionIcon, Anchor, Group, Menu, Table, Text, VisuallyHidden } from '@mantine/core';
import { IconDots, IconEye, IconHistory, IconPencil } from '@tabler/icons-react';
import { memo } from 'react';
import { Link } from 'react-router';
import type { Customer, CustomerSort, TargetKind } from '../../api/types';
import { SortHeader, type SortKey } from '../../components/sort-header';
import { formatDateTime, formatPlainDate, formatRelative } from '../../lib/format';
import { programPath, runPath } from '../programs/program-paths';
import { RunStatusBadge } from '../runs/run-status';
import { CustomerSyncSwitch } from './customer-sync-switch';
import { strategyOf } from './pricing-strategies';
import { SuggestionCell } from './suggestion-cell';
import { SyncStateBadge } from './sync-state-badge';

interface CustomersTableProps {
  target: TargetKind;
  customers: readonly Customer[];
  sort: CustomerSort;
  order: 'asc' | 'desc';
  onSort: (sort: CustomerSort) => void;
  onEdit: (customer: Customer) => void;
  onPreview: (customer: Customer) => void;
  canMap: boolean;
}

const COLUMNS: readonly (readonly SortKey<CustomerSort>[])[] = [
  [
    { key: 'customer', label: 'Customer' },
    { key: 'domain', label: 'Domain' },
  ],
  [
    { key: 'company', label: 'PSA company' },
    { key: 'contract', label: 'Contract' },
  ],
  [
    { key: 'strategy', label: 'Pricing' },
    { key: 'syncStart', label: 'Sync start' },
  ],
  [{ key: 'sync', label: 'Sync' }],
  [
    { key: 'lastRun', label: 'Last run' },
    { key: 'lastSynced', label: 'Synced' },
  ],
];

/** The customers of the program with their mapping and last run (spec section 5). */
export function CustomersTable(props: CustomersTableProps) {
  const { target, customers, sort, order, onSort, canMap } = props;
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table verticalSpacing="xs" highlightOnHover data-testid="customers-table">
        <Table.Thead>
          <Table.Tr>
            {COLUMNS.map((keys) => (
              <SortHeader key={keys[0]!.key} keys={keys} sort={sort} order={order} onSort={onSort} />
            ))}
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {customers.map((c) => (
            <CustomerRow
              key={c.tenantId}
              target={target}
              customer={c}
              canMap={canMap}
              onEdit={props.onEdit}
              onPreview={props.onPreview}
            />
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

interface RowProps {
  target: TargetKind;
  customer: Customer;
  canMap: boolean;
  onEdit: (customer: Customer) => void;
  onPreview: (customer: Customer) => void;
}

/** One customer; memoized: typing in the search box or a new page of suggestions re-renders only what changed. */
const CustomerRow = memo(function CustomerRow({ target, customer: c, canMap, onEdit, onPreview }: RowProps) {
  return (
    <Table.Tr data-testid="customer-row" data-tenant={c.tenantId}>
      <Table.Td maw={240}>
        <Text size="sm" fw={600} truncate="end" title={c.name}>
          {c.name}
        </Text>
        <Text size="xs" c="dimmed" truncate="end" title={c.domain}>
          {c.domain || 'No domain'}
        </Text>
      </Table.Td>
      <Table.Td maw={240}>
        {c.mapped ? (
          <>
            <Text size="sm" truncate="end" title={c.companyName ?? undefined}>
              {c.companyName ?? `#${c.companyId}`}
            </Text>
            <Text size="xs" c="dimmed" truncate="end" title={c.contractName ?? undefined}>
              {c.contractName ?? (c.contractId ? `#${c.contractId}` : 'No contract')}
            </Text>
          </>
        ) : c.suggestion ? (
          <SuggestionCell target={target} customer={c} readOnly={!canMap} onReview={() => onEdit(c)} />
        ) : (
          <Text size="sm" c="dimmed">
            Not mapped
          </Text>
        )}
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        {c.mapped && (
          <>
            <Text size="sm" title={strategyOf(c.strategy)?.label}>
              {strategyOf(c.strategy)?.short ?? ''}
            </Text>
            <Text size="xs" c="dimmed">
              from {formatPlainDate(c.syncStart)}
            </Text>
          </>
        )}
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>
        <Group gap={8} wrap="nowrap">
          <CustomerSyncSwitch target={target} customer={c} readOnly={!canMap} />
          <SyncStateBadge customer={c} />
        </Group>
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap', minWidth: 130 }}>
        {c.lastRun ? (
          <Anchor component={Link} to={runPath(target, c.lastRun.id)} aria-label={`Last run of ${c.name}`}>
            <RunStatusBadge status={c.lastRun.status} style={{ cursor: 'pointer', overflow: 'visible' }} />
          </Anchor>
        ) : (
          <Text size="sm" c="dimmed">
            No run yet
          </Text>
        )}
        {(c.lastRun || c.lastSyncedAt) && (
          <Text size="xs" c="dimmed" title={formatDateTime(c.lastSyncedAt)}>
            {c.lastSyncedAt ? `synced ${formatRelative(c.lastSyncedAt)}` : 'never synced'}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <RowActions target={target} customer={c} canMap={canMap} onEdit={onEdit} onPreview={onPreview} />
      </Table.Td>
    </Table.Tr>
  );
});

function RowActions({ target, customer, onEdit, onPreview, canMap }: RowProps) {
  const canPreview = customer.mapped && customer.syncOn;
  return (
    <Group gap={4} wrap="nowrap" justify="flex-end">
      <ActionIcon
        variant="subtle"
        onClick={() => onEdit(customer)}
        aria-label={`Edit mapping of ${customer.name}`}
        title={canMap ? 'Edit mapping' : 'View mapping'}
        data-testid="edit-mapping"
      >
        <IconPencil size={18} aria-hidden />
      </ActionIcon>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <ActionIcon variant="subtle" color="gray" aria-label={`More for ${customer.name}`}>
            <IconDots size={18} aria-hidden />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item
            leftSection={<IconEye size={16} aria-hidden />}
            disabled={!canPreview || !canMap}
            onClick={() => onPreview(customer)}
          >
            Preview sync
          </Menu.Item>
          <Menu.Item
            leftSection={<IconHistory size={16} aria-hidden />}
            component={Link}
            to={`${programPath(target, 'history')}?customer=${encodeURIComponent(customer.tenantId)}`}
          >
            History
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
    </Group>
  );
}
