import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage, isApiError } from '../../api/api-error';
import { api } from '../../api/client';
import type { Enqueued, RunKind, RunList, RunSummary, TargetKind } from '../../api/types';
import { invalidateSyncData, runsUrl } from '../runs/run-queries';
import { trackSync, updateTrackedSync } from './sync-tracker';

export interface SyncNowRequest {
  kind: RunKind;
  target: TargetKind;
  /** The customer (customer syncs). */
  tenantId?: string;
  label: string;
}

/** The server has no job queue (an older server, or a route missing): run the sync in the request instead. */
const noQueue = (error: unknown) =>
  isApiError(error, 'not_found') && error.status === 404 && /^No route/.test(error.message);

function finalOf(summaries: readonly RunSummary[]): RunSummary | undefined {
  return summaries[0];
}

/**
 * Sync now: queues the job (the worker runs it, one PSA write stream per connection) and tracks it until its run
 * has finished; without a queue it runs the sync in the request. Resolves with the tracking key.
 */
export function useSyncNow() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (req: SyncNowRequest): Promise<string> => {
      const { kind, target, tenantId } = req;
      const latest = await api<RunList>(runsUrl({ target, kind, customer: tenantId, limit: 1 }));
      const key = `${kind}:${tenantId ?? '*'}:${Date.now()}`;
      const base = {
        key,
        kind,
        target,
        tenantId: tenantId ?? null,
        label: req.label,
        baselineRunId: latest.items[0]?.id ?? null,
        startedAt: Date.now(),
        runId: null,
        runStatus: null,
        message: null,
      };
      try {
        const queued =
          kind === 'customer'
            ? await api<Enqueued>('/api/jobs/sync-customer', { method: 'POST', body: { target, tenantId } })
            : await api<Enqueued>('/api/jobs/sync-products', { method: 'POST', body: { target } });
        trackSync({ ...base, jobId: queued.jobId, phase: 'queued' });
      } catch (error) {
        if (!noQueue(error)) throw error;
        trackSync({ ...base, jobId: null, phase: 'running' });
        const path = kind === 'customer' ? `/api/sync/${target}/customers` : `/api/sync/${target}/products`;
        const body = kind === 'customer' ? { tenantIds: [tenantId] } : {};
        api<RunSummary | { items: RunSummary[] }>(path, { method: 'POST', body }).then(
          (answer) => {
            const run =
              kind === 'customer'
                ? finalOf((answer as { items: RunSummary[] }).items)
                : (answer as RunSummary);
            updateTrackedSync(key, {
              phase: 'done',
              runId: run?.runId ?? null,
              runStatus: run?.status ?? null,
              message: run ? null : 'Nothing to sync.',
            });
            invalidateSyncData(queryClient);
          },
          (failure: unknown) => updateTrackedSync(key, { phase: 'failed', message: errorMessage(failure) }),
        );
      }
      return key;
    },
  });
}
