import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api } from '../../api/client';
import type {
  CompanyContracts,
  CompanyList,
  ContractCheck,
  Customer,
  CustomerPage,
  CustomerSort,
  MappingInput,
  MappingSaved,
  TargetKind,
} from '../../api/types';

export interface CustomerQuery {
  target: TargetKind;
  search: string;
  sort: CustomerSort;
  order: 'asc' | 'desc';
  /** undefined: all; true: mapped; false: unmapped. */
  mapped: boolean | undefined;
  limit: number;
  offset: number;
}

export function customersUrl(q: CustomerQuery, suggest = false): string {
  const p = new URLSearchParams({
    target: q.target,
    sort: q.sort,
    order: q.order,
    limit: String(q.limit),
    offset: String(q.offset),
  });
  if (suggest) p.set('suggest', 'true');
  if (q.search.trim()) p.set('search', q.search.trim());
  if (q.mapped !== undefined) p.set('mapped', String(q.mapped));
  return `/api/customers?${p}`;
}

/**
 * A page of the customers table: searched, sorted and paged in the database, so thousands of customers stay fast.
 * Suggested PSA companies for the page's unmapped customers need the PSA's company list: they come in a second
 * request and fill in when it answers, so a slow PSA never holds up the table.
 */
export function useCustomers(q: CustomerQuery) {
  const page = useQuery({
    queryKey: ['customers', q],
    queryFn: ({ signal }) => api<CustomerPage>(customersUrl(q), { signal }),
    placeholderData: keepPreviousData,
    refetchInterval: (query) =>
      query.state.data?.items.some((c) => c.lastRun?.status === 'running') ? 2_000 : false,
  });
  const unmapped = !page.isPlaceholderData && !!page.data?.items.some((c) => !c.mapped);
  const suggestions = useQuery({
    queryKey: ['customers', 'suggestions', q],
    queryFn: ({ signal }) => api<CustomerPage>(customersUrl(q, true), { signal }),
    enabled: unmapped,
    staleTime: 60_000,
    retry: false,
  });
  const data = useMemo(() => {
    if (!page.data) return undefined;
    const found = new Map(suggestions.data?.items.map((c) => [c.tenantId, c.suggestion]) ?? []);
    return {
      ...page.data,
      items: page.data.items.map((c) => (c.mapped ? c : { ...c, suggestion: found.get(c.tenantId) ?? null })),
      suggestions: suggestions.data?.suggestions ?? page.data.suggestions,
    };
  }, [page.data, suggestions.data]);
  return { ...page, data };
}

function mappingUrl(target: TargetKind, tenantId: string) {
  return `/api/customers/${encodeURIComponent(tenantId)}/mapping?target=${target}`;
}

/** Puts the changed customer into every cached page at once, then refreshes them. */
function useCustomerUpdated() {
  const queryClient = useQueryClient();
  return (customer: Customer) => {
    queryClient.setQueriesData<CustomerPage>({ queryKey: ['customers'] }, (page) =>
      page
        ? { ...page, items: page.items.map((c) => (c.tenantId === customer.tenantId ? customer : c)) }
        : page,
    );
    void queryClient.invalidateQueries({ queryKey: ['customers'] });
    void queryClient.invalidateQueries({ queryKey: ['overview'] });
  };
}

export function useSaveMapping(target: TargetKind) {
  const updated = useCustomerUpdated();
  return useMutation({
    mutationFn: ({ tenantId, mapping }: { tenantId: string; mapping: MappingInput }) =>
      api<MappingSaved>(mappingUrl(target, tenantId), {
        method: 'PUT',
        body: mapping,
      }),
    onSuccess: (result) => updated(result.customer),
  });
}

export function useClearMapping(target: TargetKind) {
  const updated = useCustomerUpdated();
  return useMutation({
    mutationFn: (tenantId: string) => api<Customer>(mappingUrl(target, tenantId), { method: 'DELETE' }),
    onSuccess: updated,
  });
}

/** PSA companies for the mapping dialog, searched on the server. */
export function useCompanies(target: TargetKind, search: string, enabled: boolean) {
  return useQuery({
    queryKey: ['psa-companies', target, search],
    queryFn: ({ signal }) => {
      const p = new URLSearchParams({ limit: '50' });
      if (search.trim()) p.set('search', search.trim());
      return api<CompanyList>(`/api/psa/${target}/companies?${p}`, { signal });
    },
    enabled,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

/** The contracts of the lines (recurring), or those annual subscriptions are booked on (annual, decision 0015). */
export type ContractKind = 'recurring' | 'annual';

/** A company's mappable contracts of a kind, and how many are hidden and why. */
export function useContracts(target: TargetKind, companyId: string | null, kind: ContractKind = 'recurring') {
  return useQuery({
    // The recurring key is the one the suggestions' one-click confirm fills too.
    queryKey:
      kind === 'recurring'
        ? ['psa-contracts', target, companyId]
        : ['psa-contracts', target, companyId, kind],
    queryFn: () =>
      api<CompanyContracts>(
        `/api/psa/${target}/companies/${encodeURIComponent(companyId ?? '')}/contracts${kind === 'recurring' ? '' : `?kind=${kind}`}`,
      ),
    enabled: !!companyId,
    staleTime: 60_000,
  });
}

/**
 * Whether a contract already bills one of the customer's offers (read live from the PSA): the mapping dialog
 * pre-selects the shadow first sync then. Only for a contract chosen in the dialog (null: no check).
 */
export function useContractCheck(target: TargetKind, tenantId: string, contractId: string | null) {
  return useQuery({
    queryKey: ['contract-check', target, tenantId, contractId],
    queryFn: ({ signal }) => {
      const p = new URLSearchParams({ target, contractId: contractId ?? '' });
      return api<ContractCheck>(`/api/customers/${encodeURIComponent(tenantId)}/contract-check?${p}`, {
        signal,
      });
    },
    enabled: !!contractId,
    staleTime: 60_000,
    retry: false,
  });
}
