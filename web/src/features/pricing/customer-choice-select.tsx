import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { ErrorAlert } from '../../components/error-alert';
import { formatCount } from '../../lib/format';
import { useCustomerChoices } from './price-rule-queries';
import type { CustomerChoice } from './rule-form';

const EVERY = '*';
const EVERY_LABEL = 'Every customer';

interface CustomerChoiceSelectProps {
  label: string;
  value: CustomerChoice;
  onChange: (customer: CustomerChoice) => void;
  description?: string | undefined;
  disabled?: boolean | undefined;
}

/** Every customer, or one of the workspace's customers searched on the server (there may be thousands). */
export function CustomerChoiceSelect({
  label,
  value,
  onChange,
  description,
  disabled,
}: CustomerChoiceSelectProps) {
  const chosenLabel = value?.name ?? EVERY_LABEL;
  const [search, setSearch] = useState(chosenLabel);
  const [debounced] = useDebouncedValue(search, 250);
  // Once a customer is chosen the box shows its name: list from the start again rather than just that one.
  const query = debounced === chosenLabel ? '' : debounced;
  const customers = useCustomerChoices(query);
  const items = customers.data?.items ?? [];
  const data = [
    { value: EVERY, label: EVERY_LABEL },
    ...(value && !items.some((c) => c.tenantId === value.tenantId)
      ? [{ value: value.tenantId, label: value.name }]
      : []),
    ...items.map((c) => ({ value: c.tenantId, label: c.name })),
  ];
  const total = customers.data?.total ?? 0;
  const more =
    total > items.length
      ? `Showing ${formatCount(items.length)} of ${formatCount(total)}: type to narrow.`
      : '';
  return (
    <>
      <Select
        label={label}
        description={[description, more].filter(Boolean).join(' ') || undefined}
        placeholder="Search customers"
        searchable
        data={data}
        value={value?.tenantId ?? EVERY}
        searchValue={search}
        onSearchChange={setSearch}
        onChange={(id) => {
          const chosen = data.find((d) => d.value === id);
          onChange(!chosen || chosen.value === EVERY ? null : { tenantId: chosen.value, name: chosen.label });
        }}
        // The server has filtered already (name, domain or tenant id); Every customer is always offered.
        filter={({ options }) => options}
        nothingFoundMessage={customers.isFetching ? 'Searching…' : 'No customer matches'}
        allowDeselect={false}
        maxDropdownHeight={280}
        comboboxProps={{ withinPortal: true }}
        disabled={disabled ?? false}
      />
      {customers.isError && (
        <ErrorAlert
          error={customers.error}
          title="Could not load the customers"
          onRetry={() => customers.refetch()}
        />
      )}
    </>
  );
}
