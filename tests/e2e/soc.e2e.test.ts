import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestLogFile } from '../../src/modules/soc/soc.service.ts';
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

// The same small, fully known Zeek conn.log as tests/api/soc.test.ts.
const HEADER = [
  '#separator \\x09',
  '#set_separator\t,',
  '#empty_field\t(empty)',
  '#unset_field\t-',
  '#path\tconn',
  '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents',
  '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]',
];
// 10/05/2024 10:00 in Asia/Ho_Chi_Minh.
const T0 = Date.parse('2024-05-10T10:00:00+07:00') / 1000;
const conn = (ts: number, src: string, dst: string, dport: number, state: string, history: string) =>
  [ts.toFixed(6), 'C1', src, '40000', dst, String(dport), 'tcp', '-', '0.1', '0', '0', state, 'F', 'T', '0']
    .concat([history, '1', '60', '0', '0', '-'])
    .join('\t');

/**
 * 203.0.113.5 sweeps 445/tcp across 30 hosts of Sở A with no answer (a scanner), and on the way probes two hosts of
 * Sở B; 10.15.1.10 (Sở A) talks five times
 * to the listed malicious server 198.51.100.66; Sở B browses normally; the last line (85) is garbage.
 */
function connLog() {
  const lines = [...HEADER];
  for (let i = 0; i < 30; i++) {
    lines.push(conn(T0 + i, '203.0.113.5', `10.15.1.${100 + i}`, 445, 'S0', 'S'));
    if (i === 9)
      for (let j = 0; j < 2; j++)
        lines.push(conn(T0 + i + 0.1 * (j + 1), '203.0.113.5', `10.15.2.${200 + j}`, 445, 'S0', 'S'));
  }
  for (let i = 0; i < 5; i++) lines.push(conn(T0 + 60 + i, '10.15.1.10', '198.51.100.66', 443, 'SF', 'ShADadFf'));
  for (let i = 0; i < 40; i++)
    lines.push(conn(T0 + 100 + i, `10.15.2.${10 + (i % 5)}`, '93.184.216.34', 443, 'SF', 'ShADadFf'));
  lines.push('this line is not a zeek record');
  return `${lines.join('\n')}\n`;
}

describe.skipIf(!haveChromium)('SOC monitoring in a browser', () => {
  let h: Harness;
  const org: Record<'A' | 'B', string> = { A: '', B: '' };

  const signIn = (username: string) => signInAs(h, username);

  /** Opens the SOC overview for May 2024, typed as dd/mm/yyyy. */
  async function overviewMay2024(page: Page) {
    await page.getByTestId('nav-socDashboard').click();
    await page.getByRole('heading', { name: 'Giám sát SOC — Tổng quan' }).waitFor();
    const picker = page.getByTestId('period-picker');
    await picker.getByLabel('Từ ngày').fill('01/05/2024');
    await picker.getByLabel('Đến ngày').fill('31/05/2024');
    await page.getByTestId('soc-statement').getByText('31/05/2024').waitFor();
    await page.getByTestId('soc-statement').getByText('01/05/2024').waitFor();
  }

  async function overviewMay2024En(page: Page) {
    await page.getByTestId('nav-socDashboard').click();
    await page.getByRole('heading', { name: 'SOC monitoring — Overview' }).waitFor();
    const picker = page.getByTestId('period-picker');
    await picker.getByLabel('From').fill('01/05/2024');
    await picker.getByLabel('To', { exact: true }).fill('31/05/2024');
    await page.getByTestId('soc-statement').getByText('31/05/2024').waitFor();
    await page.getByTestId('soc-statement').getByText('01/05/2024').waitFor();
  }

  const figure = (page: Page, key: string) => page.getByTestId(`soc-figure-${key}`).locator('dd').textContent();

  beforeAll(async () => {
    h = await startHarness(seedAdmin());
    Object.assign(
      org,
      await createDepartments(h, [
        ['A', 'SO-A', 'Sở A', '10.15.1.0/24'],
        ['B', 'SO-B', 'Sở B', '10.15.2.0/24'],
      ]),
    );
    await createUsers(h, [
      ['soc.tinh', 'Lê Minh Tuấn', 'soc', null],
      ['canbo.sob', 'Đặng Văn Quý', 'agency', org.B],
      ['canbo.soa', 'Trần Thị Lan', 'agency', org.A],
    ]);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('a SOC analyst loads intel and a Zeek log, reads the statement, understands and confirms the scanner', async () => {
    const page = await signIn('soc.tinh');
    // A fresh install: the overview says that nothing was ingested (not "0 scanners") and links to the ingest page.
    await page.getByTestId('nav-socDashboard').click();
    // The SOC dashboard's own notice (the overview's card has a shorter one under the same test id until it goes).
    await page.waitForURL(/\/soc$/);
    const noData = page.getByTestId('soc-no-data').filter({ hasText: 'Chưa có dữ liệu giám sát' });
    await noData.waitFor();
    expect(await page.getByTestId('soc-statement').count()).toBe(0);
    await noData.getByRole('link', { name: 'Nạp dữ liệu nhật ký' }).click();
    await page.getByRole('heading', { name: 'Nạp dữ liệu giám sát' }).waitFor();
    // The list of ingests loads after the heading: wait for its empty state rather than read it at once.
    await page.getByTestId('soc-ingests').getByText('Chưa có đợt nạp nào.', { exact: false }).waitFor();

    // Threat intelligence first, so the log is matched against it.
    await page.getByTestId('soc-intel-source').fill('cert-demo');
    await page.getByTestId('soc-intel-file').setInputFiles({
      name: 'feed.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('# demo feed\n198.51.100.66\nevil.example.com\n'),
    });
    await page.getByTestId('soc-intel-submit').click();
    await page.getByTestId('soc-intel-result').waitFor();
    expect(await page.getByTestId('soc-intel-result').textContent()).toContain('thêm 2');
    await page.getByTestId('soc-intel-sources').getByRole('cell', { name: 'cert-demo' }).waitFor();

    await page.getByTestId('soc-log-files').setInputFiles({
      name: 'conn.log',
      mimeType: 'text/plain',
      buffer: Buffer.from(connLog()),
    });
    await page.getByTestId('soc-log-submit').click();
    const result = page.getByTestId('soc-log-result');
    await result.waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('soc-log-job').locator('.job-state').textContent()).toBe('Hoàn tất');
    const value = (k: string) => result.getByTestId(`soc-result-${k}`).locator('dd').textContent();
    expect(await value('scanners')).toBe('1');
    expect(await value('maliciousContacts')).toBe('1');
    expect(await value('rejected')).toBe('1');
    expect(await value('events')).toBe('77');
    // Rejected lines grouped by problem, in Vietnamese, with their line numbers.
    const fieldCount = result.getByTestId('soc-log-errors').getByTestId('soc-line-kind-field_count');
    expect(await fieldCount.locator('td').first().textContent()).toBe('Số trường không khớp với tiêu đề');
    expect(await fieldCount.getByTestId('soc-line-numbers').textContent()).toBe('85');
    await page.getByTestId('soc-ingests').getByRole('cell', { name: 'conn.log' }).waitFor();
    await screenshot(page, 'soc-ingest');

    await overviewMay2024(page);
    expect(await page.getByTestId('soc-statement').textContent()).toBe(
      'Trong kỳ từ 01/05/2024 đến 31/05/2024, hệ thống giám sát phát hiện 1 địa chỉ IP thực hiện rà quét mạng và 1 địa chỉ IP kết nối tới máy chủ độc hại.',
    );
    expect(await figure(page, 'scanningIps')).toBe('1');
    expect(await figure(page, 'internalScanningIps')).toBe('0');
    expect(await figure(page, 'maliciousContactIps')).toBe('1');
    expect(await figure(page, 'toTriage')).toBe('2');
    expect(await page.getByTestId('soc-by-org').getByRole('row', { name: /Sở A/ }).textContent()).toContain('1');
    await page.waitForTimeout(300); // the chart draws on the next frames
    await screenshot(page, 'soc-dashboard');

    // The number opens the scanners of the same period; the row opens the explanation.
    await page.getByTestId('soc-figure-scanningIps').getByRole('link').click();
    await page.getByRole('heading', { name: 'Nguồn rà quét' }).waitFor();
    const row = page.getByTestId('soc-finding-row').filter({ hasText: '203.0.113.5' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Quét ngang');
    expect(await row.textContent()).toContain('Sở A');
    expect(await row.getByTestId('soc-swept').textContent()).toBe('Cũng rà quét: Sở B');
    await row.click();
    const detail = page.getByTestId('soc-detail');
    await detail.getByTestId('soc-evidence').waitFor();
    const horizontal = await detail.getByTestId('rule-horizontal').first().textContent();
    expect(horizontal).toMatch(
      /^Quét ngang: \d+ địa chỉ đích trên cổng 445\/tcp trong cửa sổ \d+ (phút|giây) \(ngưỡng 25\)/,
    );
    expect(await detail.getByTestId('soc-evidence').locator('tbody tr').first().textContent()).toContain('conn.log:');
    expect(await detail.getByTestId('soc-attribution').textContent()).toContain(
      'phát hiện được gán cho Sở A — đơn vị nhận nhiều lượt dò thất bại nhất từ địa chỉ này.',
    );
    expect(await detail.getByTestId('soc-swept-detail').textContent()).toBe('Các đơn vị khác bị rà quét: Sở B.');
    expect(await detail.getByTestId('soc-sightings').textContent()).toContain('conn.log');
    await screenshot(page, 'soc-scanner-detail', { fullPage: false });

    await detail.getByTestId('triage-confirmed').click();
    await detail.getByTestId('triage-form').getByRole('textbox').fill('Quét SMB từ Internet, đã chặn tại tường lửa');
    await detail.getByTestId('triage-submit').click();
    await detail.locator('.badge', { hasText: 'Đã xác nhận' }).waitFor();
    await row.getByText('Đã xác nhận').waitFor();
    await detail.getByText('Quét SMB từ Internet').waitFor();
    // The history names who decided (the display name, not the login).
    expect(await detail.getByTestId('soc-triage-event').first().textContent()).toBe(
      'Lê Minh Tuấn chuyển từ «Mới» sang «Đã xác nhận»',
    );
    await screenshot(page, 'soc-scanner-confirmed', { fullPage: false });

    // The malicious contact explains which feed it matched.
    await page.getByTestId('nav-socContacts').click();
    await page.getByRole('heading', { name: 'Kết nối độc hại' }).waitFor();
    await page.getByTestId('period-picker').getByLabel('Từ ngày').fill('01/05/2024');
    const contact = page.getByTestId('soc-finding-row').filter({ hasText: '10.15.1.10' });
    await contact.click();
    await page.getByTestId('soc-detail').getByTestId('rule-contact').waitFor();
    expect(await page.getByTestId('rule-contact').textContent()).toContain('cert-demo');
    expect(await page.getByTestId('soc-attribution').textContent()).toContain('thuộc dải IP của Sở A');
    await screenshot(page, 'soc-contact-detail', { fullPage: false });
    await page.context().close();
  });

  it('an agency officer of Sở B sees the scanner that swept Sở B, nothing else of Sở A, and cannot triage or ingest', async () => {
    const page = await signIn('canbo.sob');
    await page.getByTestId('card-soc').getByTestId('soc-statement').waitFor();
    await page.waitForTimeout(300);
    await screenshot(page, 'soc-overview-agency-b');
    expect(await page.getByTestId('nav-socIngest').count()).toBe(0);
    await overviewMay2024(page);
    expect(await page.getByTestId('soc-statement').textContent()).toContain(
      'phát hiện 1 địa chỉ IP thực hiện rà quét mạng và 0 địa chỉ IP',
    );
    expect(await figure(page, 'scanningIps')).toBe('1');
    expect(await figure(page, 'maliciousContactIps')).toBe('0');
    // The period is in the address: a reload (or a shared link) shows the same statement.
    expect(new URL(page.url()).search).toBe('?from=2024-05-01&to=2024-05-31');
    await page.reload();
    await page.getByTestId('soc-statement').getByText('01/05/2024').waitFor();
    expect(await page.getByTestId('period-picker').getByLabel('Đến ngày').inputValue()).toBe('31/05/2024');
    await page.getByTestId('soc-figure-scanningIps').getByRole('link').click();
    await page.getByRole('heading', { name: 'Nguồn rà quét' }).waitFor();
    expect(await page.getByTestId('period-picker').getByLabel('Từ ngày').inputValue()).toBe('01/05/2024');
    // Swept, Sở B sees the scanner, but not that Sở A was swept most, nor Sở A's samples, nor a way to triage.
    const row = page.getByTestId('soc-finding-row').filter({ hasText: '203.0.113.5' });
    await row.waitFor();
    expect(await page.getByTestId('soc-finding-row').count()).toBe(1);
    expect(await row.getByTestId('soc-swept').textContent()).toBe('Đã rà quét: Sở B');
    expect(await row.textContent()).not.toContain('Sở A');
    // Its own share of the scan, not the scanner's totals over Sở A's hosts.
    expect(await row.textContent()).toContain('2 lần thử thất bại vào đơn vị');
    expect(await row.textContent()).not.toContain('đích');
    await row.click();
    const detail = page.getByTestId('soc-detail');
    await detail.getByTestId('soc-evidence').waitFor();
    expect(await detail.getByTestId('soc-own-share').isVisible()).toBe(true);
    // No rule hit counts only Sở B's attempts: it is told why, not shown Sở A's figures.
    expect(await detail.getByTestId('soc-swept-rules').isVisible()).toBe(true);
    expect(await detail.locator('[data-testid^="rule-"]').count()).toBe(0);
    expect(await detail.getByTestId('soc-sightings').locator('tbody td.num').first().textContent()).toBe('2');
    // The SOC's note on the scanner (written for Sở A) is not shown to Sở B.
    expect(await detail.textContent()).not.toContain('Quét SMB từ Internet');
    expect(await detail.getByTestId('soc-attribution').textContent()).toBe(
      'Địa chỉ 203.0.113.5 nằm ngoài các dải IP của tỉnh; đã rà quét Sở B.',
    );
    const samples = await detail.getByTestId('soc-evidence').locator('tbody tr').allTextContents();
    expect(samples).toHaveLength(2);
    expect(samples.every((text) => text.includes('10.15.2.') && !text.includes('10.15.1.'))).toBe(true);
    // The engine's outcome word, in Vietnamese.
    expect(samples.every((text) => text.includes('thất bại') && !text.includes('failed'))).toBe(true);
    expect(await detail.getByTestId('triage-confirmed').count()).toBe(0);
    await screenshot(page, 'soc-agency-b', { fullPage: false });
    await detail.getByRole('button', { name: /Đóng/ }).click();

    // English second: the same statement in English.
    await page.getByTestId('lang-en').click();
    await overviewMay2024En(page);
    expect(await page.getByTestId('soc-statement').textContent()).toBe(
      'From 01/05/2024 to 31/05/2024, the monitoring system detected 1 IP address(es) scanning the network and 0 IP address(es) connecting to malicious servers.',
    );
    await page.waitForTimeout(300);
    await screenshot(page, 'soc-dashboard-en');
    await page.context().close();
    expect(h.pageErrors).toEqual([]);
  });

  it('a host of Sở A that sweeps Sở B: Sở B sees another agency’s address, not which one, and its own attempts', async () => {
    // 01/06/2024: 10.15.1.77 (Sở A) fails on 30 hosts of Sở B; ingested as the SOC's upload would be.
    const june = Date.parse('2024-06-01T09:00:00+07:00') / 1000;
    const lines = [...HEADER];
    for (let i = 0; i < 30; i++) lines.push(conn(june + i, '10.15.1.77', `10.15.2.${50 + i}`, 22, 'S0', 'S'));
    const path = join(mkdtempSync(join(tmpdir(), 'khien-e2e-soc-')), 'lateral.log');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const stored = await ingestLogFile(h.database.db, null, path, { fileName: 'lateral.log' });
    expect(stored.scanners).toBe(1);

    const page = await signIn('canbo.sob');
    await page.goto(`${h.base}/soc/scanners`);
    await page.getByRole('heading', { name: 'Nguồn rà quét' }).waitFor();
    const picker = page.getByTestId('period-picker');
    await picker.getByLabel('Từ ngày').fill('01/06/2024');
    await picker.getByLabel('Đến ngày').fill('30/06/2024');
    const row = page.getByTestId('soc-finding-row').filter({ hasText: '10.15.1.77' });
    await row.waitFor();
    expect(await row.getByTestId('soc-swept').textContent()).toBe('Đã rà quét: Sở B');
    expect(await row.textContent()).toContain('30 lần thử thất bại vào đơn vị');
    await row.click();
    const detail = page.getByTestId('soc-detail');
    await detail.getByTestId('soc-evidence').waitFor();
    expect(await detail.getByTestId('soc-attribution').textContent()).toBe(
      'Địa chỉ 10.15.1.77 thuộc dải IP của một đơn vị khác trong tỉnh; đã rà quét Sở B.',
    );
    expect(await detail.textContent()).not.toContain('Sở A');
    await screenshot(page, 'soc-agency-b-lateral', { fullPage: false });
    await page.context().close();

    // Sở A sees what its own host did: the attempts, Sở B's hosts masked.
    const owner = await signIn('canbo.soa');
    await owner.goto(`${h.base}/soc/scanners`);
    await owner.getByRole('heading', { name: 'Nguồn rà quét' }).waitFor();
    await owner.getByTestId('period-picker').getByLabel('Từ ngày').fill('01/06/2024');
    await owner.getByTestId('period-picker').getByLabel('Đến ngày').fill('30/06/2024');
    await owner.getByTestId('soc-finding-row').filter({ hasText: '10.15.1.77' }).click();
    // The detail loads after the click: wait for its samples before reading them.
    const ownerSamples = owner.getByTestId('soc-detail').getByTestId('soc-evidence').locator('tbody tr');
    await ownerSamples.first().waitFor();
    const samples = await ownerSamples.allTextContents();
    expect(samples.length).toBeGreaterThan(0);
    expect(samples.every((text) => text.includes('10.15.1.77 → (máy của đơn vị khác):22'))).toBe(true);
    expect(samples.some((text) => text.includes('10.15.2.'))).toBe(false);
    await screenshot(owner, 'soc-agency-a-own-scanner', { fullPage: false });
    await owner.context().close();
    expect(h.pageErrors).toEqual([]);
  });
});
