import { readCsvRows } from './csv-reader.ts';
import { AppError } from './errors.ts';
import { dayStart } from './time.ts';
import { readXlsxRows, type XlsxLimits } from './xlsx-reader.ts';

/**
 * Spreadsheet-shaped import/export shared by every module (organisation tree, systems, …): CSV (UTF-8, with BOM so
 * Excel shows Vietnamese correctly) and XLSX. Row numbers are the ones a user sees in Excel (header = row 1).
 * Reading is bounded by TABLE_LIMITS and streams (xlsx-reader.ts); writing neutralises formula-like texts.
 */
export type TableFormat = 'csv' | 'xlsx';
export type TableRow = { row: number; cells: Record<string, string> };

/**
 * The first column of a row whose cell holds U+0000, which PostgreSQL refuses in text: importers reject that row
 * (naming the column) and keep the others, rather than fail the whole file at the database.
 */
export const nulColumn = (cells: Record<string, string>): string | undefined =>
  Object.keys(cells).find((k) => cells[k]?.includes('\u0000'));
export const NUL_MESSAGE = 'The cell contains a NUL character (U+0000)';

export function detectTableFormat(buf: Buffer): TableFormat {
  // XLSX is a ZIP: "PK\x03\x04".
  return buf.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) ? 'xlsx' : 'csv';
}

export type TableLimits = XlsxLimits & { maxRows: number; maxCellChars: number; maxLineChars: number };

/**
 * What an uploaded table may hold, so that a small hostile file (a compressed sheet declaring millions of rows, a
 * CSV of one endless line) is refused early instead of filling memory. The real files are an organisation tree
 * (~300 rows), a reorganisation (a few hundred) and a province's systems (a few thousand): 20 000 data rows is several
 * times the largest, and the rows read stay in memory until the import's transaction ends (~100 MB at most).
 */
export const TABLE_LIMITS: TableLimits = {
  maxRows: 20_000,
  /** Excel's own limit for one cell. */
  maxCellChars: 32_767,
  /** Excel's last column (XFD). */
  maxColumns: 16_384,
  /** CSV: the characters of one record's cells together (a few dozen columns of real text are far less). */
  maxLineChars: 1024 * 1024,
  /**
   * XLSX: unpacked XML of workbook, styles, shared strings and the first sheet. Excel's 20 000 rows × 37 columns of
   * distinct Vietnamese texts unpack to ~60 MB; a sheet declaring millions of rows to hundreds.
   */
  maxXmlBytes: 128 * 1024 * 1024,
  /** XLSX: distinct texts in the shared strings table (20 000 rows × 50 columns). */
  maxSharedStrings: 1_000_000,
  /** XLSX: files in the ZIP (a workbook has a dozen or so, a few hundred with many sheets and pictures). */
  maxZipEntries: 10_000,
};

const fail = (message: string, details?: unknown) => new AppError('VALIDATION', message, details);

/** Column letters of a 0-based index: 0 → A, 27 → AB. */
function columnLetters(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/**
 * Reads the first sheet (or the CSV) into rows keyed by column. `columns` maps each accepted header text (the
 * machine key or the Vietnamese/English label, case-insensitive) to its key. Both formats are read as streams
 * within `limits`; a file beyond them is refused with a VALIDATION error naming the limit and the row.
 */
export async function readTable(
  buf: Buffer,
  columns: Record<string, string>,
  limits: TableLimits = TABLE_LIMITS,
): Promise<TableRow[]> {
  const lookup = new Map(Object.entries(columns).map(([h, k]) => [h.trim().toLowerCase(), k]));
  const source = detectTableFormat(buf) === 'xlsx' ? readXlsxRows(buf, limits) : readCsvRows(buf, limits);
  let header: string[] | undefined;
  let keys: (string | undefined)[] = [];
  const rows: TableRow[] = [];
  for await (const batch of source)
    for (const { row, cells } of batch) {
      cells.forEach((c, j) => {
        if (c.length > limits.maxCellChars) {
          const name = header?.[j]?.trim();
          throw fail(
            `Row ${row}, column ${columnLetters(j)}${name ? ` (${name})` : ''}: the cell holds ${c.length} characters, ` +
              `more than the ${limits.maxCellChars} allowed`,
            { row, column: keys[j] ?? columnLetters(j) },
          );
        }
      });
      if (!header) {
        // The header is row 1; a sheet whose row 1 is missing has no known column.
        header = row === 1 ? cells : [];
        keys = header.map((h) => lookup.get(h.trim().toLowerCase()));
        const unknown = header.filter((h, i) => h.trim() && !keys[i]);
        if (unknown.length)
          throw fail(
            `Unknown column(s): ${unknown.slice(0, 10).join(', ')}${unknown.length > 10 ? `, … (${unknown.length})` : ''}`,
            { row: 1 },
          );
        if (row === 1) continue;
      }
      if (cells.every((c) => !c.trim())) continue;
      if (rows.length >= limits.maxRows)
        throw fail(`The file has more than ${limits.maxRows} rows of data (row ${row} is one too many): split it`, {
          row,
        });
      const values: Record<string, string> = {};
      keys.forEach((k, j) => {
        if (k) values[k] = unneutralise(cells[j] ?? '').trim();
      });
      rows.push({ row, cells: values });
    }
  if (!header) throw fail('The file is empty');
  return rows;
}

/**
 * OWASP "CSV injection": a text that starts with = + - @ TAB or CR is a formula to a spreadsheet opening the file
 * (LF too: XML turns a CR into an LF, so an XLSX cell written with a CR reads back with an LF).
 * Exports write such a text with a leading apostrophe, in XLSX too (exceljs writes strings as shared-string cells,
 * never formulas, but Excel re-saving the sheet as CSV would write the text bare), and imports take it off again,
 * so an exported file imports back unchanged.
 */
const FORMULA_START = /^[=+\-@\t\r\n]/;
const NEUTRALISED = /^'[=+\-@\t\r\n]/;

const neutraliseFormula = <V>(v: V): V | string => (typeof v === 'string' && FORMULA_START.test(v) ? `'${v}` : v);

const unneutralise = (s: string) => (NEUTRALISED.test(s) ? s.slice(1) : s);

/** A calendar day of the province (yyyy-mm-dd), written as an Excel date (dd/mm/yyyy). */
export type DayCell = { day: string };
/**
 * What a column may give: text, a number (kept numeric), a yes/no, an instant (a `Date`: written as the province's
 * wall-clock date and time, dd/mm/yyyy hh:mm, since Excel has no time zones) or a day (`{ day }`).
 */
export type Cell = string | number | boolean | Date | DayCell | null;
export type Column<T> = { key: string; header: string; width?: number; value: (item: T) => Cell };

/** A yes/no column, in words: Có / Không (Excel's TRUE/FALSE would show in English; the importers read both). */
export const yesNo = (v: boolean | null | undefined) => (v === null || v === undefined ? null : v ? 'Có' : 'Không');
/** An instant as the database driver hands it (a `Date`, or a string from raw SQL on one of the drivers) → `Date`. */
export const instantCell = (v: Date | string | null | undefined): Date | null =>
  v === null || v === undefined ? null : v instanceof Date ? v : new Date(v);
/** A day column (yyyy-mm-dd, or a date-time whose first ten characters are the day) → a day cell. */
export const dayCell = (v: string | null | undefined): DayCell | null => (v ? { day: v.slice(0, 10) } : null);

const isDay = (v: Cell): v is DayCell => typeof v === 'object' && v !== null && !(v instanceof Date);
const DAY_FORMAT = 'dd/mm/yyyy';
const DATE_TIME_FORMAT = 'dd/mm/yyyy hh:mm';
/** The province's clock against UTC, in milliseconds (see time.ts: UTC+07:00, no daylight saving). */
const PROVINCE_OFFSET_MS = dayStart('2000-01-01').getTime() - Date.UTC(2000, 0, 1);

/** A Date whose UTC fields are the province's wall clock at `at` (exceljs writes a Date's UTC fields). */
const wallClock = (at: Date) => new Date(at.getTime() - PROVINCE_OFFSET_MS);

/** A cell as text (CSV): days and instants as the UI shows them, dd/mm/yyyy [hh:mm] in the province. */
export function cellText(v: Cell): string {
  if (v === null || (typeof v === 'number' && !Number.isFinite(v))) return '';
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return '';
    const iso = wallClock(v).toISOString();
    return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)} ${iso.slice(11, 16)}`;
  }
  if (isDay(v)) return `${v.day.slice(8, 10)}/${v.day.slice(5, 7)}/${v.day.slice(0, 4)}`;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  return String(neutraliseFormula(v));
}

/** A cell for exceljs with its number format, if any. */
function excelCell(v: Cell): { value: string | number | boolean | Date | null; numFmt?: string } {
  if (v === null || (typeof v === 'number' && !Number.isFinite(v))) return { value: null };
  if (v instanceof Date)
    return Number.isNaN(v.getTime()) ? { value: null } : { value: wallClock(v), numFmt: DATE_TIME_FORMAT };
  if (isDay(v)) {
    const [y, m, d] = v.day.split('-').map(Number);
    return { value: new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1)), numFmt: DAY_FORMAT };
  }
  // Excel refuses to open a cell longer than its limit (a long audit diff): the text is cut, visibly.
  if (typeof v === 'string' && v.length > TABLE_LIMITS.maxCellChars)
    return { value: neutraliseFormula(`${v.slice(0, TABLE_LIMITS.maxCellChars - 2)}…`) };
  return { value: neutraliseFormula(v) };
}

export async function writeTable<T>(
  format: TableFormat,
  sheet: string,
  columns: Column<T>[],
  items: T[],
): Promise<Buffer> {
  if (format === 'csv') {
    const esc = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
    const lines = [
      columns.map((c) => esc(cellText(c.header))),
      ...items.map((it) => columns.map((c) => esc(cellText(c.value(it))))),
    ];
    return Buffer.from(`\uFEFF${lines.map((l) => l.join(',')).join('\r\n')}\r\n`, 'utf8');
  }
  // Loaded on the first workbook written: exceljs is large, and a server that never exports need not hold it.
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Khiên';
  const ws = wb.addWorksheet(sheet);
  ws.columns = columns.map((c) => ({ header: c.header, key: c.key, width: c.width ?? 20 }));
  ws.getRow(1).font = { bold: true };
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  for (const it of items) {
    const cells = columns.map((c) => excelCell(c.value(it)));
    const row = ws.addRow(cells.map((c) => c.value));
    cells.forEach((c, i) => {
      if (c.numFmt) row.getCell(i + 1).numFmt = c.numFmt;
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * The most rows one export holds: what the importers accept (TABLE_LIMITS.maxRows), so an exported register can be
 * imported back, and a workbook exceljs builds in memory in a few seconds. A larger selection is refused with the
 * count, to be narrowed by the list's filters: a silently cut file would give wrong totals.
 */
export const MAX_EXPORT_ROWS = TABLE_LIMITS.maxRows;

/** What a list function answers: a page with the total its filters match, or every row. */
export type Listed<T> = T[] | { items: T[]; total: number };

/**
 * Every row a list function gives for `query`: asked for as one page of MAX_EXPORT_ROWS (one snapshot, the list's own
 * order), and for the rest should a list give shorter pages than asked; refused (400, `export.tooManyRows`) beyond
 * the bound.
 */
export async function exportRows<T, Q>(
  list: (q: Q & { limit: number; offset: number }) => Promise<Listed<T>>,
  query: Q,
): Promise<T[]> {
  const items: T[] = [];
  for (;;) {
    const got = await list({ ...query, limit: MAX_EXPORT_ROWS, offset: items.length });
    const page = Array.isArray(got) ? { items: got, total: got.length } : got;
    if (page.total > MAX_EXPORT_ROWS)
      throw new AppError(
        'VALIDATION',
        `${page.total} rows match: an export holds at most ${MAX_EXPORT_ROWS}; narrow the filters`,
        { total: page.total, max: MAX_EXPORT_ROWS },
        { key: 'export.tooManyRows', params: { total: page.total, max: MAX_EXPORT_ROWS } },
      );
    items.push(...page.items);
    if (Array.isArray(got) || !page.items.length || items.length >= page.total) return items;
  }
}
