import { Autocomplete, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { useSkuSearch } from './price-rule-queries';

interface SkuPickerProps {
  label: string;
  value: string;
  onChange: (sku: string) => void;
  description?: string | undefined;
  error?: ReactNode;
}

/** A SKU code typed, or picked from the price list by code or product title (searched on the server). */
export function SkuPicker({ label, value, onChange, description, error }: SkuPickerProps) {
  const [search] = useDebouncedValue(value, 250);
  const skus = useSkuSearch(search);
  const items = skus.data?.items ?? [];
  const titles = new Map(items.map((i) => [i.sku, i.title]));
  return (
    <Autocomplete
      label={label}
      description={description}
      error={error}
      placeholder="A code (CFQ7TTC0LCHC:0002) or a product name"
      autoComplete="off"
      // A code typed in full is chosen: no list to close over the fields below.
      data={items.map((i) => i.sku).filter((sku) => sku.toLowerCase() !== value.trim().toLowerCase())}
      value={value}
      onChange={onChange}
      // The server has matched the code or the title already.
      filter={({ options }) => options}
      renderOption={({ option }) => (
        <div>
          <Text size="sm" ff="monospace">
            {option.value}
          </Text>
          <Text size="xs" c="dimmed">
            {titles.get(option.value)}
          </Text>
        </div>
      )}
      maxDropdownHeight={280}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
