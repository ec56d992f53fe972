import { Group, Pagination, SegmentedControl, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { Fragment, useMemo, useState } from 'react';
import type { ItemStatus, RunChange, RunKind, RunLine } from '../../api/types';
import { formatDelta, formatMoney, formatPlainDate, plural } from '../../lib/format';
import { ItemStatusBadge } from './run-status';

const PAGE = 100;

type Filter = 'all' | 'changes' | 'problems' | ItemStatus;

const matches = (line: RunLine, filter: Filter) => {
  if (filter === 'all') return true;
  if (filter === 'changes') return line.status === 'ok' || line.status === 'warning';
  if (filter === 'problems') return line.status === 'error' || line.status === 'warning';
  return line.status === filter;
};

interface RunLinesTableProps {
  lines: readonly RunLine[];
  kind: RunKind;
  currency?: string | null;
}

/**
 * Every item of a run with its status, what changes (old -> new) and its messages inline on the row (spec
 * section 7). Filtered and paged in the browser: a product run can have thousands of items.
 */
export function RunLinesTable({ lines, kind, currency }: RunLinesTableProps) {
  const [filter, setFilter] = useState<Filter>('all');
  const [search, setSearch] = useState('');
  const [needle] = useDebouncedValue(search.trim().toLowerCase(), 150);
  const [page, setPage] = useState(1);
  const counts = useMemo(() => {
    const c = { all: lines.length, changes: 0, problems: 0 };
    for (const l of lines) {
      if (matches(l, 'changes')) c.changes += 1;
      if (matches(l, 'problems')) c.problems += 1;
    }
    return c;
  }, [lines]);
  const shown = useMemo(
    () =>
      lines.filter(
        (l) =>
          matches(l, filter) &&
          (!needle || l.label.toLowerCase().includes(needle) || l.key.toLowerCase().includes(needle)),
      ),
    [lines, filter, needle],
  );
  const pages = Math.max(1, Math.ceil(shown.length / PAGE));
  const current = Math.min(page, pages);
  const slice = shown.slice((current - 1) * PAGE, current * PAGE);
  const customer = kind === 'customer';
  const columns = customer ? 5 : 4;

  return (
    <Stack gap="sm">
      <Group justify="space-between" wrap="wrap">
        <SegmentedControl
          size="xs"
          value={filter}
          onChange={(v) => {
            setFilter(v as Filter);
            setPage(1);
          }}
          data={[
            { value: 'all', label: `All (${counts.all})` },
            { value: 'changes', label: `Changes (${counts.changes})` },
            { value: 'problems', label: `Warnings and errors (${counts.problems})` },
          ]}
          aria-label="Show items"
        />
        <TextInput
          size="xs"
          w={260}
          placeholder="Find an item"
          aria-label="Find an item"
          leftSection={<IconSearch size={14} aria-hidden />}
          value={search}
          onChange={(e) => {
            setSearch(e.currentTarget.value);
            setPage(1);
          }}
        />
      </Group>
      <Table.ScrollContainer minWidth={760}>
        <Table verticalSpacing="xs" highlightOnHover data-testid="run-items">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{customer ? 'Customer / product' : 'PSA product'}</Table.Th>
              <Table.Th>Action</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Changes</Table.Th>
              {customer && <Table.Th ta="right">Monthly delta</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {slice.map((line) => (
              <Fragment key={line.seq}>
                <Table.Tr data-testid="run-item" data-status={line.status}>
                  <Table.Td style={line.messages.length ? { borderBottom: 0 } : undefined}>
                    <Text size="sm" fw={500}>
                      {line.label}
                    </Text>
                    {line.targetId && (
                      <Text size="xs" c="dimmed">
                        PSA id {line.targetId}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td style={line.messages.length ? { borderBottom: 0 } : undefined}>
                    <Text size="sm">{line.action}</Text>
                  </Table.Td>
                  <Table.Td style={line.messages.length ? { borderBottom: 0 } : undefined}>
                    <ItemStatusBadge status={line.status} />
                  </Table.Td>
                  <Table.Td style={line.messages.length ? { borderBottom: 0 } : undefined}>
                    <Changes changes={line.changes} currency={currency} />
                  </Table.Td>
                  {customer && (
                    <Table.Td ta="right" style={line.messages.length ? { borderBottom: 0 } : undefined}>
                      <Text size="sm" ff="monospace" c={deltaColor(line.monthlyDelta)}>
                        {formatDelta(line.monthlyDelta, currency)}
                      </Text>
                    </Table.Td>
                  )}
                </Table.Tr>
                {line.messages.length > 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={columns} pt={0}>
                      <Stack gap={2} pl="md">
                        {line.messages.map((m, i) => (
                          <Text
                            // biome-ignore lint/suspicious/noArrayIndexKey: messages have no id and never reorder
                            key={i}
                            size="sm"
                            c={m.level === 'error' ? 'red.8' : m.level === 'warning' ? 'orange.9' : 'dimmed'}
                            data-testid="run-item-message"
                          >
                            {m.level === 'info' ? '' : `${m.level === 'error' ? 'Error' : 'Warning'}: `}
                            {m.text}
                          </Text>
                        ))}
                      </Stack>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Fragment>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {shown.length === 0 && (
        <Text size="sm" c="dimmed" ta="center" py="md">
          No item matches.
        </Text>
      )}
      {pages > 1 && (
        <Group justify="space-between">
          <Text size="sm" c="dimmed">
            {plural(shown.length, 'item')}
          </Text>
          <Pagination total={pages} value={current} onChange={setPage} size="sm" />
        </Group>
      )}
    </Stack>
  );
}

const deltaColor = (v: string | null) =>
  !v ? 'inherit' : Number(v) > 0 ? 'green.8' : Number(v) < 0 ? 'red.8' : 'inherit';

/** Fields whose value is an amount: a price or cost, or a booked charge or credit (`charge 15-31 Jan 2026`). */
const MONEY_FIELDS = /price|cost|^(charge|credit) /i;
/**
 * A value as the planner writes it: an amount or units, then optionally ` @ <unit price>` and ` (cost <unit
 * cost>)` (a line's units at their prices, `35 @ 3.6 (cost 3.24)`; a charge, `25.34 (cost 21.94)`).
 */
const VALUE = /^(-?\d+(?:\.\d+)?)(?: @ (-?\d+(?:\.\d+)?))?(?: \(cost (-?\d+(?:\.\d+)?)\))?$/;

/** A change's value with its amounts in the one money format (`35 @ USD 3.60 (cost USD 3.24)`); units as they are. */
function changeValue(field: string, v: string | null, currency: string | null | undefined): string {
  if (v === null) return 'none';
  const m = VALUE.exec(v);
  if (!m) return v;
  const [, lead = '', price, cost] = m;
  const money = (x: string) => formatMoney(x, currency);
  return `${MONEY_FIELDS.test(field) ? money(lead) : lead}${price ? ` @ ${money(price)}` : ''}${cost ? ` (cost ${money(cost)})` : ''}`;
}

/** `unit price: USD 20.00 → USD 23.10`; dates in the field name as DD MMM YYYY. */
function Changes({ changes, currency }: { changes: RunChange[]; currency?: string | null | undefined }) {
  if (changes.length === 0)
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  const show = (field: string, v: string | null) => changeValue(field, v, currency);
  return (
    <Stack gap={0}>
      {changes.map((c) => (
        <Text size="sm" key={c.field}>
          <Text span c="dimmed">
            {c.field.replace(/\d{4}-\d{2}-\d{2}/g, (d) => formatPlainDate(d))}:
          </Text>{' '}
          {c.from === null ? (
            <Text span fw={500}>
              {show(c.field, c.to)}
            </Text>
          ) : (
            <>
              <Text span td="line-through" c="dimmed">
                {show(c.field, c.from)}
              </Text>{' '}
              →{' '}
              <Text span fw={500}>
                {show(c.field, c.to)}
              </Text>
            </>
          )}
        </Text>
      ))}
    </Stack>
  );
}
