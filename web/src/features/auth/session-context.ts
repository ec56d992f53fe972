import { createContext, useContext } from 'react';
import type { Session } from '../../api/types';

export const SessionContext = createContext<Session | null>(null);

/** The signed-in session; only for components rendered inside RequireSession. */
export function useSignedInSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSignedInSession is used outside RequireSession');
  return session;
}
