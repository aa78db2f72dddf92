import { keepPreviousData } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ZComputerAssignment } from '../../../modules/vulnerabilities/vulnerabilities.input.ts';
import { $api } from '../../api/client.ts';
import { type Computer, computerSortValues } from '../../api/schema.gen.ts';
import type { Column } from '../../components/DataTable.tsx';
import { query } from '../../lib/router.ts';
import type { OrgTree } from '../../lib/tree.ts';
import { AssignOrganisation, ScannedListPage, useScannedColumns, useScannedSearch } from './ScannedList.tsx';

/**
 * Máy tính: scanned computers with their open findings, paged, sorted, searched (IP, host name) and filtered by the
 * server, all in the URL; analysts also assign the ones no IP range covers (`?tab=unattributed`).
 */
export function ComputersPage() {
  const { t } = useTranslation();
  const state = useScannedSearch();
  const listQuery = state.query(computerSortValues);
  const list = $api.useQuery(
    'get',
    '/api/vulnerabilities/computers',
    { params: { query: listQuery } },
    { placeholderData: keepPreviousData },
  );
  return (
    <ScannedListPage
      kind="computer"
      state={state}
      list={list}
      exportTo={{ path: '/api/vulnerabilities/computers/export', query: listQuery }}
      columns={useColumns(state.unattributed, state.tree)}
      texts={{
        title: t('nav.vulnComputers'),
        all: t('vuln.tabs.all'),
        unattributedHint: t('vuln.unattributedHint'),
        search: t('vuln.search.computers'),
        none: t('vuln.noComputers'),
      }}
    />
  );
}

function useColumns(unattributed: boolean, tree: OrgTree): Column<Computer>[] {
  const { t } = useTranslation();
  const assign = $api.useMutation('put', '/api/vulnerabilities/computers/{id}/organisation');
  const shared = useScannedColumns<Computer>({
    unattributed,
    assign: (c) => (
      <AssignOrganisation
        tree={tree}
        schema={ZComputerAssignment}
        save={(body) => assign.mutateAsync({ params: { path: { id: c.id } }, body })}
      />
    ),
    findingsHref: (c) => `/vulnerabilities/findings${query({ computerId: c.id, host: c.ip })}`,
  });
  return [
    {
      id: 'ip',
      accessorFn: (c) => c.ip,
      header: () => t('vuln.ip'),
      enableSorting: true,
      cell: ({ row }) => <span className="mono">{row.original.ip}</span>,
    },
    {
      id: 'hostname',
      accessorFn: (c) => c.hostname ?? '',
      header: () => t('vuln.hostname'),
      enableSorting: true,
      cell: ({ row }) => row.original.hostname ?? '—',
    },
    {
      id: 'os',
      accessorFn: (c) => c.os ?? '',
      header: () => t('vuln.os'),
      enableSorting: true,
      cell: ({ row }) => <span className="small">{row.original.os ?? '—'}</span>,
    },
    shared.organisation,
    shared.lastSeen,
    ...shared.counts,
    shared.findings,
  ];
}
