import { Table, VisuallyHidden } from '@mantine/core';
import type { Customer, CustomerSort, TargetKind } from '../../api/types';
import { SortHeader, type SortKey } from '../../components/sort-header';
import { useCustomerSyncProgress } from './customer-progress';
import { CustomerRow } from './customer-row';

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

/**
 * The customers of the program with their mapping and last run (spec section 5); a row shows its sync's progress
 * (Queued, Running) until the new result is there.
 */
export function CustomersTable(props: CustomersTableProps) {
  const { target, customers, sort, order, onSort, canMap } = props;
  const progress = useCustomerSyncProgress(target);
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
              progress={progress.get(c.tenantId)}
              onEdit={props.onEdit}
              onPreview={props.onPreview}
            />
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
