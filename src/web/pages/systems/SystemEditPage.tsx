import { getRouteApi, useRouter } from '@tanstack/react-router';
import { useEffect } from 'react';
import { Controller, useWatch } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { ZSystemHostInput, ZSystemInput, ZSystemSoftwareInput } from '../../../modules/systems/systems.input.ts';
import { $api } from '../../api/client.ts';
import {
  icsWorksGradeValues,
  infrastructureScopeValues,
  type SystemDetail,
  securityHarmValues,
  stateSecretGradeValues,
  systemTypeValues,
} from '../../api/schema.gen.ts';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { useZodForm } from '../../lib/forms.ts';
import { followLink } from '../../lib/router.ts';
import { useSession } from '../../lib/session.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { type Classification, ClassificationAid } from './ClassificationAid.tsx';
import { useServerErrors } from './formParts.tsx';
import { refreshProgramme } from './refresh.ts';
import { SYSTEMS_PATH, systemPath } from './ui.ts';
import { useOnlineServiceScale } from './useOnlineServiceScale.ts';
import './systems.css';

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/**
 * The registration form: the server's schema, with hosts and software typed one per line in the export layout's
 * notation (hostname=address; name|vendor|version|cpe) and read into the lists the server takes.
 */
export const ZSystemForm = ZSystemInput.extend({
  hosts: z
    .string()
    .transform((text): z.input<typeof ZSystemHostInput>[] =>
      lines(text).map((l) => {
        const [a, b] = l.split('=');
        return b !== undefined ? { hostname: a?.trim() || null, address: b.trim() } : { hostname: null, address: l };
      }),
    )
    .pipe(z.array(ZSystemHostInput).max(1000)),
  software: z
    .string()
    .transform((text): z.input<typeof ZSystemSoftwareInput>[] =>
      lines(text).map((l) => {
        const [name = '', vendor, version, cpe] = l.split('|').map((p) => p.trim());
        return { name, vendor: vendor || null, version: version || null, cpe: cpe || null };
      }),
    )
    .pipe(z.array(ZSystemSoftwareInput).max(1000)),
});
export type SystemFormValues = z.input<typeof ZSystemForm>;

const EMPTY: SystemFormValues = {
  organisationId: '',
  code: '',
  name: '',
  purpose: '',
  systemType: 'internal',
  infoPublic: true,
  infoPrivate: false,
  infoPersonal: false,
  userCount: null,
  stateSecretGrade: 'none',
  securityHarm: 'none',
  onlineServiceLevel: 0,
  conditionalBusiness: false,
  infrastructureScope: 'none',
  icsWorksGrade: 'none',
  national24x7: false,
  nationalDatabase: false,
  nationalSecurityWorks: false,
  internationalInterconnect: false,
  criticalList: false,
  usersDescription: '',
  hosting: '',
  ownerName: '',
  operatorName: '',
  inServiceFrom: null,
  hosts: '',
  software: '',
};

/** A registered system as the form's values (texts for the nullable fields, hosts and software as lines). */
export const formValues = (s: SystemDetail): SystemFormValues => ({
  ...EMPTY,
  organisationId: s.organisationId,
  code: s.code ?? '',
  name: s.name,
  purpose: s.purpose ?? '',
  systemType: s.systemType,
  infoPublic: s.infoPublic,
  infoPrivate: s.infoPrivate,
  infoPersonal: s.infoPersonal,
  userCount: s.userCount,
  stateSecretGrade: s.stateSecretGrade,
  securityHarm: s.securityHarm,
  onlineServiceLevel: s.onlineServiceLevel,
  conditionalBusiness: s.conditionalBusiness,
  infrastructureScope: s.infrastructureScope,
  icsWorksGrade: s.icsWorksGrade,
  national24x7: s.national24x7,
  nationalDatabase: s.nationalDatabase,
  nationalSecurityWorks: s.nationalSecurityWorks,
  internationalInterconnect: s.internationalInterconnect,
  criticalList: s.criticalList,
  usersDescription: s.usersDescription ?? '',
  hosting: s.hosting ?? '',
  ownerName: s.ownerName ?? '',
  operatorName: s.operatorName ?? '',
  inServiceFrom: s.inServiceFrom,
  hosts: s.hosts.map((h) => (h.hostname ? `${h.hostname}=${h.address}` : h.address)).join('\n'),
  software: s.software
    .map((w) => [w.name, w.vendor ?? '', w.version ?? '', w.cpe ?? ''].join('|').replace(/\|+$/, ''))
    .join('\n'),
});

const CLASSIFICATION = [
  'systemType',
  'infoPublic',
  'infoPrivate',
  'infoPersonal',
  'userCount',
  'stateSecretGrade',
  'securityHarm',
  'onlineServiceLevel',
  'conditionalBusiness',
  'infrastructureScope',
  'icsWorksGrade',
  'national24x7',
  'nationalDatabase',
  'nationalSecurityWorks',
  'internationalInterconnect',
  'criticalList',
] as const;

/** The classification answers of the form; only an industrial control system controls works (NĐ 85 Điều 11.4). */
const classificationOf = (v: Partial<Classification>): Classification => {
  const answers = Object.fromEntries(CLASSIFICATION.map((k) => [k, v[k]])) as Classification;
  const count = answers.userCount;
  return {
    ...answers,
    userCount: typeof count === 'number' && Number.isFinite(count) && count >= 0 ? Math.trunc(count) : null,
    nationalSecurityWorks: v.systemType === 'industrial_control' && !!v.nationalSecurityWorks,
  };
};

const edit = getRouteApi('/app/systems/edit');

/** Đăng ký / sửa hệ thống thông tin, with the classification aid beside the answers. */
export function SystemEditPage() {
  const { t } = useTranslation();
  const { id } = edit.useSearch();
  const system = $api.useQuery('get', '/api/systems/{id}', { params: { path: { id: id ?? '' } } }, { enabled: !!id });
  if (id && system.error) return <ErrorMessage error={system.error} />;
  if (id && !system.data) return <p className="muted">{t('common.loading')}</p>;
  return <SystemForm key={system.data?.updatedAt ?? 'new'} system={system.data ?? null} />;
}

export function SystemForm({ system }: { system: SystemDetail | null }) {
  const { t } = useTranslation();
  const router = useRouter();
  const { me } = useSession();
  const { tree, error: orgError } = useOrgTree();
  const scale = useOnlineServiceScale();
  const form = useZodForm(ZSystemForm, {
    defaultValues: system ? formValues(system) : { ...EMPTY, organisationId: me.user.organisationId ?? '' },
  });
  const server = useServerErrors(form);
  const create = $api.useMutation('post', '/api/systems', { onSuccess: refreshProgramme });
  const update = $api.useMutation('put', '/api/systems/{id}', { onSuccess: refreshProgramme });
  const { errors, isSubmitting } = form.formState;
  const values = useWatch({ control: form.control }) as Partial<SystemFormValues>;
  const organisationId = values.organisationId;

  // An agency officer registers for their own organisation, the only one they have: preselect it.
  useEffect(() => {
    const only = tree.roots.length === 1 && tree.byId.size === 1 ? tree.roots[0] : undefined;
    if (!organisationId && only) form.setValue('organisationId', only.id);
  }, [tree, organisationId, form]);

  const submit = form.handleSubmit(async (input) => {
    server.clear();
    const body = { ...input, ...classificationOf(input) };
    try {
      const saved = system
        ? await update.mutateAsync({ params: { path: { id: system.id } }, body })
        : await create.mutateAsync({ body });
      await router.navigate({ href: systemPath(saved.id) });
    } catch (err) {
      server.take(err);
    }
  });

  const check = (key: (typeof CLASSIFICATION)[number], basis?: string) => (
    <label className="check">
      <input type="checkbox" {...form.register(key)} data-testid={`system-${key}`} />
      <span>
        {t(`systems.field.${key}`)}
        {basis && <span className="muted small"> ({basis})</span>}
      </span>
    </label>
  );
  const text = (key: 'code' | 'purpose' | 'usersDescription' | 'hosting' | 'ownerName' | 'operatorName') => (
    <Field label={t(`systems.field.${key}`)} error={errors[key]}>
      <input {...form.register(key)} data-testid={`system-${key}`} />
    </Field>
  );
  const level = values.onlineServiceLevel ?? 0;

  return (
    <>
      <h1>{system ? t('systems.editTitle') : t('systems.registerTitle')}</h1>
      <ErrorMessage error={orgError ?? scale.error} />
      <form className="system-form" onSubmit={submit} noValidate data-testid="system-form">
        <div className="system-form-main">
          <section className="panel">
            <h2 className="sys-panel-title">{t('systems.section.general')}</h2>
            <div className="form-grid">
              <Controller
                control={form.control}
                name="organisationId"
                render={({ field }) => (
                  <Field label={t('systems.organisation')} error={errors.organisationId}>
                    <OrgSelect
                      tree={tree}
                      value={field.value}
                      onChange={field.onChange}
                      allLabel={t('systems.chooseOrganisation')}
                      name="organisationId"
                    />
                  </Field>
                )}
              />
              {text('code')}
              <div className="span-2">
                <Field label={t('systems.field.name')} error={errors.name}>
                  <input {...form.register('name')} data-testid="system-name" />
                </Field>
              </div>
              <div className="span-2">{text('purpose')}</div>
              {text('ownerName')}
              {text('operatorName')}
              {text('hosting')}
              <Controller
                control={form.control}
                name="inServiceFrom"
                render={({ field }) => (
                  <Field
                    label={t('systems.field.inServiceFrom')}
                    hint={t('systems.hint.inServiceFrom')}
                    error={errors.inServiceFrom}
                  >
                    <DateInput
                      value={field.value ?? ''}
                      onChange={(v) => field.onChange(v || null)}
                      onInvalid={field.onChange}
                      onBlur={field.onBlur}
                      data-testid="system-inServiceFrom"
                    />
                  </Field>
                )}
              />
              <div className="span-2">{text('usersDescription')}</div>
            </div>
          </section>

          <section className="panel" data-testid="classification-questions">
            <h2 className="sys-panel-title">{t('systems.section.classification')}</h2>
            <p className="muted small">{t('systems.section.classificationHint')}</p>
            <div className="form-grid">
              <Field label={t('systems.field.systemType')} hint={t('systems.hint.systemType')}>
                <select {...form.register('systemType')} data-testid="system-systemType">
                  {systemTypeValues.map((v) => (
                    <option key={v} value={v}>
                      {t(`systems.type.${v}`)}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label={t('systems.field.stateSecretGrade')} hint={t('systems.hint.stateSecretGrade')}>
                <select {...form.register('stateSecretGrade')} data-testid="system-stateSecretGrade">
                  {stateSecretGradeValues.map((v) => (
                    <option key={v} value={v}>
                      {t(`systems.secret.${v}`)}
                    </option>
                  ))}
                </select>
              </Field>
              <div className="span-2">
                <Field label={t('systems.field.securityHarm')} hint={t('systems.hint.securityHarm')}>
                  <select {...form.register('securityHarm')} data-testid="system-securityHarm">
                    {securityHarmValues.map((v) => (
                      <option key={v} value={v}>
                        {t(`systems.harm.${v}`)}
                      </option>
                    ))}
                  </select>
                </Field>
              </div>
              <fieldset className="span-2 checks">
                <legend>{t('systems.field.infoKinds')}</legend>
                {check('infoPublic')}
                {check('infoPrivate')}
                {check('infoPersonal')}
              </fieldset>
              <Field label={t('systems.field.userCount')} hint={t('systems.hint.userCount')} error={errors.userCount}>
                <input
                  type="number"
                  min={0}
                  inputMode="numeric"
                  {...form.register('userCount', {
                    setValueAs: (v: unknown) => (v === '' || v === null || v === undefined ? null : Number(v)),
                  })}
                  data-testid="system-userCount"
                />
              </Field>
              <Field
                label={t('systems.field.onlineServiceLevel')}
                hint={t('systems.hint.onlineServiceLevel', { basis: scale.basis ?? '—' })}
              >
                <select
                  {...form.register('onlineServiceLevel', { setValueAs: (v: unknown) => Number(v) })}
                  data-testid="system-onlineServiceLevel"
                >
                  {(scale.values.includes(level) ? scale.values : [...scale.values, level].sort((a, b) => a - b)).map(
                    (v) => (
                      <option key={v} value={v}>
                        {scale.label(v)}
                      </option>
                    ),
                  )}
                </select>
              </Field>
              <Field label={t('systems.field.infrastructureScope')}>
                <select {...form.register('infrastructureScope')} data-testid="system-infrastructureScope">
                  {infrastructureScopeValues.map((v) => (
                    <option key={v} value={v}>
                      {t(`systems.scope.${v}`)}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label={t('systems.field.icsWorksGrade')}>
                <select {...form.register('icsWorksGrade')} data-testid="system-icsWorksGrade">
                  {icsWorksGradeValues.map((v) => (
                    <option key={v} value={v}>
                      {t(`systems.ics.${v}`)}
                    </option>
                  ))}
                </select>
              </Field>
              {values.systemType === 'industrial_control' && (
                <div className="span-2">{check('nationalSecurityWorks', t('systems.basis.nationalSecurityWorks'))}</div>
              )}
              <fieldset className="span-2 checks">
                <legend>{t('systems.field.otherCriteria')}</legend>
                {check('conditionalBusiness')}
                {check('national24x7')}
                {check('nationalDatabase', t('systems.basis.nationalDatabase'))}
                {check('internationalInterconnect')}
                {check('criticalList')}
              </fieldset>
            </div>
          </section>

          <section className="panel">
            <h2 className="sys-panel-title">{t('systems.section.assets')}</h2>
            <div className="form-grid">
              <Field label={t('systems.field.hosts')} hint={t('systems.hint.hosts')} error={errors.hosts}>
                <textarea rows={4} {...form.register('hosts')} data-testid="system-hosts" />
              </Field>
              <Field label={t('systems.field.software')} hint={t('systems.hint.software')} error={errors.software}>
                <textarea rows={4} {...form.register('software')} data-testid="system-software" />
              </Field>
            </div>
          </section>
          <ErrorMessage error={server.error} />
          <div className="actions">
            <button type="submit" className="btn btn-primary" disabled={isSubmitting} data-testid="system-save">
              {isSubmitting ? t('common.working') : t('common.save')}
            </button>
            <a className="btn" href={system ? systemPath(system.id) : SYSTEMS_PATH} onClick={followLink}>
              {t('common.cancel')}
            </a>
          </div>
        </div>
        <ClassificationAid answers={classificationOf(values)} />
      </form>
    </>
  );
}
