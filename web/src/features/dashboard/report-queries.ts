import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { MonthlyReport, Overview, TargetKind } from '../../api/types';

export function useOverview(target: TargetKind = 'autotask') {
  return useQuery({
    queryKey: ['overview', target],
    queryFn: () => api<Overview>(`/api/reports/overview?target=${target}`),
  });
}

export function useMonthlyReport(target: TargetKind = 'autotask', months = 12) {
  return useQuery({
    queryKey: ['report-monthly', target, months],
    queryFn: () => api<MonthlyReport>(`/api/reports/monthly?target=${target}&months=${months}`),
  });
}
