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

// A real Nessus report: 7 hosts 10.31.112.21–29, every one with at least one vulnerability (none critical). Its
// hosts were scanned on 01/07/2013; the analyst states the scan time to date it in 2024 for this story.
const NESSUS = fileURLToPath(new URL('../../../shared/fixtures/scans/nessus/nessus_v_unknown.xml', import.meta.url));
// A real OpenVAS report whose 44 results all name the host "192.168.1.1001", which is no IP address.
const OPENVAS_BAD_HOSTS = fileURLToPath(
  new URL('../../../shared/fixtures/scans/openvas/many_vuln.xml', import.meta.url),
);

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
    expect(await result.getByTestId('scan-times').textContent()).toContain('10/03/2024 09:00:00');
    const recent = page.getByTestId('recent-scans');
    await recent.getByText('nessus_v_unknown.xml').waitFor();
    expect(await recent.textContent()).toContain('10/03/2024 09:00:00');
    await screenshot(page, 'vuln-import');

    // An OpenVAS report of which no finding can be imported is a warning that says why, not a green "done".
    await page.getByTestId('scan-scanned-at').fill('');
    await page.getByTestId('scan-files').setInputFiles(OPENVAS_BAD_HOSTS);
    await page.getByTestId('scan-submit').click();
    const refused = page.getByTestId('scan-result');
    await refused.waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('scan-job').locator('.job-state').textContent()).toBe('Không nhập được lỗ hổng nào');
    expect(await refused.getAttribute('data-outcome')).toBe('nothing');
    expect(await refused.getByTestId('import-nothing').textContent()).toBe(
      'Tệp có 44 lỗ hổng nhưng không lỗ hổng nào nhập được. Lý do:',
    );
    expect(await refused.getByTestId('issue-groups').textContent()).toContain(
      'Địa chỉ IP không hợp lệ: lỗ hổng không được nhập',
    );
    // No host could be kept, so nothing was dated: the report does not pretend a scan time.
    expect(await refused.getByTestId('scan-times').count()).toBe(0);
    await screenshot(page, 'vuln-import-refused');

    await dashboardFirstHalf2024(page);
    expect(await figure(page, 'vulnerableComputers')).toBe('7');
    expect(await figure(page, 'withCritical')).toBe('0');
    expect(await figure(page, 'scannedComputers')).toBe('7');
    // No KEV catalogue is loaded: the figure says so rather than a reassuring 0.
    expect(await figure(page, 'knownExploitedComputers')).toContain('Chưa nạp danh mục');
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
    // The period and the organisation are in the URL: a reload shows the same figures.
    expect(page.url()).toContain('from=2024-01-01');
    expect(page.url()).toContain(`organisationId=${org.A}`);
    await page.reload();
    await page.getByTestId('vuln-statement').getByText('tại Sở A').waitFor();
    expect(await page.getByTestId('period-picker').getByLabel('Đến ngày').inputValue()).toBe('30/06/2024');

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
    // Today the overview's last six months hold no scan of Sở A (March 2024 is long past): it says so rather than
    // counting a sighting of 2024 as current.
    const card = page.getByTestId('card-vulnerabilities');
    await card.getByTestId('figure-vulnerableComputers').waitFor();
    expect(await card.getByTestId('figure-vulnerableComputers').locator('dd').textContent()).toBe('0');
    expect(await card.getByTestId('vuln-no-data').textContent()).toContain('lần quét gần nhất: 10/03/2024');
    // As of 30/06/2024 the six months hold the March scan; its findings are still open, so all 7 computers count.
    await page.goto(new URL('/?asOf=2024-06-30', page.url()).href);
    await card.getByText('Máy tính có lỗ hổng (6 tháng đến 30/06/2024)').waitFor();
    await expect.poll(() => card.getByTestId('figure-vulnerableComputers').locator('dd').textContent()).toBe('7');
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
    // The heading reads '…' until the finding has loaded: take its name only once the actions are there.
    await detail.getByTestId('action-fixed').waitFor();
    const heading = detail.getByRole('heading', { level: 2 });
    await expect.poll(() => heading.textContent()).not.toBe('…');
    const name = (await heading.textContent()) ?? '';
    await detail.getByTestId('action-fixed').click();
    await detail.getByLabel('Ghi chú').fill('Đã cập nhật bản vá hệ điều hành');
    await detail.getByTestId('remediation-submit').click();
    await detail.getByText('Đã khắc phục (chờ quét lại)').first().waitFor();
    expect(await detail.textContent()).toContain('Đã cập nhật bản vá hệ điều hành');
    // The history names who acted: the SOC analyst who imported the scan, the officer who marked it fixed.
    const history = detail.getByTestId('finding-history');
    expect(await history.textContent()).toContain(
      'Quét thấy lần cuối (tệp nessus_v_unknown.xml, do Lê Minh Tuấn nhập)',
    );
    expect(await history.getByTestId('history-actor').allTextContents()).toEqual(['Phạm Thị Hương']);
    expect(await history.locator('li').last().textContent()).toContain(
      'Phạm Thị Hương: Chuyển trạng thái: Đã khắc phục (chờ quét lại) — “Đã cập nhật bản vá hệ điều hành”',
    );
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
