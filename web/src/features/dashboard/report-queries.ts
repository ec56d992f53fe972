import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { Overview, TargetKind } from '../../api/types';

export function useOverview(target: TargetKind = 'autotask') {
  return useQuery({
    queryKey: ['overview', target],
    queryFn: () => api<Overview>(`/api/reports/overview?target=${target}`),
  });
}
