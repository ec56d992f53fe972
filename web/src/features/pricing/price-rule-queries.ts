import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type {
  CustomerPage,
  PricePreview,
  PriceRuleAdded,
  PriceRuleInput,
  PriceRuleList,
  PriceRuleRemoved,
  RuleEffect,
  RuleEffectRequest,
  SkuList,
} from '../../api/types';

/** Every price-rule query starts with this key: the list, previews and money effects all follow the rules. */
export const priceRulesKey = ['price-rules'] as const;

/** The price rules, in their stated order. */
export function usePriceRules() {
  return useQuery({
    queryKey: [...priceRulesKey, 'list'],
    queryFn: ({ signal }) => api<PriceRuleList>('/api/price-rules', { signal }),
  });
}

/**
 * The price of a SKU for a customer (null: every customer) under the saved rules, on the first day of the next
 * contract period. Asked once the SKU code is long enough to be one.
 */
/** Price-list SKU codes matching a search (code or product title), for the SKU pickers. */
export function useSkuSearch(search: string) {
  const text = search.trim();
  return useQuery({
    queryKey: [...priceRulesKey, 'skus', text],
    queryFn: ({ signal }) =>
      api<SkuList>(`/api/price-rules/skus?${new URLSearchParams({ search: text, limit: '20' })}`, { signal }),
    placeholderData: keepPreviousData,
  });
}

export function usePricePreview(tenantId: string | null, sku: string) {
  const code = sku.trim();
  return useQuery({
    queryKey: [...priceRulesKey, 'preview', tenantId, code],
    queryFn: ({ signal }) => {
      const p = new URLSearchParams({ sku: code });
      if (tenantId) p.set('customer', tenantId);
      return api<PricePreview>(`/api/price-rules/preview?${p}`, { signal });
    },
    enabled: code.length >= 3,
    retry: false,
  });
}

/**
 * The money effect of adding and / or removing a rule on the next contract period, before saving (null: nothing to
 * ask yet). Nothing is stored by asking. `live`: a form asks as it is typed in, and keeps showing the last answer
 * (marked as updating) until the next one comes.
 */
export function useRuleEffect(request: RuleEffectRequest | null, live = false) {
  return useQuery({
    queryKey: [...priceRulesKey, 'effect', request],
    queryFn: ({ signal }) =>
      api<RuleEffect>('/api/price-rules/effect', { method: 'POST', body: request, signal }),
    enabled: request !== null,
    ...(live ? { placeholderData: keepPreviousData } : {}),
    retry: false,
  });
}

/** After a rule is added or removed: the list and the previews again; money effects when next asked. */
function useRulesChanged() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: [...priceRulesKey, 'list'] });
    void queryClient.invalidateQueries({ queryKey: [...priceRulesKey, 'preview'] });
    // Not refetched now: the open confirm would ask about a rule that is gone.
    void queryClient.invalidateQueries({ queryKey: [...priceRulesKey, 'effect'], refetchType: 'none' });
  };
}

export function useAddPriceRule() {
  const changed = useRulesChanged();
  return useMutation({
    mutationFn: (rule: PriceRuleInput) =>
      api<PriceRuleAdded>('/api/price-rules', { method: 'POST', body: rule }),
    onSuccess: changed,
  });
}

export function useRemovePriceRule() {
  const changed = useRulesChanged();
  return useMutation({
    mutationFn: (id: string) =>
      api<PriceRuleRemoved>(`/api/price-rules/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: changed,
  });
}

/** The workspace's customers for a rule or a preview, searched on the server (name, domain or tenant id). */
export function useCustomerChoices(search: string) {
  return useQuery({
    queryKey: ['customers', 'choices', search.trim()],
    queryFn: ({ signal }) => {
      const p = new URLSearchParams({ limit: '50' });
      if (search.trim()) p.set('search', search.trim());
      return api<CustomerPage>(`/api/customers?${p}`, { signal });
    },
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}
