import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  atBothWidths,
  createDepartments,
  createUsers,
  type Harness,
  haveChromium,
  seedAdmin,
  signIn as signInAs,
  startHarness,
} from './support.ts';

// A real OWASP ZAP XML report: one website, https://mainsite.com, with 10 findings (one medium "CSP Scanner: Wildcard
// Directive", CWE-16, and nine low) over its pages and cookies. It was generated on 12/05/2020; the analyst states
// the scan time to date it in 2024 for this story. No agency site or system is registered for mainsite.com, so the
// website waits for an analyst to assign it.
const ZAP = fileURLToPath(new URL('../../../shared/fixtures/scans/zap/0_zap_sample.xml', import.meta.url));
const SITE = 'https://mainsite.com';
const MEDIUM = 'CSP Scanner: Wildcard Directive';

describe.skipIf(!haveChromium)('vulnerable websites in a browser', () => {
  let h: Harness;
  const org: Record<'A' | 'B', string> = { A: '', B: '' };

  const signIn = (username: string) => signInAs(h, username);
  const figure = (page: Page, key: string) => page.getByTestId(`figure-${key}`).locator('dd').textContent();

  beforeAll(async () => {
    h = await startHarness(seedAdmin());
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

  it('a SOC analyst imports a ZAP report, finds the website and assigns it to Sở A', async () => {
    const page = await signIn('soc.tinh');
    await page.getByTestId('nav-vulnImport').click();
    await page.getByRole('heading', { name: 'Nhập báo cáo quét' }).waitFor();
    // The page says which reports it reads, web scanners' included.
    const formats = page.getByTestId('read-formats');
    expect(await formats.textContent()).toContain('Quét trang web');
    expect(await formats.textContent()).toContain('ZAP');
    await page.getByTestId('scan-files').setInputFiles(ZAP);
    await page.getByTestId('scan-scanned-at').fill('10/03/2024 09:00');
    await page.getByTestId('scan-submit').click();
    const result = page.getByTestId('scan-result');
    await result.waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('scan-job').locator('.job-state').textContent()).toBe('Hoàn tất');
    // A web report counts websites, not computers.
    expect(await result.getByTestId('result-websites').locator('dd').textContent()).toBe('1');
    expect(await result.getByTestId('result-unattributedWebsites').locator('dd').textContent()).toBe('1');
    expect(await result.getByTestId('result-findings').locator('dd').textContent()).toBe('10');
    expect(await result.getByTestId('result-hosts').count()).toBe(0);
    expect(await result.getByTestId('scan-times').textContent()).toContain('10/03/2024 09:00:00');
    const recent = page.getByTestId('recent-scans');
    const row = recent.getByRole('row', { name: /0_zap_sample\.xml/ });
    await row.waitFor();
    expect(await row.locator('td.mono').textContent()).toBe('zap');
    await atBothWidths(page, 'vuln-web', 'import');

    await page.getByTestId('nav-vulnWebsites').click();
    await page.getByRole('heading', { name: 'Trang web', exact: true }).waitFor();
    const table = page.getByTestId('websites-table');
    const site = table.getByTestId('website-row').filter({ hasText: SITE });
    await site.waitFor();
    expect(await site.getByTestId('website-attribution').textContent()).toBe('Chưa xác định');
    expect(await site.textContent()).toContain('Chưa xác định đơn vị');
    expect(await site.textContent()).toContain('10/03/2024 09:00:00');
    await atBothWidths(page, 'vuln-web', 'websites-soc');

    // No register matched it: the analyst assigns it on the unattributed tab.
    await page.getByTestId('tab-unattributed').click();
    const form = table.getByTestId('assign-form');
    await form.waitFor();
    await form.getByRole('combobox').selectOption({ label: 'Sở A' });
    await atBothWidths(page, 'vuln-web', 'websites-unattributed');
    await form.getByRole('button', { name: 'Gán' }).click();
    await table.getByText('Không có trang web nào.').waitFor();
    await page.getByTestId('tab-all').click();
    await expect.poll(() => site.getByTestId('website-attribution').textContent()).toBe('Phân tích viên gán');
    expect(await site.textContent()).toContain('Sở A');

    // The dashboard counts the website beside the computers, for the first half of 2024.
    await page.getByTestId('nav-vulnDashboard').click();
    await page.getByRole('heading', { name: 'Lỗ hổng — Tổng quan' }).waitFor();
    await page.getByTestId('period-picker').getByLabel('Năm').selectOption('2024');
    await page.getByTestId('period-h1').click();
    await page.getByTestId('vuln-web-statement').getByText('01/01/2024').waitFor();
    expect(await page.getByTestId('vuln-web-statement').textContent()).toBe(
      'Trong kỳ từ 01/01/2024 đến 30/06/2024 phát hiện 1 trang web có lỗ hổng, trong đó 0 trang web có lỗ hổng nghiêm trọng.',
    );
    expect(await figure(page, 'vulnerableWebsites')).toBe('1');
    expect(await figure(page, 'websitesWithCritical')).toBe('0');
    expect(await figure(page, 'scannedWebsites')).toBe('1');
    expect(await figure(page, 'unattributedVulnerableWebsites')).toBe('0');
    // No computer was scanned: those figures say so, beside the websites'.
    expect(await figure(page, 'vulnerableComputers')).toBe('0');
    const bySeverity = page.getByTestId('vuln-web-by-severity');
    expect(await bySeverity.getByRole('row', { name: /Trung bình/ }).textContent()).toContain('1');
    expect(await page.getByTestId('vuln-by-org').getByRole('row', { name: /Sở A/ }).textContent()).toContain('1');
    const top = page.getByTestId('vuln-web-top');
    const check = top.getByRole('row', { name: new RegExp(MEDIUM) });
    expect(await check.getByRole('link', { name: 'CWE-16' }).getAttribute('href')).toBe(
      'https://cwe.mitre.org/data/definitions/16.html',
    );
    await page.waitForTimeout(300); // the charts draw on the next frames
    await atBothWidths(page, 'vuln-web', 'dashboard');
    await page.context().close();
  });

  it('an officer of Sở A opens a web finding from the website and marks it fixed', async () => {
    const page = await signIn('canbo.soa');
    // As of 30/06/2024 the Overview's six months hold the March scan.
    await page.goto(new URL('/?asOf=2024-06-30', page.url()).href);
    const card = page.getByTestId('card-web-vulnerabilities');
    await card.getByText('Trang web có lỗ hổng (6 tháng đến 30/06/2024)').waitFor();
    await expect.poll(() => card.getByTestId('figure-vulnerableWebsites').locator('dd').textContent()).toBe('1');
    await page.waitForTimeout(300);
    await atBothWidths(page, 'vuln-web', 'overview');

    await page.getByTestId('nav-vulnWebsites').click();
    const site = page.getByTestId('websites-table').getByTestId('website-row').filter({ hasText: SITE });
    await site.getByRole('link', { name: 'Xem lỗ hổng' }).click();
    await page.getByTestId('website-filter').getByText(`Trên trang web ${SITE}`).waitFor();
    const findings = page.getByTestId('findings-table');
    const rows = findings.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(10);
    // Most severe first: the medium finding, on its website and place, with its CWE.
    const first = rows.first();
    expect(await first.textContent()).toContain(MEDIUM);
    expect(await first.getByTestId('finding-website').textContent()).toBe(SITE);
    expect(await first.getByRole('link', { name: 'CWE-16' }).count()).toBe(1);

    await first.getByRole('button', { name: MEDIUM }).click();
    const detail = page.getByTestId('finding-detail');
    await detail.getByTestId('action-fixed').waitFor();
    expect(await detail.getByTestId('finding-website').textContent()).toContain(SITE);
    expect(await detail.getByTestId('finding-url').textContent()).toMatch(/^https:\/\/mainsite\.com/);
    expect(await detail.getByTestId('finding-location').textContent()).toBeTruthy();
    expect(await detail.getByTestId('finding-cwes').getByRole('link', { name: 'CWE-16' }).getAttribute('href')).toBe(
      'https://cwe.mitre.org/data/definitions/16.html',
    );
    expect(await detail.textContent()).toContain('ZAP #10055');
    await atBothWidths(page, 'vuln-web', 'finding');

    await detail.getByTestId('action-fixed').click();
    await detail.getByLabel('Ghi chú').fill('Đã sửa chính sách bảo mật nội dung (CSP)');
    await detail.getByTestId('remediation-submit').click();
    await detail.getByText('Đã khắc phục (chờ quét lại)').first().waitFor();
    const history = detail.getByTestId('finding-history');
    expect(await history.textContent()).toContain('Quét thấy lần cuối (tệp 0_zap_sample.xml, do Lê Minh Tuấn nhập)');
    expect(await history.locator('li').last().textContent()).toContain(
      'Phạm Thị Hương: Chuyển trạng thái: Đã khắc phục (chờ quét lại) — “Đã sửa chính sách bảo mật nội dung (CSP)”',
    );
    await atBothWidths(page, 'vuln-web', 'finding-fixed');

    // The subject filter keeps computers' findings out as well: only this website's remain.
    await page.getByTestId('filter-subject').selectOption('computers');
    await findings.getByText('Không có kết quả phù hợp với bộ lọc.').waitFor();
    await page.context().close();
  });

  it('an officer of another organisation sees no vulnerable website', async () => {
    const page = await signIn('canbo.sob');
    await page.getByTestId('nav-vulnWebsites').click();
    await page.getByTestId('websites-table').getByText('Không có trang web nào.').waitFor();
    await page.context().close();
    expect(h.pageErrors).toEqual([]);
  });
});
