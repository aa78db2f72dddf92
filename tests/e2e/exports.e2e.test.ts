import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../demo/load-demo.ts';
import { CLI_ACTOR } from '../../src/cli/context.ts';
import { atBothWidths, type Harness, haveChromium, seedAdmin, signIn, startHarness } from './support.ts';

// "Xuất Excel" in a browser: the demo's vulnerable computers filtered by severity, downloaded and read back.
describe.skipIf(!haveChromium)('list exports in a browser', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness(async (database) => {
      await seedAdmin()(database);
      await loadDemo(database.db, CLI_ACTOR);
    });
  }, 600_000);

  afterAll(async () => {
    await h?.close();
  });

  it('downloads the rows the filters match, every page, with dates as dates', async () => {
    const page = await signIn(h, 'quantri');
    await page.goto(`${h.base}/vulnerabilities/computers?severity=high&size=20`);
    const total = page.getByTestId('computers-table-total');
    await total.waitFor();
    // "1–20 / N": the export holds all N rows, not the page of 20.
    const rows = Number((await total.textContent())?.split('/')[1]?.replace(/\D/g, ''));
    expect(rows).toBeGreaterThan(20);
    await atBothWidths(page, 'exports', 'computers');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx').click()]);
    expect(download.suggestedFilename()).toMatch(/^may-tinh-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(await download.path());
    const ws = wb.worksheets[0] as ExcelJS.Worksheet;
    expect(ws.rowCount).toBe(rows + 1);
    expect(ws.getRow(1).getCell(1).value).toBe('Địa chỉ IP');
    expect(ws.getRow(2).getCell(5).type).toBe(ExcelJS.ValueType.Date);
    expect(ws.getRow(2).getCell(6).type).toBe(ExcelJS.ValueType.Number);
    expect(h.pageErrors).toEqual([]);
  });
});
