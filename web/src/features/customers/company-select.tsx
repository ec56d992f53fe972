import { Group, Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import type { Option, TargetKind } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';
import { formatCount } from '../../lib/format';
import { TARGET_LABEL } from '../programs/program-paths';
import { useCompanies } from './customer-queries';
import { RefreshDirectoryButton } from './refresh-directory-button';

interface CompanySelectProps {
  target: TargetKind;
  value: Option | null;
  onChange: (company: Option | null) => void;
  error?: string | undefined;
  description?: string | undefined;
}

/** The PSA company ("target customer") with search on the server: the PSA may have thousands of companies. */
export function CompanySelect({ target, value, onChange, error, description }: CompanySelectProps) {
  const [search, setSearch] = useState(value?.name ?? '');
  const [debounced] = useDebouncedValue(search, 250);
  // Once a company is chosen the box shows its name: list from the start again rather than just that one.
  const query = debounced === value?.name ? '' : debounced;
  const companies = useCompanies(target, query, true);
  const items = companies.data?.items ?? [];
  const data = [...(value && !items.some((c) => c.id === value.id) ? [value] : []), ...items].map((c) => ({
    value: c.id,
    label: c.name,
  }));
  const total = companies.data?.total ?? 0;
  const more =
    total > items.length
      ? `Showing ${formatCount(items.length)} of ${formatCount(total)}: type to narrow.`
      : '';
  const label = TARGET_LABEL[target];

  return (
    <>
      <Select
        label={`${label} company`}
        description={[description, more].filter(Boolean).join(' ') || undefined}
        placeholder={`Search ${label} companies`}
        searchable
        required
        data={data}
        value={value?.id ?? null}
        searchValue={search}
        onSearchChange={setSearch}
        onChange={(id) => {
          const chosen = data.find((d) => d.value === id);
          onChange(chosen ? { id: chosen.value, name: chosen.label } : null);
        }}
        // The server has filtered already (by name, ignoring case, punctuation and legal forms).
        filter={({ options }) => options}
        nothingFoundMessage={companies.isFetching ? 'Searching…' : `No ${label} company matches`}
        error={error}
        clearable
        // Picking the chosen company again keeps it (the clear button empties the box).
        allowDeselect={false}
        maxDropdownHeight={280}
        comboboxProps={{ withinPortal: true }}
      />
      {/* The companies are kept a few minutes on the server: one just created in the PSA needs a refresh. */}
      <Group justify="flex-end" mt={-8}>
        <RefreshDirectoryButton target={target} />
      </Group>
      {companies.isError && (
        <ErrorAlert
          error={companies.error}
          title={`Could not read the companies from ${label}`}
          onRetry={() => companies.refetch()}
        />
      )}
    </>
  );
}
