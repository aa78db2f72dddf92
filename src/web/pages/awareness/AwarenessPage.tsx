import { keepPreviousData } from '@tanstack/react-query';
import { useState } from 'react';
import { Controller } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { ZActivityInput, ZCampaignInput } from '../../../modules/awareness/awareness.input.ts';
import { $api, queryClient } from '../../api/client.ts';
import {
  type AwarenessActivity,
  type AwarenessCoverage,
  awarenessChannelValues,
  type CommuneCoverage,
  type PopulationImportReport,
} from '../../api/schema.gen.ts';
import { AsOfPicker } from '../../components/AsOfPicker.tsx';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { Figures } from '../../components/Figures.tsx';
import { ImportReportView } from '../../components/ImportReportView.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { uploadFile } from '../../lib/api.ts';
import { useAsOf } from '../../lib/asOf.ts';
import { formatCalendarDate, formatNumber, formatSize } from '../../lib/format.ts';
import { useZodForm } from '../../lib/forms.ts';
import { useSession } from '../../lib/session.ts';
import { isUuid, useTableSearch } from '../../lib/tableSearch.ts';
import { useFileUpload } from '../../lib/useFileUpload.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import './awareness.css';

const refresh = () =>
  Promise.all(
    ['/api/awareness/coverage', '/api/awareness/activities', '/api/awareness/campaigns'].map((p) =>
      queryClient.invalidateQueries({ queryKey: ['get', p] }),
    ),
  );

/** Percent as the reader's language writes it, one decimal at most; "—" without a population. */
const percentText = (p: number | null, lang: string) =>
  p === null
    ? '—'
    : `${new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'vi-VN', { maximumFractionDigits: 1 }).format(p)}%`;

/** The colour band of a share: none, then quarters, then the target met. */
function band(percent: number | null, target: number | null): string {
  if (percent === null) return 'none';
  if (target !== null && percent >= target) return 'met';
  if (percent >= 75) return 'q4';
  if (percent >= 50) return 'q3';
  if (percent >= 25) return 'q2';
  return 'q1';
}
const BANDS = ['q1', 'q2', 'q3', 'q4', 'met', 'none'] as const;

/**
 * Tuyên truyền phòng chống lừa đảo: coverage of residents per commune as of a day (table or tiles of that day's
 * communes), the activities recorded with their evidence, and the forms to record them.
 */
export function AwarenessPage() {
  const { t, i18n } = useTranslation();
  const { me } = useSession();
  const { asOf, today, setAsOf } = useAsOf();
  const search = useTableSearch({ size: 20 });
  const campaignId = isUuid(search.filters.campaign) ? search.filters.campaign : undefined;
  const organisationId = isUuid(search.filters.org) ? search.filters.org : '';
  const view = search.filters.view === 'tiles' ? 'tiles' : 'table';
  const { tree } = useOrgTree(asOf);
  const canWrite = me.permissions.includes('awareness.write');
  const provinceWide = canWrite && (me.role === 'admin' || me.role === 'department');
  const campaigns = $api.useQuery('get', '/api/awareness/campaigns');
  const coverage = $api.useQuery(
    'get',
    '/api/awareness/coverage',
    { params: { query: { on: asOf, campaignId, organisationId: organisationId || undefined } } },
    { placeholderData: keepPreviousData },
  );
  const cov = coverage.data;
  const n = (x: number) => formatNumber(x, i18n.language);

  return (
    <>
      <div className="page-head">
        <h1>{t('nav.awareness')}</h1>
      </div>
      <p className="muted">{t('awareness.intro')}</p>
      <div className="panel filters-panel">
        <AsOfPicker value={asOf} today={today} onChange={setAsOf} />
        <Field label={t('awareness.campaign')}>
          <select
            value={campaignId ?? ''}
            onChange={(e) => search.set({ filters: { campaign: e.target.value } })}
            data-testid="awareness-campaign-filter"
          >
            <option value="">{t('awareness.allCampaignsOfYear')}</option>
            {campaigns.data?.map((c) => (
              <option key={c.id} value={c.id}>
                {c.title}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('awareness.area')}>
          <OrgSelect tree={tree} value={organisationId} onChange={(v) => search.set({ filters: { org: v } })} />
        </Field>
      </div>
      <ErrorMessage error={coverage.error ?? campaigns.error} />
      {cov && (
        <section className={coverage.isPlaceholderData ? 'stale' : undefined} data-testid="awareness-coverage">
          <p className="muted small" data-testid="awareness-rule">
            {cov.rule
              ? t('awareness.rule', {
                  text: i18n.language === 'en' ? cov.rule.en : cov.rule.vi,
                  basis: cov.rule.legalBasis,
                })
              : t('awareness.noRule')}{' '}
            {t('awareness.counted', { from: formatCalendarDate(cov.from), to: formatCalendarDate(cov.on) })}
          </p>
          <Figures
            testIdPrefix="awareness-figure-"
            figures={[
              {
                key: 'percent',
                label: t('awareness.figures.percent'),
                value: percentText(cov.total.percent, i18n.language),
              },
              { key: 'reached', label: t('awareness.figures.reached'), value: cov.total.reached },
              { key: 'population', label: t('awareness.figures.population'), value: cov.total.population },
              {
                key: 'met',
                label: t('awareness.figures.communesMet'),
                value: `${n(cov.total.communesMet)}/${n(cov.total.communes)}`,
              },
              {
                key: 'noPopulation',
                label: t('awareness.figures.noPopulation'),
                value: cov.total.communesWithoutPopulation,
                tone: cov.total.communesWithoutPopulation ? 'warn' : undefined,
              },
            ]}
          />
          <div className="tabs" role="tablist">
            {(['table', 'tiles'] as const).map((v) => (
              <button
                key={v}
                type="button"
                role="tab"
                aria-selected={view === v}
                className={`tab${view === v ? ' active' : ''}`}
                onClick={() => search.set({ filters: { view: v === 'table' ? undefined : v } })}
                data-testid={`awareness-view-${v}`}
              >
                {t(`awareness.view.${v}`)}
              </button>
            ))}
          </div>
          {view === 'table' ? <CoverageTables cov={cov} /> : <CoverageTiles cov={cov} />}
        </section>
      )}
      {provinceWide && <ProvinceTools campaignsKnown={(campaigns.data?.length ?? 0) > 0} />}
      {canWrite && cov && campaigns.data && campaigns.data.length > 0 && (
        <ActivityForm cov={cov} campaigns={campaigns.data} defaultCampaign={campaignId} />
      )}
      <Activities campaignId={campaignId} organisationId={organisationId} canWrite={canWrite} />
    </>
  );
}

function CoverageTables({ cov }: { cov: AwarenessCoverage }) {
  const { t, i18n } = useTranslation();
  const n = (x: number | null) => (x === null ? '—' : formatNumber(x, i18n.language));
  const target = cov.rule?.target ?? null;
  const byGroup = new Map(cov.groups.map((g) => [g.organisationId, g]));
  const groupsOf = new Map<string | null, CommuneCoverage[]>();
  for (const c of cov.communes) groupsOf.set(c.parentId, [...(groupsOf.get(c.parentId) ?? []), c]);
  if (!cov.communes.length) return <p className="muted">{t('awareness.noCommunes')}</p>;
  return (
    <>
      <h2>{t('awareness.byParent')}</h2>
      <TableScroll label={t('awareness.byParent')}>
        <table className="table table-compact" data-testid="awareness-groups">
          <thead>
            <tr>
              <th>{t('awareness.unit')}</th>
              <th className="num">{t('awareness.communes')}</th>
              <th className="num">{t('awareness.population')}</th>
              <th className="num">{t('awareness.reached')}</th>
              <th>{t('awareness.coverage')}</th>
            </tr>
          </thead>
          <tbody>
            {cov.groups.map((g) => (
              <tr key={g.organisationId ?? 'none'}>
                <td>{g.name ?? t('awareness.noParent')}</td>
                <td className="num">
                  {n(g.communesMet)}/{n(g.communes)}
                </td>
                <td className="num">{n(g.population)}</td>
                <td className="num">{n(g.reached)}</td>
                <td>
                  <div className="org-percent">
                    <ProgressBar value={(g.percent ?? 0) / 100} label={g.name ?? ''} />
                    <span className="small nowrap">{percentText(g.percent, i18n.language)}</span>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <h2>{t('awareness.byCommune')}</h2>
      <TableScroll label={t('awareness.byCommune')}>
        <table className="table table-compact" data-testid="awareness-communes">
          <thead>
            <tr>
              <th>{t('awareness.commune')}</th>
              <th className="num">{t('awareness.population')}</th>
              <th className="num">{t('awareness.reached')}</th>
              <th className="num">{t('awareness.coverage')}</th>
              <th className="num">{t('awareness.raw')}</th>
            </tr>
          </thead>
          {[...groupsOf].map(([parentId, communes]) => (
            <tbody key={parentId ?? 'none'}>
              <tr className="aw-group-row">
                <th colSpan={5} scope="colgroup">
                  {byGroup.get(parentId)?.name ?? t('awareness.noParent')}
                </th>
              </tr>
              {communes.map((c) => (
                <tr key={c.organisationId} data-testid="awareness-commune-row" data-code={c.code}>
                  <td>
                    {c.name}
                    <div className="muted small">
                      {c.code}
                      {c.byChannel.length > 0 &&
                        ` · ${c.byChannel.map((b) => `${t(`awareness.channels.${b.channel}`)} ${n(b.reached)}`).join(', ')}`}
                    </div>
                  </td>
                  <td className="num">
                    {c.population === null ? (
                      <span className="text-warn">{t('awareness.noPopulation')}</span>
                    ) : (
                      n(c.population)
                    )}
                  </td>
                  <td className="num">{n(c.reached)}</td>
                  <td className="num">
                    <span className={`aw-chip aw-${band(c.percent, target)}`}>
                      {percentText(c.percent, i18n.language)}
                    </span>
                  </td>
                  <td className="num muted">{percentText(c.rawPercent, i18n.language)}</td>
                </tr>
              ))}
            </tbody>
          ))}
        </table>
      </TableScroll>
    </>
  );
}

/** The "map": one tile per commune of that day, grouped by parent unit, coloured by coverage. */
function CoverageTiles({ cov }: { cov: AwarenessCoverage }) {
  const { t, i18n } = useTranslation();
  const target = cov.rule?.target ?? null;
  const groupsOf = new Map<string | null, CommuneCoverage[]>();
  for (const c of cov.communes) groupsOf.set(c.parentId, [...(groupsOf.get(c.parentId) ?? []), c]);
  return (
    <div data-testid="awareness-tiles">
      <ul className="aw-legend" aria-label={t('awareness.legend')}>
        {BANDS.map((b) => (
          <li key={b}>
            <span className={`aw-swatch aw-${b}`} aria-hidden="true" />
            {t(`awareness.band.${b}`, { target: target ?? 100 })}
          </li>
        ))}
      </ul>
      {cov.groups.map((g) => (
        <section key={g.organisationId ?? 'none'} className="aw-tile-group">
          <h3>
            {g.name ?? t('awareness.noParent')}{' '}
            <span className="muted small">{percentText(g.percent, i18n.language)}</span>
          </h3>
          <ul className="aw-tiles">
            {(groupsOf.get(g.organisationId) ?? []).map((c) => (
              <li
                key={c.organisationId}
                className={`aw-tile aw-${band(c.percent, target)}`}
                title={`${c.name}: ${percentText(c.rawPercent, i18n.language)}`}
                data-testid="awareness-tile"
                data-code={c.code}
              >
                <span className="aw-tile-name">{c.name.replace(/^(Xã|Phường|Thị trấn)\s+/u, '')}</span>
                <span className="aw-tile-value">{percentText(c.percent, i18n.language)}</span>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

/** The Department's tools: a new campaign, and the population file. */
function ProvinceTools({ campaignsKnown }: { campaignsKnown: boolean }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(!campaignsKnown);
  const upload = useFileUpload(
    (file) => uploadFile<PopulationImportReport>('/api/awareness/population/import', file),
    refresh,
  );
  return (
    <section className="panel" data-testid="awareness-province-tools">
      <h2>{t('awareness.provinceTools')}</h2>
      <div className="actions">
        <Field label={t('awareness.importPopulation')} hint={t('awareness.importHint')}>
          <input
            type="file"
            accept=".csv,.xlsx"
            disabled={upload.busy}
            onChange={(e) => void upload.choose(e)}
            data-testid="awareness-population-file"
          />
        </Field>
        {!open && (
          <button type="button" className="btn" onClick={() => setOpen(true)} data-testid="awareness-campaign-new">
            {t('awareness.newCampaign')}
          </button>
        )}
      </div>
      <ErrorMessage error={upload.error} />
      {upload.result && (
        <ImportReportView
          report={upload.result}
          onClose={upload.clear}
          texts={{
            title: t('awareness.importDone'),
            counts: (c) => t('awareness.importCounts', c),
            row: t('awareness.row'),
            column: t('awareness.column'),
            problem: t('awareness.problem'),
            close: t('common.close'),
          }}
        />
      )}
      {open && <CampaignForm onDone={() => setOpen(false)} />}
    </section>
  );
}

function CampaignForm({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const form = useZodForm(ZCampaignInput, {
    defaultValues: { title: '', startsOn: '', endsOn: '', legalBasis: '', channels: [], note: '' },
  });
  const create = $api.useMutation('post', '/api/awareness/campaigns', { onSuccess: refresh });
  const errors = form.formState.errors;
  const submit = form.handleSubmit(async (body) => {
    await create.mutateAsync({ body });
    onDone();
  });
  return (
    <form onSubmit={submit} noValidate data-testid="awareness-campaign-form">
      <h3>{t('awareness.newCampaign')}</h3>
      <div className="form-grid">
        <div className="span-2">
          <Field label={t('awareness.title')} error={errors.title}>
            <input {...form.register('title')} />
          </Field>
        </div>
        {(['startsOn', 'endsOn'] as const).map((name) => (
          <Controller
            key={name}
            control={form.control}
            name={name}
            render={({ field }) => (
              <Field label={t(`awareness.${name}`)} error={errors[name]}>
                <DateInput
                  value={field.value ?? ''}
                  onChange={field.onChange}
                  onInvalid={field.onChange}
                  onBlur={field.onBlur}
                />
              </Field>
            )}
          />
        ))}
        <div className="span-2">
          <Field label={t('awareness.legalBasis')} error={errors.legalBasis}>
            <input {...form.register('legalBasis')} />
          </Field>
        </div>
        <fieldset className="span-2 aw-channels">
          <legend>{t('awareness.channelsLabel')}</legend>
          {awarenessChannelValues.map((c) => (
            <label key={c} className="aw-check">
              <input type="checkbox" value={c} {...form.register('channels')} /> {t(`awareness.channels.${c}`)}
            </label>
          ))}
          {errors.channels && <div className="text-bad small">{t('errors.awareness.channelsRequired')}</div>}
        </fieldset>
      </div>
      <ErrorMessage error={create.error} />
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={form.formState.isSubmitting}>
          {t('common.save')}
        </button>
        <button type="button" className="btn" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** Ghi nhận hoạt động: one commune of that day, one day, one channel, the people reached; then its photos. */
function ActivityForm({
  cov,
  campaigns,
  defaultCampaign,
}: {
  cov: AwarenessCoverage;
  campaigns: { id: string; title: string; channels: string[]; startsOn: string; endsOn: string }[];
  defaultCampaign?: string;
}) {
  const { t } = useTranslation();
  const first = campaigns.find((c) => c.id === defaultCampaign) ?? campaigns[0];
  const form = useZodForm(ZActivityInput, {
    defaultValues: {
      campaignId: first?.id ?? '',
      organisationId: '',
      // The as-of day, unless the campaign ended before it.
      day: first && first.endsOn < cov.on ? first.endsOn : cov.on,
      channel: (first?.channels[0] ?? 'loudspeaker') as never,
      peopleReached: 0,
      note: '',
    },
  });
  const [saved, setSaved] = useState<AwarenessActivity | null>(null);
  const create = $api.useMutation('post', '/api/awareness/activities', { onSuccess: refresh });
  const chosen = campaigns.find((c) => c.id === form.watch('campaignId')) ?? first;
  const errors = form.formState.errors;
  const groups = new Map(cov.groups.map((g) => [g.organisationId, g.name]));
  const submit = form.handleSubmit(async (body) => {
    setSaved(await create.mutateAsync({ body }));
    form.reset({ ...body, organisationId: '', peopleReached: 0, note: '' });
  });
  return (
    <form className="panel" onSubmit={submit} noValidate data-testid="awareness-activity-form">
      <h2>{t('awareness.record')}</h2>
      <div className="form-grid">
        <Field label={t('awareness.campaign')} error={errors.campaignId}>
          <select {...form.register('campaignId')}>
            {campaigns.map((c) => (
              <option key={c.id} value={c.id}>
                {c.title}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('awareness.commune')} error={errors.organisationId}>
          <select {...form.register('organisationId')} data-testid="awareness-activity-commune">
            <option value="">{t('awareness.chooseCommune')}</option>
            {[...new Set(cov.communes.map((c) => c.parentId))].map((p) => (
              <optgroup key={p ?? 'none'} label={groups.get(p) ?? t('awareness.noParent')}>
                {cov.communes
                  .filter((c) => c.parentId === p)
                  .map((c) => (
                    <option key={c.organisationId} value={c.organisationId}>
                      {c.name}
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
        </Field>
        <Controller
          control={form.control}
          name="day"
          render={({ field }) => (
            <Field label={t('awareness.day')} error={errors.day}>
              <DateInput
                value={field.value ?? ''}
                onChange={field.onChange}
                onInvalid={field.onChange}
                onBlur={field.onBlur}
                data-testid="awareness-activity-day"
              />
            </Field>
          )}
        />
        <Field label={t('awareness.channel')} error={errors.channel}>
          <select {...form.register('channel')} data-testid="awareness-activity-channel">
            {chosen?.channels.map((c) => (
              <option key={c} value={c}>
                {t(`awareness.channels.${c}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('awareness.peopleReached')} error={errors.peopleReached}>
          <input
            type="number"
            min={0}
            inputMode="numeric"
            {...form.register('peopleReached')}
            data-testid="awareness-activity-people"
          />
        </Field>
        <Field label={t('awareness.note')} error={errors.note}>
          <input {...form.register('note')} />
        </Field>
      </div>
      <ErrorMessage error={create.error} />
      <div className="actions">
        <button
          type="submit"
          className="btn btn-primary"
          disabled={form.formState.isSubmitting}
          data-testid="awareness-activity-save"
        >
          {t('awareness.save')}
        </button>
      </div>
      {saved && (
        <div className="alert alert-success" data-testid="awareness-activity-saved">
          {t('awareness.saved', { commune: saved.organisationName })} <EvidenceUpload activityId={saved.id} />
        </div>
      )}
    </form>
  );
}

function EvidenceUpload({ activityId }: { activityId: string }) {
  const { t } = useTranslation();
  const upload = useFileUpload(
    (file) =>
      uploadFile(`/api/awareness/activities/${activityId}/evidence?fileName=${encodeURIComponent(file.name)}`, file),
    refresh,
  );
  return (
    <>
      <Field label={t('awareness.addEvidence')}>
        <input
          type="file"
          disabled={upload.busy}
          onChange={(e) => void upload.choose(e)}
          data-testid="awareness-evidence-file"
        />
      </Field>
      {upload.result !== null && <span className="small"> ✓ {t('awareness.evidenceAdded')}</span>}
      <ErrorMessage error={upload.error} />
    </>
  );
}

function Activities({
  campaignId,
  organisationId,
  canWrite,
}: {
  campaignId?: string;
  organisationId: string;
  canWrite: boolean;
}) {
  const { t, i18n } = useTranslation();
  const search = useTableSearch({ size: 20 });
  const listQuery = {
    campaignId,
    organisationId: organisationId || undefined,
    limit: search.params.limit,
    offset: search.params.offset,
  };
  const list = $api.useQuery(
    'get',
    '/api/awareness/activities',
    {
      params: {
        query: listQuery,
      },
    },
    { placeholderData: keepPreviousData },
  );
  const remove = $api.useMutation('delete', '/api/awareness/activities/{id}', { onSuccess: refresh });
  const columns: Column<AwarenessActivity>[] = [
    { id: 'day', header: t('awareness.day'), cell: ({ row }) => formatCalendarDate(row.original.day) },
    {
      id: 'commune',
      header: t('awareness.commune'),
      cell: ({ row }) => (
        <>
          {row.original.organisationName}
          <div className="muted small">{row.original.campaignTitle}</div>
        </>
      ),
    },
    {
      id: 'channel',
      header: t('awareness.channel'),
      cell: ({ row }) => t(`awareness.channels.${row.original.channel}`),
    },
    {
      id: 'people',
      header: t('awareness.peopleReached'),
      cell: ({ row }) => formatNumber(row.original.peopleReached, i18n.language),
    },
    {
      id: 'evidence',
      header: t('awareness.evidence'),
      cell: ({ row }) =>
        row.original.evidence.length ? (
          <ul className="aw-files">
            {row.original.evidence.map((e) => (
              <li key={e.id}>
                <a href={`/api/awareness/activities/${row.original.id}/evidence/${e.id}`} download={e.fileName}>
                  {e.fileName}
                </a>{' '}
                <span className="muted small">{formatSize(e.size)}</span>
              </li>
            ))}
          </ul>
        ) : (
          <span className="muted">—</span>
        ),
    },
    ...(canWrite
      ? [
          {
            id: 'actions',
            header: '',
            cell: ({ row }: { row: { original: AwarenessActivity } }) => (
              <button
                type="button"
                className="btn btn-small btn-quiet"
                onClick={() => {
                  if (window.confirm(t('awareness.confirmDelete')))
                    remove.mutate({ params: { path: { id: row.original.id } } });
                }}
              >
                {t('common.delete')}
              </button>
            ),
          } as Column<AwarenessActivity>,
        ]
      : []),
  ];
  return (
    <section>
      <h2>{t('awareness.activities')}</h2>
      <ErrorMessage error={list.error ?? remove.error} />
      <DataTable
        columns={columns}
        rows={list.data?.items}
        total={list.data?.total}
        search={search}
        loading={list.isFetching}
        empty={t('awareness.noActivities')}
        testId="awareness-activities"
        rowKey={(r) => r.id}
        exportTo={{ path: '/api/awareness/activities/export', query: listQuery }}
      />
    </section>
  );
}
