import { useTranslation } from 'react-i18next';

const show = (v: unknown) => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v, null, 1));
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
// A created record has no "before", a deleted one no "after"; a non-object state is shown as one unnamed field.
const asFields = (v: unknown): Record<string, unknown> => (isRecord(v) ? v : v == null ? {} : { '': v });

/** Field-by-field comparison of an audit entry's before and after states; changed fields are highlighted. */
export function AuditDiff({ before, after }: { before: unknown; after: unknown }) {
  const { t } = useTranslation();
  const b = asFields(before);
  const a = asFields(after);
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  if (before == null && after == null) return <p className="muted">{t('audit.noDetails')}</p>;
  return (
    <table className="table table-compact diff" data-testid="audit-diff">
      <thead>
        <tr>
          <th>{t('audit.field')}</th>
          <th>{t('audit.before')}</th>
          <th>{t('audit.after')}</th>
        </tr>
      </thead>
      <tbody>
        {keys.map((k) => {
          const changed = show(b[k]) !== show(a[k]);
          return (
            <tr key={k}>
              <th scope="row">
                <code>{k || '—'}</code>
              </th>
              <td className={changed && k in b ? 'diff-removed' : undefined}>
                <pre>{show(b[k])}</pre>
              </td>
              <td className={changed && k in a ? 'diff-added' : undefined}>
                <pre>{show(a[k])}</pre>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
