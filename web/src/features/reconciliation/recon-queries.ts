import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { Leakage, ReconChart, ReconCustomer, ReconMonth, TargetKind, Timeline } from '../../api/types';

/**
 * Every reconciliation query starts with this key: a refresh reads the PSA again, after which every figure of the
 * PSA (the month, a customer, the charts, the leakage, a timeline) is asked again.
 */
export const reconKey = (target: TargetKind) => ['reconciliation', target] as const;

const monthKey = (target: TargetKind, period: string | null) =>
  [...reconKey(target), 'month', period] as const;

function query(params: Record<string, string | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  return q.toString();
}

/** A month's totals and customers; `period` null: the newest month with figures. */
export function useReconMonth(target: TargetKind, period: string | null) {
  return useQuery({
    queryKey: monthKey(target, period),
    queryFn: ({ signal }) => api<ReconMonth>(`/api/reconciliation?${query({ target, period })}`, { signal }),
  });
}

/**
 * Refresh: the month computed from a fresh read of the PSA. The answer replaces the month shown; the rest is
 * asked again, as the server's cache now holds the fresh read.
 */
export function useRefreshRecon(target: TargetKind, period: string | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api<ReconMonth>(`/api/reconciliation?${query({ target, period, refresh: 'true' })}`),
    onSuccess: (data) => {
      queryClient.setQueryData(monthKey(target, period), data);
      void queryClient.invalidateQueries({
        queryKey: reconKey(target),
        predicate: (q) => JSON.stringify(q.queryKey) !== JSON.stringify(monthKey(target, period)),
      });
    },
  });
}

/** One customer's offers and the invoice lines behind them. */
export function useReconCustomer(target: TargetKind, tenantId: string, period: string | null) {
  return useQuery({
    queryKey: [...reconKey(target), 'customer', tenantId, period],
    queryFn: ({ signal }) =>
      api<ReconCustomer>(`/api/reconciliation/customer?${query({ target, tenantId, period })}`, { signal }),
  });
}

/** 12 months of figures, for the workspace (`tenantId` null) or one customer. */
export function useReconChart(target: TargetKind, tenantId: string | null = null, enabled = true) {
  return useQuery({
    queryKey: [...reconKey(target), 'chart', tenantId],
    queryFn: ({ signal }) =>
      api<ReconChart>(`/api/reconciliation/chart?${query({ target, tenantId })}`, { signal }),
    enabled,
  });
}

/** Microsoft charges nobody is billed for, in a period (null: the newest). */
export function useLeakage(target: TargetKind, period: string | null, enabled = true) {
  return useQuery({
    queryKey: [...reconKey(target), 'leakage', period],
    queryFn: ({ signal }) =>
      api<Leakage>(`/api/reconciliation/leakage?${query({ target, period })}`, { signal }),
    enabled,
  });
}

/** One contract line day by day: the invoices' seats beside the PSA's units, billsync's writes, locked days. */
export function useTimeline(target: TargetKind, tenantId: string, offerKey: string) {
  return useQuery({
    queryKey: [...reconKey(target), 'timeline', tenantId, offerKey],
    queryFn: ({ signal }) =>
      api<Timeline>(`/api/reconciliation/timeline?${query({ target, tenantId, offerKey })}`, { signal }),
    enabled: !!tenantId && !!offerKey,
  });
}

export type ExportTable = 'customers' | 'offers' | 'leakage';
export type ExportFormat = 'csv' | 'xlsx';

/** The download of a table as it is on screen (a plain link: the session cookie goes with it). */
export function exportUrl(
  target: TargetKind,
  table: ExportTable,
  format: ExportFormat,
  period: string | null,
  tenantId?: string,
): string {
  return `/api/reconciliation/export?${query({ target, table, period, tenantId, format })}`;
}
