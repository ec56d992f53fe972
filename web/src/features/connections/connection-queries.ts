import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { Connection, ConnectionTest, TargetConnectionInput, TargetKind } from '../../api/types';

export const connectionsKey = ['connections'] as const;

export function useConnections() {
  return useQuery({
    queryKey: connectionsKey,
    queryFn: async () => (await api<{ items: Connection[] }>('/api/connections')).items,
  });
}

/**
 * Tests a PSA connection with a cheap authenticated call. With credentials it saves them first (a failed test
 * keeps them saved, marked red with the reason); without, it tests the stored ones.
 */
export function useTestConnection(kind: TargetKind) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input?: TargetConnectionInput) =>
      api<ConnectionTest>(`/api/connections/${kind}/test`, {
        method: 'POST',
        ...(input ? { body: input } : {}),
      }),
    onSuccess: (test) => {
      queryClient.setQueryData<Connection[]>(connectionsKey, (list) => {
        const others = (list ?? []).filter((c) => c.kind !== test.connection.kind);
        return [...others, test.connection];
      });
      void queryClient.invalidateQueries({ queryKey: ['program-options', kind] });
    },
  });
}
