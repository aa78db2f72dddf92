import { useTranslation } from 'react-i18next';

// Every date and time the UI shows goes through here: dd/mm/yyyy, Asia/Ho_Chi_Minh, whatever the browser's zone.
const TIME_ZONE = 'Asia/Ho_Chi_Minh';
const dateFormat = new Intl.DateTimeFormat('vi-VN', {
  timeZone: TIME_ZONE,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});
const timeFormat = new Intl.DateTimeFormat('vi-VN', {
  timeZone: TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

/** A timestamp as dd/mm/yyyy. */
export const formatDate = (iso: string | null | undefined) => (iso ? dateFormat.format(new Date(iso)) : '');

/** A timestamp as dd/mm/yyyy HH:mm:ss. */
export const formatDateTime = (iso: string | null | undefined) =>
  iso ? `${dateFormat.format(new Date(iso))} ${timeFormat.format(new Date(iso))}` : '';

/** A calendar date (yyyy-mm-dd, no time zone) as dd/mm/yyyy — never shifted by a zone conversion. */
export const formatCalendarDate = (ymd: string | null | undefined) => {
  const m = ymd ? /^(\d{4})-(\d{2})-(\d{2})/.exec(ymd) : null;
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
};

const MB = 1024 * 1024;
/** A file size as "12.3 MB" or "456 kB". */
export const formatSize = (bytes: number) =>
  bytes >= MB ? `${(bytes / MB).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} kB`;

/** A count as the reader's language writes it (1.234 in Vietnamese, 1,234 in English). */
export const formatNumber = (n: number, lang: string) =>
  new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'vi-VN').format(n);

/** A translated message's values as the reader writes them: numbers with separators, days as dd/mm/yyyy. */
export const localParams = (params: Record<string, string | number> | undefined, language: string) =>
  params &&
  Object.fromEntries(
    Object.entries(params).map(([k, v]) => [
      k,
      typeof v === 'number' ? formatNumber(v, language) : /^\d{4}-\d{2}-\d{2}$/.test(v) ? formatCalendarDate(v) : v,
    ]),
  );

/** `formatNumber` in the reader's current language, for components. */
export function useFormatNumber() {
  const { i18n } = useTranslation();
  return (n: number) => formatNumber(n, i18n.language);
}
