import {
  Alert,
  Anchor,
  Button,
  Card,
  Group,
  Loader,
  Pagination,
  SegmentedControl,
  Select,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch, IconUsers } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import type { Customer, CustomerSort } from '../api/types';
import { EmptyState } from '../components/empty-state';
import { ErrorAlert } from '../components/error-alert';
import { PageLoader } from '../components/page-loader';
import { useCan } from '../features/auth/use-can';
import { ConfirmSuggestionsModal } from '../features/customers/confirm-suggestions-modal';
import { CustomerPreviewModal } from '../features/customers/customer-preview-modal';
import { type CustomerQuery, useCustomers } from '../features/customers/customer-queries';
import { CustomersTable } from '../features/customers/customers-table';
import { MappingDialog } from '../features/customers/mapping-dialog';
import { PAGE_SIZES, useCustomerTableParams } from '../features/customers/use-customer-table-params';
import { ProgramPageHeader } from '../features/programs/program-page-header';
import { TARGET_LABEL } from '../features/programs/program-paths';
import { useProgramTarget } from '../features/programs/program-route';
import { SyncActivity } from '../features/sync/sync-activity';
import { formatCount } from '../lib/format';

export function CustomersPage() {
  const target = useProgramTarget();
  const canMap = useCan('operator');
  const t = useCustomerTableParams();
  const [search, setSearch] = useState(t.search);
  const [debounced] = useDebouncedValue(search, 300);
  const [editing, setEditing] = useState<Customer | null>(null);
  const [previewing, setPreviewing] = useState<Customer | null>(null);
  const [reviewing, setReviewing] = useState(false);

  // The typed search reaches the URL (and the server) once typing pauses; a new search starts at page 1.
  useEffect(() => {
    if (debounced.trim() !== t.search) t.update({ q: debounced.trim() || null, page: null });
  }, [debounced, t]);

  const query: CustomerQuery = {
    target,
    search: t.search,
    sort: t.sort,
    order: t.order,
    mapped: t.filter === 'all' ? undefined : t.filter === 'mapped',
    limit: t.size,
    offset: (t.page - 1) * t.size,
  };
  const customers = useCustomers(query);
  const data = customers.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / t.size)) : 1;
  const first = data && data.total > 0 ? data.offset + 1 : 0;
  const last = data ? data.offset + data.items.length : 0;

  const onSort = (sort: CustomerSort) =>
    t.update({ sort, order: sort === t.sort && t.order === 'asc' ? 'desc' : 'asc', page: null });

  return (
    <>
      <ProgramPageHeader
        target={target}
        tab="customers"
        title="Customers"
        description={`Map each Microsoft customer to its ${TARGET_LABEL[target]} company and contract, then switch its sync on.`}
      />
      <SyncActivity kind="customer" />
      <Card withBorder radius="md" padding="md">
        <Stack gap="sm">
          <Group justify="space-between" wrap="wrap" gap="sm">
            <Group gap="sm" wrap="wrap">
              <TextInput
                w={320}
                placeholder="Name, domain, tenant id or company"
                aria-label="Search customers"
                leftSection={<IconSearch size={16} aria-hidden />}
                rightSection={
                  customers.isFetching && search.trim() !== t.search ? <Loader size={14} /> : null
                }
                value={search}
                onChange={(e) => setSearch(e.currentTarget.value)}
                type="search"
              />
              <SegmentedControl
                value={t.filter}
                onChange={(v) => t.update({ show: v === 'all' ? null : v, page: null })}
                data={[
                  { value: 'all', label: 'All' },
                  { value: 'mapped', label: 'Mapped' },
                  { value: 'unmapped', label: 'Not mapped' },
                ]}
                aria-label="Show customers"
              />
            </Group>
            <Group gap="sm" wrap="wrap">
              <Text size="sm" c="dimmed" aria-live="polite" data-testid="customers-count">
                {data
                  ? `${formatCount(first)}–${formatCount(last)} of ${formatCount(data.total)} customers`
                  : ''}
              </Text>
              {canMap && data?.items.some((c) => !c.mapped) && (
                <Button variant="light" size="xs" onClick={() => setReviewing(true)}>
                  Confirm suggested matches
                </Button>
              )}
            </Group>
          </Group>
          {data?.suggestions.message && (
            <Alert color="gray" variant="light" p="xs">
              {data.suggestions.message}
            </Alert>
          )}
          {customers.isPending && <PageLoader label="Loading the customers" />}
          {customers.isError && (
            <ErrorAlert
              error={customers.error}
              title="Could not load the customers"
              onRetry={() => customers.refetch()}
            />
          )}
          {data && data.items.length > 0 && (
            <div style={{ opacity: customers.isPlaceholderData ? 0.6 : 1, transition: 'opacity 120ms' }}>
              <CustomersTable
                target={target}
                customers={data.items}
                sort={t.sort}
                order={t.order}
                onSort={onSort}
                onEdit={setEditing}
                onPreview={setPreviewing}
                canMap={canMap}
              />
            </div>
          )}
          {data && data.items.length === 0 && (
            <EmptyState
              icon={<IconUsers size={22} />}
              title={t.search || t.filter !== 'all' ? 'No customer matches' : 'No customers yet'}
              action={
                !t.search &&
                t.filter === 'all' && (
                  <Anchor component={Link} to="/sources">
                    Upload the Microsoft CSP files
                  </Anchor>
                )
              }
            >
              {t.search || t.filter !== 'all'
                ? 'Try another search, or show all customers.'
                : 'Customers appear once the Microsoft CSP source has been imported or pulled (see Connections).'}
            </EmptyState>
          )}
          {data && data.total > 0 && (
            <Group justify="space-between">
              <Select
                w={150}
                size="xs"
                label="Rows per page"
                data={PAGE_SIZES}
                value={String(t.size)}
                onChange={(v) => t.update({ size: v === '50' ? null : v, page: null })}
                allowDeselect={false}
              />
              {pages > 1 && (
                <Pagination
                  total={pages}
                  value={Math.min(t.page, pages)}
                  onChange={(p) => t.update({ page: p === 1 ? null : String(p) })}
                  getControlProps={(control) => ({ 'aria-label': `${control} page` })}
                  getItemProps={(p) => ({ 'aria-label': `Page ${p}` })}
                />
              )}
            </Group>
          )}
        </Stack>
      </Card>
      {editing && (
        <MappingDialog
          key={editing.tenantId}
          target={target}
          // The row as the table has it now: its suggested company may arrive after the dialog opened.
          customer={data?.items.find((c) => c.tenantId === editing.tenantId) ?? editing}
          onClose={() => setEditing(null)}
          readOnly={!canMap}
        />
      )}
      {reviewing && <ConfirmSuggestionsModal target={target} onClose={() => setReviewing(false)} />}
      {previewing && (
        <CustomerPreviewModal
          target={target}
          customer={previewing}
          canSync={canMap}
          onClose={() => setPreviewing(null)}
        />
      )}
    </>
  );
}
