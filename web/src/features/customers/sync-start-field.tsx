import { Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { CustomerInvoices, TargetKind } from '../../api/types';
import { isPlainDate } from '../../lib/format';
import { syncStartHint } from './sync-start-hint';

interface SyncStartFieldProps {
  target: TargetKind;
  tenantId: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
}

/** The customer's imported invoices with their issue dates (the hint's facts). */
function useCustomerInvoices(target: TargetKind, tenantId: string) {
  return useQuery({
    queryKey: ['customer-invoices', target, tenantId],
    queryFn: ({ signal }) =>
      api<CustomerInvoices>(`/api/customers/${encodeURIComponent(tenantId)}/invoices?target=${target}`, {
        signal,
      }),
    staleTime: 30_000,
  });
}

/**
 * The mapping dialog's sync start: a UTC calendar date typed and shown as YYYY-MM-DD (whatever the browser's
 * language), and under it which of the customer's imported invoices the date includes, as it changes.
 */
export function SyncStartField({ target, tenantId, value, onChange, error }: SyncStartFieldProps) {
  const invoices = useCustomerInvoices(target, tenantId);
  const text = value.trim();
  const hint = invoices.data && isPlainDate(text) ? syncStartHint(invoices.data.items, text) : undefined;
  return (
    <div>
      <TextInput
        label="Sync start date (UTC)"
        description="YYYY-MM-DD. Invoices issued on or after this day are synced. Default: the first day of this month."
        placeholder="YYYY-MM-DD"
        inputMode="numeric"
        autoComplete="off"
        maxLength={10}
        required
        maw={260}
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
        error={error}
      />
      <Text
        size="sm"
        c="indigo.8"
        mt={6}
        id="sync-start-hint"
        aria-live="polite"
        data-testid="sync-start-hint"
      >
        {hint ?? (invoices.isError ? 'The imported invoices could not be read.' : '')}
      </Text>
    </div>
  );
}
