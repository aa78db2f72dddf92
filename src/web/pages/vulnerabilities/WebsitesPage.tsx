import { keepPreviousData } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ZWebsiteAssignment } from '../../../modules/vulnerabilities/vulnerabilities.input.ts';
import { $api } from '../../api/client.ts';
import { type Website, websiteSortValues } from '../../api/schema.gen.ts';
import type { Column } from '../../components/DataTable.tsx';
import { followLink } from '../../lib/router.ts';
import { useCan } from '../../lib/session.ts';
import type { OrgTree } from '../../lib/tree.ts';
import { sitePath } from '../sites/searchParams.ts';
import { AssignOrganisation, ScannedListPage, useScannedColumns, useScannedSearch } from './ScannedList.tsx';
import { siteOrigin, websiteFindingsPath } from './websiteUi.tsx';

/**
 * Trang web: websites the web scanners tested, with their open findings and how each was attributed (the agency site
 * register, an information system, an analyst); paged, sorted, searched and filtered by the server, all in the URL.
 * Analysts assign the ones no register matched (`?tab=unattributed`).
 */
export function WebsitesPage() {
  const { t } = useTranslation();
  const state = useScannedSearch();
  const listQuery = state.query(websiteSortValues);
  const list = $api.useQuery(
    'get',
    '/api/vulnerabilities/websites',
    { params: { query: listQuery } },
    { placeholderData: keepPreviousData },
  );
  return (
    <ScannedListPage
      kind="website"
      state={state}
      list={list}
      exportTo={{ path: '/api/vulnerabilities/websites/export', query: listQuery }}
      columns={useColumns(state.unattributed, state.tree)}
      texts={{
        title: t('nav.vulnWebsites'),
        all: t('vuln.websites.all'),
        unattributedHint: t('vuln.websites.unattributedHint'),
        search: t('vuln.websites.search'),
        none: t('vuln.websites.none'),
      }}
    />
  );
}

function useColumns(unattributed: boolean, tree: OrgTree): Column<Website>[] {
  const { t } = useTranslation();
  const assign = $api.useMutation('put', '/api/vulnerabilities/websites/{id}/organisation');
  const shared = useScannedColumns<Website>({
    unattributed,
    assign: (w) => (
      <AssignOrganisation
        tree={tree}
        schema={ZWebsiteAssignment}
        save={(body) => assign.mutateAsync({ params: { path: { id: w.id } }, body })}
      />
    ),
    findingsHref: (w) => websiteFindingsPath(w.id, w.siteKey),
  });
  return [
    {
      id: 'site',
      accessorFn: (w) => w.siteKey,
      header: () => t('vuln.websites.site'),
      enableSorting: true,
      cell: ({ row }) => (
        <>
          <span className="mono nowrap">{siteOrigin(row.original.siteKey)}</span>
          {row.original.ip && <div className="muted small mono">{row.original.ip}</div>}
        </>
      ),
    },
    shared.organisation,
    {
      id: 'attribution',
      header: () => t('vuln.websites.attributionLabel'),
      cell: ({ row }) => <Attribution website={row.original} />,
    },
    shared.lastSeen,
    ...shared.counts,
    shared.findings,
  ];
}

/** How the website got its organisation, with a link to the register entry or the system when the reader may see it. */
function Attribution({ website: w }: { website: Website }) {
  const { t } = useTranslation();
  const can = useCan();
  const text = t(`vuln.websites.attribution.${w.attribution}`, { system: w.systemName ?? '' });
  const href =
    w.attribution === 'site' && w.siteId && can('site.read')
      ? sitePath(w.siteId)
      : w.attribution === 'system' && w.systemId && can('system.read')
        ? `/systems/view?id=${encodeURIComponent(w.systemId)}`
        : undefined;
  return (
    <span className="small" data-testid="website-attribution" data-attribution={w.attribution}>
      {href ? (
        <a href={href} onClick={followLink}>
          {text}
        </a>
      ) : (
        <span className={w.attribution === 'none' ? 'muted' : undefined}>{text}</span>
      )}
    </span>
  );
}
