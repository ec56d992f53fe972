import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { RunDetail, RunSummary, TargetKind } from '../../api/types';

export const productPreviewKey = (target: TargetKind) => ['product-preview', target] as const;

/**
 * The product sync's plan (spec section 4): stored as a preview run, nothing is written to the PSA. Kept for a
 * few minutes so switching tabs does not plan again; Refresh plans anew.
 */
export function useProductPreview(target: TargetKind) {
  return useQuery({
    queryKey: productPreviewKey(target),
    queryFn: async () => {
      const summary = await api<RunSummary>(`/api/sync/${target}/products/preview`, {
        method: 'POST',
        body: {},
      });
      return api<RunDetail>(`/api/runs/${summary.runId}`);
    },
    staleTime: 5 * 60_000,
    retry: false,
  });
}

/** Links an existing PSA product to an offer after a name collision; billsync then keeps it updated. */
export function useAdoptProduct(target: TargetKind) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { offer: string; productId: string }) =>
      api<{ offerKey: string; productId: string; productName: string }>(`/api/sync/${target}/adopt`, {
        method: 'POST',
        body,
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: productPreviewKey(target) }),
  });
}
