import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AUDIT_SORTS } from '../../../modules/audit/audit.input.ts';
import { $api } from '../../api/client.ts';
import type { AuditEntry, AuditVerification } from '../../api/schema.gen.ts';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { formatCalendarDate, formatDateTime, formatNumber } from '../../lib/format.ts';
import { isYmd } from '../../lib/period.ts';
import { useTableSearch } from '../../lib/tableSearch.ts';
import { AuditDiff } from './AuditDiff.tsx';
import { actionText, actorText, entityTypeText } from './auditText.ts';

type Sort = (typeof AUDIT_SORTS)[number];
const isSort = (s: string | undefined): s is Sort => AUDIT_SORTS.includes(s as Sort);

/**
 * Nhật ký kiểm toán: who did what, to which object, when, in words; filtered by days, person, action and object
 * type, paged by the server with the number of entries the filters match. Other pages link here with
 * `?entityType=…&entityId=…` for one record's history.
 */
export function AuditPage() {
  const { t, i18n } = useTranslation();
  const exists = (key: string) => i18n.exists(key);
  const search = useTableSearch({ size: 50, sort: 'at', dir: 'desc' });
  const f = search.filters;
  const from = isYmd(f.from) ? f.from : undefined;
  const to = isYmd(f.to) ? f.to : undefined;
  const reversed = !!(from && to && from > to);
  const listQuery = {
    ...search.params,
    sort: isSort(search.params.sort) ? search.params.sort : undefined,
    from,
    to,
    actor: f.actor || undefined,
    action: f.action || undefined,
    entityType: f.entityType || undefined,
    entityId: f.entityId || undefined,
  };
  const entries = $api.useQuery(
    'get',
    '/api/audit',
    {
      params: {
        query: listQuery,
      },
    },
    { enabled: !reversed },
  );
  const facets = $api.useQuery('get', '/api/audit/facets');
  const [open, setOpen] = useState<number | null>(null);
  const verify = $api.useMutation('get', '/api/audit/verify');
  const [verification, setVerification] = useState<AuditVerification | null>(null);
  const n = (v: number) => formatNumber(v, i18n.language);
  const opened = entries.data?.items.find((e) => e.seq === open);
  const filtered = !!(from || to || f.actor || f.action || f.entityType || f.entityId);
  const setFilter = (key: string) => (value: string) => search.set({ filters: { [key]: value || undefined } });

  const columns: Column<AuditEntry>[] = [
    {
      id: 'at',
      accessorFn: (e) => e.at,
      header: () => t('audit.at'),
      enableSorting: true,
      cell: ({ row }) => (
        <span className="nowrap">
          {formatDateTime(row.original.at)}
          <div className="muted small">#{n(row.original.seq)}</div>
        </span>
      ),
    },
    {
      id: 'actor',
      accessorFn: (e) => e.actorName,
      header: () => t('audit.actor'),
      enableSorting: true,
      cell: ({ row }) => {
        const e = row.original;
        const name = actorText(t, e);
        return (
          <>
            {name}
            {name !== e.actorName && <div className="muted small mono">{e.actorName}</div>}
          </>
        );
      },
    },
    {
      id: 'action',
      accessorFn: (e) => e.action,
      header: () => t('audit.action'),
      enableSorting: true,
      cell: ({ row }) => (
        <>
          {actionText(t, exists, row.original.action)}
          <div>
            <code className="muted small">{row.original.action}</code>
          </div>
        </>
      ),
    },
    {
      id: 'entityType',
      accessorFn: (e) => e.entityType,
      header: () => t('audit.entity'),
      enableSorting: true,
      cell: ({ row }) => {
        const e = row.original;
        return (
          <>
            <span className="muted">{entityTypeText(t, exists, e.entityType)}</span>
            {e.entityName && <div data-testid="audit-entity-name">{e.entityName}</div>}
            {e.entityId && !e.entityName && <div className="muted mono small">{e.entityId}</div>}
          </>
        );
      },
    },
    {
      id: 'ip',
      header: () => t('audit.ip'),
      cell: ({ row }) => <span className="mono">{row.original.ip ?? '—'}</span>,
    },
    {
      id: 'details',
      header: () => <span className="sr-only">{t('audit.details')}</span>,
      cell: ({ row }) => (
        <button
          type="button"
          className="btn btn-small"
          aria-expanded={open === row.original.seq}
          onClick={() => setOpen(open === row.original.seq ? null : row.original.seq)}
        >
          {t('audit.details')}
        </button>
      ),
    },
  ];

  return (
    <>
      <div className="page-head">
        <h1>{t('nav.audit')}</h1>
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => verify.mutate({}, { onSuccess: setVerification })}
          disabled={verify.isPending}
          data-testid="audit-verify"
        >
          {verify.isPending ? t('common.working') : t('audit.verify')}
        </button>
      </div>
      {verification &&
        (verification.ok ? (
          <div className="alert alert-success" role="status" data-testid="audit-intact">
            <strong>{t('audit.intact')}</strong>
            <div className="alert-detail">{t('audit.intactDetail', { entries: n(verification.entries) })}</div>
          </div>
        ) : (
          <div className="alert alert-error" role="alert" data-testid="audit-tampered">
            <strong>{t('audit.tampered', { seq: n(verification.brokenAt?.seq ?? 0) })}</strong>
            <div className="alert-detail">{t(`audit.reason.${verification.brokenAt?.reason ?? 'chain-broken'}`)}</div>
          </div>
        ))}
      <ErrorMessage error={verify.error ?? entries.error ?? facets.error} />
      <div className="panel filters-panel" data-testid="audit-filters">
        <Field label={t('period.from')}>
          <DateInput value={from ?? ''} onChange={setFilter('from')} data-testid="audit-from" />
        </Field>
        <Field label={t('period.to')}>
          <DateInput value={to ?? ''} onChange={setFilter('to')} data-testid="audit-to" />
        </Field>
        <Field label={t('audit.actor')}>
          <select value={f.actor ?? ''} onChange={(e) => setFilter('actor')(e.target.value)} data-testid="audit-actor">
            <option value="">{t('audit.anyone')}</option>
            <option value="system">{t('audit.system')}</option>
            {facets.data?.actors.map((a) => (
              <option key={a.username} value={a.username}>
                {a.displayName === a.username ? a.username : `${a.displayName} (${a.username})`}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('audit.action')}>
          <select
            value={f.action ?? ''}
            onChange={(e) => setFilter('action')(e.target.value)}
            data-testid="audit-action"
          >
            <option value="">{t('audit.anyAction')}</option>
            {facets.data?.actions.map((a) => (
              <option key={a} value={a}>
                {actionText(t, exists, a)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('audit.entityType')}>
          <select
            value={f.entityType ?? ''}
            onChange={(e) => setFilter('entityType')(e.target.value)}
            data-testid="audit-entity-type"
          >
            <option value="">{t('audit.anyEntityType')}</option>
            {facets.data?.entityTypes.map((type) => (
              <option key={type} value={type}>
                {entityTypeText(t, exists, type)}
              </option>
            ))}
          </select>
        </Field>
        {f.entityId && (
          <p className="filter-chip" data-testid="audit-entity-filter">
            {t('audit.oneRecord')} <code className="small">{f.entityId}</code>{' '}
            <button type="button" className="link" onClick={() => setFilter('entityId')('')}>
              {t('audit.allRecords')}
            </button>
          </p>
        )}
      </div>
      {reversed && (
        <div className="alert alert-error" role="alert">
          {t('errors.periodReversed')} ({formatCalendarDate(from)} – {formatCalendarDate(to)})
        </div>
      )}
      <div className="panel panel-flush">
        <DataTable
          columns={columns}
          rows={reversed ? [] : entries.data?.items}
          total={reversed ? 0 : entries.data?.total}
          search={search}
          loading={entries.isFetching}
          testId="audit-table"
          rowKey={(e) => String(e.seq)}
          rowTestId={(e) => `audit-${e.seq}`}
          selectedKey={open === null ? null : String(open)}
          empty={
            filtered ? (
              <>
                {t('audit.noMatch')}{' '}
                <button
                  type="button"
                  className="link"
                  onClick={() =>
                    search.set({
                      filters: {
                        from: undefined,
                        to: undefined,
                        actor: undefined,
                        action: undefined,
                        entityType: undefined,
                        entityId: undefined,
                      },
                    })
                  }
                >
                  {t('audit.clearFilters')}
                </button>
              </>
            ) : (
              t('audit.empty')
            )
          }
          exportTo={{ path: '/api/audit/export', query: listQuery }}
        />
      </div>
      {opened && (
        <section className="panel" data-testid="audit-detail">
          <div className="panel-head">
            <h2>
              #{n(opened.seq)} · {actionText(t, exists, opened.action)}
              {opened.entityName ? ` · ${opened.entityName}` : ''}
            </h2>
            <button type="button" className="btn btn-small" onClick={() => setOpen(null)}>
              {t('common.close')}
            </button>
          </div>
          <AuditDiff before={opened.before} after={opened.after} />
          <div className="muted mono small">
            {t('audit.hash')}: {opened.hash}
          </div>
        </section>
      )}
    </>
  );
}
