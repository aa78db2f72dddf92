import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { client } from './api/client.ts';
import { ApiError, setCsrfToken, setSessionLostHandler } from './api/errors.ts';
import type { Me } from './api/schema.gen.ts';
import { type Session, SessionContext } from './lib/session.ts';
import { TemporaryPasswordPage } from './pages/account/TemporaryPasswordPage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';

/** The signed-in user's query key: the same as `$api`'s, so `invalidateQueries` on it re-reads the session. */
export const ME_KEY = ['get', '/api/auth/me'] as const;

/** Who is signed in, or null: "not signed in" is an answer here, not an error. */
async function fetchMe(): Promise<Me | null> {
  try {
    const { data } = await client.GET('/api/auth/me');
    // Set before any page renders: a state change of this session must carry its CSRF token.
    if (data) setCsrfToken(data.csrfToken);
    return data ?? null;
  } catch (e) {
    if (e instanceof ApiError && e.code === 'UNAUTHENTICATED') return null;
    throw e;
  }
}

/**
 * Asks the server whether a session exists; shows the sign-in page until one does, then the signed-in pages. A
 * password an administrator set (a new account, a reset) must be replaced first: then only that form shows.
 */
export function SessionGate({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [notice, setNotice] = useState<string | null>(null);
  const me = useQuery({
    queryKey: ME_KEY,
    queryFn: fetchMe,
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
  });
  const current = me.data;

  /** Forgets the session and, with it, every cached answer: another user's data must never show. */
  const forget = useCallback(
    (message: string | null) => {
      setCsrfToken(null);
      setNotice(message);
      queryClient.removeQueries({ predicate: (q) => q.queryKey[1] !== ME_KEY[1] });
      queryClient.setQueryData(ME_KEY, null);
    },
    [queryClient],
  );

  const signedIn = useCallback(
    async (csrfToken: string) => {
      setCsrfToken(csrfToken);
      setNotice(null);
      await queryClient.fetchQuery({ queryKey: ME_KEY, queryFn: fetchMe, staleTime: 0 });
    },
    [queryClient],
  );

  useEffect(() => {
    setSessionLostHandler(() => forget('login.sessionLost'));
  }, [forget]);

  const session = useMemo<Session | null>(
    () =>
      current
        ? {
            me: current,
            refresh: () => queryClient.invalidateQueries({ queryKey: ME_KEY }),
            signOut: async () => {
              await client.POST('/api/auth/logout').catch(() => {});
              forget(null);
            },
            ended: (message) => forget(message),
          }
        : null,
    [current, queryClient, forget],
  );

  if (me.error) return <LoginPage notice={null} error={me.error} onSignedIn={signedIn} />;
  if (me.isPending) return <p className="loading-screen">{t('common.loading')}</p>;
  if (!session) return <LoginPage notice={notice} onSignedIn={signedIn} />;
  return (
    <SessionContext.Provider value={session}>
      {session.me.user.mustChangePassword ? <TemporaryPasswordPage /> : children}
    </SessionContext.Provider>
  );
}
