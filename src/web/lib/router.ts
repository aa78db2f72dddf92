import { type AnyRouter, useRouterState } from '@tanstack/react-router';
import type { MouseEvent } from 'react';

// Helpers over TanStack Router for links built as strings (a path with its query); typed routes use the router's own
// <Link> and Route.useSearch().

let current: AnyRouter | null = null;
/** The router `navigate` drives: the app's (router.tsx), or a test's. */
export const setLinkRouter = (router: AnyRouter) => {
  current = router;
};

export function navigate(path: string, { replace = false } = {}) {
  void current?.navigate({ href: path, replace });
}

export function usePath(): string {
  return useRouterState({ select: (s) => s.location.pathname });
}

/** The query string (filters a link carries, e.g. /vulnerabilities/findings?computerId=…); re-renders on change. */
export function useSearch(): URLSearchParams {
  return new URLSearchParams(useRouterState({ select: (s) => s.location.searchStr }));
}

/** onClick for in-app links: keeps ctrl/middle-click opening a new tab. */
export function followLink(e: MouseEvent<HTMLAnchorElement>) {
  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(e.currentTarget.getAttribute('href') ?? '/');
}

/** `?a=1&b=2` from the defined, non-empty values (filters the user left blank are not sent). */
export function query(params: Record<string, unknown>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '' && v !== false) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Search parameters stay plain `?a=b` text (dates, ids and codes are strings; TanStack's default is JSON). */
export const parseSearch = (s: string) => Object.fromEntries(new URLSearchParams(s));
export const stringifySearch = query;
