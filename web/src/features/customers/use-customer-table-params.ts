import { useSearchParams } from 'react-router';
import type { CustomerSort } from '../../api/types';

const SORTS: readonly CustomerSort[] = [
  'customer',
  'domain',
  'company',
  'contract',
  'strategy',
  'syncStart',
  'sync',
  'lastRun',
  'lastRunAt',
  'lastSynced',
];
export const PAGE_SIZES = ['25', '50', '100', '200'];

/** Table state lives in the URL: links and the back button keep the search, sort and page. */
export function useCustomerTableParams() {
  const [params, setParams] = useSearchParams();
  const sortParam = params.get('sort') as CustomerSort | null;
  const sort: CustomerSort = sortParam && SORTS.includes(sortParam) ? sortParam : 'customer';
  const order = params.get('order') === 'desc' ? 'desc' : 'asc';
  const show = params.get('show');
  const filter = show === 'mapped' || show === 'unmapped' ? show : 'all';
  const size = PAGE_SIZES.includes(params.get('size') ?? '') ? Number(params.get('size')) : 50;
  const page = Math.max(1, Number(params.get('page')) || 1);
  const update = (patch: Record<string, string | null>) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(patch)) {
          if (v === null || v === '') next.delete(k);
          else next.set(k, v);
        }
        return next;
      },
      { replace: true },
    );
  return { sort, order, filter, size, page, search: params.get('q') ?? '', update } as const;
}
