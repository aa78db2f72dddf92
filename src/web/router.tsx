import {
  createRootRoute,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Outlet,
  useMatches,
  useNavigate,
} from '@tanstack/react-router';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Layout } from './components/Layout.tsx';
import { parseSearch, setLinkRouter, stringifySearch } from './lib/router.ts';
import { useCan, useSession } from './lib/session.ts';
import { advisoryEditSearch, advisoryViewSearch } from './pages/advisories/searchParams.ts';
import { drillViewSearch } from './pages/drills/searchParams.ts';
import { incidentEditSearch, incidentViewSearch } from './pages/incidents/searchParams.ts';
import { inspectionPlanSearch, inspectionViewSearch } from './pages/inspections/searchParams.ts';
import { phishingViewSearch } from './pages/phishing/searchParams.ts';
import { siteViewSearch } from './pages/sites/searchParams.ts';
import { systemEditSearch, systemViewSearch } from './pages/systems/searchParams.ts';
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

const pageOf = (path: string) => {
  const p = PAGES.find((x) => x.path === path);
  if (!p) throw new Error(`no page ${path}`);
  return { staticData: { page: p }, component: p.component };
};
/** Pages with parameters: validated, typed search (`getRouteApi('/app/systems/view').useSearch()`). */
const WITH_PARAMS = [
  '/systems/view',
  '/systems/edit',
  '/incidents/view',
  '/incidents/edit',
  '/advisories/view',
  '/advisories/edit',
  '/drills/view',
  '/inspections/plan',
  '/inspections/view',
  '/phishing/view',
  '/sites/view',
];
const systemViewRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/systems/view',
  validateSearch: systemViewSearch,
  ...pageOf('/systems/view'),
});
const systemEditRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/systems/edit',
  validateSearch: systemEditSearch,
  ...pageOf('/systems/edit'),
});

const incidentViewRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/incidents/view',
  validateSearch: incidentViewSearch,
  ...pageOf('/incidents/view'),
});
const incidentEditRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/incidents/edit',
  validateSearch: incidentEditSearch,
  ...pageOf('/incidents/edit'),
});

const advisoryViewRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/advisories/view',
  validateSearch: advisoryViewSearch,
  ...pageOf('/advisories/view'),
});
const advisoryEditRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/advisories/edit',
  validateSearch: advisoryEditSearch,
  ...pageOf('/advisories/edit'),
});
const drillViewRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/drills/view',
  validateSearch: drillViewSearch,
  ...pageOf('/drills/view'),
});
const inspectionPlanRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/inspections/plan',
  validateSearch: inspectionPlanSearch,
  ...pageOf('/inspections/plan'),
});
const inspectionViewRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/inspections/view',
  validateSearch: inspectionViewSearch,
  ...pageOf('/inspections/view'),
});
const phishingViewRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/phishing/view',
  validateSearch: phishingViewSearch,
  ...pageOf('/phishing/view'),
});
const siteViewRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/sites/view',
  validateSearch: siteViewSearch,
  ...pageOf('/sites/view'),
});

/** Every other page under the signed-in layout, with its meta for the permission guard. */
const pageRoutes = PAGES.filter((p) => !WITH_PARAMS.includes(p.path)).map((p) =>
  createRoute({ getParentRoute: () => appRoute, path: p.path, ...pageOf(p.path) }),
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

/** Set once this tab has shown its first signed-in page: leaders land on the oversight board once, not on reload. */
const LANDED = 'khien.landed';

/** The matched page if the user's role may open it; the server refuses the data anyway, this avoids a blank page. */
function Guarded() {
  const { t } = useTranslation();
  const can = useCan();
  const { me } = useSession();
  const navigate = useNavigate();
  const meta = useMatches({ select: (ms) => ms.at(-1)?.staticData.page });
  useEffect(() => {
    if (sessionStorage.getItem(LANDED)) return;
    sessionStorage.setItem(LANDED, '1');
    // A leader (viewer role) opening the app starts on the board; the overview stays one click away.
    if (me.role === 'viewer' && meta?.key === 'dashboard') void navigate({ href: '/oversight', replace: true });
  }, [me.role, meta?.key, navigate]);
  if (meta && !can(meta.permission)) return <div className="alert alert-error">{t('errors.FORBIDDEN')}</div>;
  return <Outlet />;
}

function NotFound() {
  const { t } = useTranslation();
  return <h1>{t('common.notFound')}</h1>;
}

export const router = createRouter({
  routeTree: rootRoute.addChildren([
    setupRoute,
    appRoute.addChildren([
      ...pageRoutes,
      systemViewRoute,
      systemEditRoute,
      incidentViewRoute,
      incidentEditRoute,
      advisoryViewRoute,
      advisoryEditRoute,
      drillViewRoute,
      inspectionPlanRoute,
      inspectionViewRoute,
      phishingViewRoute,
      siteViewRoute,
    ]),
  ]),
  defaultNotFoundComponent: NotFound,
  parseSearch,
  stringifySearch,
  defaultPreload: 'intent',
});
setLinkRouter(router);
