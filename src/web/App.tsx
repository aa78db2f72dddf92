import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Layout } from './components/Layout.tsx';
import { ApiError, api, setCsrfToken, setSessionLostHandler } from './lib/api.ts';
import { can } from './lib/roles.ts';
import { usePath } from './lib/router.ts';
import { type Session, SessionContext } from './lib/session.ts';
import type { Me } from './lib/types.ts';
import { LoginPage } from './pages/LoginPage.tsx';
import { SetupPage } from './pages/SetupPage.tsx';
import { ROUTES } from './routes.ts';

export function App() {
  const { t } = useTranslation();
  const path = usePath();
  // undefined while we ask the server whether a session exists.
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [notice, setNotice] = useState<string | null>(null);
  const [fatal, setFatal] = useState<unknown>(null);

  const signedIn = useCallback((next: Me | null) => {
    setCsrfToken(next?.csrfToken ?? null);
    setMe(next);
  }, []);

  const loadMe = useCallback(async () => {
    try {
      signedIn(await api<Me>('GET', '/api/auth/me'));
    } catch (e) {
      if (e instanceof ApiError && e.code === 'UNAUTHENTICATED') signedIn(null);
      else setFatal(e);
    }
  }, [signedIn]);

  useEffect(() => {
    setSessionLostHandler(() => {
      setNotice('login.sessionLost');
      signedIn(null);
    });
    void loadMe();
  }, [loadMe, signedIn]);

  const session = useMemo<Session | null>(
    () =>
      me
        ? {
            me,
            refresh: loadMe,
            signOut: async () => {
              await api('POST', '/api/auth/logout').catch(() => {});
              setNotice(null);
              signedIn(null);
            },
            ended: (message) => {
              setNotice(message);
              signedIn(null);
            },
          }
        : null,
    [me, loadMe, signedIn],
  );

  if (path === '/setup') return <SetupPage />;
  if (fatal) return <LoginPage notice={null} error={fatal} onSignedIn={signedIn} />;
  if (me === undefined) return <p className="loading-screen">{t('common.loading')}</p>;
  if (!session) return <LoginPage notice={notice} onSignedIn={signedIn} />;

  const route = ROUTES.find((r) => r.path === path);
  const Page = route?.page;
  return (
    <SessionContext.Provider value={session}>
      <Layout path={path}>
        {!Page ? (
          <h1>{t('common.notFound')}</h1>
        ) : route && can(session.me.role, route.permission) ? (
          <Page />
        ) : (
          <div className="alert alert-error">{t('errors.FORBIDDEN')}</div>
        )}
      </Layout>
    </SessionContext.Provider>
  );
}
