import { Anchor, Table, Text } from '@mantine/core';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { ReconCustomerRow, TargetKind } from '../../api/types';
import { SortHeader, type SortKey } from '../../components/sort-header';
import { TARGET_LABEL } from '../programs/program-paths';
import { FigureCells, FlagBadges } from './recon-flags';
import { reconCustomerPath } from './recon-paths';

export type ReconSort =
  | 'flags'
  | 'customer'
  | 'offers'
  | 'cost'
  | 'expected'
  | 'billed'
  | 'margin'
  | 'marginPercent'
  | 'difference';

const SORTS: readonly ReconSort[] = [
  'flags',
  'customer',
  'offers',
  'cost',
  'expected',
  'billed',
  'margin',
  'marginPercent',
  'difference',
];

/** The sort lives in the URL (`sort`, `order`), as on the Customers page; by default the rows with flags first. */
export function useReconSort() {
  const [params, setParams] = useSearchParams();
  const raw = params.get('sort') as ReconSort | null;
  const sort: ReconSort = raw && SORTS.includes(raw) ? raw : 'flags';
  const order: 'asc' | 'desc' =
    params.get('order') === 'asc' || params.get('order') === 'desc'
      ? (params.get('order') as 'asc' | 'desc')
      : sort === 'flags'
        ? 'desc'
        : 'asc';
  const onSort = (key: ReconSort) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        next.set('sort', key);
        next.set('order', key === sort && order === 'asc' ? 'desc' : 'asc');
        return next;
      },
      { replace: true },
    );
  return { sort, order, onSort } as const;
}

const value = (row: ReconCustomerRow, sort: ReconSort): number | string => {
  switch (sort) {
    case 'customer':
      return row.name.toLowerCase();
    case 'flags':
      return row.flags.length;
    case 'offers':
      return row.offers;
    case 'marginPercent':
      return row.marginPercent ?? Number.NEGATIVE_INFINITY;
    default:
      return Number(row[sort]);
  }
};

export function sortCustomers(
  rows: readonly ReconCustomerRow[],
  sort: ReconSort,
  order: 'asc' | 'desc',
): ReconCustomerRow[] {
  const sign = order === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = value(a, sort);
    const y = value(b, sort);
    const c = x < y ? -1 : x > y ? 1 : 0;
    // Equal figures keep the customers in name order.
    return c * sign || a.name.localeCompare(b.name);
  });
}

interface ReconCustomersTableProps {
  target: TargetKind;
  period: string | null;
  currency: string | null;
  rows: readonly ReconCustomerRow[];
}

/** The month's customers with their figures and flags; a row opens the customer's offers and invoice lines. */
export function ReconCustomersTable({ target, period, currency, rows }: ReconCustomersTableProps) {
  const navigate = useNavigate();
  const { sort, order, onSort } = useReconSort();
  const sorted = sortCustomers(rows, sort, order);
  const header = (keys: readonly SortKey<ReconSort>[]) => (
    <SortHeader keys={keys} sort={sort} order={order} onSort={onSort} />
  );
  return (
    <Table.ScrollContainer minWidth={1000}>
      <Table verticalSpacing="xs" highlightOnHover data-testid="recon-customers">
        <Table.Thead>
          <Table.Tr>
            {header([{ key: 'customer', label: 'Customer' }])}
            {header([{ key: 'offers', label: 'Offers' }])}
            {header([{ key: 'cost', label: 'Microsoft cost' }])}
            {header([{ key: 'expected', label: 'Expected' }])}
            {header([{ key: 'billed', label: `Billed in ${TARGET_LABEL[target]}` }])}
            {header([
              { key: 'margin', label: 'Margin' },
              { key: 'marginPercent', label: '%' },
            ])}
            {header([{ key: 'difference', label: 'Difference' }])}
            {header([{ key: 'flags', label: 'Flags' }])}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sorted.map((row) => {
            const to = reconCustomerPath(target, row.tenantId, period);
            return (
              <Table.Tr
                key={row.tenantId}
                data-testid="recon-customer-row"
                data-tenant={row.tenantId}
                style={{ cursor: 'pointer' }}
                onClick={(e) => {
                  // A click on the link, a badge or selected text is not a click on the row.
                  if ((e.target as HTMLElement).closest('a, [tabindex]') || window.getSelection()?.toString())
                    return;
                  navigate(to);
                }}
              >
                <Table.Td>
                  <Anchor component={Link} to={to} size="sm" fw={500} data-testid="recon-customer-name">
                    {row.name}
                  </Anchor>
                  <Text size="xs" c="dimmed">
                    {row.contractName ?? 'Not mapped'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" ta="right">
                    {row.offers}
                  </Text>
                </Table.Td>
                <FigureCells f={row} currency={currency} />
                <Table.Td>
                  <FlagBadges flags={row.flags} empty="No issue" />
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
