import { keepPreviousData } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ZStaffInput } from '../../../modules/staff/staff.input.ts';
import { $api, queryClient } from '../../api/client.ts';
import { type StaffImportReport, type StaffMember, staffDutyValues } from '../../api/schema.gen.ts';
import { AsOfPicker } from '../../components/AsOfPicker.tsx';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { ImportReportView } from '../../components/ImportReportView.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { SearchBox } from '../../components/SearchBox.tsx';
import { uploadFile } from '../../lib/api.ts';
import { useAsOf } from '../../lib/asOf.ts';
import { formatCalendarDate } from '../../lib/format.ts';
import { applyServerErrors, useZodForm } from '../../lib/forms.ts';
import { useCan } from '../../lib/session.ts';
import { isUuid, useTableSearch } from '../../lib/tableSearch.ts';
import { useAction } from '../../lib/useAction.ts';
import { useFileUpload } from '../../lib/useFileUpload.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';

type T = (key: string, options?: Record<string, unknown>) => string;
const refresh = () => queryClient.invalidateQueries({ queryKey: ['get', '/api/staff'] });

const columns = (t: T): Column<StaffMember>[] => [
  {
    id: 'fullName',
    header: () => t('staff.fullName'),
    cell: ({ row }) => (
      <div className="cell-name" data-testid="staff-name">
        {row.original.fullName}
        <div className="muted small">{row.original.position ?? ''}</div>
      </div>
    ),
  },
  { id: 'organisation', header: () => t('staff.organisation'), cell: ({ row }) => row.original.organisationName },
  { id: 'duty', header: () => t('staff.duty'), cell: ({ row }) => t(`staff.duties.${row.original.duty}`) },
  {
    id: 'contact',
    header: () => t('staff.contact'),
    cell: ({ row }) => (
      <div className="cell-name">
        <span className="break">{row.original.email}</span>
        <div className="muted small">{row.original.phone ?? ''}</div>
      </div>
    ),
  },
  {
    id: 'validity',
    header: () => t('staff.validity'),
    cell: ({ row }) => (
      <span className="nowrap">
        {formatCalendarDate(row.original.validFrom)} – {formatCalendarDate(row.original.validTo) || '…'}
      </span>
    ),
  },
  {
    id: 'team',
    header: () => t('staff.responseTeam'),
    cell: ({ row }) =>
      row.original.responseTeam ? (
        <span className="badge badge-good" data-testid="staff-team">
          {t(`incidents.teamRoles.${row.original.responseTeam.teamRole}`, {
            defaultValue: row.original.responseTeam.teamRole,
          })}
        </span>
      ) : (
        '—'
      ),
  },
];

/** Cán bộ phụ trách chuyển đổi số, an toàn thông tin: the register as of a day, its import, export and entry form. */
export function StaffPage() {
  const { t } = useTranslation();
  const can = useCan();
  const { asOf, today, setAsOf } = useAsOf();
  const search = useTableSearch({ sort: 'organisation' });
  const f = search.filters;
  const { tree, error: orgError } = useOrgTree();
  const organisationId = isUuid(f.org) ? f.org : undefined;
  const duty = staffDutyValues.find((d) => d === f.duty);
  const [adding, setAdding] = useState(false);
  const listQuery = {
    on: asOf,
    q: search.params.q,
    organisationId,
    duty,
    limit: search.params.limit,
    offset: search.params.offset,
  };
  const list = $api.useQuery(
    'get',
    '/api/staff',
    {
      params: {
        query: listQuery,
      },
    },
    { placeholderData: keepPreviousData },
  );
  const upload = useFileUpload((file) => uploadFile<StaffImportReport>(`/api/staff/import?on=${asOf}`, file), refresh);
  return (
    <>
      <div className="page-head">
        <h1>{t('nav.staff')}</h1>
        {can('staff.write') && !adding && (
          <button type="button" className="btn btn-primary" onClick={() => setAdding(true)} data-testid="staff-new">
            {t('staff.new')}
          </button>
        )}
      </div>
      <p className="muted">{t('staff.intro')}</p>
      {adding && <StaffForm tree={tree} onDone={() => setAdding(false)} />}
      <div className="filters">
        <AsOfPicker value={asOf} today={today} onChange={setAsOf} />
        <SearchBox
          label={t('staff.search')}
          value={search.q}
          onSearch={(q) => search.set({ q })}
          testId="staff-search"
        />
        <Field label={t('staff.organisation')}>
          <OrgSelect
            tree={tree}
            value={organisationId ?? ''}
            onChange={(org) => search.set({ filters: { org: org || undefined } })}
          />
        </Field>
        <Field label={t('staff.duty')}>
          <select value={duty ?? ''} onChange={(e) => search.set({ filters: { duty: e.target.value || undefined } })}>
            <option value="">{t('staff.anyDuty')}</option>
            {staffDutyValues.map((d) => (
              <option key={d} value={d}>
                {t(`staff.duties.${d}`)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <div className="actions">
        <a className="btn" href={`/api/staff/export?format=xlsx&on=${asOf}`} data-testid="staff-export">
          {t('staff.export')}
        </a>
        {can('staff.write') && (
          <label className="btn">
            {upload.busy ? t('staff.importing') : t('staff.import')}
            <input type="file" accept=".csv,.xlsx" hidden onChange={upload.choose} data-testid="staff-import" />
          </label>
        )}
      </div>
      <p className="muted small">{t('staff.importHint')}</p>
      <ErrorMessage error={list.error ?? orgError ?? upload.error} />
      {upload.result && (
        <ImportReportView
          report={upload.result}
          onClose={upload.clear}
          texts={{
            title: t('staff.importDone'),
            counts: (c) => t('staff.importCounts', c),
            row: t('staff.row'),
            column: t('staff.column'),
            problem: t('staff.problem'),
            close: t('staff.close'),
          }}
        />
      )}
      <div className="panel panel-flush">
        <DataTable
          columns={columns(t)}
          rows={list.data?.items}
          total={list.data?.total}
          search={search}
          loading={list.isFetching}
          testId="staff-table"
          rowKey={(s) => s.id}
          empty={<span data-testid="staff-empty">{t('staff.empty')}</span>}
          exportTo={{ path: '/api/staff/export', query: listQuery }}
        />
      </div>
    </>
  );
}

function StaffForm({ tree, onDone }: { tree: ReturnType<typeof useOrgTree>['tree']; onDone: () => void }) {
  const { t } = useTranslation();
  const form = useZodForm(ZStaffInput, {
    defaultValues: {
      organisationId: '',
      fullName: '',
      position: '',
      duty: 'information_security',
      email: '',
      phone: '',
      validFrom: new Date().toISOString().slice(0, 10),
      validTo: null,
    },
  });
  const { errors, isSubmitting } = form.formState;
  const create = $api.useMutation('post', '/api/staff');
  const action = useAction();
  const submit = form.handleSubmit((values) =>
    action.run(async () => {
      try {
        await create.mutateAsync({ body: values });
        await refresh();
        onDone();
      } catch (err) {
        if (!applyServerErrors(form, err)) throw err;
      }
    }),
  );
  return (
    <form className="panel" onSubmit={submit} noValidate data-testid="staff-form">
      <h2 className="panel-title">{t('staff.newTitle')}</h2>
      <ErrorMessage error={action.error} />
      <div className="form-grid">
        <Field label={t('staff.organisation')} error={errors.organisationId}>
          <OrgSelect
            tree={tree}
            value={form.watch('organisationId') ?? ''}
            allLabel={t('staff.chooseOrganisation')}
            onChange={(v) => form.setValue('organisationId', v, { shouldValidate: true })}
            data-testid="staff-organisation"
          />
        </Field>
        <Field label={t('staff.fullName')} error={errors.fullName}>
          <input {...form.register('fullName')} data-testid="staff-fullName" />
        </Field>
        <Field label={t('staff.position')} error={errors.position}>
          <input {...form.register('position')} />
        </Field>
        <Field label={t('staff.duty')} error={errors.duty}>
          <select {...form.register('duty')}>
            {staffDutyValues.map((d) => (
              <option key={d} value={d}>
                {t(`staff.duties.${d}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('staff.email')} error={errors.email}>
          <input type="email" {...form.register('email')} data-testid="staff-email" />
        </Field>
        <Field label={t('staff.phone')} error={errors.phone}>
          <input {...form.register('phone')} />
        </Field>
        <Field label={t('staff.validFrom')} error={errors.validFrom}>
          <DateInput
            value={form.watch('validFrom') ?? ''}
            onChange={(v) => form.setValue('validFrom', v, { shouldValidate: true })}
          />
        </Field>
        <Field label={t('staff.validTo')} error={errors.validTo}>
          <DateInput
            value={form.watch('validTo') ?? ''}
            onChange={(v) => form.setValue('validTo', v || null, { shouldValidate: true })}
          />
        </Field>
      </div>
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={isSubmitting} data-testid="staff-save">
          {t('staff.save')}
        </button>
        <button type="button" className="btn" onClick={onDone}>
          {t('staff.cancel')}
        </button>
      </div>
    </form>
  );
}
