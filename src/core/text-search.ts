import { type SQL, sql } from 'drizzle-orm';

/**
 * Search that ignores case and Vietnamese diacritics ("nguyen" finds "Nguyễn", "DUC" finds "Đức"), in SQL both
 * databases run the same way: `translate` maps every accented letter to its base (PostgreSQL's `lower` leaves
 * non-ASCII letters alone under the C locale PGlite uses, so the map covers both cases).
 */
const VIETNAMESE =
  'àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ' +
  'ÀÁẠẢÃÂẦẤẬẨẪĂẰẮẶẲẴÈÉẸẺẼÊỀẾỆỂỄÌÍỊỈĨÒÓỌỎÕÔỒỐỘỔỖƠỜỚỢỞỠÙÚỤỦŨƯỪỨỰỬỮỲÝỴỶỸĐ';

/** Lower case without diacritics, as the SQL below folds a column. */
export const foldText = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase();

const FOLDED = [...VIETNAMESE].map(foldText).join('');

/** SQL: `column` folded. */
export const folded = (column: SQL): SQL => sql`lower(translate(${column}, ${VIETNAMESE}, ${FOLDED}))`;

/** SQL: `column`, folded, contains `text`, folded (LIKE's wildcards in the text are taken literally). */
export function foldedContains(column: SQL, text: string): SQL {
  const pattern = `%${foldText(text).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql`${folded(column)} like ${pattern}`;
}
