import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { api } from '../../lib/api.ts';
import { followLink, navigate, useSearch } from '../../lib/router.ts';
import { useSession } from '../../lib/session.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import { ClassificationAid } from './ClassificationAid.tsx';
import {
  type Classification,
  ICS_WORKS_GRADES,
  INFRA_SCOPES,
  SECRET_GRADES,
  SECURITY_HARMS,
  SYSTEM_TYPES,
  SYSTEMS_PATH,
  type SystemInput,
  type SystemView,
  systemPath,
} from './systems.ts';
import { useOnlineServiceScale } from './useOnlineServiceScale.ts';
import './systems.css';

type Form = Omit<SystemInput, 'hosts' | 'software'> & { hosts: string; software: string };

const EMPTY: Form = {
  organisationId: '',
  code: null,
  name: '',
  purpose: null,
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
  usersDescription: null,
  hosting: null,
  ownerName: null,
  operatorName: null,
  inServiceFrom: null,
  hosts: '',
  software: '',
};

// Hosts and software are typed one per line, in the export layout's notation (hostname=address; name|vendor|version|cpe).
const hostsText = (s: SystemView) =>
  s.hosts.map((h) => (h.hostname ? `${h.hostname}=${h.address}` : h.address)).join('\n');
const softwareText = (s: SystemView) =>
  s.software
    .map((w) => [w.name, w.vendor ?? '', w.version ?? '', w.cpe ?? ''].join('|').replace(/\|+$/, ''))
    .join('\n');
const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

function toInput(f: Form): SystemInput {
  return {
    ...f,
    hosts: lines(f.hosts).map((l) => {
      const [a, b] = l.split('=');
      return b !== undefined ? { hostname: a?.trim() || null, address: b.trim() } : { hostname: null, address: l };
    }),
    software: lines(f.software).map((l) => {
      const [name = '', vendor, version, cpe] = l.split('|').map((p) => p.trim());
      return { name, vendor: vendor || null, version: version || null, cpe: cpe || null };
    }),
  };
}

const classificationOf = (f: Form): Classification => ({
  systemType: f.systemType,
  infoPublic: f.infoPublic,
  infoPrivate: f.infoPrivate,
  infoPersonal: f.infoPersonal,
  userCount: f.userCount,
  stateSecretGrade: f.stateSecretGrade,
  securityHarm: f.securityHarm,
  onlineServiceLevel: f.onlineServiceLevel,
  conditionalBusiness: f.conditionalBusiness,
  infrastructureScope: f.infrastructureScope,
  icsWorksGrade: f.icsWorksGrade,
  national24x7: f.national24x7,
  nationalDatabase: f.nationalDatabase,
  // Only an industrial control system controls works (NĐ 85 Điều 11 khoản 4).
  nationalSecurityWorks: f.systemType === 'industrial_control' && f.nationalSecurityWorks,
  internationalInterconnect: f.internationalInterconnect,
  criticalList: f.criticalList,
});

const num = (v: string) => (v.trim() === '' ? null : Math.max(0, Math.trunc(Number(v))));

/** Đăng ký / sửa hệ thống thông tin, with the classification aid beside the answers. */
export function SystemEditPage() {
  const { t } = useTranslation();
  const { me } = useSession();
  const id = useSearch().get('id');
  const { tree, error: orgError } = useOrgTree();
  const scale = useOnlineServiceScale();
  const [form, setForm] = useState<Form>({ ...EMPTY, organisationId: me.user.organisationId ?? '' });
  const [loadError, setLoadError] = useState<unknown>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!id) return;
    api<SystemView>('GET', `/api/systems/${id}`).then(
      (s) => setForm({ ...EMPTY, ...s, hosts: hostsText(s), software: softwareText(s) }),
      setLoadError,
    );
  }, [id]);
  // An agency officer registers for their own organisation, the only one they have: preselect it.
  useEffect(() => {
    const only = tree.roots.length === 1 && tree.byId.size === 1 ? tree.roots[0] : undefined;
    if (!form.organisationId && only) setForm((f) => ({ ...f, organisationId: only.id }));
  }, [tree, form.organisationId]);

  const set = <K extends keyof Form>(key: K, value: Form[K]) => setForm((f) => ({ ...f, [key]: value }));
  const check = (key: keyof Classification, basis?: string) => (
    <label className="check">
      <input
        type="checkbox"
        checked={form[key] as boolean}
        onChange={(e) => set(key, e.target.checked as never)}
        data-testid={`system-${key}`}
      />
      <span>
        {t(`systems.field.${key}`)}
        {basis && <span className="muted small"> ({basis})</span>}
      </span>
    </label>
  );

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const input = { ...toInput(form), ...classificationOf(form) };
      const saved = id
        ? await api<SystemView>('PUT', `/api/systems/${id}`, input)
        : await api<SystemView>('POST', '/api/systems', input);
      navigate(systemPath(saved.id));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  const text = (key: 'code' | 'purpose' | 'usersDescription' | 'hosting' | 'ownerName' | 'operatorName') => (
    <Field label={t(`systems.field.${key}`)}>
      <input value={form[key] ?? ''} onChange={(e) => set(key, e.target.value || null)} data-testid={`system-${key}`} />
    </Field>
  );

  return (
    <>
      <h1>{id ? t('systems.editTitle') : t('systems.registerTitle')}</h1>
      <ErrorMessage error={loadError ?? orgError ?? scale.error} />
      <form className="system-form" onSubmit={submit} data-testid="system-form">
        <div className="system-form-main">
          <section className="panel">
            <h2 className="sys-panel-title">{t('systems.section.general')}</h2>
            <div className="form-grid">
              <Field label={t('systems.organisation')}>
                <OrgSelect
                  tree={tree}
                  value={form.organisationId}
                  onChange={(v) => set('organisationId', v)}
                  allLabel={t('systems.chooseOrganisation')}
                  name="organisationId"
                />
              </Field>
              {text('code')}
              <div className="span-2">
                <Field label={t('systems.field.name')}>
                  <input
                    required
                    minLength={2}
                    value={form.name}
                    onChange={(e) => set('name', e.target.value)}
                    data-testid="system-name"
                  />
                </Field>
              </div>
              <div className="span-2">{text('purpose')}</div>
              {text('ownerName')}
              {text('operatorName')}
              {text('hosting')}
              <Field label={t('systems.field.inServiceFrom')} hint={t('systems.hint.inServiceFrom')}>
                <DateInput
                  value={form.inServiceFrom ?? ''}
                  onChange={(v) => set('inServiceFrom', v || null)}
                  data-testid="system-inServiceFrom"
                />
              </Field>
              <div className="span-2">{text('usersDescription')}</div>
            </div>
          </section>

          <section className="panel" data-testid="classification-questions">
            <h2 className="sys-panel-title">{t('systems.section.classification')}</h2>
            <p className="muted small">{t('systems.section.classificationHint')}</p>
            <div className="form-grid">
              <Field label={t('systems.field.systemType')} hint={t('systems.hint.systemType')}>
                <select
                  value={form.systemType}
                  onChange={(e) => set('systemType', e.target.value as Form['systemType'])}
                  data-testid="system-systemType"
                >
                  {SYSTEM_TYPES.map((v) => (
                    <option key={v} value={v}>
                      {t(`systems.type.${v}`)}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label={t('systems.field.stateSecretGrade')} hint={t('systems.hint.stateSecretGrade')}>
                <select
                  value={form.stateSecretGrade}
                  onChange={(e) => set('stateSecretGrade', e.target.value as Form['stateSecretGrade'])}
                  data-testid="system-stateSecretGrade"
                >
                  {SECRET_GRADES.map((v) => (
                    <option key={v} value={v}>
                      {t(`systems.secret.${v}`)}
                    </option>
                  ))}
                </select>
              </Field>
              <div className="span-2">
                <Field label={t('systems.field.securityHarm')} hint={t('systems.hint.securityHarm')}>
                  <select
                    value={form.securityHarm}
                    onChange={(e) => set('securityHarm', e.target.value as Form['securityHarm'])}
                    data-testid="system-securityHarm"
                  >
                    {SECURITY_HARMS.map((v) => (
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
              <Field label={t('systems.field.userCount')} hint={t('systems.hint.userCount')}>
                <input
                  type="number"
                  min={0}
                  inputMode="numeric"
                  value={form.userCount ?? ''}
                  onChange={(e) => set('userCount', num(e.target.value))}
                  data-testid="system-userCount"
                />
              </Field>
              <Field
                label={t('systems.field.onlineServiceLevel')}
                hint={t('systems.hint.onlineServiceLevel', { basis: scale.basis ?? '—' })}
              >
                <select
                  value={form.onlineServiceLevel}
                  onChange={(e) => set('onlineServiceLevel', Number(e.target.value))}
                  data-testid="system-onlineServiceLevel"
                >
                  {(scale.values.includes(form.onlineServiceLevel)
                    ? scale.values
                    : [...scale.values, form.onlineServiceLevel].sort((a, b) => a - b)
                  ).map((v) => (
                    <option key={v} value={v}>
                      {scale.label(v)}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label={t('systems.field.infrastructureScope')}>
                <select
                  value={form.infrastructureScope}
                  onChange={(e) => set('infrastructureScope', e.target.value as Form['infrastructureScope'])}
                  data-testid="system-infrastructureScope"
                >
                  {INFRA_SCOPES.map((v) => (
                    <option key={v} value={v}>
                      {t(`systems.scope.${v}`)}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label={t('systems.field.icsWorksGrade')}>
                <select
                  value={form.icsWorksGrade}
                  onChange={(e) => set('icsWorksGrade', e.target.value as Form['icsWorksGrade'])}
                  data-testid="system-icsWorksGrade"
                >
                  {ICS_WORKS_GRADES.map((v) => (
                    <option key={v} value={v}>
                      {t(`systems.ics.${v}`)}
                    </option>
                  ))}
                </select>
              </Field>
              {form.systemType === 'industrial_control' && (
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
              <Field label={t('systems.field.hosts')} hint={t('systems.hint.hosts')}>
                <textarea rows={4} value={form.hosts} onChange={(e) => set('hosts', e.target.value)} />
              </Field>
              <Field label={t('systems.field.software')} hint={t('systems.hint.software')}>
                <textarea rows={4} value={form.software} onChange={(e) => set('software', e.target.value)} />
              </Field>
            </div>
          </section>
          <ErrorMessage error={error} />
          <div className="actions">
            <button type="submit" className="btn btn-primary" disabled={busy} data-testid="system-save">
              {busy ? t('common.working') : t('common.save')}
            </button>
            <a className="btn" href={id ? systemPath(id) : SYSTEMS_PATH} onClick={followLink}>
              {t('common.cancel')}
            </a>
          </div>
        </div>
        <ClassificationAid answers={classificationOf(form)} />
      </form>
    </>
  );
}
