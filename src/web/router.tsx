import {
  createRootRoute,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Outlet,
  useMatches,
} from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { Layout } from './components/Layout.tsx';
import { parseSearch, setLinkRouter, stringifySearch } from './lib/router.ts';
import { useCan } from './lib/session.ts';
import { PAGES, type PageMeta } from './pages.ts';
import { SessionGate } from './SessionGate.tsx';

declare module '@tanstack/react-router' {
  interface StaticDataRouteOption {
    page?: PageMeta;
  }
  interface Register {
    router: typeof router;
  }
}

const rootRoute = createRootRoute({ component: Outlet });

/** First-run setup: reachable without a session. */
const setupRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/setup',
  component: lazyRouteComponent(() => import('./pages/SetupPage.tsx'), 'SetupPage'),
});

/** Every other page: signed in, inside the layout, behind its permission. */
const appRoute = createRoute({ getParentRoute: () => rootRoute, id: 'app', component: SignedIn });

/** Every page under the signed-in layout, with its meta for the permission guard. */
const pageRoutes = PAGES.map((p) =>
  createRoute({ getParentRoute: () => appRoute, path: p.path, staticData: { page: p }, component: p.component }),
);

function SignedIn() {
  return (
    <SessionGate>
      <Layout>
        <Guarded />
      </Layout>
    </SessionGate>
  );
}

/** The matched page if the user's role may open it; the server refuses the data anyway, this avoids a blank page. */
function Guarded() {
  const { t } = useTranslation();
  const can = useCan();
  const meta = useMatches({ select: (ms) => ms.at(-1)?.staticData.page });
  if (meta && !can(meta.permission)) return <div className="alert alert-error">{t('errors.FORBIDDEN')}</div>;
  return <Outlet />;
}

function NotFound() {
  const { t } = useTranslation();
  return <h1>{t('common.notFound')}</h1>;
}

export const router = createRouter({
  routeTree: rootRoute.addChildren([setupRoute, appRoute.addChildren(pageRoutes)]),
  defaultNotFoundComponent: NotFound,
  parseSearch,
  stringifySearch,
  defaultPreload: 'intent',
});
setLinkRouter(router);
