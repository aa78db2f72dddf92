import { useTranslation } from 'react-i18next';

type Props = { offset: number; limit: number; shown: number; onChange: (offset: number) => void };

/** Previous/next for offset-paged lists; "next" only when the page came back full. */
export function Pager({ offset, limit, shown, onChange }: Props) {
  const { t } = useTranslation();
  if (offset === 0 && shown < limit) return null;
  return (
    <div className="pager">
      <button
        type="button"
        className="btn btn-small"
        disabled={offset === 0}
        onClick={() => onChange(Math.max(0, offset - limit))}
      >
        ← {t('pager.previous')}
      </button>
      <span className="muted small">{t('pager.range', { from: offset + 1, to: offset + shown })}</span>
      <button type="button" className="btn btn-small" disabled={shown < limit} onClick={() => onChange(offset + limit)}>
        {t('pager.next')} →
      </button>
    </div>
  );
}
