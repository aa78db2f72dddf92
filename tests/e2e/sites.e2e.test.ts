import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSiteRows } from '../../src/modules/sites/scheduler.ts';
import { sites } from '../../src/modules/sites/sites.schema.ts';
import { createTestCa } from '../support/netns-sites.ts';
import {
  adminApi,
  atBothWidths,
  createDepartments,
  createUsers,
  DESKTOP,
  type Harness,
  haveChromium,
  seedAdmin,
  signIn as signInAs,
  startHarness,
} from './support.ts';

const DAY_MS = 86_400_000;
const HOME = '<!doctype html><a href="/chinh-sach-bao-mat">Chính sách bảo vệ dữ liệu cá nhân</a>';
const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'strict-transport-security': 'max-age=31536000',
  'content-security-policy': "default-src 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
};

function serve(address: string, pair: { cert: string; key: string }) {
  const server = createServer(pair, (_req, res) => {
    res.writeHead(200, HEADERS);
    res.end(HOME);
  });
  return new Promise<{ server: Server; url: string }>((ok) =>
    server.listen(0, address, () =>
      ok({ server, url: `https://${address}:${(server.address() as AddressInfo).port}/` }),
    ),
  );
}

/**
 * The .vn programme in a browser, in Vietnamese: the Department's officer reads the trust dashboard (a site that
 * passed yesterday's check with the province's CA, a certificate expiring in 10 days), registers a site through the
 * form, checks a site now — the server does not trust the test CA, so the chain fails and the history shows the
 * regression — and imports the programme's indicators. Screenshots: dist/screenshots/sites-*-{1440,390}.png.
 */
describe.skipIf(!haveChromium)('website register and trust checks in a browser', () => {
  let h: Harness;
  const dir = mkdtempSync(join(tmpdir(), 'khien-e2e-sites-'));
  const servers: { server: Server; url: string }[] = [];
  let org = { A: '', B: '' };
  let goodId = '';

  beforeAll(async () => {
    const ca = createTestCa(join(dir, 'ca'));
    servers.push(await serve('127.0.0.6', ca.issue(['127.0.0.6'])));
    servers.push(await serve('127.0.0.7', ca.issue(['127.0.0.7'], { notAfter: new Date(Date.now() + 10 * DAY_MS) })));
    h = await startHarness(seedAdmin());
    org = await createDepartments(h, [
      ['A', 'STTTT', 'Sở Thông tin và Truyền thông', '10.15.1.0/24'],
      ['B', 'SYT', 'Sở Y tế', '10.15.2.0/24'],
    ]);
    await createUsers(h, [
      ['dieuphoi.so', 'Phạm Quốc Huy', 'department', null],
      ['canbo.syt', 'Đặng Văn Quý', 'agency', org.B],
    ]);
    const admin = await adminApi(h);
    const good = await admin.call(
      'POST',
      '/api/sites',
      { organisationId: org.A, url: servers[0]?.url, stateBody: false },
      201,
    );
    await admin.call('POST', '/api/sites', { organisationId: org.B, url: servers[1]?.url, stateBody: false }, 201);
    goodId = good.id as string;
    // Yesterday's daily run trusted the province's CA (KHIEN_SITES_CA_FILE); the server under test does not.
    const rows = await h.database.db.select().from(sites);
    const run = await checkSiteRows(
      h.database.db,
      rows,
      { extraCa: [ca.cert] },
      {
        trigger: 'scheduled',
        actor: null,
        now: new Date(Date.now() - DAY_MS),
      },
    );
    expect(run).toMatchObject({ checked: 2, pass: 1, warn: 1 });
  });

  afterAll(async () => {
    await h?.close();
    await Promise.all(servers.map((s) => new Promise((ok) => s.server.close(ok))));
    rmSync(dir, { recursive: true, force: true });
  });

  it('the Department reads the trust dashboard and registers a site', async () => {
    const page = await signInAs(h, 'dieuphoi.so');
    await page.setViewportSize(DESKTOP);
    await page.getByTestId('nav-sites').click();
    await page.getByRole('heading', { level: 1, name: 'Trang web, tên miền' }).waitFor();
    await page.getByTestId('sites-figure-sites').getByText('2').waitFor();
    expect(await page.getByTestId('sites-figure-pass').textContent()).toContain('1');
    expect(await page.getByTestId('sites-figure-warn').textContent()).toContain('1');
    const expiring = page.getByTestId('sites-expiring');
    expect(await expiring.textContent()).toContain('127.0.0.7');
    expect(await expiring.textContent()).toMatch(/Còn lại.*(9|10) ngày/);
    const byOrg = page.getByTestId('sites-by-organisation');
    expect(await byOrg.textContent()).toContain('Sở Y tế');
    await atBothWidths(page, 'sites', 'dashboard');

    await page.getByTestId('site-add').click();
    await page.getByTestId('site-organisation').selectOption(org.A);
    await page.getByTestId('site-url').fill('https://STTTT.Example.gov.vn/');
    await page.getByTestId('site-kind').selectOption('both');
    await atBothWidths(page, 'sites', 'form');
    await page.getByTestId('site-save').click();
    const row = page.getByTestId('sites-table').getByRole('row').filter({ hasText: 'stttt.example.gov.vn' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Chưa kiểm tra');
    // The same host again is refused on the field, in Vietnamese.
    await page.getByTestId('site-add').click();
    await page.getByTestId('site-organisation').selectOption(org.A);
    await page.getByTestId('site-url').fill('stttt.example.gov.vn');
    await page.getByTestId('site-save').click();
    await page.getByText('Tên miền stttt.example.gov.vn đã có trong danh sách.').waitFor();
    await page.getByRole('button', { name: 'Hủy' }).click();
    await atBothWidths(page, 'sites', 'register');
    await page.context().close();
  });

  it('checks a site now: the untrusted chain fails, the history shows the regression', async () => {
    const page = await signInAs(h, 'dieuphoi.so');
    await page.setViewportSize(DESKTOP);
    await page.goto(`${h.base}/sites/view?id=${goodId}`);
    await page.getByTestId('site-title').getByText('127.0.0.6').waitFor();
    expect(await page.getByTestId('site-latest-verdict').textContent()).toBe('Đạt');
    await page.getByTestId('site-check').click();
    await page.getByTestId('site-latest-verdict').getByText('Không đạt').waitFor();
    const chain = page.getByTestId('site-result-tls_chain_valid');
    expect(await chain.textContent()).toContain('Không đạt');
    expect(await page.getByTestId('site-result-tls_expiry').textContent()).toMatch(
      /Chứng thư hết hạn ngày \d{2}\/\d{2}\/\d{4}/,
    );
    const history = page.getByTestId('site-history').locator('tbody tr');
    expect(await history.count()).toBe(2);
    expect(await history.nth(0).textContent()).toContain('Theo yêu cầu');
    expect(await history.nth(1).textContent()).toContain('Hằng ngày');
    await atBothWidths(page, 'sites', 'view');
    await page.context().close();
    // The agency that owns the site hears of nothing about another agency's site; Sở Y tế sees only its own.
    const agency = await signInAs(h, 'canbo.syt');
    await agency.getByTestId('nav-sites').click();
    await agency.getByTestId('sites-count').getByText('1 trang web').waitFor();
    const dbRows = await h.database.db.select().from(sites).where(eq(sites.organisationId, org.B));
    expect(dbRows).toHaveLength(1);
    await atBothWidths(agency, 'sites', 'agency');
    await agency.context().close();
  });

  it('the Department imports the .vn indicators and reads their trend', async () => {
    const page = await signInAs(h, 'dieuphoi.so');
    await page.setViewportSize(DESKTOP);
    await page.getByTestId('nav-siteIndicators').click();
    await page.getByRole('heading', { level: 1, name: 'Chỉ số tên miền .vn' }).waitFor();
    await page.getByTestId('indicators-import-file').setInputFiles({
      name: 'chi-so-vn.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        [
          'period,indicator,value,source',
          '2022,vn_domains_per_1000_aged_15_69,"2,1",VNNIC',
          '2023,vn_domains_per_1000_aged_15_69,"2,6",VNNIC',
          '2024,vn_domains_per_1000_aged_15_69,"3,4",VNNIC',
          '2023,id_vn_count,120,VNNIC',
          '2024,id_vn_count,2150,VNNIC',
          '2024,khong_co,1,VNNIC',
        ].join('\n'),
      ),
    });
    const report = page.getByTestId('import-report');
    await report.waitFor();
    expect(await report.textContent()).toContain('Thêm 5, cập nhật 0, không đổi 0, lỗi 1 dòng');
    expect(await report.textContent()).toContain('Chỉ số "khong_co" không có trong danh mục.');
    const table = page.getByTestId('indicators-table');
    await table.getByText('2.150').waitFor();
    expect(await table.textContent()).toContain('3,4');
    await page.getByTestId('indicator-vn_domains_per_1000_aged_15_69').locator('canvas').first().waitFor();
    await atBothWidths(page, 'sites', 'indicators');
    await page.context().close();
    expect(h.pageErrors).toEqual([]);
  });
});
