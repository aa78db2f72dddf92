import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { AppError } from './errors.ts';

/**
 * Spreadsheet-shaped import/export shared by every module (organisation tree, systems, …): CSV (UTF-8, with BOM so
 * Excel shows Vietnamese correctly) and XLSX. Row numbers are the ones a user sees in Excel (header = row 1).
 */
export type TableFormat = 'csv' | 'xlsx';
export type TableRow = { row: number; cells: Record<string, string> };

export function detectTableFormat(buf: Buffer): TableFormat {
  // XLSX is a ZIP: "PK\x03\x04".
  return buf.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])) ? 'xlsx' : 'csv';
}

const cellText = (v: ExcelJS.CellValue): string => {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('text' in v) return String(v.text);
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
    return '';
  }
  return String(v);
};

/**
 * Reads the first sheet (or the CSV) into rows keyed by column. `columns` maps each accepted header text (the
 * machine key or the Vietnamese/English label, case-insensitive) to its key.
 */
export async function readTable(buf: Buffer, columns: Record<string, string>): Promise<TableRow[]> {
  const lookup = new Map(Object.entries(columns).map(([h, k]) => [h.trim().toLowerCase(), k]));
  let grid: string[][];
  if (detectTableFormat(buf) === 'xlsx') {
    const wb = new ExcelJS.Workbook();
    try {
      await wb.xlsx.load(buf as unknown as ArrayBuffer);
    } catch (e) {
      throw new AppError('VALIDATION', `Not a readable XLSX file: ${(e as Error).message}`);
    }
    const ws = wb.worksheets[0];
    if (!ws) throw new AppError('VALIDATION', 'The workbook has no sheet');
    grid = [];
    ws.eachRow({ includeEmpty: true }, (r, n) => {
      const values = r.values as ExcelJS.CellValue[]; // 1-based
      grid[n - 1] = values.slice(1).map(cellText);
    });
    for (let i = 0; i < grid.length; i++) grid[i] ??= [];
  } else {
    try {
      grid = parseCsv(buf, { bom: true, relax_column_count: true, skip_empty_lines: false }) as string[][];
    } catch (e) {
      throw new AppError('VALIDATION', `Not a readable CSV file: ${(e as Error).message}`);
    }
  }
  const header = grid[0];
  if (!header) throw new AppError('VALIDATION', 'The file is empty');
  const keys = header.map((h) => lookup.get(h.trim().toLowerCase()));
  const unknown = header.filter((h, i) => h.trim() && !keys[i]);
  if (unknown.length) throw new AppError('VALIDATION', `Unknown column(s): ${unknown.join(', ')}`, { row: 1 });
  const rows: TableRow[] = [];
  for (let i = 1; i < grid.length; i++) {
    const line = grid[i] ?? [];
    if (line.every((c) => !c.trim())) continue;
    const cells: Record<string, string> = {};
    keys.forEach((k, j) => {
      if (k) cells[k] = (line[j] ?? '').trim();
    });
    rows.push({ row: i + 1, cells });
  }
  return rows;
}

export type Column<T> = { key: string; header: string; width?: number; value: (item: T) => string | number | null };

export async function writeTable<T>(
  format: TableFormat,
  sheet: string,
  columns: Column<T>[],
  items: T[],
): Promise<Buffer> {
  if (format === 'csv') {
    const esc = (v: string | number | null) => {
      const s = v === null ? '' : String(v);
      return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
    };
    const lines = [columns.map((c) => esc(c.header)), ...items.map((it) => columns.map((c) => esc(c.value(it))))];
    return Buffer.from(`\uFEFF${lines.map((l) => l.join(',')).join('\r\n')}\r\n`, 'utf8');
  }
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Khiên';
  const ws = wb.addWorksheet(sheet);
  ws.columns = columns.map((c) => ({ header: c.header, key: c.key, width: c.width ?? 20 }));
  ws.getRow(1).font = { bold: true };
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  for (const it of items) ws.addRow(Object.fromEntries(columns.map((c) => [c.key, c.value(it)])));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
