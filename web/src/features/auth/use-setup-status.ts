import { useQuery } from '@tanstack/react-query';
import { fetchSetupStatus, setupKey } from './session-queries';

/** Whether the database still needs its first workspace (GET /api/setup). */
export function useSetupStatus() {
  return useQuery({ queryKey: setupKey, queryFn: fetchSetupStatus, staleTime: Number.POSITIVE_INFINITY });
}
