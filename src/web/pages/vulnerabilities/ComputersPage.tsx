import { keepPreviousData } from '@tanstack/react-query';
import { useState } from 'react';
import { Controller } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { ZComputerAssignment } from '../../../modules/vulnerabilities/vulnerabilities.input.ts';
import { $api } from '../../api/client.ts';
import { type Computer, computerSortValues, vulnSeverityValues } from '../../api/schema.gen.ts';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field, useFieldMessage } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { SearchBox } from '../../components/SearchBox.tsx';
import { formatDateTime, useFormatNumber } from '../../lib/format.ts';
import { applyServerErrors, useZodForm } from '../../lib/forms.ts';
import { followLink, query } from '../../lib/router.ts';
import { useCan } from '../../lib/session.ts';
import { isUuid, useTableSearch } from '../../lib/tableSearch.ts';
import type { OrgTree } from '../../lib/tree.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { NoScans } from './NoScans.tsx';
import { oneOf, useInvalidateVulnerabilities } from './vulnUi.ts';

const PAGE_SIZE = 50;
/**
 * Máy tính: scanned computers with their open findings, paged, sorted, searched (IP, host name) and filtered by the
 * server, all in the URL; analysts also assign the ones no IP range covers (`?tab=unattributed`).
 */
export function ComputersPage() {
  const { t } = useTranslation();
  const can = useCan();
  const search = useTableSearch({ size: PAGE_SIZE });
  const f = search.filters;
  // The tab lives in the URL so the dashboard can link straight to the unattributed computers.
  const unattributed = f.tab === 'unattributed' && can('vuln.import');
  const organisationId = !unattributed && isUuid(f.organisationId ?? '') ? f.organisationId : undefined;
  const severity = oneOf(vulnSeverityValues, f.severity);
  const { tree, error: orgError } = useOrgTree();
  const list = $api.useQuery(
    'get',
    '/api/vulnerabilities/computers',
    {
      params: {
        query: {
          limit: search.params.limit,
          offset: search.params.offset,
          sort: oneOf(computerSortValues, search.sort),
          dir: search.sort ? search.dir : undefined,
          q: search.params.q,
          organisationId,
          severity,
          unattributed: unattributed ? 'true' : undefined,
        },
      },
    },
    { placeholderData: keepPreviousData },
  );
  const filtered = !!(search.q || organisationId || severity);
  const columns = useColumns(unattributed, tree);
  const tab = (key: 'all' | 'unattributed') => (
    <button
      type="button"
      role="tab"
      aria-selected={unattributed === (key === 'unattributed')}
      className="tab"
      data-testid={`tab-${key}`}
      onClick={() =>
        search.set({
          q: '',
          filters: { tab: key === 'unattributed' ? 'unattributed' : undefined, organisationId: undefined },
        })
      }
    >
      {t(`vuln.tabs.${key}`)}
    </button>
  );

  return (
    <>
      <h1>{t('nav.vulnComputers')}</h1>
      {can('vuln.import') && (
        <div className="tabs" role="tablist">
          {tab('all')}
          {tab('unattributed')}
        </div>
      )}
      {unattributed && <p className="muted">{t('vuln.unattributedHint')}</p>}
      <div className="panel filters-panel" data-testid="computer-filters">
        <SearchBox
          label={t('vuln.search.label')}
          placeholder={t('vuln.search.computers')}
          value={search.q}
          onSearch={(q) => search.set({ q })}
          testId="computer-search"
        />
        <div className="filters">
          {!unattributed && (
            <Field label={t('vuln.organisation')}>
              <OrgSelect
                tree={tree}
                value={organisationId ?? ''}
                onChange={(id) => search.set({ filters: { organisationId: id || undefined } })}
              />
            </Field>
          )}
          <Field label={t('vuln.severityFilter')}>
            <select
              value={severity ?? ''}
              onChange={(e) => search.set({ filters: { severity: e.target.value || undefined } })}
              data-testid="filter-severity"
            >
              <option value="">{t('vuln.allSeverities')}</option>
              {vulnSeverityValues
                .filter((s) => s !== 'info')
                .map((s) => (
                  <option key={s} value={s}>
                    {t(`vuln.severity.${s}`)}
                  </option>
                ))}
            </select>
          </Field>
        </div>
      </div>
      <ErrorMessage error={list.error ?? orgError} />
      <div className={`panel panel-flush${list.isPlaceholderData ? ' stale' : ''}`}>
        <DataTable
          columns={columns}
          rows={list.data?.items}
          total={list.data?.total}
          search={search}
          loading={list.isFetching}
          testId="computers-table"
          rowKey={(c) => c.id}
          rowTestId={() => 'computer-row'}
          empty={filtered ? t('vuln.empty.noMatch') : <NoScans what={t('vuln.noComputers')} />}
        />
      </div>
    </>
  );
}

function useColumns(unattributed: boolean, tree: OrgTree): Column<Computer>[] {
  const { t } = useTranslation();
  const format = useFormatNumber();
  const count = (key: 'open' | 'critical' | 'high'): Column<Computer> => ({
    id: key,
    accessorFn: (c) => c[key],
    header: () => (key === 'open' ? t('vuln.openFindings') : t(`vuln.severity.${key}`)),
    enableSorting: true,
    cell: ({ row }) => (
      <span className={`num${key === 'critical' && row.original.critical ? ' text-bad' : ''}`}>
        {format(row.original[key])}
      </span>
    ),
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
    {
      id: 'organisation',
      accessorFn: (c) => c.organisationName ?? '',
      header: () => t('vuln.organisation'),
      enableSorting: !unattributed,
      cell: ({ row }) =>
        unattributed ? (
          <AssignOrganisation computer={row.original} tree={tree} />
        ) : (
          (row.original.organisationName ?? <span className="muted">{t('vuln.unattributed')}</span>)
        ),
    },
    {
      id: 'lastSeen',
      accessorFn: (c) => c.lastSeen,
      header: () => t('vuln.lastSeen'),
      enableSorting: true,
      cell: ({ row }) => <span className="nowrap">{formatDateTime(row.original.lastSeen)}</span>,
    },
    count('open'),
    count('critical'),
    count('high'),
    {
      id: 'actions',
      header: () => '',
      cell: ({ row }) => (
        <a
          className="btn btn-small"
          href={`/vulnerabilities/findings${query({ computerId: row.original.id, host: row.original.ip })}`}
          onClick={followLink}
        >
          {t('vuln.viewFindings')}
        </a>
      ),
    },
  ];
}

/** Assigns a computer no IP range claims to an organisation (later imports keep it there). */
function AssignOrganisation({ computer, tree }: { computer: Computer; tree: OrgTree }) {
  const { t } = useTranslation();
  const message = useFieldMessage();
  const invalidate = useInvalidateVulnerabilities();
  const form = useZodForm(ZComputerAssignment, { defaultValues: { organisationId: '' } });
  const assign = $api.useMutation('put', '/api/vulnerabilities/computers/{id}/organisation');
  const [failure, setFailure] = useState<unknown>(null);
  const submit = form.handleSubmit(async (body) => {
    setFailure(null);
    try {
      await assign.mutateAsync({ params: { path: { id: computer.id } }, body });
      await invalidate();
    } catch (e) {
      if (!applyServerErrors(form, e)) setFailure(e);
    }
  });
  return (
    <form className="inline-form" onSubmit={submit} noValidate data-testid="assign-form">
      <Field label={t('vuln.organisation')} hideLabel error={message(form.formState.errors.organisationId?.message)}>
        {(aria) => (
          <Controller
            control={form.control}
            name="organisationId"
            render={({ field }) => (
              <OrgSelect
                {...aria}
                tree={tree}
                value={field.value ?? ''}
                onChange={field.onChange}
                allLabel={t('vuln.chooseOrganisation')}
              />
            )}
          />
        )}
      </Field>
      <button type="submit" className="btn btn-small btn-primary" disabled={form.formState.isSubmitting}>
        {t('vuln.assign')}
      </button>
      <ErrorMessage error={failure} />
    </form>
  );
}
