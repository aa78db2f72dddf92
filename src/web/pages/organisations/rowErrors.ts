import type { i18n as I18n, TFunction } from 'i18next';
import { localParams } from '../../lib/format.ts';

type RowError = {
  row: number;
  column?: string;
  message: string;
  key?: string;
  params?: Record<string, string | number>;
};

/** A refused row's problem in the reader's language when the server gave its key, else as the server wrote it. */
export const rowMessage = (t: TFunction, i18n: I18n, e: RowError) =>
  e.key && i18n.exists(`errors.${e.key}`) ? t(`errors.${e.key}`, localParams(e.params, i18n.language)) : e.message;
