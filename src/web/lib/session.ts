import { createContext, useContext } from 'react';
import type { Me } from '../api/schema.gen.ts';
import type { Permission } from './roles.ts';

export type Session = {
  me: Me;
  /** Re-reads the signed-in user (after a change to one's own account). */
  refresh: () => Promise<void>;
  signOut: () => Promise<void>;
  /** Drops the local session after the server ended it (password change); shows `notice` on the login page. */
  ended: (notice: string) => void;
};

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in page');
  return s;
}

/** Whether the signed-in role may do something: the server's own answer (`/api/auth/me` lists the permissions). */
export function useCan() {
  const { me } = useSession();
  return (permission: Permission) => me.permissions.includes(permission);
}
