import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type {
  ConfirmSuggestionsInput,
  ConfirmSuggestionsResult,
  SuggestionReview,
  TargetKind,
} from '../../api/types';

/** Every unmapped customer with a suggested company and what confirming it maps (one read of the PSA). */
export function useSuggestionReview(target: TargetKind, enabled: boolean) {
  return useQuery({
    queryKey: ['customer-suggestions', target],
    queryFn: ({ signal }) => api<SuggestionReview>(`/api/customers/suggestions?target=${target}`, { signal }),
    enabled,
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });
}

/** Maps the chosen customers to their suggestion's only contract; the others come back with the reason. */
export function useConfirmSuggestions(target: TargetKind) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ConfirmSuggestionsInput) =>
      api<ConfirmSuggestionsResult>(`/api/customers/suggestions/confirm?target=${target}`, {
        method: 'POST',
        body: input,
      }),
    onSuccess: () => {
      for (const key of ['customers', 'customer-suggestions', 'overview']) {
        void queryClient.invalidateQueries({ queryKey: [key] });
      }
    },
  });
}
