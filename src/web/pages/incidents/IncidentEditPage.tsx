import { getRouteApi, useRouter } from '@tanstack/react-router';
import { useEffect } from 'react';
import { Controller, useWatch } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { ZIncidentInput } from '../../../modules/incidents/incidents.input.ts';
import { $api, queryClient } from '../../api/client.ts';
import {
  type IncidentDetail,
  type IncidentRules,
  incidentTypeValues,
  severityFactorValues,
  type VulnFindingDetail,
} from '../../api/schema.gen.ts';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { useZodForm } from '../../lib/forms.ts';
import { nowLocalInput } from '../../lib/period.ts';
import { followLink } from '../../lib/router.ts';
import { useSession } from '../../lib/session.ts';
import { isUuid } from '../../lib/tableSearch.ts';
import { flatten, orgLabel } from '../../lib/tree.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { useServerErrors } from '../systems/formParts.tsx';
import { zLocalTime } from './localTime.ts';
import { INCIDENTS_PATH, incidentPath } from './ui.ts';
import './incidents.css';

/** The report form: the server's schema, with the detection time typed in the province's time (dd/mm/yyyy hh:mm). */
export const ZIncidentForm = ZIncidentInput.extend({ detectedAt: zLocalTime });
export type IncidentFormValues = z.input<typeof ZIncidentForm>;

const TEXTS = ['description', 'damage', 'spread', 'actionsTaken', 'helpers', 'results', 'proposals'] as const;

const EMPTY: IncidentFormValues = {
  title: '',
  organisationId: '',
  ownerName: '',
  systemId: null,
  detectedAt: '',
  contactName: '',
  contactPosition: '',
  contactPhone: '',
  contactEmail: '',
  type: 'other',
  description: '',
  damage: '',
  spread: '',
  provider: '',
  actionsTaken: '',
  helpers: '',
  results: '',
  proposals: '',
  severityFactors: [],
  beyondCapability: false,
  affectedOrganisationIds: [],
  affectedSystemIds: [],
  vulnFindingId: null,
};

/** yyyy-mm-ddTHH:mm in the province's time, for the detection-time field. */
const localInput = (iso: string) => nowLocalInput(new Date(iso));

/** A recorded incident as the form's values. */
export const formValues = (d: IncidentDetail): IncidentFormValues => ({
  ...EMPTY,
  ...Object.fromEntries(
    (
      ['ownerName', 'contactName', 'contactPosition', 'contactPhone', 'contactEmail', 'provider', ...TEXTS] as const
    ).map((k) => [k, d[k] ?? '']),
  ),
  title: d.title,
  organisationId: d.organisationId,
  systemId: d.systemId,
  detectedAt: localInput(d.detectedAt),
  type: d.type,
  severityFactors: d.severityFactors,
  beyondCapability: d.beyondCapability,
  affectedOrganisationIds: d.affectedOrganisations.map((o) => o.id),
  affectedSystemIds: d.affectedSystems.map((s) => s.id),
});

/** An incident opened from a vulnerability finding: what the finding already says. */
const fromFinding = (v: VulnFindingDetail): Partial<IncidentFormValues> => ({
  title: `${v.finding.name} — ${v.hostname ?? v.ip}`.slice(0, 300),
  organisationId: v.finding.organisationId ?? '',
  type: 'unauthorised_access',
  // A website's finding names its address: the host in the title says which site, the URL where on it.
  description: [
    v.finding.synopsis,
    v.finding.url ? `URL: ${v.finding.url}` : null,
    v.finding.cves.length ? `CVE: ${v.finding.cves.join(', ')}` : null,
  ]
    .filter(Boolean)
    .join('\n'),
  vulnFindingId: v.finding.id,
});

const edit = getRouteApi('/app/incidents/edit');

/** Báo cáo sự cố (new) or its correction (?id=), one form either way. */
export function IncidentEditPage() {
  const { t } = useTranslation();
  const { id, vulnFindingId } = edit.useSearch();
  const incident = $api.useQuery(
    'get',
    '/api/incidents/{id}',
    { params: { path: { id: id ?? '' } } },
    { enabled: isUuid(id) },
  );
  const finding = $api.useQuery(
    'get',
    '/api/vulnerabilities/findings/{id}',
    { params: { path: { id: vulnFindingId ?? '' } } },
    { enabled: !id && isUuid(vulnFindingId) },
  );
  const rules = $api.useQuery('get', '/api/incidents/rules', {});
  const error = (id && incident.error) || finding.error || rules.error;
  if (error) return <ErrorMessage error={error} />;
  if ((id && !incident.data) || (vulnFindingId && !id && !finding.data) || !rules.data)
    return <p className="muted">{t('common.loading')}</p>;
  return (
    <IncidentForm
      key={incident.data?.updatedAt ?? 'new'}
      incident={incident.data ?? null}
      prefill={finding.data ? fromFinding(finding.data) : {}}
      rules={rules.data}
    />
  );
}

export function IncidentForm({
  incident,
  prefill = {},
  rules,
}: {
  incident: IncidentDetail | null;
  prefill?: Partial<IncidentFormValues>;
  rules: IncidentRules;
}) {
  const { t, i18n } = useTranslation();
  const router = useRouter();
  const { me } = useSession();
  const { tree, error: orgError, isPending: orgsPending } = useOrgTree();
  const form = useZodForm(ZIncidentForm, {
    defaultValues: incident
      ? formValues(incident)
      : {
          ...EMPTY,
          organisationId: me.user.organisationId ?? '',
          detectedAt: nowLocalInput(),
          ...prefill,
        },
  });
  const server = useServerErrors(form);
  const { errors, isSubmitting } = form.formState;
  const organisationId = useWatch({ control: form.control, name: 'organisationId' });
  const systems = $api.useQuery(
    'get',
    '/api/systems',
    { params: { query: { limit: 500, sort: 'name', dir: 'asc' } } },
    { staleTime: 60_000 },
  );
  const create = $api.useMutation('post', '/api/incidents');
  const update = $api.useMutation('patch', '/api/incidents/{id}');

  // An agency officer reports for their own organisation, the only one they have: preselect it.
  useEffect(() => {
    const only = tree.roots.length === 1 && tree.byId.size === 1 ? tree.roots[0] : undefined;
    if (!organisationId && only) form.setValue('organisationId', only.id);
  }, [tree, organisationId, form]);

  const submit = form.handleSubmit(async (values) => {
    server.clear();
    try {
      const { vulnFindingId, ...change } = values;
      const saved = incident
        ? await update.mutateAsync({ params: { path: { id: incident.id } }, body: change })
        : await create.mutateAsync({ body: values });
      await queryClient.invalidateQueries({ queryKey: ['get', '/api/incidents'] });
      await queryClient.invalidateQueries({ queryKey: ['get', '/api/incidents/{id}'] });
      await router.navigate({ href: incidentPath(saved.id) });
    } catch (err) {
      server.take(err);
    }
  });

  const all = systems.data?.items ?? [];
  const own = all.filter((s) => s.organisationId === organisationId);
  const others = flatten(tree).filter(({ org }) => org.id !== organisationId);
  /** A list with nothing to choose says so, rather than showing an empty box. */
  const nothingToChoose = (label: string, note: string, testId: string) => (
    <div className="field">
      <span className="field-label">{label}</span>
      <p className="muted small" data-testid={testId}>
        {note}
      </p>
    </div>
  );
  const severity = rules.severity;
  const text = (key: (typeof TEXTS)[number]) => (
    <Field label={t(`incidents.field.${key}`)} error={errors[key]}>
      <textarea rows={3} {...form.register(key)} data-testid={`incident-${key}`} />
    </Field>
  );
  const line = (
    key: 'ownerName' | 'contactName' | 'contactPosition' | 'contactPhone' | 'contactEmail' | 'provider',
  ) => (
    <Field label={t(`incidents.field.${key}`)} error={errors[key]}>
      <input {...form.register(key)} data-testid={`incident-${key}`} />
    </Field>
  );

  return (
    <>
      <p className="small">
        <a href={incident ? incidentPath(incident.id) : INCIDENTS_PATH} onClick={followLink}>
          ← {incident ? incident.code : t('nav.incidents')}
        </a>
      </p>
      <h1>{incident ? t('incidents.editTitle', { code: incident.code }) : t('incidents.reportTitle')}</h1>
      <ErrorMessage error={orgError ?? systems.error} />
      <form className="incident-form" onSubmit={submit} noValidate data-testid="incident-form">
        <section className="panel">
          <h2 className="inc-panel-title">{t('incidents.section.incident')}</h2>
          <div className="form-grid">
            <Controller
              control={form.control}
              name="organisationId"
              render={({ field }) => (
                <Field label={t('incidents.field.organisationId')} error={errors.organisationId}>
                  <OrgSelect
                    tree={tree}
                    value={field.value}
                    onChange={field.onChange}
                    allLabel={t('incidents.chooseOrganisation')}
                    name="organisationId"
                  />
                </Field>
              )}
            />
            {line('ownerName')}
            <div className="span-2">
              <Field label={t('incidents.field.title')} error={errors.title}>
                <input {...form.register('title')} data-testid="incident-title" />
              </Field>
            </div>
            <Field label={t('incidents.field.type')} error={errors.type}>
              <select {...form.register('type')} data-testid="incident-type">
                {incidentTypeValues.map((v) => (
                  <option key={v} value={v}>
                    {t(`incidents.types.${v}`)}
                  </option>
                ))}
              </select>
            </Field>
            <Controller
              control={form.control}
              name="detectedAt"
              render={({ field }) => (
                <Field
                  label={t('incidents.field.detectedAt')}
                  hint={t('incidents.detectedAtHint')}
                  error={errors.detectedAt}
                >
                  <DateInput
                    withTime
                    value={field.value}
                    onChange={field.onChange}
                    onInvalid={field.onChange}
                    onBlur={field.onBlur}
                    data-testid="incident-detectedAt"
                  />
                </Field>
              )}
            />
            <Controller
              control={form.control}
              name="systemId"
              render={({ field }) => (
                <Field label={t('incidents.field.systemId')} error={errors.systemId}>
                  <select
                    value={field.value ?? ''}
                    onChange={(e) => field.onChange(e.target.value || null)}
                    data-testid="incident-systemId"
                  >
                    <option value="">{t('incidents.noSystem')}</option>
                    {own.map((s) => (
                      <option key={s.id} value={s.id}>
                        {s.name}
                      </option>
                    ))}
                  </select>
                </Field>
              )}
            />
            {line('provider')}
          </div>
        </section>

        <section className="panel">
          <h2 className="inc-panel-title">{t('incidents.section.contact')}</h2>
          <div className="form-grid">
            {line('contactName')}
            {line('contactPosition')}
            {line('contactPhone')}
            {line('contactEmail')}
          </div>
        </section>

        <section className="panel">
          <h2 className="inc-panel-title">{t('incidents.section.description')}</h2>
          {TEXTS.map((k) => (
            <div key={k}>{text(k)}</div>
          ))}
        </section>

        <section className="panel" data-testid="incident-severity">
          <h2 className="inc-panel-title">{t('incidents.section.severity')}</h2>
          {severity ? (
            <p className="small">
              {i18n.language === 'en' ? severity.en : severity.vi}{' '}
              <span className="muted">({severity.legalBasis})</span>
            </p>
          ) : (
            <p className="muted small">{t('incidents.noSeverityRule')}</p>
          )}
          <fieldset className="factor-list">
            <legend className="field-label">{t('incidents.factorsLegend')}</legend>
            {severityFactorValues.map((f) => (
              <label key={f} className="check">
                <input
                  type="checkbox"
                  value={f}
                  {...form.register('severityFactors')}
                  data-testid={`incident-factor-${f}`}
                />
                <span>{t(`incidents.factors.${f}`)}</span>
              </label>
            ))}
            <label className="check">
              <input type="checkbox" {...form.register('beyondCapability')} data-testid="incident-beyondCapability" />
              <span>{t('incidents.field.beyondCapability')}</span>
            </label>
          </fieldset>
          <p className="muted small">{t('incidents.severityDecided')}</p>
        </section>

        <section className="panel">
          <h2 className="inc-panel-title">{t('incidents.section.affected')}</h2>
          <div className="form-grid">
            {!orgsPending && others.length === 0 ? (
              nothingToChoose(
                t('incidents.field.affectedOrganisationIds'),
                t('incidents.noOtherOrganisations'),
                'incident-no-other-organisations',
              )
            ) : (
              <Controller
                control={form.control}
                name="affectedOrganisationIds"
                render={({ field }) => (
                  <Field label={t('incidents.field.affectedOrganisationIds')} hint={t('incidents.multiHint')}>
                    <select
                      multiple
                      className="multi-select"
                      value={field.value ?? []}
                      onChange={(e) => field.onChange([...e.target.selectedOptions].map((o) => o.value))}
                      data-testid="incident-affectedOrganisationIds"
                    >
                      {others.map(({ org }) => (
                        <option key={org.id} value={org.id}>
                          {orgLabel(tree, org.id)}
                        </option>
                      ))}
                    </select>
                  </Field>
                )}
              />
            )}
            {systems.data && all.length === 0 ? (
              nothingToChoose(t('incidents.field.affectedSystemIds'), t('incidents.noSystems'), 'incident-no-systems')
            ) : (
              <Controller
                control={form.control}
                name="affectedSystemIds"
                render={({ field }) => (
                  <Field label={t('incidents.field.affectedSystemIds')} hint={t('incidents.multiHint')}>
                    <select
                      multiple
                      className="multi-select"
                      value={field.value ?? []}
                      onChange={(e) => field.onChange([...e.target.selectedOptions].map((o) => o.value))}
                      data-testid="incident-affectedSystemIds"
                    >
                      {all.map((s) => (
                        <option key={s.id} value={s.id}>
                          {s.name} — {s.organisationName}
                        </option>
                      ))}
                    </select>
                  </Field>
                )}
              />
            )}
          </div>
        </section>

        <ErrorMessage error={server.error} />
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={isSubmitting} data-testid="incident-save">
            {isSubmitting ? t('common.working') : incident ? t('common.save') : t('incidents.submitReport')}
          </button>
          <a className="btn" href={incident ? incidentPath(incident.id) : INCIDENTS_PATH} onClick={followLink}>
            {t('common.cancel')}
          </a>
        </div>
      </form>
    </>
  );
}
