import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { ApiError, isApiError } from './api/api-error';
import { setCsrfRefresher } from './api/client';
import { clearSession, fetchSession, sessionKey } from './features/auth/session-queries';

/**
 * One QueryClient for the app. When any call answers 401 `unauthenticated` the session has ended: forget it,
 * and RequireSession sends the user to the login page.
 */
export function createQueryClient(): QueryClient {
  const onError = (error: unknown) => {
    if (isApiError(error, 'unauthenticated')) clearSession(queryClient);
  };
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // A 4xx answer will not change by asking again; network errors and 5xx get two more tries.
        retry: (failureCount, error) =>
          !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failureCount < 2,
      },
      mutations: { retry: false },
    },
  });
  setCsrfRefresher(async () => {
    const session = await queryClient.fetchQuery({
      queryKey: sessionKey,
      queryFn: fetchSession,
      staleTime: 0,
    });
    return session?.csrfToken ?? null;
  });
  return queryClient;
}
