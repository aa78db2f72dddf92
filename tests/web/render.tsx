import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import {
  createMemoryHistory,
  createRootRoute,
  createRoute,
  createRouter,
  Outlet,
  RouterProvider,
} from '@tanstack/react-router';
import { cleanup, render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach } from 'vitest';
import { can, PERMISSIONS } from '../../src/modules/auth/permissions.ts';
import type { Me, Role } from '../../src/web/api/schema.gen.ts';
import { parseSearch, setLinkRouter, stringifySearch } from '../../src/web/lib/router.ts';
import { type Session, SessionContext } from '../../src/web/lib/session.ts';

// How the app shows a page: a fresh query cache (no retries), a signed-in session and, for a page, the router. The
// session's permissions are the server's policy for the role, as /api/auth/me lists them.

// Each test starts on an empty document (Testing Library cleans up by itself only with Vitest's globals on).
afterEach(cleanup);
// jsdom has no scrolling; the router scrolls to the top on navigation.
window.scrollTo = () => {};

type User = Me['user'];

const sessionOf = (role: Role, user: Partial<User> = {}): Session => ({
  me: {
    role,
    csrfToken: 'test-csrf',
    permissions: (Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]).filter((p) => can(role, p)),
    user: {
      id: '00000000-0000-4000-8000-000000000001',
      username: 'canbo.thunghiem',
      displayName: 'Lê Minh Tuấn',
      email: null,
      role,
      organisationId: null,
      scopeIncludesChildren: true,
      locale: 'vi',
      disabled: false,
      locked: false,
      mustChangePassword: false,
      totpEnabled: false,
      lastLoginAt: null,
      createdAt: '2024-01-01T00:00:00.000Z',
      ...user,
    },
  },
  refresh: async () => {},
  signOut: async () => {},
  ended: () => {},
});

const withProviders = (node: ReactNode, role: Role, user?: Partial<User>) => (
  <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
    <SessionContext.Provider value={sessionOf(role, user)}>{node}</SessionContext.Provider>
  </QueryClientProvider>
);

/** Renders a component that needs no route, signed in as `role`. */
export const renderWithProviders = (node: ReactNode, role: Role) => render(withProviders(node, role));

type Options = {
  url: string;
  path?: string;
  role: Role;
  user?: Partial<User>;
  /** The route's search schema where the app's route has one (src/web/router.tsx). */
  validateSearch?: (search: Record<string, unknown>) => object;
};

/**
 * Renders `Page` as the route `path` (by default the path of `url`) at `url` in a memory router, signed in as `role`
 * (`user` overrides the signed-in user's record). Any other path renders an empty page, so that a navigation away
 * can be checked on the router returned (its location is the URL the page asked for).
 */
export function renderPage(
  Page: () => ReactNode,
  { url, path = new URL(url, 'http://khien.test').pathname, role, user, validateSearch }: Options,
) {
  const root = createRootRoute({ component: Outlet });
  // Under a pathless `app` route as in the app, so a page's typed route API (getRouteApi('/app/…')) finds its match.
  const app = createRoute({ getParentRoute: () => root, id: 'app', component: Outlet });
  const page = createRoute({ getParentRoute: () => app, path, component: Page, validateSearch });
  const elsewhere = createRoute({ getParentRoute: () => root, path: '$', component: () => null });
  const router = createRouter({
    routeTree: root.addChildren([app.addChildren([page]), elsewhere]),
    history: createMemoryHistory({ initialEntries: [url] }),
    parseSearch,
    stringifySearch,
  });
  setLinkRouter(router);
  render(withProviders(<RouterProvider router={router} />, role, user));
  return router;
}
