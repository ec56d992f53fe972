import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { RunDetail, RunKind, RunList, RunStatus, RunSummary } from '../../api/types';

export interface RunFilters {
  target?: string | undefined;
  kind?: RunKind | undefined;
  status?: RunStatus | undefined;
  customer?: string | undefined;
  limit?: number;
  offset?: number;
}

export function runsUrl(f: RunFilters): string {
  const q = new URLSearchParams();
  if (f.target) q.set('target', f.target);
  if (f.kind) q.set('kind', f.kind);
  if (f.status) q.set('status', f.status);
  if (f.customer) q.set('customer', f.customer);
  q.set('limit', String(f.limit ?? 50));
  q.set('offset', String(f.offset ?? 0));
  return `/api/runs?${q}`;
}

/** Statuses that can still change by themselves (the page keeps asking while one is shown). */
export const LIVE_STATUSES: readonly RunStatus[] = ['running'];

export function useRuns(f: RunFilters) {
  return useQuery({
    queryKey: ['runs', f],
    queryFn: () => api<RunList>(runsUrl(f)),
    placeholderData: keepPreviousData,
    staleTime: 5_000,
    refetchInterval: (query) =>
      query.state.data?.items.some((r) => LIVE_STATUSES.includes(r.status)) ? 2_000 : false,
  });
}

export function useRun(id: string | undefined) {
  return useQuery({
    queryKey: ['run', id],
    queryFn: () => api<RunDetail>(`/api/runs/${id}`),
    enabled: !!id,
    staleTime: 5_000,
    // A running sync shows live progress.
    refetchInterval: (query) => (query.state.data?.status === 'running' ? 1_000 : false),
  });
}

export type RunAction = 'approve' | 'reject' | 'resume';

export function useRunAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: RunAction }) =>
      api<RunSummary>(`/api/runs/${id}/${action}`, { method: 'POST' }),
    onSettled: () => invalidateSyncData(queryClient),
  });
}

/** After anything that writes runs: every list and figure that shows them. */
export function invalidateSyncData(queryClient: ReturnType<typeof useQueryClient>) {
  for (const key of ['runs', 'run', 'customers', 'customer-invoices', 'overview', 'reconciliation']) {
    void queryClient.invalidateQueries({ queryKey: [key] });
  }
}
