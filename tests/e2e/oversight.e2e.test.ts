import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../demo/load-demo.ts';
import { CLI_ACTOR } from '../../src/cli/context.ts';
import { pdfPages, pdfText } from '../support/documents.ts';
import {
  atBothWidths,
  createUsers,
  DESKTOP,
  type Harness,
  haveChromium,
  SCREENSHOTS,
  screenshot,
  seedAdmin,
  signIn,
  startHarness,
} from './support.ts';

/**
 * The leaders' dashboard on the demo province: a leader lands on the board, reads it as of 31/12/2024, breaks a task
 * down by unit and drills into a district's communes, prints it on one A4 page and downloads the PDF; the Department
 * adds a task of its own and records its progress. Screenshots: dist/screenshots/oversight-*.png.
 */
describe.skipIf(!haveChromium)('leaders’ dashboard in a browser', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness(async (database) => {
      await seedAdmin()(database);
      await loadDemo(database.db, CLI_ACTOR);
    });
    await createUsers(h, [
      ['lanhdao', 'Lãnh đạo tỉnh', 'viewer', null],
      ['canbo.attt', 'Hoàng Văn Đức', 'department', null],
    ]);
  }, 600_000);

  afterAll(async () => {
    await h?.close();
  });

  it('lands a leader on the board, as of a day, with a drill-down to a district’s communes', async () => {
    const page = await signIn(h, 'lanhdao');
    await page.getByRole('heading', { name: 'Điều hành', exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/oversight');
    expect(await page.getByTestId('task-add').count()).toBe(0); // a leader reads, never writes
    await page.getByTestId('as-of-input').fill('31/12/2024');
    const levels = page.getByTestId('task-row').filter({ hasText: 'phê duyệt hồ sơ đề xuất cấp độ' });
    await levels.getByText('46,7% (28/60)').waitFor();
    expect(await levels.getByTestId('task-state').textContent()).toBe('Chậm so với hạn');
    const soc = page.getByTestId('task-row').filter({ hasText: 'Giám sát an toàn thông tin tập trung' });
    await soc.getByText('86 địa chỉ IP rà quét; 2 kết nối máy chủ độc hại', { exact: false }).waitFor();
    expect(await page.getByTestId('task-row').count()).toBe(18);
    await atBothWidths(page, 'oversight', 'board');

    // Residents reached, by unit: the districts, then one district's communes.
    const reach = page.getByTestId('task-row').filter({ hasText: 'Tuyên truyền phòng chống lừa đảo' });
    await reach.getByTestId('task-by-unit').click();
    const breakdown = page.getByTestId('oversight-breakdown');
    await breakdown.getByTestId('breakdown-row').first().waitFor();
    expect(await breakdown.getByTestId('breakdown-row').count()).toBeGreaterThan(30);
    await breakdown.getByRole('button', { name: 'Huyện Mù Căng Chải' }).click();
    await page.getByTestId('oversight-breadcrumb').getByText('Huyện Mù Căng Chải').waitFor();
    await breakdown.getByTestId('breakdown-row').filter({ hasText: 'Thị trấn Mù Căng Chải' }).waitFor();
    const rows = await breakdown.getByTestId('breakdown-row').allTextContents();
    expect(rows.every((r) => /^(Xã|Thị trấn)/.test(r))).toBe(true);
    await atBothWidths(page, 'oversight', 'communes');
    expect(h.pageErrors).toEqual([]);
  });

  it('prints the board on one A4 page and downloads the same board as PDF', async () => {
    const page = await signIn(h, 'lanhdao');
    await page.goto(`${h.base}/oversight?asOf=2024-12-31`);
    await page.getByTestId('task-row').nth(17).waitFor();
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 1123, height: 794 }); // A4 landscape at 96 dpi
    await screenshot(page, 'oversight-print');
    expect(await page.getByTestId('oversight-print').isVisible()).toBe(false);
    const printed = join(SCREENSHOTS, 'oversight-print.pdf');
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    writeFileSync(printed, pdf);
    expect(pdfPages(pdf)).toBe(1);
    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize(DESKTOP);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('oversight-pdf').click()]);
    expect(download.suggestedFilename()).toBe('dieu-hanh-2024-12-31.pdf');
    const file = join(SCREENSHOTS, 'oversight-board.pdf');
    await download.saveAs(file);
    const board = readFileSync(file);
    expect(pdfPages(board)).toBe(1);
    const text = pdfText(board);
    expect(text).toContain('số liệu tại ngày 31/12/2024');
    expect(text).toContain('46,7% (28/60)');
    expect(h.pageErrors).toEqual([]);
  });

  it('lets the Department add a task of its own and record its progress', async () => {
    const page = await signIn(h, 'canbo.attt');
    await page.goto(`${h.base}/oversight?asOf=2024-12-31`);
    await page.getByTestId('task-add').click();
    const form = page.getByTestId('task-form');
    await form.getByTestId('task-order').fill('Kế hoạch 12/KH-STTTT ngày 02/01/2024');
    await form.getByTestId('task-number').fill('1');
    await form.getByTestId('task-title-vi').fill('Rà soát tài khoản quản trị các hệ thống cấp độ 3');
    await form.getByTestId('task-title-en').fill('Review the administrator accounts of level-3 systems');
    await form.getByTestId('task-target').fill('150');
    await form.getByTestId('task-validFrom').fill('02/01/2024');
    await form.getByTestId('task-deadline').fill('30/09/2024');
    await form.getByTestId('task-save').click();
    await form.getByText('Tỷ lệ không vượt quá 100%.').waitFor();
    await form.getByTestId('task-target').fill('100');
    await form.getByTestId('task-save').click();
    const row = page.getByTestId('task-row').filter({ hasText: 'Rà soát tài khoản quản trị' });
    await row.getByText('Chưa có số liệu').waitFor();
    await row.getByTestId('task-by-unit').click();
    const progress = page.getByTestId('progress-form');
    await progress.getByTestId('progress-day').fill('15/09/2024');
    await progress.getByTestId('progress-value').fill('80');
    await progress.getByTestId('progress-note').fill('8/10 hệ thống đã rà soát');
    await progress.getByTestId('progress-save').click();
    // 80% on the deadline of 30/09/2024, read on 31/12/2024: late.
    await row.getByText('80%').waitFor();
    expect(await row.getByTestId('task-state').textContent()).toBe('Chậm so với hạn');
    await row.getByText('8/10 hệ thống đã rà soát').waitFor();
    await atBothWidths(page, 'oversight', 'department');
    expect(h.pageErrors).toEqual([]);
  });
});
