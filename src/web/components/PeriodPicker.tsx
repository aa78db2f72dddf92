import { useTranslation } from 'react-i18next';
import { firstHalf, lastSixMonths, type Period, todayYmd, wholeYear } from '../lib/period.ts';
import { DateInput } from './DateInput.tsx';
import { Field } from './Field.tsx';

const currentYear = Number(todayYmd().slice(0, 4));
const YEARS = Array.from({ length: 6 }, (_, i) => currentYear - i);

/** From/to dates plus the report periods officials ask for (six months, first half, whole year of a chosen year). */
export function PeriodPicker({ value, onChange }: { value: Period; onChange: (p: Period) => void }) {
  const { t } = useTranslation();
  const year = Number(value.from.slice(0, 4)) || currentYear;
  const same = (p: Period) => p.from === value.from && p.to === value.to;
  const quick = (p: Period, label: string, testId: string) => (
    <button
      type="button"
      className="btn btn-small"
      aria-pressed={same(p)}
      onClick={() => onChange(p)}
      data-testid={testId}
    >
      {label}
    </button>
  );
  return (
    <div className="period-picker" data-testid="period-picker">
      <Field label={t('period.from')}>
        <DateInput required value={value.from} onChange={(from) => from && onChange({ ...value, from })} />
      </Field>
      <Field label={t('period.to')}>
        <DateInput required value={value.to} onChange={(to) => to && onChange({ ...value, to })} />
      </Field>
      <Field label={t('period.year')}>
        <select value={year} onChange={(e) => onChange(wholeYear(Number(e.target.value)))}>
          {YEARS.includes(year) ? null : <option value={year}>{year}</option>}
          {YEARS.map((y) => (
            <option key={y} value={y}>
              {y}
            </option>
          ))}
        </select>
      </Field>
      <div className="period-quick">
        {quick(lastSixMonths(), t('period.lastSixMonths'), 'period-last6')}
        {quick(firstHalf(year), t('period.firstHalf', { year }), 'period-h1')}
        {quick(wholeYear(year), t('period.wholeYear', { year }), 'period-year')}
      </div>
    </div>
  );
}
