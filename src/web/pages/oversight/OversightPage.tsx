import { keepPreviousData } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ZOrderTaskInput, ZProgressInput } from '../../../modules/oversight/oversight.input.ts';
import { $api, queryClient } from '../../api/client.ts';
import {
  type OversightBoard,
  oversightIndicatorValues,
  type TaskFigure,
  taskComparisonValues,
  taskUnitValues,
} from '../../api/schema.gen.ts';
import { AsOfPicker } from '../../components/AsOfPicker.tsx';
import { DateInput } from '../../components/DateInput.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { Field } from '../../components/Field.tsx';
import { OrgSelect } from '../../components/OrgSelect.tsx';
import { TableScroll } from '../../components/TableScroll.tsx';
import { useAsOf } from '../../lib/asOf.ts';
import { formatCalendarDate, formatNumber } from '../../lib/format.ts';
import { applyServerErrors, useZodForm } from '../../lib/forms.ts';
import { useCan } from '../../lib/session.ts';
import { isUuid, useTableSearch } from '../../lib/tableSearch.ts';
import { useAction } from '../../lib/useAction.ts';
import { useOrgTree } from '../../lib/useOrgTree.ts';
import './oversight.css';

type Figure = TaskFigure;
const STATES = ['done', 'on_track', 'late', 'no_data'] as const;
const STATE_BADGE: Record<Figure['state'], string> = {
  done: 'badge badge-good',
  on_track: 'badge badge-neutral',
  late: 'badge badge-bad',
  no_data: 'badge',
};

const refresh = () => queryClient.invalidateQueries({ queryKey: ['get', '/api/oversight'] });

/** A figure as the reader writes numbers: "46,7% (28/60)", "133", "—". */
function useFigureText() {
  const { i18n } = useTranslation();
  const n = (v: number) => formatNumber(v, i18n.language);
  const amount = (f: Figure, v: number) => `${n(v)}${f.unit === 'percent' ? '%' : ''}`;
  return {
    target: (f: Figure) => `${f.comparison === 'at_least' ? '≥' : '≤'} ${amount(f, f.target)}`,
    value: (f: Figure) =>
      f.value === null
        ? '—'
        : `${amount(f, f.value)}${f.numerator !== null && f.denominator !== null ? ` (${n(f.numerator)}/${n(f.denominator)})` : ''}`,
  };
}

/**
 * Điều hành: every task of the orders in force with its target, its figure as of a chosen day, its deadline and
 * state; a task's breakdown by the units one level below (drill-down to agency and commune); a print view that fits
 * one A4 page and the same board as PDF. The Department adds tasks and records the progress of those counted by hand.
 */
export function OversightPage() {
  const { t, i18n } = useTranslation();
  const can = useCan();
  const { asOf, today, setAsOf } = useAsOf();
  const search = useTableSearch();
  const organisationId = isUuid(search.filters.org) ? search.filters.org : '';
  const taskId = isUuid(search.filters.task) ? search.filters.task : '';
  const { tree } = useOrgTree(asOf);
  const text = useFigureText();
  const [adding, setAdding] = useState(false);
  const query = { asOf, organisationId: organisationId || undefined };
  const board = $api.useQuery(
    'get',
    '/api/oversight',
    { params: { query: { ...query, children: 'false' } } },
    { placeholderData: keepPreviousData },
  );
  const split = $api.useQuery(
    'get',
    '/api/oversight',
    { params: { query: { ...query, taskId: taskId || undefined, children: 'true' } } },
    { enabled: !!taskId, placeholderData: keepPreviousData },
  );
  const b = board.data;
  const chosen = b?.tasks.find((x) => x.id === taskId);
  const pdfHref = `/api/oversight/pdf?${new URLSearchParams({ asOf, ...(organisationId ? { organisationId } : {}) })}`;
  const orders = b ? [...new Set(b.tasks.map((x) => x.order))] : [];
  const title = (f: OversightBoard['tasks'][number]) => (i18n.language === 'en' ? f.titleEn : f.title);

  return (
    <div className="oversight-print">
      <div className="page-head">
        <h1>{t('nav.oversight')}</h1>
        <div className="actions no-print">
          <button type="button" className="btn" onClick={() => window.print()} data-testid="oversight-print">
            {t('oversight.print')}
          </button>
          <a className="btn" href={pdfHref} download data-testid="oversight-pdf">
            {t('oversight.pdf')}
          </a>
          {can('oversight.write') && (
            <button type="button" className="btn btn-primary" onClick={() => setAdding(true)} data-testid="task-add">
              {t('oversight.add')}
            </button>
          )}
        </div>
      </div>
      <p className="muted no-print">{t('oversight.intro')}</p>
      <div className="panel filters-panel no-print">
        <AsOfPicker value={asOf} today={today} onChange={setAsOf} />
        <Field label={t('oversight.unit')}>
          <OrgSelect
            tree={tree}
            value={organisationId}
            allLabel={t('oversight.allUnits')}
            onChange={(v) => search.set({ filters: { org: v } })}
            data-testid="oversight-unit"
          />
        </Field>
      </div>
      {adding && <TaskForm tree={tree} onDone={() => setAdding(false)} />}
      <ErrorMessage error={board.error ?? split.error} />
      {b && (
        <section className={board.isPlaceholderData ? 'stale' : undefined} data-testid="oversight-board">
          <p className="print-only print-title">
            {t('oversight.printTitle', {
              unit: b.organisation?.name ?? t('oversight.allUnits'),
              date: formatCalendarDate(b.asOf),
            })}
          </p>
          {b.organisation && (
            <p className="no-print" data-testid="oversight-breadcrumb">
              <button type="button" className="btn btn-small" onClick={() => search.set({ filters: { org: '' } })}>
                {t('oversight.allUnits')}
              </button>{' '}
              › <strong>{b.organisation.name}</strong>
            </p>
          )}
          <ul className="oversight-counts" data-testid="oversight-counts">
            {STATES.map((s) => (
              <li key={s} className={STATE_BADGE[s]} data-testid={`count-${s}`}>
                {t(`oversight.states.${s}`)}: {b.tasks.filter((x) => x.state === s).length}
              </li>
            ))}
          </ul>
          {b.tasks.length === 0 && <p className="muted">{t('oversight.none')}</p>}
          <TableScroll label={t('nav.oversight')}>
            <table className="table table-compact oversight-table" data-testid="oversight-table">
              <thead>
                <tr>
                  <th>{t('oversight.number')}</th>
                  <th>{t('oversight.task')}</th>
                  <th>{t('oversight.target')}</th>
                  <th className="num">{t('oversight.figure')}</th>
                  <th>{t('oversight.deadline')}</th>
                  <th>{t('oversight.state')}</th>
                  <th className="no-print">
                    <span className="sr-only">{t('oversight.byUnit')}</span>
                  </th>
                </tr>
              </thead>
              {orders.map((order) => (
                <tbody key={order}>
                  <tr className="order-row">
                    <th colSpan={7} scope="rowgroup">
                      {order}
                    </th>
                  </tr>
                  {b.tasks
                    .filter((x) => x.order === order)
                    .map((f) => (
                      <tr key={f.id} data-testid="task-row" data-number={f.number}>
                        <td>{f.number}</td>
                        <td>
                          <div>{title(f)}</div>
                          {f.detail && <div className="muted small">{f.detail}</div>}
                        </td>
                        <td className="nowrap" data-label={t('oversight.target')}>
                          {text.target(f)}
                        </td>
                        <td className="num nowrap" data-label={t('oversight.figure')}>
                          {text.value(f)}
                          {f.unit === 'percent' && f.value !== null && (
                            <span className="bar no-print" aria-hidden="true">
                              <span style={{ width: `${Math.min(100, f.value)}%` }} />
                            </span>
                          )}
                        </td>
                        <td className="nowrap" data-label={t('oversight.deadline')}>
                          {f.deadline ? formatCalendarDate(f.deadline) : t('oversight.standing')}
                        </td>
                        <td data-label={t('oversight.state')}>
                          <span className={STATE_BADGE[f.state]} data-testid="task-state">
                            {t(`oversight.states.${f.state}`)}
                          </span>
                        </td>
                        <td className="no-print nowrap">
                          <button
                            type="button"
                            className="btn btn-small"
                            aria-pressed={taskId === f.id}
                            onClick={() => search.set({ filters: { task: taskId === f.id ? '' : f.id } })}
                            data-testid="task-by-unit"
                          >
                            {t('oversight.byUnit')}
                          </button>
                        </td>
                      </tr>
                    ))}
                </tbody>
              ))}
            </table>
          </TableScroll>
          <p className="print-only small">{t('oversight.printNote')}</p>
        </section>
      )}
      {chosen && (
        <section className="panel no-print" data-testid="oversight-breakdown">
          <h2 className="panel-title">{t('oversight.breakdownOf', { number: chosen.number, title: title(chosen) })}</h2>
          <ErrorMessage error={split.error} />
          {split.data && split.data.children.length === 0 && <p className="muted">{t('oversight.noUnits')}</p>}
          {split.data && split.data.children.length > 0 && (
            <TableScroll label={t('oversight.byUnit')}>
              <table className="table table-compact" data-testid="breakdown-table">
                <thead>
                  <tr>
                    <th>{t('oversight.unit')}</th>
                    <th className="num">{t('oversight.figure')}</th>
                    <th>{t('oversight.state')}</th>
                  </tr>
                </thead>
                <tbody>
                  {split.data.children.map((c) => {
                    const f = c.figures.find((x) => x.id === chosen.id);
                    return (
                      <tr key={c.id} data-testid="breakdown-row">
                        <td>
                          {c.hasChildren ? (
                            <button
                              type="button"
                              className="link"
                              onClick={() => search.set({ filters: { org: c.id } })}
                              data-testid="drill-unit"
                            >
                              {c.name}
                            </button>
                          ) : (
                            c.name
                          )}
                          {f?.detail && <div className="muted small">{f.detail}</div>}
                        </td>
                        <td className="num nowrap">{f ? text.value(f) : '—'}</td>
                        <td>{f && <span className={STATE_BADGE[f.state]}>{t(`oversight.states.${f.state}`)}</span>}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </TableScroll>
          )}
          {can('oversight.write') && chosen.indicator === 'manual' && (
            <ProgressForm taskId={chosen.id} tree={tree} asOf={asOf} />
          )}
        </section>
      )}
    </div>
  );
}

type Tree = ReturnType<typeof useOrgTree>['tree'];

function TaskForm({ tree, onDone }: { tree: Tree; onDone: () => void }) {
  const { t } = useTranslation();
  const form = useZodForm(ZOrderTaskInput, {
    defaultValues: {
      orderRef: '',
      number: '',
      titleVi: '',
      titleEn: '',
      indicator: 'manual',
      unit: 'percent',
      target: 100,
      comparison: 'at_least',
      deadline: null,
      organisationId: null,
      validFrom: '',
      validTo: null,
      legalBasis: '',
    },
  });
  const { errors, isSubmitting } = form.formState;
  const create = $api.useMutation('post', '/api/oversight/tasks');
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
  const day = (key: 'validFrom' | 'validTo' | 'deadline') => (
    <Field label={t(`oversight.form.${key}`)} error={errors[key]}>
      <DateInput
        value={form.watch(key) ?? ''}
        onChange={(v) => form.setValue(key, v || (key === 'validFrom' ? '' : null), { shouldValidate: true })}
        data-testid={`task-${key}`}
      />
    </Field>
  );
  return (
    <form className="panel no-print" onSubmit={submit} noValidate data-testid="task-form">
      <h2 className="panel-title">{t('oversight.add')}</h2>
      <ErrorMessage error={action.error} />
      <div className="form-grid">
        <Field label={t('oversight.form.orderRef')} error={errors.orderRef}>
          <input {...form.register('orderRef')} data-testid="task-order" />
        </Field>
        <Field label={t('oversight.form.number')} error={errors.number}>
          <input {...form.register('number')} data-testid="task-number" />
        </Field>
        <div className="span-2">
          <Field label={t('oversight.form.titleVi')} error={errors.titleVi}>
            <input {...form.register('titleVi')} data-testid="task-title-vi" />
          </Field>
        </div>
        <div className="span-2">
          <Field label={t('oversight.form.titleEn')} error={errors.titleEn}>
            <input {...form.register('titleEn')} data-testid="task-title-en" />
          </Field>
        </div>
        <Field label={t('oversight.form.indicator')} error={errors.indicator}>
          <select {...form.register('indicator')} data-testid="task-indicator">
            {oversightIndicatorValues.map((k) => (
              <option key={k} value={k}>
                {t(`oversight.indicators.${k}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('oversight.form.comparison')} error={errors.comparison}>
          <select {...form.register('comparison')} data-testid="task-comparison">
            {taskComparisonValues.map((k) => (
              <option key={k} value={k}>
                {t(`oversight.comparisons.${k}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('oversight.form.target')} error={errors.target}>
          <input
            type="number"
            step="any"
            {...form.register('target', { valueAsNumber: true })}
            data-testid="task-target"
          />
        </Field>
        <Field label={t('oversight.form.unit')} error={errors.unit}>
          <select {...form.register('unit')} data-testid="task-unit">
            {taskUnitValues.map((k) => (
              <option key={k} value={k}>
                {t(`oversight.units.${k}`)}
              </option>
            ))}
          </select>
        </Field>
        {day('deadline')}
        <Field label={t('oversight.form.organisation')} error={errors.organisationId}>
          <OrgSelect
            tree={tree}
            value={form.watch('organisationId') ?? ''}
            allLabel={t('oversight.allUnits')}
            onChange={(v) => form.setValue('organisationId', v || null, { shouldValidate: true })}
          />
        </Field>
        {day('validFrom')}
        {day('validTo')}
        <div className="span-2">
          <Field label={t('oversight.form.legalBasis')} error={errors.legalBasis}>
            <input {...form.register('legalBasis')} data-testid="task-basis" />
          </Field>
        </div>
      </div>
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={isSubmitting} data-testid="task-save">
          {t('oversight.save')}
        </button>
        <button type="button" className="btn" onClick={onDone}>
          {t('oversight.cancel')}
        </button>
      </div>
    </form>
  );
}

function ProgressForm({ taskId, tree, asOf }: { taskId: string; tree: Tree; asOf: string }) {
  const { t } = useTranslation();
  const form = useZodForm(ZProgressInput, {
    defaultValues: { day: asOf, organisationId: null, value: 0, note: '' },
  });
  const { errors, isSubmitting } = form.formState;
  const add = $api.useMutation('post', '/api/oversight/tasks/{id}/progress');
  const action = useAction();
  const submit = form.handleSubmit((values) =>
    action.run(async () => {
      try {
        await add.mutateAsync({ params: { path: { id: taskId } }, body: values });
        await refresh();
        form.reset({ day: asOf, organisationId: null, value: 0, note: '' });
      } catch (err) {
        if (!applyServerErrors(form, err)) throw err;
      }
    }),
  );
  return (
    <form onSubmit={submit} noValidate data-testid="progress-form">
      <h3>{t('oversight.progress')}</h3>
      <ErrorMessage error={action.error} />
      <div className="form-grid">
        <Field label={t('oversight.form.day')} error={errors.day}>
          <DateInput
            value={form.watch('day') ?? ''}
            onChange={(v) => form.setValue('day', v, { shouldValidate: true })}
            data-testid="progress-day"
          />
        </Field>
        <Field label={t('oversight.form.value')} error={errors.value}>
          <input
            type="number"
            step="any"
            {...form.register('value', { valueAsNumber: true })}
            data-testid="progress-value"
          />
        </Field>
        <Field label={t('oversight.unit')} error={errors.organisationId}>
          <OrgSelect
            tree={tree}
            value={form.watch('organisationId') ?? ''}
            allLabel={t('oversight.wholeTask')}
            onChange={(v) => form.setValue('organisationId', v || null, { shouldValidate: true })}
          />
        </Field>
        <Field label={t('oversight.form.note')} error={errors.note}>
          <input {...form.register('note')} data-testid="progress-note" />
        </Field>
      </div>
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={isSubmitting} data-testid="progress-save">
          {t('oversight.record')}
        </button>
      </div>
    </form>
  );
}
