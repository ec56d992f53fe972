import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { NotificationList } from '../../api/types';

const key = ['notifications'] as const;

/** The latest in-app notifications (runs with warnings or errors) and the unread count; refreshed every 30 s. */
export function useNotifications() {
  return useQuery({
    queryKey: key,
    queryFn: () => api<NotificationList>('/api/notifications?limit=8'),
    refetchInterval: 30_000,
    staleTime: 10_000,
    // An older server without notifications: no bell, no error.
    retry: false,
  });
}

export function useMarkRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string | 'all') =>
      api<unknown>(id === 'all' ? '/api/notifications/read-all' : `/api/notifications/${id}/read`, {
        method: 'POST',
      }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}
