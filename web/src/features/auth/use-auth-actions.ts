import { useMutation, useQueryClient } from '@tanstack/react-query';
import { isApiError } from '../../api/api-error';
import { api } from '../../api/client';
import type { LoginRequest, Session, SetupRequest, SetupStatus } from '../../api/types';
import { clearSession, setupKey, storeSession } from './session-queries';

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: LoginRequest) => api<Session>('/api/auth/login', { method: 'POST', body }),
    onSuccess: (session) => storeSession(queryClient, session),
  });
}

export function useSetup() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SetupRequest) => api<Session>('/api/setup', { method: 'POST', body }),
    onSuccess: (session) => {
      queryClient.setQueryData<SetupStatus>(setupKey, { needed: false });
      storeSession(queryClient, session);
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api<void>('/api/auth/logout', { method: 'POST' }),
    onSuccess: () => clearSession(queryClient),
    // 401: the session had already ended, so the browser is signed out anyway.
    onError: (error) => {
      if (isApiError(error) && error.status === 401) clearSession(queryClient);
    },
  });
}
