import { monitorEventLoopDelay } from 'node:perf_hooks';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { inlineRow, sheetXlsx } from '../../tests/support/xlsx-bombs.ts';
import { AppError } from './errors.ts';
import {
  type Column,
  dayCell,
  exportRows,
  instantCell,
  MAX_EXPORT_ROWS,
  readTable,
  TABLE_LIMITS,
  writeTable,
} from './tabular.ts';

const COLUMNS = { name: 'name', code: 'code', note: 'note' };

/** The VALIDATION message readTable refuses `buf` with. */
async function refusal(buf: Buffer, limits = TABLE_LIMITS): Promise<string> {
  const e = await readTable(buf, COLUMNS, limits).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  expect((e as AppError).code).toBe('VALIDATION');
  return (e as AppError).message;
}

/** Runs `work` while sampling the event loop: its longest stall and the process's RSS growth. */
async function measured<T>(work: () => Promise<T>) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  const rss = process.memoryUsage().rss;
  const started = performance.now();
  delay.enable();
  const result = await work().catch((e: unknown) => e);
  delay.disable();
  return {
    result,
    ms: performance.now() - started,
    maxStallMs: delay.max / 1e6,
    rssGrowthMb: (process.memoryUsage().rss - rss) / 2 ** 20,
  };
}

const csv = (lines: string[]) => Buffer.from(`${lines.join('\r\n')}\r\n`);

describe('readTable: XLSX bounds', () => {
  it('refuses a sheet declaring millions of rows from the ZIP directory, before inflating it', async () => {
    const bomb = sheetXlsx({ header: ['name'], rowXml: inlineRow(['x']), rows: 4_000_000 });
    expect(bomb.length).toBeLessThan(700_000);
    const run = await measured(() => refusal(bomb));
    expect(run.result).toMatch(/too large to import: .* unpack to 1\d\d MB, more than the 128 MB allowed/);
    expect(run.ms).toBeLessThan(1_000);
    expect(run.rssGrowthMb).toBeLessThan(50);
  });

  it('stops a part that unpacks to more than the ZIP directory declares, while inflating it', async () => {
    // 2 million empty rows (~26 MB, no data row to count) declared as 1 MB.
    const liar = sheetXlsx({ header: ['name'], rowXml: '<row/>', rows: 2_000_000, declaredSheetSize: 1_000_000 });
    const run = await measured(() => refusal(liar));
    expect(run.result).toMatch(/^Not a readable XLSX file: too many bytes in the stream/);
    expect(run.ms).toBeLessThan(2_000);
    expect(run.rssGrowthMb).toBeLessThan(50);
  });

  it('reads 20 000 data rows and refuses the 20 001st, naming its row; blank rows do not count', async () => {
    const rows = (n: number) =>
      sheetXlsx({ header: ['name', 'code'], rowXml: `${inlineRow(['Hệ thống', 'HT'])}<row/>`, rows: n });
    const run = await measured(() => readTable(rows(TABLE_LIMITS.maxRows), COLUMNS));
    const read = run.result as Awaited<ReturnType<typeof readTable>>;
    expect(read).toHaveLength(20_000);
    expect(read.at(-1)).toEqual({ row: 40_000, cells: { name: 'Hệ thống', code: 'HT' } });
    // Inflating runs in zlib's threads and each ~16 KB chunk is parsed on its own: the loop stays free.
    expect(run.maxStallMs).toBeLessThan(250);
    expect(await refusal(rows(TABLE_LIMITS.maxRows + 1))).toBe(
      'The file has more than 20000 rows of data (row 40002 is one too many): split it',
    );
  });

  it('refuses a cell longer than Excel’s 32 767 characters, inline or shared, naming row and column', async () => {
    const at = (n: number) => sheetXlsx({ header: ['code', 'name'], rowXml: inlineRow(['A', 'x'.repeat(n)]), rows: 1 });
    expect((await readTable(at(32_767), COLUMNS))[0]?.cells.name).toHaveLength(32_767);
    expect(await refusal(at(32_768))).toBe(
      'Row 2, column B (name): the cell holds 32768 characters, more than the 32767 allowed',
    );
    const shared = sheetXlsx({
      header: ['code', 'name'],
      rowXml: '<row><c t="inlineStr"><is><t>A</t></is></c><c t="s"><v>1</v></c></row>',
      rows: 1,
      sharedStrings: ['short', 'y'.repeat(40_000)],
    });
    expect(await refusal(shared)).toMatch(/^Row 2, column B \(name\): the cell holds 40000 characters/);
  });

  it('refuses a cell beyond the last column and more shared strings than allowed', async () => {
    const far = sheetXlsx({ header: ['name'], rowXml: '<row r="2"><c r="XFE2"><v>1</v></c></row>', rows: 1 });
    expect(await refusal(far)).toBe('Row 2: a cell lies beyond the last column allowed (16384)');
    const strings = sheetXlsx({
      header: ['name'],
      rowXml: inlineRow(['x']),
      rows: 1,
      sharedStrings: Array.from({ length: 11 }, (_, i) => `s${i}`),
    });
    expect(await refusal(strings, { ...TABLE_LIMITS, maxSharedStrings: 10 })).toMatch(/more than 10 different texts/);
  });

  it('reads what exceljs wrote as before: dates, numbers, booleans, rich text, formula results, row numbers', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Data');
    ws.addRow(['name', 'code', 'note']);
    ws.addRow([
      { richText: [{ text: 'Hệ ' }, { text: 'thống', font: { bold: true } }] },
      { formula: '1+1', result: 2 },
      new Date('2024-08-20T00:00:00Z'),
    ]);
    ws.addRow([]);
    ws.addRow([{ text: 'link', hyperlink: 'https://example.vn' }, -3.5, true]);
    const dated = ws.getRow(6);
    dated.getCell(1).value = 'serial';
    dated.getCell(3).value = 45_000;
    dated.getCell(3).numFmt = 'dd/mm/yyyy';
    dated.commit();
    wb.addWorksheet('Second').addRow(['ignored']);
    const rows = await readTable(Buffer.from(await wb.xlsx.writeBuffer()), COLUMNS);
    expect(rows).toEqual([
      { row: 2, cells: { name: 'Hệ thống', code: '2', note: '2024-08-20' } },
      { row: 4, cells: { name: 'link', code: '-3.5', note: 'true' } },
      { row: 6, cells: { name: 'serial', code: '', note: '2023-03-15' } },
    ]);
  });

  it('refuses a file that is not a workbook and an unknown column, naming it', async () => {
    expect(await refusal(Buffer.from('PK\x03\x04 not really a zip'))).toMatch(/^Not a readable XLSX file: /);
    const odd = sheetXlsx({ header: ['name', 'colour'], rowXml: inlineRow(['a', 'b']), rows: 1 });
    expect(await refusal(odd)).toBe('Unknown column(s): colour');
  });
});

describe('readTable: CSV bounds', () => {
  it('reads 20 000 data rows and refuses the 20 001st, naming its row', async () => {
    const lines = (n: number) => csv(['name,code', ...Array.from({ length: n }, (_, i) => `Hệ thống ${i},HT${i}`)]);
    const read = await readTable(lines(20_000), COLUMNS);
    expect(read).toHaveLength(20_000);
    expect(read.at(-1)).toEqual({ row: 20_001, cells: { name: 'Hệ thống 19999', code: 'HT19999' } });
    expect(await refusal(lines(20_001))).toBe(
      'The file has more than 20000 rows of data (row 20002 is one too many): split it',
    );
  });

  it('refuses an over-long cell, an over-long line and too many columns, naming the row', async () => {
    const cell = (n: number) => csv(['code,name', `A,"${'x'.repeat(n)}"`]);
    expect((await readTable(cell(32_767), COLUMNS))[0]?.cells.name).toHaveLength(32_767);
    expect(await refusal(cell(32_768))).toBe(
      'Row 2, column B (name): the cell holds 32768 characters, more than the 32767 allowed',
    );
    const wide = csv(['name', Array.from({ length: 40 }, () => 'y'.repeat(30_000)).join(',')]);
    expect(await refusal(wide)).toBe('Row 2: the line is longer than the 1048576 characters allowed');
    expect(await refusal(csv(['name', 'a', ','.repeat(20_000)]))).toBe(
      'Row 3: the line has more than the 16384 columns allowed',
    );
    expect(await refusal(csv(['name', 'a"b']))).toBe(
      'Not a readable CSV file: row 2: column 1 has a quote inside an unquoted cell',
    );
    expect(await refusal(csv(['name', '"open']))).toBe('Not a readable CSV file: row 2: a quoted cell is never closed');
  });

  it('reads 20 MB of blank lines quickly and without stalling the event loop', async () => {
    // Each line is a record of fewer cells than the header: csv-parse built an Error for each (minutes of CPU).
    const blanks = Buffer.concat([Buffer.from('name,code,note\n'), Buffer.alloc(20 * 2 ** 20, ',\n')]);
    const run = await measured(() => readTable(blanks, COLUMNS));
    expect(run.result).toEqual([]);
    expect(run.ms).toBeLessThan(10_000);
    expect(run.maxStallMs).toBeLessThan(250);
  });

  it('keeps the row numbers a user sees: quoted line breaks, a BOM, blank lines, CR, LF and CRLF', async () => {
    const file = Buffer.from('\uFEFFname,code\r\n"two\nlines","a ""quote"""\n\r\n  ,  \rlast,\n');
    expect(await readTable(file, COLUMNS)).toEqual([
      { row: 2, cells: { name: 'two\nlines', code: 'a "quote"' } },
      { row: 5, cells: { name: 'last', code: '' } },
    ]);
  });
});

describe('writeTable: formulas neutralised (OWASP CSV injection)', () => {
  type Item = { name: string; n: number | null };
  const items: Item[] = [
    { name: "=cmd|' /C calc'!A0", n: -5 },
    { name: '+1', n: 0.5 },
    { name: '@SUM(A1)', n: null },
    { name: '-2+3', n: 7 },
    { name: '\tx', n: 1 },
    { name: '\rx', n: 2 },
    { name: 'plain - text', n: 3 },
  ];
  const columns = [
    { key: 'name', header: 'name', value: (i: Item) => i.name },
    { key: 'code', header: 'code', value: (i: Item) => i.n },
  ];

  it('prefixes formula-like texts with an apostrophe in CSV; numbers stay numbers', async () => {
    const text = (await writeTable('csv', 'S', columns, items)).toString('utf8');
    expect(text.split('\r\n').slice(1, -1)).toEqual([
      `'=cmd|' /C calc'!A0,-5`,
      "'+1,0.5",
      "'@SUM(A1),",
      "'-2+3,7",
      "'\tx,1",
      `"'\rx",2`,
      'plain - text,3',
    ]);
  });

  it('writes them as prefixed string cells in XLSX, never formulas; a negative number stays numeric', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await writeTable('xlsx', 'S', columns, items)) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0] as ExcelJS.Worksheet;
    for (let r = 2; r <= items.length + 1; r++) {
      const cell = ws.getRow(r).getCell(1);
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(String(cell.value)).not.toMatch(/^[=+\-@\t\r]/);
    }
    expect(ws.getRow(2).getCell(1).value).toBe(`'=cmd|' /C calc'!A0`);
    expect(ws.getRow(2).getCell(2).type).toBe(ExcelJS.ValueType.Number);
    expect(ws.getRow(2).getCell(2).value).toBe(-5);
  });

  it.each(['csv', 'xlsx'] as const)('imports its own %s export back unchanged', async (format) => {
    const rows = await readTable(await writeTable(format, 'S', columns, items), COLUMNS);
    // Import trims cells, as before: the TAB and CR examples come back trimmed.
    expect(rows.map((r) => r.cells.name)).toEqual(items.map((i) => i.name.trim()));
  });
});

describe('writeTable: typed cells', () => {
  type Item = { at: Date | null; day: string | null; n: number; ok: boolean; text: string };
  const items: Item[] = [
    // 17:30 UTC on 30 June is 00:30 on 1 July in the province: the day of the instant is the province's.
    { at: new Date('2024-06-30T17:30:00Z'), day: '2024-06-30', n: 617, ok: true, text: '30/06/2024' },
    { at: null, day: null, n: 0.5, ok: false, text: '' },
  ];
  const columns: Column<Item>[] = [
    { key: 'at', header: 'Thời điểm', value: (i) => i.at },
    { key: 'day', header: 'Ngày', value: (i) => dayCell(i.day) },
    { key: 'n', header: 'Số', value: (i) => i.n },
    { key: 'ok', header: 'Đạt', value: (i) => i.ok },
    { key: 'text', header: 'Chữ', value: (i) => i.text },
  ];

  it('writes instants as province date-times and days as dates in XLSX, numbers as numbers', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await writeTable('xlsx', 'S', columns, items)) as unknown as ArrayBuffer);
    const row = (wb.worksheets[0] as ExcelJS.Worksheet).getRow(2);
    expect(row.getCell(1).type).toBe(ExcelJS.ValueType.Date);
    expect((row.getCell(1).value as Date).toISOString()).toBe('2024-07-01T00:30:00.000Z');
    expect(row.getCell(1).numFmt).toBe('dd/mm/yyyy hh:mm');
    expect(row.getCell(2).type).toBe(ExcelJS.ValueType.Date);
    expect((row.getCell(2).value as Date).toISOString()).toBe('2024-06-30T00:00:00.000Z');
    expect(row.getCell(2).numFmt).toBe('dd/mm/yyyy');
    expect(row.getCell(3).value).toBe(617);
    expect(row.getCell(4).value).toBe(true);
    // A text that looks like a date stays the text it is.
    expect(row.getCell(5).type).toBe(ExcelJS.ValueType.String);
    const empty = (wb.worksheets[0] as ExcelJS.Worksheet).getRow(3);
    expect([empty.getCell(1).value, empty.getCell(2).value, empty.getCell(3).value]).toEqual([null, null, 0.5]);
  });

  it('writes them as the UI shows them in CSV (dd/mm/yyyy, province time)', async () => {
    const text = (await writeTable('csv', 'S', columns, items)).toString('utf8');
    expect(text.split('\r\n').slice(1, -1)).toEqual([
      '01/07/2024 00:30,30/06/2024,617,TRUE,30/06/2024',
      ',,0.5,FALSE,',
    ]);
  });

  it('reads instants from either driver and days from date-times', () => {
    expect(instantCell('2024-06-30T17:30:00.000Z')?.toISOString()).toBe('2024-06-30T17:30:00.000Z');
    expect(instantCell(null)).toBeNull();
    expect(dayCell('2024-06-30T00:00:00')).toEqual({ day: '2024-06-30' });
    expect(dayCell(null)).toBeNull();
  });
});

describe('export bound', () => {
  it(`refuses more than ${MAX_EXPORT_ROWS} rows with the count, rather than cut the file`, async () => {
    const list = async (q: { limit: number }) => ({ items: [], total: q.limit + 1 });
    await expect(exportRows(list, {})).rejects.toMatchObject({
      code: 'VALIDATION',
      key: 'export.tooManyRows',
      params: { total: MAX_EXPORT_ROWS + 1, max: MAX_EXPORT_ROWS },
    });
    await expect(exportRows(async () => [1, 2], {})).resolves.toEqual([1, 2]);
  });

  it('asks again from where a list stopped when it gives shorter pages than asked', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => i);
    const offsets: number[] = [];
    const list = async (q: { limit: number; offset: number; state: string }) => {
      offsets.push(q.offset);
      expect(q.state).toBe('open');
      return { items: rows.slice(q.offset, q.offset + 10), total: rows.length };
    };
    expect(await exportRows(list, { state: 'open' })).toEqual(rows);
    expect(offsets).toEqual([0, 10, 20]);
  });
});
