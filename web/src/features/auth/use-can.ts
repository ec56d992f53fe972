import type { Role } from '../../api/types';
import { hasRole } from '../../lib/roles';
import { useSignedInSession } from './session-context';

/** Whether the signed-in user's role allows what needs `needed` (operators sync and map, admins configure). */
export function useCan(needed: Role): boolean {
  return hasRole(useSignedInSession().user.role, needed);
}
