import { useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useRouter } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { Controller, useFieldArray } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { ZAdvisoryInput } from '../../../modules/advisories/advisories.input.ts';
import { $api } from '../../api/client.ts';
import { type AdvisoryDetail, advisoryProductStatusValues, advisorySeverityValues } from '../../api/schema.gen.ts';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { uploadFile } from '../../lib/api.ts';
import { useZodForm } from '../../lib/forms.ts';
import { followLink, query } from '../../lib/router.ts';
import { useServerErrors } from '../systems/formParts.tsx';
import { ADVISORIES_PATH, advisoryPath, refreshAdvisories } from './ui.ts';
import './advisories.css';

const route = getRouteApi('/app/advisories/edit');

export type AdvisoryFormValues = z.input<typeof ZAdvisoryInput>;

/** CVE ids typed as one text (commas, spaces or lines), given to the form as the list the server takes. */
function CvesInput({ value, onChange, ...rest }: { value: string[]; onChange: (cves: string[]) => void; id?: string }) {
  const [text, setText] = useState(() => value.join(', '));
  return (
    <input
      {...rest}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        onChange(e.target.value.split(/[\s,;]+/).filter(Boolean));
      }}
      placeholder="CVE-2024-3400, CVE-2024-47553"
      data-testid="advisory-cves-input"
    />
  );
}

const EMPTY_PRODUCT = {
  vendor: '',
  product: '',
  version: '',
  versionStartIncluding: '',
  versionStartExcluding: '',
  versionEndIncluding: '',
  versionEndExcluding: '',
  cpe: '',
  status: 'known_affected' as const,
};

const EMPTY: AdvisoryFormValues = {
  title: '',
  summary: '',
  severity: 'high',
  cvssScore: null,
  cvssVector: '',
  cves: [],
  sourceBody: '',
  sourceNumber: '',
  issuedOn: null,
  acknowledgeBy: null,
  actBy: null,
  products: [EMPTY_PRODUCT],
};

const valuesOf = (d: AdvisoryDetail): AdvisoryFormValues => ({
  title: d.advisory.title,
  summary: d.advisory.summary ?? '',
  severity: d.advisory.severity,
  cvssScore: d.advisory.cvssScore,
  cvssVector: d.advisory.cvssVector ?? '',
  cves: d.advisory.cves,
  sourceBody: d.advisory.sourceBody ?? '',
  sourceNumber: d.advisory.sourceNumber ?? '',
  issuedOn: d.advisory.issuedOn,
  acknowledgeBy: d.advisory.acknowledgeBy,
  actBy: d.advisory.actBy,
  products: d.products.map((p) => ({
    vendor: p.vendor ?? '',
    product: p.product,
    version: p.version ?? '',
    versionStartIncluding: p.versionStartIncluding ?? '',
    versionStartExcluding: p.versionStartExcluding ?? '',
    versionEndIncluding: p.versionEndIncluding ?? '',
    versionEndExcluding: p.versionEndExcluding ?? '',
    cpe: p.cpe ?? '',
    status: p.status,
  })),
});

/**
 * Nhập cảnh báo: an advisory typed in from the letter of the national body (its number, the affected products with
 * their version ranges, CVEs, deadlines) with the letter itself attached. Saved as a draft: the Department reviews
 * whom it targets before publishing. A draft is edited here too.
 */
export function AdvisoryEditPage() {
  const { t } = useTranslation();
  const { id } = route.useSearch();
  const existing = $api.useQuery(
    'get',
    '/api/advisories/{id}',
    { params: { path: { id: id ?? '' } } },
    { enabled: !!id },
  );
  if (id && !existing.data)
    return existing.error ? <ErrorMessage error={existing.error} /> : <p className="muted">{t('common.loading')}</p>;
  return <AdvisoryForm existing={existing.data} />;
}

function AdvisoryForm({ existing }: { existing?: AdvisoryDetail | undefined }) {
  const { t } = useTranslation();
  const router = useRouter();
  const queryClient = useQueryClient();
  const form = useZodForm(ZAdvisoryInput, { defaultValues: existing ? valuesOf(existing) : EMPTY });
  const products = useFieldArray({ control: form.control, name: 'products' });
  const server = useServerErrors(form);
  const [letter, setLetter] = useState<File | null>(null);
  const create = $api.useMutation('post', '/api/advisories');
  const update = $api.useMutation('put', '/api/advisories/{id}');
  const errors = form.formState.errors;
  useEffect(() => {
    document.title = `${t(existing ? 'advisories.editTitle' : 'nav.advisoryEdit')} · Khiên`;
  }, [existing, t]);

  const submit = form.handleSubmit(async (body) => {
    server.clear();
    try {
      const saved = existing
        ? await update.mutateAsync({ params: { path: { id: existing.advisory.id } }, body })
        : await create.mutateAsync({ body });
      if (letter)
        await uploadFile(`/api/advisories/${saved.advisory.id}/attachments${query({ filename: letter.name })}`, letter);
      await refreshAdvisories(queryClient);
      await router.navigate({ href: advisoryPath(saved.advisory.id) });
    } catch (e) {
      server.take(e);
    }
  });

  const text = (name: 'title' | 'sourceBody' | 'sourceNumber' | 'cvssVector', label: string, hint?: string) => (
    <Field label={label} hint={hint} error={errors[name]}>
      <input {...form.register(name)} data-testid={`advisory-field-${name}`} />
    </Field>
  );
  const day = (name: 'issuedOn' | 'acknowledgeBy' | 'actBy', label: string, hint?: string) => (
    <Controller
      control={form.control}
      name={name}
      render={({ field }) => (
        <Field label={label} hint={hint} error={errors[name]}>
          {(aria) => (
            <DateInput
              {...aria}
              value={field.value ?? ''}
              onChange={(v) => field.onChange(v || null)}
              onInvalid={field.onChange}
              onBlur={field.onBlur}
              data-testid={`advisory-field-${name}`}
            />
          )}
        </Field>
      )}
    />
  );

  return (
    <>
      <p className="small">
        <a href={existing ? advisoryPath(existing.advisory.id) : ADVISORIES_PATH} onClick={followLink}>
          ← {existing ? existing.advisory.title : t('nav.advisories')}
        </a>
      </p>
      <h1>{existing ? t('advisories.editTitle') : t('nav.advisoryEdit')}</h1>
      <p className="muted">{t('advisories.formIntro')}</p>
      <form onSubmit={submit} noValidate data-testid="advisory-form">
        <section className="panel">
          <h2>{t('advisories.letter')}</h2>
          <div className="form-grid">
            <div className="span-2">{text('title', t('advisories.titleLabel'))}</div>
            {text('sourceBody', t('advisories.sourceBody'), t('advisories.sourceBodyHint'))}
            {text('sourceNumber', t('advisories.sourceNumber'), t('advisories.sourceNumberHint'))}
            {day('issuedOn', t('advisories.issuedOn'))}
            <Field label={t('advisories.letterFile')} hint={t('advisories.letterHint')}>
              <input
                type="file"
                onChange={(e) => setLetter(e.target.files?.[0] ?? null)}
                data-testid="advisory-letter"
              />
            </Field>
            <div className="span-2">
              <Field label={t('advisories.summary')} error={errors.summary}>
                <textarea rows={4} {...form.register('summary')} data-testid="advisory-summary-input" />
              </Field>
            </div>
          </div>
        </section>
        <section className="panel">
          <h2>{t('advisories.vulnerability')}</h2>
          <div className="form-grid">
            <Field label={t('advisories.severity')} error={errors.severity}>
              <select {...form.register('severity')} data-testid="advisory-severity">
                {advisorySeverityValues.map((s) => (
                  <option key={s} value={s}>
                    {t(`vuln.severity.${s}`)}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={t('advisories.cvssScore')} error={errors.cvssScore}>
              <input
                type="number"
                step="0.1"
                min={0}
                max={10}
                {...form.register('cvssScore', {
                  setValueAs: (v: string) => (v === '' || v === null ? null : Number(v)),
                })}
                data-testid="advisory-cvssScore"
              />
            </Field>
            {text('cvssVector', t('advisories.cvssVector'), 'CVSS:3.1/AV:N/AC:L/…')}
            <Controller
              control={form.control}
              name="cves"
              render={({ field }) => (
                <Field label="CVE" hint={t('advisories.cvesHint')} error={errors.cves}>
                  {(aria) => <CvesInput {...aria} value={field.value ?? []} onChange={field.onChange} />}
                </Field>
              )}
            />
            {day('acknowledgeBy', t('advisories.acknowledgeBy'), t('advisories.deadlineHint'))}
            {day('actBy', t('advisories.actBy'), t('advisories.deadlineHint'))}
          </div>
        </section>
        <section className="panel" data-testid="advisory-products-form">
          <h2>{t('advisories.affectedProducts')}</h2>
          <p className="muted small">{t('advisories.productsHint')}</p>
          {products.fields.map((field, i) => {
            const e = errors.products?.[i];
            const input = (name: keyof typeof EMPTY_PRODUCT, label: string, placeholder?: string) => (
              <Field label={label} error={e?.[name]}>
                <input
                  {...form.register(`products.${i}.${name}` as const)}
                  placeholder={placeholder}
                  data-testid={`product-${i}-${name}`}
                />
              </Field>
            );
            return (
              <fieldset key={field.id} className="product-row" data-testid="product-row">
                <legend>{t('advisories.productN', { n: i + 1 })}</legend>
                <div className="form-grid">
                  {input('vendor', t('advisories.vendor'), 'Palo Alto Networks')}
                  {input('product', t('advisories.product'), 'PAN-OS')}
                  {input('version', t('advisories.exactVersion'))}
                  {input('versionStartIncluding', t('advisories.fromVersion'))}
                  {input('versionEndExcluding', t('advisories.beforeVersion'))}
                  {input('versionEndIncluding', t('advisories.throughVersion'))}
                  <div className="span-2">
                    {input('cpe', 'CPE', 'cpe:2.3:o:paloaltonetworks:pan-os:*:*:*:*:*:*:*:*')}
                  </div>
                  <Field label={t('advisories.productStatus')}>
                    <select {...form.register(`products.${i}.status` as const)} data-testid={`product-${i}-status`}>
                      {advisoryProductStatusValues.map((s) => (
                        <option key={s} value={s}>
                          {t(`advisories.productStatuses.${s}`)}
                        </option>
                      ))}
                    </select>
                  </Field>
                  <div className="actions">
                    <button type="button" className="btn btn-quiet btn-small" onClick={() => products.remove(i)}>
                      {t('advisories.removeProduct')}
                    </button>
                  </div>
                </div>
              </fieldset>
            );
          })}
          <button
            type="button"
            className="btn btn-small"
            onClick={() => products.append(EMPTY_PRODUCT)}
            data-testid="product-add"
          >
            {t('advisories.addProduct')}
          </button>
        </section>
        <ErrorMessage error={server.error} />
        <div className="actions">
          <button
            type="submit"
            className="btn btn-primary"
            disabled={form.formState.isSubmitting}
            data-testid="advisory-save"
          >
            {form.formState.isSubmitting ? t('common.working') : t('advisories.saveDraft')}
          </button>
        </div>
      </form>
    </>
  );
}
