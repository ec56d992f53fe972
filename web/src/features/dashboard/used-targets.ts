import type { TargetKind } from '../../api/types';
import { useConnections } from '../connections/connection-queries';
import { useProgram } from '../programs/program-queries';
import { usedTargets } from './next-steps-model';

/**
 * The PSAs the workspace uses (`usedTargets`), from its connections and both programs: `targets` is undefined
 * while they load. A program that does not load counts as not saved.
 */
export function useUsedTargets() {
  const connections = useConnections();
  const autotask = useProgram('autotask');
  const connectwise = useProgram('connectwise');
  const programs = { autotask: autotask.data, connectwise: connectwise.data };
  const isPending = connections.isPending || autotask.isPending || connectwise.isPending;
  const targets: TargetKind[] | undefined = isPending ? undefined : usedTargets(connections.data, programs);
  return { targets, connections, programs, isPending };
}
