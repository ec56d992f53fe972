import { Badge, Code, List, Loader, Text } from '@mantine/core';
import { IconCloudDownload } from '@tabler/icons-react';
import type { Connection, Overview } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';
import { formatDateTime, formatPeriod, plural } from '../../lib/format';
import { useOverview } from '../dashboard/report-queries';
import { ConnectionCard } from './connection-card';

const IMPORT_KIND: Record<string, string> = {
  price_list: 'price list',
  recon: 'invoice reconciliation',
  azure_usage: 'Azure usage',
};

/**
 * The Microsoft CSP source: Partner Center API credentials, or "import files" mode. Credentials and imports are
 * set up with the CLI for now; the card says what the source holds.
 */
export function SourceCard({ connection }: { connection: Connection | undefined }) {
  const overview = useOverview();
  const source = overview.data?.source;
  const mode = connection?.settings.mode === 'api' ? 'api' : 'files';
  const hasData = !!source && (source.invoices > 0 || source.priceListEntries > 0);
  return (
    <ConnectionCard
      testId="connection-microsoft-csp"
      name="Microsoft CSP (source)"
      icon={<IconCloudDownload size={20} />}
      status={
        overview.isPending ? (
          <Loader size="sm" aria-label="Loading the source" />
        ) : (
          <Badge color={hasData ? 'green' : 'gray'} variant="light" size="lg">
            {hasData ? (mode === 'api' ? 'Partner Center API' : 'Import files') : 'No data yet'}
          </Badge>
        )
      }
    >
      {overview.isError && <ErrorAlert error={overview.error} title="Could not read the source" />}
      {source && <SourceSummary source={source} mode={mode} />}
      <Text size="sm" c="dimmed">
        {mode === 'api'
          ? 'billsync reads customers, invoices and the price list from Partner Center every day.'
          : 'Export the price list and the invoice reconciliation files from Partner Center and import them:'}
      </Text>
      {mode === 'files' && (
        <Code block>
          {'billsync import pricelist pricelist.csv\nbillsync import invoice invoice-2026-10.csv'}
        </Code>
      )}
      <Text size="xs" c="dimmed">
        To read Partner Center directly instead, see <Code>billsync source pull --help</Code>.
      </Text>
    </ConnectionCard>
  );
}

function SourceSummary({ source, mode }: { source: Overview['source']; mode: 'api' | 'files' }) {
  if (source.invoices === 0 && source.priceListEntries === 0) {
    return (
      <Text size="sm">
        Nothing is imported yet: billsync needs the price list and at least one invoice before it can sync.
      </Text>
    );
  }
  return (
    <>
      <Text size="sm" data-testid="source-summary">
        {plural(source.customers, 'customer')},{' '}
        {plural(source.priceListEntries, 'price-list entry', 'price-list entries')},{' '}
        {plural(source.invoices, 'invoice')}
        {source.latestPeriod ? ` (latest: ${formatPeriod(source.latestPeriod)})` : ''}.
      </Text>
      {mode === 'files' && source.imports.length > 0 && (
        <List size="sm" spacing={2}>
          {source.imports.map((i) => (
            <List.Item key={i.kind}>
              {plural(i.files, `${IMPORT_KIND[i.kind] ?? i.kind} file`)}, last imported{' '}
              {formatDateTime(i.lastAt)}
            </List.Item>
          ))}
        </List>
      )}
    </>
  );
}
