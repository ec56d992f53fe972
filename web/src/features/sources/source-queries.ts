import { keepPreviousData, type QueryClient, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { ImportHistory, UploadLimits } from './source-types';

export const importsKey = ['source-imports'] as const;

/** `GET /api/sources/imports`: one page of the import history, the latest first. */
export function useImportHistory(page: { limit: number; offset: number }) {
  return useQuery({
    queryKey: [...importsKey, page],
    queryFn: () => api<ImportHistory>(`/api/sources/imports?limit=${page.limit}&offset=${page.offset}`),
    placeholderData: keepPreviousData,
    staleTime: 5_000,
  });
}

/** `GET /api/sources/upload-limits`: the largest file (BILLSYNC_UPLOAD_MAX_MB) and files per request. */
export function useUploadLimits() {
  return useQuery({
    queryKey: ['source-upload-limits'],
    queryFn: () => api<UploadLimits>('/api/sources/upload-limits'),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** After an import, what the source holds has changed: the history, the dashboard, customers and products. */
export function refreshAfterImport(queryClient: QueryClient): void {
  for (const key of [importsKey[0], 'overview', 'reconciliation', 'customers', 'product-preview']) {
    void queryClient.invalidateQueries({ queryKey: [key] });
  }
}
