import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAwarenessDemo } from '../../demo/load-awareness.ts';
import { YEN_BAI_2024, yenBai2024Rows } from '../../demo/yen-bai-2024/organisations.ts';
import { CLI_ACTOR } from '../../src/cli/context.ts';
import { awarenessCoverage } from '../../src/modules/awareness/index.ts';
import { importOrganisationRows, organisationByCodeOn } from '../../src/modules/organisations/index.ts';
import {
  atBothWidths,
  createUsers,
  DESKTOP,
  type Harness,
  haveChromium,
  seedAdmin,
  signIn,
  startHarness,
} from './support.ts';

const DAY = '2024-11-20';
/** The first commune of Mù Cang Chải (district 137) in the 2024 tree. */
const COMMUNE = YEN_BAI_2024.find((o) => o.type === 'commune' && o.parentCode === '137');

/**
 * Anti-fraud awareness in a browser, on the demo's 2024 campaign over Yên Bái's 173 communes: the Department reads
 * the coverage of 20/11/2024 as a table and as the tile map and imports a population file with a bad row; a district's
 * officer sees only its 14 communes, records an activity with a photo, and sees the commune's reach grow.
 * Screenshots: dist/screenshots/awareness-*-{1440,390}.png.
 */
describe.skipIf(!haveChromium)('awareness in a browser', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness(async (database) => {
      await seedAdmin()(database);
      await importOrganisationRows(database.db, CLI_ACTOR, yenBai2024Rows(), '2024-06-30');
      await loadAwarenessDemo(database.db, CLI_ACTOR);
    });
    const district = await organisationByCodeOn(h.database.db, '137', DAY);
    await createUsers(h, [
      ['so.tuyentruyen', 'Nguyễn Thu Hà', 'department', null],
      ['huyen.mcc', 'Giàng A Sử', 'agency', district?.id ?? null],
    ]);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('the Department reads the coverage of a day as a table and as tiles, and imports population', async () => {
    const expected = await awarenessCoverage(h.database.db, { all: true }, { on: DAY });
    const page = await signIn(h, 'so.tuyentruyen');
    await page.setViewportSize(DESKTOP);
    await page.goto(`${h.base}/awareness?asOf=${DAY}`);
    await page.getByTestId('awareness-communes').waitFor();
    expect(await page.getByTestId('awareness-commune-row').count()).toBe(173);
    const percent = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 }).format(expected.total.percent ?? 0);
    expect(await page.getByTestId('awareness-figure-percent').textContent()).toContain(`${percent}%`);
    expect(await page.getByTestId('awareness-rule').textContent()).toContain('CV 1607/BTTTT-CATTT');
    await atBothWidths(page, 'awareness', 'table');

    await page.getByTestId('awareness-view-tiles').click();
    await page.getByTestId('awareness-tiles').waitFor();
    expect(await page.getByTestId('awareness-tile').count()).toBe(173);
    await atBothWidths(page, 'awareness', 'tiles');

    const csv = `Mã xã,Dân số,Tính đến ngày\n${COMMUNE?.code},5000,01/11/2024\n99999,100,01/11/2024\n`;
    await page
      .getByTestId('awareness-population-file')
      .setInputFiles({ name: 'dan-so.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const report = page.getByTestId('import-report');
    await report.waitFor();
    expect(await report.textContent()).toContain('Không có xã mã 99999');
    expect(await report.textContent()).toContain('Thêm mới 1');
    expect(h.pageErrors).toEqual([]);
  });

  it('a district officer records an activity with evidence for one of its communes only', async () => {
    const page = await signIn(h, 'huyen.mcc');
    await page.goto(`${h.base}/awareness?asOf=${DAY}`);
    await page.getByTestId('awareness-communes').waitFor();
    expect(await page.getByTestId('awareness-commune-row').count()).toBe(14);
    const row = page.locator(`[data-testid="awareness-commune-row"][data-code="${COMMUNE?.code}"]`);
    const before = Number((await row.locator('td').nth(2).textContent())?.replace(/\D/g, ''));

    await page.getByTestId('awareness-activity-commune').selectOption({ label: COMMUNE?.name ?? '' });
    await page.getByTestId('awareness-activity-day').fill('15/11/2024');
    await page.getByTestId('awareness-activity-channel').selectOption('meeting');
    await page.getByTestId('awareness-activity-people').fill('1234');
    await page.getByTestId('awareness-activity-save').click();
    await page.getByTestId('awareness-activity-saved').waitFor();
    await page
      .getByTestId('awareness-evidence-file')
      .setInputFiles({ name: 'hop-dan-ban.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('ảnh họp dân bản') });
    await page.getByTestId('awareness-activities').getByText('hop-dan-ban.jpg').waitFor();
    await expect
      .poll(async () => Number((await row.locator('td').nth(2).textContent())?.replace(/\D/g, '')))
      .toBe(before + 1234);
    await atBothWidths(page, 'awareness', 'agency');
    expect(h.pageErrors).toEqual([]);
  });
});
