import { useTranslation } from 'react-i18next';
import { ApiError } from '../lib/api.ts';

/** A failed request: the translated error code as the headline, the server's own message as detail. */
export function ErrorMessage({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  const e = error instanceof ApiError ? error : new ApiError(0, 'INTERNAL', String(error));
  const issues = Array.isArray(e.details)
    ? (e.details as { path?: string; message?: string }[]).filter((d) => d?.message)
    : [];
  return (
    <div className="alert alert-error" role="alert" data-testid="error">
      <strong>{t(`errors.${e.code}`)}</strong>
      <div className="alert-detail">{e.message}</div>
      {issues.length > 0 && (
        <ul className="alert-detail">
          {issues.map((d) => (
            <li key={`${d.path}:${d.message}`}>{d.path ? `${d.path}: ${d.message}` : d.message}</li>
          ))}
        </ul>
      )}
      {e.requestId && (
        <div className="alert-meta">
          {t('errors.requestId')}: <code>{e.requestId}</code>
        </div>
      )}
    </div>
  );
}
