import type { QueryClient } from '@tanstack/react-query';
import { isApiError } from '../../api/api-error';
import { api, setCsrfToken } from '../../api/client';
import type { Session, SetupStatus } from '../../api/types';

export const sessionKey = ['session'] as const;
export const setupKey = ['setup'] as const;

/** GET /api/me; null when nobody is signed in. Keeps the in-memory CSRF token current. */
export async function fetchSession(): Promise<Session | null> {
  try {
    const session = await api<Session>('/api/me');
    setCsrfToken(session.csrfToken);
    return session;
  } catch (error) {
    if (isApiError(error) && error.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

export function fetchSetupStatus(): Promise<SetupStatus> {
  return api<SetupStatus>('/api/setup');
}

/** After login or setup: the response already is the session, no need to ask /api/me again. */
export function storeSession(queryClient: QueryClient, session: Session): void {
  setCsrfToken(session.csrfToken);
  queryClient.setQueryData(sessionKey, session);
}

/** After logout or an expired session: forget the user and every cached answer that belonged to them. */
export function clearSession(queryClient: QueryClient): void {
  setCsrfToken(null);
  queryClient.setQueryData(sessionKey, null);
  queryClient.removeQueries({
    predicate: (query) => query.queryKey[0] !== sessionKey[0] && query.queryKey[0] !== setupKey[0],
  });
}
