import { Anchor, Button, List, Loader, type MantineColor, Text } from '@mantine/core';
import { IconCloudDownload } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import type { Connection, Overview } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';
import { StatusChip } from '../../components/status-chip';
import { formatDateTime, formatPeriod, plural } from '../../lib/format';
import { useCan } from '../auth/use-can';
import { useOverview } from '../dashboard/report-queries';
import { ConnectionCard } from './connection-card';
import { useConsentReturn } from './consent-return';
import { PartnerCenterDetails } from './partner-center-details';
import { PartnerCenterModal } from './partner-center-modal';
import {
  pullActive,
  type SourceStatus,
  usePullNow,
  useSourceStatus,
  useStartConsent,
  useTestSource,
} from './partner-center-queries';

const IMPORT_KIND: Record<string, string> = {
  price_list: 'price list',
  recon: 'invoice reconciliation',
  azure_usage: 'Azure usage',
};

type ApiState = 'consent_needed' | 'connected' | 'reconnect' | 'error' | 'checking';

const LOOK: Record<ApiState, { label: string; color: MantineColor }> = {
  consent_needed: { label: 'Consent needed', color: 'yellow' },
  connected: { label: 'Connected', color: 'green' },
  reconnect: { label: 'Reconnect needed', color: 'red' },
  error: { label: 'Error', color: 'red' },
  checking: { label: 'Checking…', color: 'blue' },
};

function apiState(s: SourceStatus, checking: boolean): ApiState {
  if (checking) return 'checking';
  if (s.consent.state === 'reconnect') return 'reconnect';
  if (s.connection?.status === 'error') return 'error';
  return s.consent.state === 'connected' ? 'connected' : 'consent_needed';
}

/**
 * The Microsoft CSP source: the Partner Center API (app credentials, the App+User consent, Test, Pull now, last
 * and next pull), or "import files" mode with what the imports hold.
 */
export function SourceCard({ connection }: { connection: Connection | undefined }) {
  const overview = useOverview();
  const status = useSourceStatus();
  const isAdmin = useCan('admin');
  const isOperator = useCan('operator');
  const [formOpened, setFormOpened] = useState(false);
  const test = useTestSource();
  const consent = useStartConsent();
  const pull = usePullNow();
  const refetch = status.refetch;
  useConsentReturn(useCallback(() => void refetch(), [refetch]));
  useRefreshAfterPull(pullActive(status.data));

  const source = overview.data?.source;
  const s = status.data;
  const api = s?.settings.mode === 'api' || connection?.settings.mode === 'api';
  const hasData = !!source && (source.invoices > 0 || source.priceListEntries > 0);
  const state = s && api ? apiState(s, test.isPending) : undefined;
  const connected = s?.consent.state === 'connected';
  const reconnect = s?.consent.state === 'connected' || s?.consent.state === 'reconnect';

  const badge = state ? (
    <StatusChip color={LOOK[state].color} size="lg" data-testid="connection-microsoft-csp-status">
      {LOOK[state].label}
    </StatusChip>
  ) : overview.isPending || status.isPending ? (
    <Loader size="sm" aria-label="Loading the source" />
  ) : (
    <StatusChip color={hasData ? 'green' : 'gray'} size="lg" data-testid="connection-microsoft-csp-status">
      {hasData ? 'Import files' : 'No data yet'}
    </StatusChip>
  );

  const actions = (
    <>
      {isAdmin && !api && <Button onClick={() => setFormOpened(true)}>CONNECT NOW</Button>}
      {isAdmin && api && s && (
        <>
          <Button
            variant={connected ? 'default' : 'filled'}
            onClick={() => consent.mutate(undefined)}
            loading={consent.isPending || consent.isSuccess}
            aria-label={`${reconnect ? 'Reconnect' : 'Connect'} Partner Center: sign in at Microsoft and consent`}
          >
            {reconnect ? 'Reconnect' : 'Connect'}
          </Button>
          <Button variant="default" onClick={() => test.mutate(undefined)} loading={test.isPending}>
            Test
          </Button>
          <Button variant="default" onClick={() => setFormOpened(true)}>
            Credentials
          </Button>
        </>
      )}
      {isOperator && api && s && (
        <Button
          variant="light"
          onClick={() => pull.mutate()}
          loading={pull.isPending}
          disabled={pullActive(s)}
        >
          Pull now
        </Button>
      )}
    </>
  );

  return (
    <>
      <ConnectionCard
        testId="connection-microsoft-csp"
        name="Microsoft CSP (source)"
        icon={<IconCloudDownload size={20} />}
        status={badge}
        actions={actions}
      >
        {overview.isError && <ErrorAlert error={overview.error} title="Could not read the source" />}
        {status.isError && (
          <ErrorAlert error={status.error} title="Could not read the Partner Center state" />
        )}
        {source && <SourceSummary source={source} mode={api ? 'api' : 'files'} />}
        {api && s && <PartnerCenterDetails status={s} />}
        {!api && (
          <>
            <Text size="sm" c="dimmed">
              Export the price list and the invoice reconciliation files from Partner Center and{' '}
              <Anchor component={Link} to="/sources">
                upload them on the Sources page
              </Anchor>
              .
            </Text>
            <Text size="xs" c="dimmed">
              Or connect the Partner Center API: billsync then reads customers, invoices and the price list
              every day.
            </Text>
          </>
        )}
        {test.isError && <ErrorAlert error={test.error} title="Could not test the connection" />}
        {consent.isError && <ErrorAlert error={consent.error} title="Could not start the sign-in" />}
        {pull.isError && <ErrorAlert error={pull.error} title="Could not start the pull" />}
      </ConnectionCard>
      {formOpened && s && <PartnerCenterModal status={s} onClose={() => setFormOpened(false)} />}
    </>
  );
}

/** When a pull ends, what the source holds has changed: read the summary again. */
function useRefreshAfterPull(active: boolean) {
  const queryClient = useQueryClient();
  const was = useRef(active);
  useEffect(() => {
    if (was.current && !active) void queryClient.invalidateQueries({ queryKey: ['overview'] });
    was.current = active;
  }, [active, queryClient]);
}

function SourceSummary({ source, mode }: { source: Overview['source']; mode: 'api' | 'files' }) {
  if (source.invoices === 0 && source.priceListEntries === 0) {
    return (
      <Text size="sm">
        {mode === 'api'
          ? 'Nothing is pulled yet: billsync needs the price list and at least one invoice before it can sync.'
          : 'Nothing is imported yet: billsync needs the price list and at least one invoice before it can sync.'}
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
