import { Table, Text, VisuallyHidden } from '@mantine/core';
import { StatusChip } from '../../components/status-chip';
import { formatCount, formatDateTime, formatPeriod } from '../../lib/format';
import { FILE_KIND_LABEL, type ImportHistoryEntry } from './source-types';

function Outcome({ entry }: { entry: ImportHistoryEntry }) {
  if (entry.outcome === 'failed') {
    return (
      <>
        <StatusChip color="red">Failed</StatusChip>
        {entry.error && (
          <Text size="xs" c="red.8" mt={4} maw={420}>
            {entry.error.message}. Nothing was stored.
          </Text>
        )}
      </>
    );
  }
  if (entry.status === 'replaced') return <StatusChip color="blue">Corrected re-issue</StatusChip>;
  if (entry.status === 'unchanged') return <StatusChip color="gray">Unchanged</StatusChip>;
  return <StatusChip color="green">Stored</StatusChip>;
}

const countsText = (c: ImportHistoryEntry['counts']) =>
  c
    ? `${formatCount(c.created)} created, ${formatCount(c.updated)} updated, ${formatCount(c.unchanged)} unchanged`
    : '';

/** Every import, the latest first: when, who, the file and its kind, the invoice, the counts and the outcome. */
export function ImportHistoryTable({ items }: { items: ImportHistoryEntry[] }) {
  return (
    <Table.ScrollContainer minWidth={860}>
      <Table striped highlightOnHover verticalSpacing="xs" data-testid="import-history">
        <caption>
          <VisuallyHidden>Import history, the latest first</VisuallyHidden>
        </caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">When</Table.Th>
            <Table.Th scope="col">Who</Table.Th>
            <Table.Th scope="col">File</Table.Th>
            <Table.Th scope="col">Kind</Table.Th>
            <Table.Th scope="col">Invoice</Table.Th>
            <Table.Th scope="col">Rows</Table.Th>
            <Table.Th scope="col">Outcome</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((e) => (
            <Table.Tr key={e.id}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(e.at)}</Table.Td>
              <Table.Td>
                {e.by ? (
                  e.by.email
                ) : (
                  <Text c="dimmed" size="sm">
                    Command line
                  </Text>
                )}
              </Table.Td>
              <Table.Th scope="row" fw={500}>
                {e.fileName}
              </Table.Th>
              <Table.Td>{e.kind ? FILE_KIND_LABEL[e.kind] : 'Unknown'}</Table.Td>
              <Table.Td>
                {e.invoiceId ?? ''}
                {e.billingPeriod && (
                  <Text size="xs" c="dimmed">
                    {formatPeriod(e.billingPeriod)}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                {e.rows !== null && <Text size="sm">{formatCount(e.rows)}</Text>}
                <Text size="xs" c="dimmed">
                  {countsText(e.counts)}
                </Text>
              </Table.Td>
              <Table.Td>
                <Outcome entry={e} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
