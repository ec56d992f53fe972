import { useQueries } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { Program, TargetKind } from '../../api/types';
import type { ProgramNavItem } from '../../components/program-navigation';
import { PROGRAM_NAME, programBase, TARGET_LABEL } from './program-paths';
import { programKey } from './program-queries';

const TARGETS: readonly TargetKind[] = ['autotask', 'connectwise'];

/** The configured programs for the left navigation: "Autotask → Microsoft CSP" once its settings are saved. */
export function useProgramNavItems(): ProgramNavItem[] {
  const results = useQueries({
    queries: TARGETS.map((target) => ({
      queryKey: programKey(target),
      queryFn: () => api<Program>(`/api/programs/${target}`),
    })),
  });
  return results.flatMap((r, i) => {
    const target = TARGETS[i]!;
    if (!r.data?.configured) return [];
    return [
      { key: target, label: `${TARGET_LABEL[target]} → ${PROGRAM_NAME}`, basePath: programBase(target) },
    ];
  });
}
