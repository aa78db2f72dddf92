import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/errors.ts';
import { localParams } from '../lib/format.ts';
import { useFieldMessage } from './Field.tsx';

/** A message's values with numbers written as the reader's language writes them (1.234 in Vietnamese). */
type Issue = { path?: string; field?: string; message?: string };

/**
 * A failed request in the reader's language: the server's message key (`errors.<key>` with its values) when it sent
 * one, else what its code means. The server's own (English) message and its issue list are a technical detail under
 * it; a request id only for an internal error, where it lets the administrator find the log entry.
 */
export function ErrorMessage({ error }: { error: unknown }) {
  const { t, i18n } = useTranslation();
  const fieldMessage = useFieldMessage();
  if (!error) return null;
  const e = error instanceof ApiError ? error : new ApiError(0, 'INTERNAL', String(error));
  const params = localParams(e.params, i18n.language);
  const headline =
    e.key && i18n.exists(`errors.${e.key}`) ? t(`errors.${e.key}`, params) : t(`errors.${e.code}`, params);
  const issues = (Array.isArray(e.details) ? (e.details as Issue[]) : []).filter((d) => d?.message);
  const where = (d: Issue) => (d.field ?? d.path ?? '').replace(/^\/?(body|query|params)[./]?/, '');
  return (
    <div className="alert alert-error" role="alert" data-testid="error">
      <strong>{headline}</strong>
      {issues.length > 0 && (
        <ul className="alert-detail">
          {issues.map((d) => (
            <li key={`${d.path ?? d.field}:${d.message}`}>
              {where(d) ? `${where(d)}: ` : ''}
              {fieldMessage(d.message)}
            </li>
          ))}
        </ul>
      )}
      {e.message && e.message !== headline && (
        <details className="alert-technical">
          <summary>{t('errors.technical')}</summary>
          <div className="alert-detail" data-testid="error-technical">
            {e.message}
          </div>
        </details>
      )}
      {e.code === 'INTERNAL' && e.requestId && (
        <div className="alert-meta">
          {t('errors.requestId')}: <code>{e.requestId}</code>
        </div>
      )}
    </div>
  );
}
