import { useMemo } from 'react';
import { isYmd, lastSixMonths, type Period } from './period.ts';
import { isUuid, type TableSearch, useTableSearch } from './tableSearch.ts';

export type PeriodSearch = {
  period: Period;
  /** '' = everything the user may see. */
  organisationId: string;
  setPeriod: (p: Period) => void;
  setOrganisationId: (id: string) => void;
  /** The page's whole URL state (a list's page, sort, search and other filters). */
  search: TableSearch;
};

/**
 * The one period (`from`, `to`) and organisation (`organisationId`) of a dashboard or list, kept in the URL: a
 * dashboard's figures link to the lists with the same query, and a reload, the back button or a shared link show the same.
 * Without a valid period in the URL: the last six months.
 */
export function usePeriodSearch(defaults: Parameters<typeof useTableSearch>[0] = {}): PeriodSearch {
  const search = useTableSearch(defaults);
  const { from, to, organisationId = '' } = search.filters;
  const fallback = useMemo(() => lastSixMonths(), []);
  const period = useMemo(
    () => (isYmd(from) && isYmd(to) && from <= to ? { from, to } : fallback),
    [from, to, fallback],
  );
  return {
    period,
    organisationId: isUuid(organisationId) ? organisationId : '',
    setPeriod: (p) => search.set({ filters: { from: p.from, to: p.to } }),
    setOrganisationId: (id) => search.set({ filters: { organisationId: id || undefined } }),
    search,
  };
}
