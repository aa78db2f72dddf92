import { type ReactNode, useState } from 'react';
import { Controller } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { ZComputerAssignment } from '../../../modules/vulnerabilities/vulnerabilities.input.ts';
import { vulnSeverityValues } from '../../api/schema.gen.ts';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import type { ListExport } from '../../components/ExportButton.tsx';
import { Field, useFieldMessage } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { SearchBox } from '../../components/SearchBox.tsx';
import { formatDateTime, useFormatNumber } from '../../lib/format.ts';
import { applyServerErrors, useZodForm } from '../../lib/forms.ts';
import { followLink } from '../../lib/router.ts';
import { useCan } from '../../lib/session.ts';
import { isUuid, useTableSearch } from '../../lib/tableSearch.ts';
import type { OrgTree } from '../../lib/tree.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { NoScans } from './NoScans.tsx';
import { oneOf, useInvalidateVulnerabilities } from './vulnUi.ts';

// What the lists of scanned computers and of scanned websites share: the URL state, the page's frame (tabs, search,
// filters, table), the organisation, last-seen and count columns, and the analyst's assignment form.

const PAGE_SIZE = 50;

/** What a scanned computer and a scanned website both have. */
export type Scanned = {
  id: string;
  organisationName: string | null;
  lastSeen: string;
  open: number;
  critical: number;
  high: number;
};

/**
 * Paging, sort, search and filters in the URL; the unattributed tab (`?tab=unattributed`, analysts only, so the
 * dashboard can link to it) replaces the organisation filter.
 */
export function useScannedSearch() {
  const can = useCan();
  const search = useTableSearch({ size: PAGE_SIZE });
  const f = search.filters;
  const unattributed = f.tab === 'unattributed' && can('vuln.import');
  const organisationId = !unattributed && isUuid(f.organisationId ?? '') ? f.organisationId : undefined;
  const severity = oneOf(vulnSeverityValues, f.severity);
  const { tree, error: orgError } = useOrgTree();
  /** The list's query: only what the server accepts (`sorts`: its sort keys). */
  const query = <S extends string>(sorts: readonly S[]) => ({
    limit: search.params.limit,
    offset: search.params.offset,
    sort: oneOf(sorts, search.sort),
    dir: search.sort ? search.dir : undefined,
    q: search.params.q,
    organisationId,
    severity,
    unattributed: unattributed ? ('true' as const) : undefined,
  });
  return { search, unattributed, organisationId, severity, tree, orgError, query };
}
export type ScannedSearch = ReturnType<typeof useScannedSearch>;

/**
 * A list page of scanned computers or websites: title, the analysts' tabs, search, organisation and severity filters,
 * the table. `kind` names the test ids (`<kind>-filters`, `<kind>s-table`, `<kind>-row`…).
 */
export function ScannedListPage<T extends Scanned>({
  kind,
  state,
  list,
  columns,
  texts,
  exportTo,
}: {
  kind: 'computer' | 'website';
  state: ScannedSearch;
  /** The list's export with the query the list is fetched with. */
  exportTo: ListExport;
  list: { data?: { items: T[]; total: number }; error: unknown; isFetching: boolean; isPlaceholderData: boolean };
  columns: Column<T>[];
  texts: { title: string; all: string; unattributedHint: string; search: string; none: string };
}) {
  const { t } = useTranslation();
  const can = useCan();
  const { search, unattributed, organisationId, severity, tree } = state;
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
      {key === 'all' ? texts.all : t('vuln.tabs.unattributed')}
    </button>
  );
  return (
    <>
      <h1>{texts.title}</h1>
      {can('vuln.import') && (
        <div className="tabs" role="tablist">
          {tab('all')}
          {tab('unattributed')}
        </div>
      )}
      {unattributed && <p className="muted">{texts.unattributedHint}</p>}
      <div className="panel filters-panel" data-testid={`${kind}-filters`}>
        <SearchBox
          label={t('vuln.search.label')}
          placeholder={texts.search}
          value={search.q}
          onSearch={(q) => search.set({ q })}
          testId={`${kind}-search`}
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
      <ErrorMessage error={list.error ?? state.orgError} />
      <div className={`panel panel-flush${list.isPlaceholderData ? ' stale' : ''}`}>
        <DataTable
          columns={columns}
          rows={list.data?.items}
          total={list.data?.total}
          search={search}
          loading={list.isFetching}
          testId={`${kind}s-table`}
          rowKey={(c) => c.id}
          rowTestId={() => `${kind}-row`}
          empty={search.q || organisationId || severity ? t('vuln.empty.noMatch') : <NoScans what={texts.none} />}
          exportTo={exportTo}
        />
      </div>
    </>
  );
}

/**
 * The columns after what identifies a computer or a website: its organisation (the assignment form on the
 * unattributed tab), when a scan last saw it, its open, critical and high findings, and the link to its findings.
 */
export function useScannedColumns<T extends Scanned>({
  unattributed,
  assign,
  findingsHref,
}: {
  unattributed: boolean;
  assign: (row: T) => ReactNode;
  findingsHref: (row: T) => string;
}) {
  const { t } = useTranslation();
  const format = useFormatNumber();
  const count = (key: 'open' | 'critical' | 'high'): Column<T> => ({
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
  const organisation: Column<T> = {
    id: 'organisation',
    accessorFn: (c) => c.organisationName ?? '',
    header: () => t('vuln.organisation'),
    enableSorting: !unattributed,
    cell: ({ row }) =>
      unattributed
        ? assign(row.original)
        : (row.original.organisationName ?? <span className="muted">{t('vuln.unattributed')}</span>),
  };
  const lastSeen: Column<T> = {
    id: 'lastSeen',
    accessorFn: (c) => c.lastSeen,
    header: () => t('vuln.lastSeen'),
    enableSorting: true,
    cell: ({ row }) => <span className="nowrap">{formatDateTime(row.original.lastSeen)}</span>,
  };
  const findings: Column<T> = {
    id: 'actions',
    header: () => '',
    cell: ({ row }) => (
      <a className="btn btn-small nowrap" href={findingsHref(row.original)} onClick={followLink}>
        {t('vuln.viewFindings')}
      </a>
    ),
  };
  return { organisation, lastSeen, counts: [count('open'), count('critical'), count('high')], findings };
}

/**
 * Assigns what no register or IP range claims to an organisation (later imports keep it there). The computers' and
 * the websites' assignments are the same body.
 */
export function AssignOrganisation({
  tree,
  schema,
  save,
}: {
  tree: OrgTree;
  schema: typeof ZComputerAssignment;
  save: (body: { organisationId: string | null }) => Promise<unknown>;
}) {
  const { t } = useTranslation();
  const message = useFieldMessage();
  const invalidate = useInvalidateVulnerabilities();
  const form = useZodForm(schema, { defaultValues: { organisationId: '' } });
  const [failure, setFailure] = useState<unknown>(null);
  const submit = form.handleSubmit(async (body) => {
    setFailure(null);
    try {
      await save(body);
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
