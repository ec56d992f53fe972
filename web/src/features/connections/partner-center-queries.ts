import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  ConsentStartWire,
  PullQueuedWire,
  SourceInputWire,
  SourceStatusWire,
  SourceTestWire,
} from '../../../../src/services/partner-center/schemas';
import { api } from '../../api/client';
import { connectionsKey } from './connection-queries';

export type SourceStatus = SourceStatusWire;
export type SourceInput = SourceInputWire;

const BASE = '/api/connections/partner-center';
export const sourceStatusKey = ['partner-center-status'] as const;

/** A pull waits or runs: the card polls its progress. */
export const pullActive = (s: SourceStatus | undefined) =>
  s?.pull?.state === 'queued' || s?.pull?.state === 'running';

/** The Microsoft CSP card's state: consent, expiry, last and next pull; polled while a pull runs. */
export function useSourceStatus() {
  return useQuery({
    queryKey: sourceStatusKey,
    queryFn: () => api<SourceStatus>(`${BASE}/status`),
    refetchInterval: (query) => (pullActive(query.state.data) ? 1000 : false),
  });
}

function useRefresh() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: sourceStatusKey });
    void queryClient.invalidateQueries({ queryKey: connectionsKey });
    void queryClient.invalidateQueries({ queryKey: ['overview'] });
  };
}

/** Test (with credentials: save them first); the outcome is recorded on the card. */
export function useTestSource() {
  const queryClient = useQueryClient();
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (input?: SourceInput) =>
      api<SourceTestWire>(`${BASE}/test`, { method: 'POST', ...(input ? { body: input } : {}) }),
    onSuccess: (test) => {
      queryClient.setQueryData(sourceStatusKey, test.source);
      refresh();
    },
    onError: refresh,
  });
}

/**
 * Connect: (saves the credentials, then) starts the App+User consent and sends the browser to Microsoft's
 * sign-in page; Microsoft sends it back to billsync's redirect URI, which lands on /connections.
 */
export function useStartConsent() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (input?: SourceInput) =>
      api<ConsentStartWire>(`${BASE}/consent`, { method: 'POST', ...(input ? { body: input } : {}) }),
    onSuccess: (started) => window.location.assign(started.authorizeUrl),
    onError: refresh,
  });
}

/** Pull now: the daily check as a job; the card follows its progress. */
export function usePullNow() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: () => api<PullQueuedWire>(`${BASE}/pull`, { method: 'POST' }),
    onSettled: refresh,
  });
}

/** Saves the credentials without testing (PUT /api/connections/partner-center). */
export function useSaveSource() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (input: SourceInput) =>
      api<unknown>('/api/connections/partner-center', { method: 'PUT', body: input }),
    onSuccess: refresh,
  });
}
