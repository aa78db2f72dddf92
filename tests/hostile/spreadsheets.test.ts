// Hostile spreadsheets through the real API (issue 15, items 1 and 2): a small XLSX whose sheet unpacks to millions
// of rows, CSVs beyond the row and cell bounds, and names that a spreadsheet would run as formulas when exported.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db/client.ts';
import { createSystem, createTree, type Tree } from '../api/systems-support.ts';
import { type Client, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';
import { inlineRow, sheetXlsx } from '../support/xlsx-bombs.ts';

const HOSTILE_NAMES = ["=cmd|' /C calc'!A0", '+1', '@SUM(A1)', '-2+3'];
const LIVE = /^[=+\-@\t\r]/;
/** 5 million rows: ~230 MB of sheet XML in a ~760 KB upload. */
const BOMB = sheetXlsx({ header: ['name'], rowXml: inlineRow(['x']), rows: 5_000_000 });

/** Every cell of an exported file, as text, with its XLSX type when it is a workbook. */
async function exportedCells(format: 'csv' | 'xlsx', body: Buffer) {
  if (format === 'csv') {
    // The exports quote only cells with a comma, a quote or a line break; none of the checked values has one.
    const lines = body
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .split('\r\n');
    return lines.flatMap((l) => l.split(',')).map((text) => ({ text, type: undefined }));
  }
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ArrayBuffer);
  const cells: { text: string; type: ExcelJS.ValueType | undefined }[] = [];
  wb.worksheets[0]?.eachRow((row) => {
    row.eachCell((cell) => {
      cells.push({ text: String(cell.value), type: cell.type });
    });
  });
  return cells;
}

describe.each(TEST_DATABASES)('hostile spreadsheets on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  let ids: Tree;
  let admin: Client;
  let agency: Client;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database);
    admin = await t.userWithRole('sheet-admin', 'admin');
    ids = await createTree(admin);
    agency = await t.userWithRole('sheet-agency', 'agency', ids['137']);
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it('refuses an XLSX bomb in milliseconds, with bounded memory, while /api/health keeps answering', async () => {
    expect(BOMB.length).toBeLessThan(1024 * 1024);
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 5);
    const started = performance.now();
    // Three at once, as the probe sent them, and the health check beside them.
    const imports = Promise.all([1, 2, 3].map(() => agency.request('POST', '/api/systems/import', BOMB)));
    const health = (async () => {
      const asked = performance.now();
      const res = await t.app.inject({ method: 'GET', url: '/api/health' });
      return { status: res.statusCode, ms: performance.now() - asked };
    })();
    const [answers, healthy] = await Promise.all([imports, health]);
    const took = performance.now() - started;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    for (const res of answers) {
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.message).toMatch(
        /too large to import: .* unpack to 2\d\d MB, more than the 128 MB allowed/,
      );
    }
    expect(took).toBeLessThan(3_000);
    expect(healthy.status).toBe(200);
    expect(healthy.ms).toBeLessThan(1_000);
    expect((peak - baseline) / 2 ** 20).toBeLessThan(200);
  });

  it('refuses the same bomb on the organisation import and the reorganisation', async () => {
    for (const url of ['/api/organisations/import', '/api/organisations/reorganise?dryRun=true']) {
      const res = await admin.request('POST', url, BOMB);
      expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
      expect(res.json().error.message).toMatch(/too large to import/);
    }
  });

  it('refuses a CSV of too many rows or with an over-long cell, naming row and column; a file at the limits imports', async () => {
    const header = 'organisation_code,name,system_type,purpose';
    const rows = (n: number, from = 0) =>
      Array.from({ length: n }, (_, i) => `137,Hệ thống giới hạn ${from + i},Nội bộ,Quản lý`);
    const csv = (lines: string[]) => Buffer.from(`${[header, ...lines].join('\r\n')}\r\n`);

    const many = await agency.request('POST', '/api/systems/import', csv(rows(20_001)));
    expect(many.statusCode, many.body).toBe(400);
    expect(many.json().error.message).toBe(
      'The file has more than 20000 rows of data (row 20002 is one too many): split it',
    );

    const long = await agency.request(
      'POST',
      '/api/systems/import',
      csv([...rows(1), `137,${'x'.repeat(32_768)},Nội bộ,`]),
    );
    expect(long.statusCode, long.body).toBe(400);
    expect(long.json().error.message).toBe(
      'Row 3, column B (name): the cell holds 32768 characters, more than the 32767 allowed',
    );

    // A realistic file (hundreds of systems) with one cell at Excel's limit is read whole: the importer then judges
    // that purpose (at most 1000 characters) row by row, as any other value.
    const ok = await agency.request(
      'POST',
      '/api/systems/import',
      csv([...rows(300, 1_000), `137,Hệ thống mô tả dài,Nội bộ,${'p'.repeat(32_767)}`]),
    );
    expect(ok.statusCode, ok.body.slice(0, 300)).toBe(200);
    const report = ok.json();
    expect(report.created).toBe(300);
    expect(report.errors.map((e: { row: number; column: string }) => [e.row, e.column])).toEqual([[302, 'purpose']]);
  });

  it('exports organisations and systems named like formulas as text, never as live formulas', async () => {
    for (const [i, name] of HOSTILE_NAMES.entries()) {
      const org = await admin.request('POST', '/api/organisations', {
        code: `F${i}`,
        name,
        type: 'commune',
        parentId: ids['137'],
        ipRanges: [],
      });
      expect(org.statusCode, org.body).toBe(201);
      await createSystem(agency, ids['137'] as string, 1, { name, userCount: 25 });
    }
    for (const format of ['csv', 'xlsx'] as const) {
      for (const url of [`/api/organisations/export?format=${format}`, `/api/systems/export?format=${format}`]) {
        const res = await admin.request('GET', url);
        expect(res.statusCode).toBe(200);
        const cells = await exportedCells(format, res.rawPayload);
        const texts = cells.map((c) => c.text);
        expect(
          texts.filter((s) => LIVE.test(s)),
          url,
        ).toEqual([]);
        for (const name of HOSTILE_NAMES) expect(texts, url).toContain(`'${name}`);
        if (format === 'xlsx')
          for (const c of cells.filter((c) => c.text.startsWith("'")))
            expect(c.type, `${url}: ${c.text}`).toBe(ExcelJS.ValueType.String);
      }
    }
    // Numbers stay numbers: the user count is a numeric cell.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(
      (await admin.request('GET', '/api/systems/export?format=xlsx')).rawPayload as unknown as ArrayBuffer,
    );
    const ws = wb.worksheets[0] as ExcelJS.Worksheet;
    const headers = (ws.getRow(1).values as string[]).slice(1);
    const users = headers.indexOf('Số người sử dụng') + 1;
    const hostileRow = [...Array(ws.rowCount).keys()]
      .map((r) => ws.getRow(r + 1))
      .find((r) => r.getCell(4).value === "'+1");
    expect(hostileRow?.getCell(users).type).toBe(ExcelJS.ValueType.Number);
    expect(hostileRow?.getCell(users).value).toBe(25);

    // And the exports import back unchanged: the apostrophe is taken off again.
    for (const format of ['csv', 'xlsx'] as const) {
      const file = (await admin.request('GET', `/api/systems/export?format=${format}`)).rawPayload;
      const again = (await admin.request('POST', '/api/systems/import', file)).json();
      expect(again.errors).toEqual([]);
      expect(again.created + again.updated).toBe(0);
    }
    const names = (await admin.request('GET', '/api/systems?limit=500'))
      .json()
      .items.map((s: { name: string }) => s.name);
    for (const name of HOSTILE_NAMES) expect(names).toContain(name);
  });
});
