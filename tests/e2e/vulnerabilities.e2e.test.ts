import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDepartments,
  createUsers,
  type Harness,
  haveChromium,
  screenshot,
  seedAdmin,
  signIn as signInAs,
  startHarness,
} from './support.ts';

// A real Nessus report: 7 hosts 10.31.112.21–29, every one with at least one vulnerability (none critical).
const NESSUS = fileURLToPath(new URL('../../../shared/fixtures/scans/nessus/nessus_v_unknown.xml', import.meta.url));

describe.skipIf(!haveChromium)('vulnerable computers in a browser', () => {
  let h: Harness;
  const org: Record<'A' | 'B', string> = { A: '', B: '' };

  const signIn = (username: string) => signInAs(h, username);

  /** Opens the vulnerabilities dashboard for the first half of 2024 (the scan ran on 10/03/2024). */
  async function dashboardFirstHalf2024(page: Page) {
    await page.getByTestId('nav-vulnDashboard').click();
    await page.getByRole('heading', { name: 'Lỗ hổng — Tổng quan' }).waitFor();
    await page.getByTestId('period-picker').getByLabel('Năm').selectOption('2024');
    await page.getByTestId('period-h1').click();
    await page.getByTestId('vuln-statement').getByText('01/01/2024').waitFor();
    // Dates read dd/mm/yyyy in any browser language.
    expect(await page.getByTestId('period-picker').getByLabel('Đến ngày').inputValue()).toBe('30/06/2024');
  }

  const figure = (page: Page, key: string) => page.getByTestId(`figure-${key}`).locator('dd').textContent();

  beforeAll(async () => {
    h = await startHarness(seedAdmin());
    // The administrator sets up the two organisations through the API, as a script would.
    Object.assign(
      org,
      await createDepartments(h, [
        ['A', 'SO-A', 'Sở A', '10.31.112.16/28'],
        ['B', 'SO-B', 'Sở B', '10.31.113.0/24'],
      ]),
    );
    await createUsers(h, [
      ['soc.tinh', 'Lê Minh Tuấn', 'soc', null],
      ['canbo.soa', 'Phạm Thị Hương', 'agency', org.A],
      ['canbo.sob', 'Đặng Văn Quý', 'agency', org.B],
    ]);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('a SOC analyst imports a real Nessus report and sees 7 vulnerable computers', async () => {
    const page = await signIn('soc.tinh');
    await page.getByTestId('nav-vulnImport').click();
    await page.getByRole('heading', { name: 'Nhập báo cáo quét' }).waitFor();
    await page.getByTestId('scan-files').setInputFiles(NESSUS);
    await page.getByTestId('scan-scanned-at').fill('10/03/2024 09:00');
    await page.getByTestId('scan-submit').click();
    const result = page.getByTestId('scan-result');
    await result.waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('scan-job').locator('.job-state').textContent()).toBe('Hoàn tất');
    expect(await result.getByTestId('result-hosts').locator('dd').textContent()).toBe('7');
    expect(await result.getByTestId('result-unattributedHosts').locator('dd').textContent()).toBe('0');
    const recent = page.getByTestId('recent-scans');
    await recent.getByText('nessus_v_unknown.xml').waitFor();
    expect(await recent.textContent()).toContain('10/03/2024 09:00:00');
    await screenshot(page, 'vuln-import');

    await dashboardFirstHalf2024(page);
    expect(await figure(page, 'vulnerableComputers')).toBe('7');
    expect(await figure(page, 'withCritical')).toBe('0');
    expect(await figure(page, 'scannedComputers')).toBe('7');
    expect(await page.getByTestId('vuln-statement').textContent()).toBe(
      'Trong kỳ từ 01/01/2024 đến 30/06/2024 phát hiện 7 máy tính có lỗ hổng, trong đó 0 máy có lỗ hổng nghiêm trọng.',
    );
    const byOrg = page.getByTestId('vuln-by-org');
    expect(await byOrg.getByRole('row', { name: /Sở A/ }).textContent()).toContain('7');
    await page.waitForTimeout(300); // the charts draw on the next frames
    await screenshot(page, 'vuln-dashboard');

    // A click on an organisation narrows the whole dashboard to it.
    await byOrg.getByRole('button', { name: 'Sở A' }).click();
    await page.getByTestId('vuln-statement').getByText('tại Sở A').waitFor();
    expect(await figure(page, 'vulnerableComputers')).toBe('7');

    await page.getByTestId('nav-vulnFindings').click();
    await page.getByTestId('findings-table').locator('tbody tr').first().click();
    await page.getByTestId('finding-detail').waitFor();
    await screenshot(page, 'vuln-findings-soc', { fullPage: false });
    await page.context().close();
  });

  it('an agency officer of another organisation sees no vulnerable computer', async () => {
    const page = await signIn('canbo.sob');
    // Read the card once its figures have loaded (it first shows only its title).
    const card = page.getByTestId('card-vulnerabilities');
    await card.getByTestId('figure-vulnerableComputers').waitFor();
    expect(await card.getByTestId('figure-vulnerableComputers').locator('dd').textContent()).toBe('0');
    expect(await page.getByTestId('nav-vulnImport').count()).toBe(0);
    await dashboardFirstHalf2024(page);
    expect(await figure(page, 'vulnerableComputers')).toBe('0');
    await page.getByTestId('nav-vulnComputers').click();
    await page.getByTestId('computers-table').getByText('Không có máy tính nào.').waitFor();
    await screenshot(page, 'vuln-agency-b');
    await page.context().close();
  });

  it('an agency officer of Sở A marks one of its findings fixed', async () => {
    const page = await signIn('canbo.soa');
    // The overview card counts the last six months; the findings are still open, so all 7 computers count.
    const card = page.getByTestId('card-vulnerabilities');
    await card.getByTestId('figure-vulnerableComputers').waitFor();
    expect(await card.getByTestId('figure-vulnerableComputers').locator('dd').textContent()).toBe('7');
    await page.waitForTimeout(300); // the chart draws on the next frames
    await screenshot(page, 'vuln-overview-agency-a');

    await page.getByTestId('nav-vulnComputers').click();
    const computers = page.getByTestId('computers-table');
    await computers.getByText('10.31.112.21').waitFor();
    expect(await computers.locator('tbody tr').count()).toBe(7);
    await computers
      .getByRole('row', { name: /10\.31\.112\.21/ })
      .getByRole('link', { name: 'Xem lỗ hổng' })
      .click();
    await page.getByTestId('computer-filter').getByText('Trên máy 10.31.112.21').waitFor();
    const findings = page.getByTestId('findings-table');
    const rows = findings.locator('tbody tr');
    await rows.first().waitFor();
    const count = await rows.count();
    expect(count).toBeGreaterThan(0);
    expect(await findings.textContent()).not.toContain('10.31.112.22');

    await rows.first().click();
    const detail = page.getByTestId('finding-detail');
    const name = (await detail.getByRole('heading', { level: 2 }).textContent()) ?? '';
    await detail.getByTestId('action-fixed').click();
    await detail.getByLabel('Ghi chú').fill('Đã cập nhật bản vá hệ điều hành');
    await detail.getByTestId('remediation-submit').click();
    await detail.getByText('Đã khắc phục (chờ quét lại)').first().waitFor();
    expect(await detail.textContent()).toContain('Đã cập nhật bản vá hệ điều hành');
    await screenshot(page, 'vuln-finding-fixed', { fullPage: false });

    // The list itself shows the change: one finding fixed, the rest still open.
    await page
      .getByTestId('finding-filters')
      .getByLabel('Trạng thái')
      .selectOption({ label: 'Đã khắc phục (chờ quét lại)' });
    await findings.getByRole('button', { name }).waitFor();
    // The button is in the unfiltered list too: wait for the filtered list to replace it.
    await expect.poll(() => rows.count()).toBe(1);
    await page.context().close();
    expect(h.pageErrors).toEqual([]);
  });
});
