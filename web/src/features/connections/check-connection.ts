import { useMutation } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { ConnectionCheck, TargetConnectionInput, TargetKind } from '../../api/types';

/**
 * The connect dialog's Test: checks the credentials as entered with a cheap authenticated call. Nothing is saved
 * and the card keeps its state, whatever the answer (only Save stores credentials and what their test says).
 */
export function useCheckConnection(kind: TargetKind) {
  return useMutation({
    mutationFn: (input: TargetConnectionInput) =>
      api<ConnectionCheck>(`/api/connections/${kind}/check`, { method: 'POST', body: input }),
  });
}
