import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, apiErrorFrom } from '../api/errors.ts';
import type { paths } from '../api/schema.gen.ts';
import { ErrorMessage } from './ErrorMessage.tsx';

/** The server's list exports (`GET <list>/export?format=xlsx&<the list's filters>`). */
export type ExportPath = Extract<keyof paths, `${string}/export`>;
/** What a list export is given: its path and the list's own query (its paging is left out). */
export type ListExport = { path: ExportPath; query?: Record<string, string | number | boolean | null | undefined> };

/** The export's address: the list's filters and sort as the list sends them, without its page. */
export function exportHref({ path, query = {} }: ListExport, format: 'xlsx' | 'csv' = 'xlsx') {
  const params = new URLSearchParams({ format });
  for (const [k, v] of Object.entries(query))
    if (k !== 'limit' && k !== 'offset' && v !== undefined && v !== null && v !== '') params.set(k, String(v));
  return `${path}?${params}`;
}

const fileName = (disposition: string | null) => {
  const m = /filename\*=UTF-8''([^;]+)/.exec(disposition ?? '');
  return m?.[1] ? decodeURIComponent(m[1]) : 'export.xlsx';
};

/**
 * "Xuất Excel": the rows the list's filters match, every page, as an XLSX file. Fetched rather than linked, so a
 * refusal (more rows than an export holds) is shown in the page's language instead of being saved as a file.
 */
export function ExportButton({ list }: { list: ListExport }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function download() {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(exportHref(list), { credentials: 'same-origin' });
      if (!res.ok) throw apiErrorFrom(res.status, res.statusText, await res.text());
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = fileName(res.headers.get('content-disposition'));
      a.click();
      // The click has handed the file to the browser's download; the object URL can go.
      setTimeout(() => URL.revokeObjectURL(url), 0);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'NETWORK', (e as Error).message));
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <button
        type="button"
        className="btn btn-small"
        onClick={download}
        disabled={busy}
        aria-busy={busy || undefined}
        title={t('export.hint')}
        data-testid="export-xlsx"
      >
        {busy ? t('export.busy') : t('export.button')}
      </button>
      {error ? (
        <div className="export-error">
          <ErrorMessage error={error} />
        </div>
      ) : null}
    </>
  );
}
