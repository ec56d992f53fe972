import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api } from '../../api/client';
import type { JobList, RunList, RunStatus, RunView } from '../../api/types';
import { plural } from '../../lib/format';
import { invalidateSyncData, runsUrl } from '../runs/run-queries';
import { RUN_STATUS_LOOK } from '../runs/run-status';
import { type TrackedSync, updateTrackedSync, useTrackedSyncs } from './sync-tracker';

const WORKER_HINT_AFTER_MS = 15_000;
const ALL_JOB_STATES = ['created', 'retry', 'active', 'completed', 'cancelled', 'failed'];

/** Run statuses after which nothing happens without the user (done, or waiting for approval / resume). */
const SETTLED: readonly RunStatus[] = [
  'no_change',
  'success',
  'warning',
  'error',
  'awaiting_approval',
  'interrupted',
  'rejected',
];

/** The sync's run: the oldest run newer than the baseline that is not a preview. */
function runOf(sync: TrackedSync, runs: readonly RunView[]): RunView | undefined {
  const end = sync.baselineRunId ? runs.findIndex((r) => r.id === sync.baselineRunId) : runs.length;
  const newer = runs.slice(0, end === -1 ? runs.length : end);
  return newer.filter((r) => r.status !== 'preview' && r.status !== 'superseded').at(-1);
}

/** What a finished run did, in words: its message when it has one (e.g. why there was nothing to sync). */
function outcomeWords(run: RunView): string {
  if (run.status === 'awaiting_approval') return run.message ?? 'The changes wait for approval in History.';
  if (run.message) return run.message;
  if (run.status === 'no_change') return 'Nothing new to sync: no change written.';
  return `${plural(run.writes, 'change')} written to the PSA.`;
}

/** Follows one tracked sync: its job in the queue, then its run, until the run has settled. */
function Watch({ sync }: { sync: TrackedSync }) {
  const queryClient = useQueryClient();
  const active = sync.phase === 'queued' || sync.phase === 'running';
  const progress = useQuery({
    queryKey: ['tracked-sync', sync.key],
    queryFn: async () => {
      const runs = await api<RunList>(
        runsUrl({ target: sync.target, kind: sync.kind, customer: sync.tenantId ?? undefined, limit: 20 }),
      );
      let job: JobList['items'][number] | undefined;
      if (sync.jobId) {
        const q = new URLSearchParams(ALL_JOB_STATES.map((s) => ['state', s]));
        q.set('limit', '200');
        job = (await api<JobList>(`/api/jobs?${q}`)).items.find((j) => j.id === sync.jobId);
      }
      return { run: runOf(sync, runs.items), job };
    },
    enabled: active,
    refetchInterval: active ? 1_000 : false,
    gcTime: 0,
  });

  const data = progress.data;
  useEffect(() => {
    if (!data || !active) return;
    const { run, job } = data;
    if (run && SETTLED.includes(run.status)) {
      updateTrackedSync(sync.key, {
        phase: 'done',
        runId: run.id,
        runStatus: run.status,
        message: run.message,
      });
      invalidateSyncData(queryClient);
      void queryClient.invalidateQueries({ queryKey: ['product-preview'] });
      const look = RUN_STATUS_LOOK[run.status];
      notifications.show({
        color: look.color,
        title: `${sync.label}: ${look.label}`,
        message: outcomeWords(run),
      });
      return;
    }
    if (run) {
      updateTrackedSync(sync.key, { phase: 'running', runId: run.id, runStatus: run.status, message: null });
      return;
    }
    if (job?.state === 'failed' || job?.state === 'cancelled') {
      updateTrackedSync(sync.key, { phase: 'failed', message: job.error ?? 'The sync job failed.' });
      return;
    }
    if (job?.state === 'active') {
      updateTrackedSync(sync.key, { phase: 'running', message: null });
      return;
    }
    if (job?.state === 'retry') {
      updateTrackedSync(sync.key, { message: `Retrying after an error: ${job.error ?? 'unknown error'}` });
      return;
    }
    if (job?.state === 'completed') {
      updateTrackedSync(sync.key, { phase: 'done', message: 'Finished: nothing to sync.' });
      invalidateSyncData(queryClient);
      return;
    }
    if (Date.now() - sync.startedAt > WORKER_HINT_AFTER_MS) {
      updateTrackedSync(sync.key, {
        message:
          'Still waiting for a worker to take it. The billsync server runs one unless it was started without (then a separate worker process runs the syncs): ask whoever runs billsync.',
      });
    }
  }, [data, active, sync.key, sync.label, sync.startedAt, queryClient]);

  return null;
}

/** Mounted once in the signed-in layout: follows every sync started from this tab, wherever the user goes. */
export function SyncWatcher() {
  const syncs = useTrackedSyncs();
  return syncs
    .filter((s) => s.phase === 'queued' || s.phase === 'running')
    .map((s) => <Watch key={s.key} sync={s} />);
}
