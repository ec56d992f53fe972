import { useSyncExternalStore } from 'react';
import type { RunKind, RunStatus, TargetKind } from '../../api/types';

/** A sync the user started from this browser tab (SAVE AND SYNC NOW, Sync now, Run product sync). */
export interface TrackedSync {
  key: string;
  kind: RunKind;
  target: TargetKind;
  tenantId: string | null;
  /** "Contoso Dental", "Product sync". */
  label: string;
  /** The queued job; null when the same job was already waiting, or when the sync ran in the request. */
  jobId: string | null;
  /** The newest run of the same kind (and customer) before this sync: the sync's run is a newer one. */
  baselineRunId: string | null;
  startedAt: number;
  phase: 'queued' | 'running' | 'done' | 'failed';
  runId: string | null;
  runStatus: RunStatus | null;
  message: string | null;
}

let tracked: readonly TrackedSync[] = [];
const listeners = new Set<() => void>();

function emit(next: readonly TrackedSync[]) {
  tracked = next;
  for (const l of listeners) l();
}

export function trackSync(sync: TrackedSync): void {
  emit([sync, ...tracked.filter((t) => t.key !== sync.key)].slice(0, 8));
}

export function updateTrackedSync(key: string, patch: Partial<TrackedSync>): void {
  emit(tracked.map((t) => (t.key === key ? { ...t, ...patch } : t)));
}

export function dismissTrackedSync(key: string): void {
  emit(tracked.filter((t) => t.key !== key));
}

/** Syncs started from this tab, newest first (in memory: History has them all). */
export function useTrackedSyncs(): readonly TrackedSync[] {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => tracked,
  );
}
