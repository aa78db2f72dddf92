import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { $api, queryClient } from '../../api/client.ts';
import type { ReportDetail, ReportFigures, ReportKind, ReportState } from '../../api/schema.gen.ts';
import { EmptyRow } from '../../components/EmptyRow.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { type Figure, Figures } from '../../components/Figures.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { formatCalendarDate, formatDateTime, formatNumber } from '../../lib/format.ts';
import { useCan, useSession } from '../../lib/session.ts';
import { useAction } from '../../lib/useAction.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';

const KINDS = ['six_month', 'annual', 'monitoring', 'inspection_conclusion'] as const satisfies readonly ReportKind[];

const refresh = () =>
  Promise.all([
    queryClient.invalidateQueries({ queryKey: ['get', '/api/reports'] }),
    queryClient.invalidateQueries({ queryKey: ['get', '/api/reports/{id}'] }),
  ]);

/** "Báo cáo": draft a periodic report, preview its figures, approve (another user), issue, download. */
export function ReportsPage() {
  const { t } = useTranslation();
  const can = useCan();
  const [selected, setSelected] = useState<string | null>(null);
  const list = $api.useQuery('get', '/api/reports', { params: { query: { limit: 100 } } });
  const items = list.data?.items ?? [];
  return (
    <>
      <div className="page-head">
        <h1>{t('nav.reports')}</h1>
      </div>
      <p className="muted">{t('reports.intro')}</p>
      {can('report.write') && <DraftForm onCreated={setSelected} />}
      <h2>{t('reports.list')}</h2>
      <ErrorMessage error={list.error} />
      <TableScroll label={t('reports.list')}>
        <table className="table" data-testid="reports-table">
          <thead>
            <tr>
              <th>{t('reports.title')}</th>
              <th>{t('reports.organisation')}</th>
              <th>{t('reports.state')}</th>
              <th>{t('reports.number')}</th>
              <th>{t('reports.createdBy')}</th>
            </tr>
          </thead>
          <tbody>
            <EmptyRow show={!list.isPending && !items.length} colSpan={5}>
              {t('reports.empty')}
            </EmptyRow>
            {items.map((r) => (
              <tr key={r.id}>
                <td>
                  <button type="button" className="link" onClick={() => setSelected(r.id)} data-testid="report-open">
                    {r.title}
                  </button>
                </td>
                <td>{r.organisationName}</td>
                <td>
                  <StateBadge state={r.state} />
                </td>
                <td>{r.number ? `${String(r.number).padStart(2, '0')}/${r.symbol}` : '—'}</td>
                <td>{r.createdByName ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {selected && <ReportView id={selected} />}
    </>
  );
}

function StateBadge({ state }: { state: ReportState }) {
  const { t } = useTranslation();
  const tone = state === 'issued' ? 'good' : state === 'approved' ? 'warn' : 'neutral';
  return (
    <span className={`badge badge-${tone}`} data-testid="report-state">
      {t(`reports.states.${state}`)}
    </span>
  );
}

function DraftForm({ onCreated }: { onCreated: (id: string) => void }) {
  const { t } = useTranslation();
  const { tree } = useOrgTree();
  const year = new Date().getFullYear();
  const can = useCan();
  const [kind, setKind] = useState<ReportKind>('six_month');
  const [form, setForm] = useState({ year: String(year), half: '1', organisationId: '', symbol: '', inspectionId: '' });
  const create = $api.useMutation('post', '/api/reports');
  const conclusion = kind === 'inspection_conclusion';
  // Inspections whose field work has begun: the ones a conclusion can be written for.
  const inspections = $api.useQuery(
    'get',
    '/api/inspections',
    { params: { query: { limit: 200 } } },
    { enabled: conclusion && can('inspection.read') },
  );
  const concludable = (inspections.data?.items ?? []).filter((i) => i.state !== 'planned' && i.state !== 'notified');
  const action = useAction();
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const r = await create.mutateAsync({
        body: {
          kind,
          ...(conclusion
            ? { inspectionId: form.inspectionId || undefined }
            : {
                year: Number(form.year),
                ...(kind === 'annual' ? {} : { half: Number(form.half) }),
                ...(form.organisationId ? { organisationId: form.organisationId } : {}),
              }),
          ...(form.symbol.trim() ? { symbol: form.symbol.trim() } : {}),
        },
      });
      await refresh();
      onCreated(r.id);
    });
  };
  return (
    <form className="panel" onSubmit={submit} data-testid="report-draft-form">
      <h2 className="panel-title">{t('reports.new')}</h2>
      <div className="filters">
        <Field label={t('reports.kind')}>
          <select value={kind} onChange={(e) => setKind(e.target.value as ReportKind)} data-testid="report-kind">
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`reports.kinds.${k}`)}
              </option>
            ))}
          </select>
        </Field>
        {conclusion ? (
          <Field label={t('reports.inspection')}>
            <select
              value={form.inspectionId}
              onChange={(e) => setForm({ ...form, inspectionId: e.target.value })}
              data-testid="report-inspection"
            >
              <option value="">{t('reports.chooseInspection')}</option>
              {concludable.map((i) => (
                <option key={i.id} value={i.id}>
                  {i.title} — {i.organisationName}
                </option>
              ))}
            </select>
          </Field>
        ) : (
          <PeriodFields kind={kind} form={form} setForm={setForm} tree={tree} />
        )}
        <Field label={t('reports.symbol')}>
          <input
            value={form.symbol}
            placeholder={t('reports.symbolHint')}
            onChange={(e) => setForm({ ...form, symbol: e.target.value })}
          />
        </Field>
      </div>
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={action.busy} data-testid="report-create">
          {t('reports.create')}
        </button>
      </div>
      <ErrorMessage error={action.error} />
    </form>
  );
}

type DraftFields = { year: string; half: string; organisationId: string; symbol: string; inspectionId: string };

/** A periodic report's year, half (not for the annual report) and issuing unit. */
function PeriodFields({
  kind,
  form,
  setForm,
  tree,
}: {
  kind: ReportKind;
  form: DraftFields;
  setForm: (f: DraftFields) => void;
  tree: ReturnType<typeof useOrgTree>['tree'];
}) {
  const { t } = useTranslation();
  return (
    <>
      <Field label={t('reports.year')}>
        <input
          type="number"
          min={2017}
          max={2100}
          value={form.year}
          onChange={(e) => setForm({ ...form, year: e.target.value })}
          data-testid="report-year"
        />
      </Field>
      {kind !== 'annual' && (
        <Field label={t('reports.half')}>
          <select
            value={form.half}
            onChange={(e) => setForm({ ...form, half: e.target.value })}
            data-testid="report-half"
          >
            <option value="1">{t('reports.halves.1')}</option>
            <option value="2">{t('reports.halves.2')}</option>
          </select>
        </Field>
      )}
      <Field label={t('reports.organisation')}>
        <OrgSelect
          tree={tree}
          value={form.organisationId}
          onChange={(organisationId) => setForm({ ...form, organisationId })}
          allLabel={t('reports.ownUnit')}
          data-testid="report-organisation"
        />
      </Field>
    </>
  );
}

function ReportView({ id }: { id: string }) {
  const { t } = useTranslation();
  const detail = $api.useQuery('get', '/api/reports/{id}', { params: { path: { id } } });
  return (
    <section className="panel" data-testid="report-view">
      <ErrorMessage error={detail.error} />
      {detail.isPending && <p className="small">{t('reports.computing')}</p>}
      {detail.data && <Report report={detail.data} />}
    </section>
  );
}

function Report({ report: r }: { report: ReportDetail }) {
  const { t } = useTranslation();
  const { me } = useSession();
  const can = useCan();
  const action = useAction();
  const approve = $api.useMutation('post', '/api/reports/{id}/approve');
  const issue = $api.useMutation('post', '/api/reports/{id}/issue');
  const act = (m: typeof approve) => () =>
    action.run(async () => {
      await m.mutateAsync({ params: { path: { id: r.id } } });
      await refresh();
    });
  const own = r.createdBy === me.user.id;
  const file = (format: 'pdf' | 'docx') => `/api/reports/${r.id}/file?format=${format}`;
  return (
    <>
      <div className="page-head">
        <h2>{r.title}</h2>
        <StateBadge state={r.state} />
      </div>
      <dl className="facts">
        <dt>{t('reports.organisation')}</dt>
        <dd>{r.organisationName}</dd>
        {r.periodFrom && r.periodTo && (
          <>
            <dt>{t('reports.period')}</dt>
            <dd>
              {formatCalendarDate(r.periodFrom)} – {formatCalendarDate(r.periodTo)}
            </dd>
          </>
        )}
        <dt>{t('reports.createdBy')}</dt>
        <dd>
          {r.createdByName ?? '—'} · {formatDateTime(r.createdAt)}
        </dd>
        {r.approvedAt && (
          <>
            <dt>{t('reports.approvedBy')}</dt>
            <dd>
              {r.approvedByName ?? '—'} · {formatDateTime(r.approvedAt)}
            </dd>
          </>
        )}
        {r.number !== null && r.issuedOn && (
          <>
            <dt>{t('reports.number')}</dt>
            <dd data-testid="report-number">
              {String(r.number).padStart(2, '0')}/{r.symbol} · {formatCalendarDate(r.issuedOn)}
            </dd>
            <dt>SHA-256 (PDF)</dt>
            <dd className="mono">{r.pdfSha256}</dd>
          </>
        )}
      </dl>
      <ErrorMessage error={action.error} />
      <div className="actions">
        {can('report.write') && r.state === 'draft' && (
          <button
            type="button"
            className="btn btn-primary"
            disabled={action.busy || own}
            title={own ? t('reports.ownDraftNote') : undefined}
            onClick={act(approve)}
            data-testid="report-approve"
          >
            {t('reports.approve')}
          </button>
        )}
        {can('report.write') && r.state === 'approved' && (
          <button
            type="button"
            className="btn btn-primary"
            disabled={action.busy}
            onClick={act(issue)}
            data-testid="report-issue"
          >
            {t('reports.issue')}
          </button>
        )}
        <a className="btn" href={file('pdf')} download data-testid="report-pdf">
          {t('reports.download', { format: 'PDF' })}
        </a>
        <a className="btn" href={file('docx')} download data-testid="report-docx">
          {t('reports.download', { format: 'DOCX' })}
        </a>
      </div>
      {own && r.state === 'draft' && <p className="small">{t('reports.ownDraftNote')}</p>}
      <FiguresView figures={r.figures} />
    </>
  );
}

function FiguresView({ figures: f }: { figures: ReportFigures }) {
  const { t, i18n } = useTranslation();
  const n = (v: number) => formatNumber(v, i18n.language);
  const figures: Figure[] = [];
  if (f.soc)
    figures.push(
      { key: 'scanning', label: t('reports.figures.scanning'), value: f.soc.scanningIps },
      { key: 'contacts', label: t('reports.figures.contacts'), value: f.soc.maliciousContactIps, tone: 'bad' },
    );
  if (f.vulnerabilities)
    figures.push(
      { key: 'computers', label: t('reports.figures.computers'), value: f.vulnerabilities.vulnerableComputers },
      { key: 'critical', label: t('reports.figures.critical'), value: f.vulnerabilities.withCritical, tone: 'bad' },
      { key: 'websites', label: t('reports.figures.websites'), value: f.vulnerabilities.vulnerableWebsites },
    );
  if (f.systems !== undefined) figures.push({ key: 'systems', label: t('reports.figures.systems'), value: f.systems });
  return (
    <>
      {f.period && <p className="small">{t('reports.asOf', { day: formatCalendarDate(f.period.asOf) })}</p>}
      {figures.length > 0 && <Figures figures={figures} testIdPrefix="report-figure-" compact />}
      {!!f.targets?.length && (
        <TableScroll label={t('reports.targets')}>
          <table className="table">
            <caption>{t('reports.targets')}</caption>
            <thead>
              <tr>
                <th>{t('reports.target')}</th>
                <th>{t('reports.deadline')}</th>
                <th className="num">{t('reports.met')}</th>
                <th className="num">{t('reports.total')}</th>
              </tr>
            </thead>
            <tbody>
              {f.targets.map((x) => (
                <tr key={x.id}>
                  <td>{x.title}</td>
                  <td>{formatCalendarDate(x.deadline)}</td>
                  <td className="num">{n(x.met)}</td>
                  <td className="num">{n(x.total)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {!!f.tasks?.length && (
        <TableScroll label={t('reports.tasks')}>
          <table className="table" data-testid="report-tasks">
            <caption>{t('reports.tasks')}</caption>
            <thead>
              <tr>
                <th>{t('reports.task')}</th>
                <th className="num">{t('reports.value')}</th>
                <th>{t('reports.taskState')}</th>
              </tr>
            </thead>
            <tbody>
              {f.tasks.map((x) => (
                <tr key={x.id}>
                  <td>
                    {x.number}. {x.title}
                  </td>
                  <td className="num">{x.value === null ? '—' : n(x.value)}</td>
                  <td>{t(`reports.taskStates.${x.state}`, { defaultValue: x.state })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </>
  );
}
