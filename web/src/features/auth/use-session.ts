import { useQuery } from '@tanstack/react-query';
import { fetchSession, sessionKey } from './session-queries';

/** The signed-in user and workspace (`data` is null when signed out). */
export function useSession() {
  return useQuery({ queryKey: sessionKey, queryFn: fetchSession, staleTime: 60_000 });
}
