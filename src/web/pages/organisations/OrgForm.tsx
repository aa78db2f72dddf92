import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { api } from '../../lib/api.ts';
import { ORGANISATION_TYPES, type OrganisationType } from '../../lib/roles.ts';
import { type OrgTree, subtreeIds } from '../../lib/tree.ts';
import type { Organisation } from '../../lib/types.ts';
import { useAction } from '../../lib/useAction.ts';

type Props = {
  /** The organisation being edited; absent when creating one. */
  org?: Organisation;
  parentId: string | null;
  tree: OrgTree;
  onSaved: (org: Organisation) => void;
  onCancel: () => void;
};

const TEXT_FIELDS = ['headName', 'headTitle', 'email', 'phone', 'address'] as const;

export function OrgForm({ org, parentId, tree, onSaved, onCancel }: Props) {
  const { t } = useTranslation();
  const [form, setForm] = useState({
    code: org?.code ?? '',
    name: org?.name ?? '',
    type: org?.type ?? ('department' as OrganisationType),
    parentId: org ? (org.parentId ?? '') : (parentId ?? ''),
    headName: org?.headName ?? '',
    headTitle: org?.headTitle ?? '',
    email: org?.email ?? '',
    phone: org?.phone ?? '',
    address: org?.address ?? '',
    validFrom: org?.validFrom ?? '',
    validTo: org?.validTo ?? '',
    ipRanges: org?.ipRanges.join('\n') ?? '',
  });
  const { error, busy, run } = useAction();
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [k]: e.target.value }));
  // An organisation cannot move under itself or its own descendants.
  const excluded = org ? subtreeIds(tree, org.id) : new Set<string>();

  async function submit(e: FormEvent) {
    e.preventDefault();
    // Empty inputs mean "not set": the API wants null, not "".
    const orNull = (v: string) => v.trim() || null;
    const body = {
      code: form.code.trim(),
      name: form.name.trim(),
      type: form.type,
      parentId: orNull(form.parentId),
      ...Object.fromEntries(TEXT_FIELDS.map((k) => [k, orNull(form[k])])),
      validFrom: orNull(form.validFrom),
      validTo: orNull(form.validTo),
      ipRanges: form.ipRanges
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
    };
    await run(async () => {
      onSaved(
        org
          ? await api<Organisation>('PUT', `/api/organisations/${org.id}`, body)
          : await api<Organisation>('POST', '/api/organisations', body),
      );
    });
  }

  return (
    <form className="panel" onSubmit={submit} data-testid="org-form">
      <h2>{org ? t('organisations.editTitle', { name: org.name }) : t('organisations.new')}</h2>
      <ErrorMessage error={error} />
      <div className="form-grid">
        <Field label={t('organisations.code')}>
          <input name="code" required maxLength={50} value={form.code} onChange={set('code')} />
        </Field>
        <Field label={t('organisations.type')}>
          <select name="type" value={form.type} onChange={set('type')}>
            {ORGANISATION_TYPES.map((type) => (
              <option key={type} value={type}>
                {t(`orgTypes.${type}`)}
              </option>
            ))}
          </select>
        </Field>
        <div className="span-2">
          <Field label={t('organisations.name')}>
            <input name="name" required minLength={2} maxLength={300} value={form.name} onChange={set('name')} />
          </Field>
        </div>
        <div className="span-2">
          <Field label={t('organisations.parent')}>
            <OrgSelect
              name="parentId"
              tree={tree}
              value={form.parentId}
              onChange={(parentId) => setForm((f) => ({ ...f, parentId }))}
              allLabel={t('organisations.noParent')}
              skip={(o) => excluded.has(o.id)}
            />
          </Field>
        </div>
        <Field label={t('organisations.headName')}>
          <input name="headName" value={form.headName} onChange={set('headName')} />
        </Field>
        <Field label={t('organisations.headTitle')}>
          <input name="headTitle" value={form.headTitle} onChange={set('headTitle')} />
        </Field>
        <Field label={t('organisations.email')}>
          <input name="email" type="email" value={form.email} onChange={set('email')} />
        </Field>
        <Field label={t('organisations.phone')}>
          <input name="phone" type="tel" value={form.phone} onChange={set('phone')} />
        </Field>
        <div className="span-2">
          <Field label={t('organisations.address')}>
            <input name="address" value={form.address} onChange={set('address')} />
          </Field>
        </div>
        <Field label={t('organisations.validFrom')}>
          <input name="validFrom" type="date" value={form.validFrom} onChange={set('validFrom')} />
        </Field>
        <Field label={t('organisations.validTo')}>
          <input name="validTo" type="date" value={form.validTo} onChange={set('validTo')} />
        </Field>
        <div className="span-2">
          <Field label={t('organisations.ipRanges')} hint={t('organisations.ipRangesHint')}>
            <textarea
              name="ipRanges"
              rows={4}
              spellCheck={false}
              className="mono"
              value={form.ipRanges}
              onChange={set('ipRanges')}
            />
          </Field>
        </div>
      </div>
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="org-save">
          {t('common.save')}
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
