import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef } from 'react';
import { api } from '../../api/client';
import type { JobList, TargetKind } from '../../api/types';
import { useTrackedSyncs } from '../sync/sync-tracker';

/** A customer whose sync is waiting for a worker, or being run by one. */
export type RowProgress = 'queued' | 'running';

const JOBS_URL = '/api/jobs?name=sync-customer&state=created&state=retry&state=active&limit=500';

/**
 * Which customers of the program have a sync on its way, for their rows: the queue's customer jobs (waiting:
 * Queued, taken by a worker: Running), and the syncs started from this tab until the queue shows them. Asked every
 * second while one is on its way (every 15 s otherwise, for the daily check's); when one is done, the customers are
 * read again so the row shows the new result.
 */
export function useCustomerSyncProgress(target: TargetKind): ReadonlyMap<string, RowProgress> {
  const queryClient = useQueryClient();
  const tracked = useTrackedSyncs();
  const started = useMemo(
    () =>
      tracked.filter(
        (s) =>
          s.kind === 'customer' &&
          s.target === target &&
          s.tenantId &&
          (s.phase === 'queued' || s.phase === 'running'),
      ),
    [tracked, target],
  );
  const jobs = useQuery({
    queryKey: ['customer-jobs', target],
    queryFn: ({ signal }) => api<JobList>(JOBS_URL, { signal }),
    refetchInterval: (query) =>
      started.length > 0 || (query.state.data?.items.length ?? 0) > 0 ? 1_000 : 15_000,
    staleTime: 0,
  });

  const progress = useMemo(() => {
    const map = new Map<string, RowProgress>();
    for (const s of started) map.set(s.tenantId!, s.phase === 'running' ? 'running' : 'queued');
    for (const j of jobs.data?.items ?? []) {
      if (!j.tenantId || (j.target && j.target !== target)) continue;
      if (j.state === 'active') map.set(j.tenantId, 'running');
      else if (map.get(j.tenantId) !== 'running') map.set(j.tenantId, 'queued');
    }
    return map;
  }, [started, jobs.data, target]);

  // A sync that was on its way and is not any more has a new result: show it.
  const before = useRef<ReadonlySet<string>>(new Set());
  useEffect(() => {
    const now = new Set(progress.keys());
    if ([...before.current].some((t) => !now.has(t))) {
      void queryClient.invalidateQueries({ queryKey: ['customers'] });
      void queryClient.invalidateQueries({ queryKey: ['overview'] });
    }
    before.current = now;
  }, [progress, queryClient]);

  return progress;
}
