import { Group, Table, Text, UnstyledButton } from '@mantine/core';
import { IconArrowDown, IconArrowsSort, IconArrowUp } from '@tabler/icons-react';

export interface SortKey<K extends string> {
  key: K;
  label: string;
}

interface SortHeaderProps<K extends string> {
  /** One or two sort keys shown in the header, e.g. "Customer / Domain". */
  keys: readonly SortKey<K>[];
  sort: K;
  order: 'asc' | 'desc';
  onSort: (key: K) => void;
}

/**
 * A sortable column header: buttons that sort by their key (again: reverse), with aria-sort telling screen
 * readers the current order. Two keys share a header when a column shows two fields.
 */
export function SortHeader<K extends string>({ keys, sort, order, onSort }: SortHeaderProps<K>) {
  const active = keys.some((k) => k.key === sort);
  return (
    <Table.Th
      aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}
      style={{ whiteSpace: 'nowrap' }}
    >
      <Group gap={4} wrap="nowrap">
        {keys.map((k, i) => {
          const on = k.key === sort;
          const Icon = !on ? IconArrowsSort : order === 'asc' ? IconArrowUp : IconArrowDown;
          return (
            <Group gap={4} wrap="nowrap" key={k.key}>
              {i > 0 && (
                <Text span c="dimmed" fz="sm" aria-hidden>
                  /
                </Text>
              )}
              <UnstyledButton
                onClick={() => onSort(k.key)}
                fw={700}
                fz="sm"
                aria-label={`${k.label}: sort ${on && order === 'asc' ? 'descending' : 'ascending'}`}
              >
                <Group gap={2} wrap="nowrap">
                  {k.label}
                  <Icon size={14} stroke={1.8} aria-hidden style={{ opacity: on ? 1 : 0.4 }} />
                </Group>
              </UnstyledButton>
            </Group>
          );
        })}
      </Group>
    </Table.Th>
  );
}
