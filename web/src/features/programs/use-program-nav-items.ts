import { useQueries } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { Program, TargetKind } from '../../api/types';
import type { ProgramNavItem } from '../../components/program-navigation';
import { PROGRAM_NAME, programBase, TARGET_LABEL } from './program-paths';
import { programKey } from './program-queries';

const TARGETS: readonly TargetKind[] = ['autotask', 'connectwise'];

/**
 * The programs for the left navigation: "Autotask → Microsoft CSP" as soon as its settings are saved (the save
 * updates the same query, so it appears at once), and the one whose pages are open while it is being set up.
 */
export function useProgramNavItems(pathname = ''): ProgramNavItem[] {
  const results = useQueries({
    queries: TARGETS.map((target) => ({
      queryKey: programKey(target),
      queryFn: () => api<Program>(`/api/programs/${target}`),
    })),
  });
  return results.flatMap((r, i) => {
    const target = TARGETS[i]!;
    const base = programBase(target);
    const open = pathname === base || pathname.startsWith(`${base}/`);
    if (!r.data?.configured && !open) return [];
    const label = `${TARGET_LABEL[target]} → ${PROGRAM_NAME}`;
    return [{ key: target, label: r.data?.configured ? label : `${label} (not set up yet)`, basePath: base }];
  });
}
