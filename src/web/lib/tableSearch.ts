import { useRouter, useRouterState } from '@tanstack/react-router';
import { useMemo } from 'react';

/** Whether a URL value is an id (a hand-edited or stale link must not reach the server as a filter). */
export const isUuid = (v: string | null | undefined): v is string =>
  !!v && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v);

export type TableSearch = {
  page: number;
  size: number;
  sort: string | undefined;
  dir: 'asc' | 'desc';
  /** Free-text search (an IP, a CVE, a host or system name). */
  q: string;
  /** Any other filter kept in the URL (level, state, severity, organisation…), as text. */
  filters: Record<string, string>;
  /** Changes some of the above; a changed filter or search returns to the first page. */
  set: (
    next: Partial<Omit<TableSearch, 'set' | 'filters' | 'params'>> & { filters?: Record<string, string | undefined> },
  ) => void;
  /** The server's paging and sorting parameters for the current state. */
  params: { limit: number; offset: number; sort?: string; dir?: 'asc' | 'desc'; q?: string };
};

const RESERVED = new Set(['page', 'size', 'sort', 'dir', 'q']);

/**
 * A list's page, size, sort, search and filters, kept in the URL's query (`?page=2&sort=name&level=3`), so the
 * browser's back button, a reload or a shared link show the same rows.
 */
export function useTableSearch(defaults: { size?: number; sort?: string; dir?: 'asc' | 'desc' } = {}): TableSearch {
  const router = useRouter();
  const searchStr = useRouterState({ select: (s) => s.location.searchStr });
  return useMemo(() => {
    const p = new URLSearchParams(searchStr);
    const page = Math.max(0, Number(p.get('page') ?? 1) - 1) || 0;
    const size = Math.min(500, Math.max(5, Number(p.get('size')) || defaults.size || 50));
    const sort = p.get('sort') ?? defaults.sort;
    const dir = (p.get('dir') ?? defaults.dir ?? 'asc') === 'desc' ? 'desc' : 'asc';
    const q = p.get('q') ?? '';
    const filters: Record<string, string> = {};
    for (const [k, v] of p) if (!RESERVED.has(k) && v) filters[k] = v;
    const set: TableSearch['set'] = (next) => {
      // From the URL as it is now: two changes in a row (a search, then a filter) must both stay.
      const out = new URLSearchParams(router.state.location.searchStr);
      const resetPage = next.q !== undefined || next.filters !== undefined;
      const put = (k: string, v: string | number | undefined) => {
        if (v === undefined || v === '') out.delete(k);
        else out.set(k, String(v));
      };
      if (next.page !== undefined) put('page', next.page > 0 ? next.page + 1 : undefined);
      else if (resetPage) out.delete('page');
      if (next.size !== undefined) put('size', next.size);
      if (next.sort !== undefined) put('sort', next.sort);
      if (next.dir !== undefined) put('dir', next.dir);
      if (next.q !== undefined) put('q', next.q.trim());
      for (const [k, v] of Object.entries(next.filters ?? {})) put(k, v);
      const s = out.toString();
      void router.navigate({ href: `${router.state.location.pathname}${s ? `?${s}` : ''}`, replace: true });
    };
    return {
      page,
      size,
      sort,
      dir,
      q,
      filters,
      set,
      params: { limit: size, offset: page * size, sort, dir: sort ? dir : undefined, q: q || undefined },
    };
  }, [searchStr, router, defaults.size, defaults.sort, defaults.dir]);
}
