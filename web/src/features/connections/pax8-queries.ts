import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Pax8ConnectionInputWire } from '../../../../src/services/connection-schemas';
import type { Pax8PullWire } from '../../../../src/services/pax8/schemas';
import { api } from '../../api/client';
import type { Connection, ConnectionTest } from '../../api/types';
import { connectionsKey } from './connection-queries';

export type Pax8ConnectionInput = Pax8ConnectionInputWire;
export type Pax8Pull = Pax8PullWire;

const BASE = '/api/connections/pax8';

/** Tests the Pax8 connection (a token and one call); with credentials it saves them first. */
export function useTestPax8() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input?: Pax8ConnectionInput) =>
      api<ConnectionTest>(`${BASE}/test`, { method: 'POST', ...(input ? { body: input } : {}) }),
    onSuccess: (test) => {
      queryClient.setQueryData<Connection[]>(connectionsKey, (list) => [
        ...(list ?? []).filter((c) => c.kind !== test.connection.kind),
        test.connection,
      ]);
    },
  });
}

/** Pull now: reads Pax8 and stores what it read; the outcome lands on the card. */
export function usePullPax8() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api<Pax8Pull>(`${BASE}/pull`, { method: 'POST' }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: connectionsKey }),
  });
}
