import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatCalendarDate } from '../lib/format.ts';
import { DateInput } from './DateInput.tsx';
import { Field } from './Field.tsx';

/**
 * "Số liệu tại ngày": the day a page's figures stand on, typed dd/mm/yyyy or chosen from the days reports are made
 * on (today, the end of last year, the middle of this year). A day after today is refused: figures of the future
 * do not exist yet. The caption says which day the figures below are as of.
 */
export function AsOfPicker({
  value,
  today,
  onChange,
}: {
  /** yyyy-mm-dd */
  value: string;
  today: string;
  onChange: (day: string) => void;
}) {
  const { t } = useTranslation();
  const [future, setFuture] = useState(false);
  const year = Number(today.slice(0, 4));
  const quick: { day: string; label: string; testId: string }[] = [
    { day: today, label: t('asOf.today'), testId: 'as-of-today' },
    { day: `${year - 1}-12-31`, label: t('asOf.endOfLastYear'), testId: 'as-of-last-year' },
    { day: `${year}-06-30`, label: t('asOf.midYear'), testId: 'as-of-mid-year' },
  ];
  const choose = (day: string) => {
    setFuture(day > today);
    if (day && day <= today) onChange(day);
  };
  return (
    <div className="as-of" data-testid="as-of-picker">
      <div className="as-of-controls">
        <Field label={t('asOf.label')}>
          <DateInput required value={value} onChange={choose} data-testid="as-of-input" />
        </Field>
        <div className="period-quick">
          {quick.map((q) => (
            <button
              key={q.testId}
              type="button"
              className="btn btn-small"
              aria-pressed={q.day === value}
              disabled={q.day > today}
              title={formatCalendarDate(q.day)}
              onClick={() => choose(q.day)}
              data-testid={q.testId}
            >
              {q.label}
            </button>
          ))}
        </div>
      </div>
      {future && (
        <div className="text-bad small" role="alert">
          {t('asOf.future')}
        </div>
      )}
      <p className="as-of-caption" data-testid="as-of-caption">
        {t('asOf.caption', { date: formatCalendarDate(value) })}
      </p>
    </div>
  );
}
