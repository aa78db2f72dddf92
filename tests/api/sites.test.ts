import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db/client.ts';
import { provinceDay } from '../../src/core/time.ts';
import { auditLog } from '../../src/modules/audit/audit.schema.ts';
import { notifications } from '../../src/modules/notifications/notifications.schema.ts';
import { checkEnvironment, runDailySiteChecks } from '../../src/modules/sites/scheduler.ts';
import { siteChecks } from '../../src/modules/sites/sites.schema.ts';
import { siteTrust } from '../../src/modules/sites/trust.ts';
import { type Client, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES, testConfig } from '../support/db.ts';
import { createTestCa } from '../support/netns-sites.ts';

const DAY_MS = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), 'khien-sites-api-'));
const ca = createTestCa(join(dir, 'ca'));
const caFile = join(dir, 'ca.pem');
writeFileSync(caFile, ca.cert);

/** What the good site sends; a test takes HSTS away to make it regress. */
const GOOD_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'content-security-policy': "default-src 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
};
const HOME =
  '<!doctype html><html><body><a href="/chinh-sach-bao-ve-du-lieu-ca-nhan">Chính sách bảo vệ dữ liệu cá nhân</a></body></html>';
let goodHeaders = { ...GOOD_HEADERS };

function serve(address: string, pair: { cert: string; key: string }, headers: () => Record<string, string>) {
  const server = createServer({ ...pair }, (_req, res) => {
    res.writeHead(200, headers());
    res.end(HOME);
  });
  return new Promise<{ server: Server; url: string }>((ok) =>
    server.listen(0, address, () =>
      ok({ server, url: `https://${address}:${(server.address() as AddressInfo).port}/` }),
    ),
  );
}

let good: { server: Server; url: string };
let expiring: { server: Server; url: string };
const expiringNotAfter = new Date(Date.now() + 10 * DAY_MS);

beforeAll(async () => {
  // Loopback addresses: each site its own host (the register's key), a certificate naming that address.
  good = await serve('127.0.0.2', ca.issue(['127.0.0.2']), () => goodHeaders);
  expiring = await serve('127.0.0.3', ca.issue(['127.0.0.3'], { notAfter: expiringNotAfter }), () => GOOD_HEADERS);
});
afterAll(async () => {
  await Promise.all([good, expiring].map((s) => new Promise((ok) => s?.server.close(ok))));
  rmSync(dir, { recursive: true, force: true });
});

const csv = (lines: string[]) => Buffer.from(`${lines.join('\n')}\n`);

describe.each(TEST_DATABASES)('sites on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  let admin: Client;
  let dept: Client;
  let viewer: Client;
  let agencyA: Client;
  let agencyB: Client;
  const org: Record<string, string> = {};
  const sitesConfig = { dnsServers: ['127.0.0.1:9'], caFile, checkHour: 2 };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database, testConfig({ sites: sitesConfig }));
    admin = await t.userWithRole('site-admin', 'admin');
    for (const [code, type] of [
      ['SA', 'department'],
      ['SB', 'department'],
      ['DN', 'other'],
    ] as const) {
      const res = await admin.request('POST', '/api/organisations', { code, name: `Đơn vị ${code}`, type });
      expect(res.statusCode, res.body).toBe(201);
      org[code] = res.json().id;
    }
    dept = await t.userWithRole('site-dept', 'department');
    viewer = await t.userWithRole('site-viewer', 'viewer');
    agencyA = await t.userWithRole('site-agency-a', 'agency', org.SA ?? null);
    agencyB = await t.userWithRole('site-agency-b', 'agency', org.SB ?? null);
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  const register = async (c: Client, body: Record<string, unknown>) => {
    const res = await c.request('POST', '/api/sites', body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };

  it('registers sites with a normalised host, scoped, refusing duplicates and strangers', async () => {
    const a = await register(agencyA, { organisationId: org.SA, url: 'https://WWW.SoA.Example.GOV.vn./trang-chu' });
    expect(a).toMatchObject({
      host: 'www.soa.example.gov.vn',
      organisationName: 'Đơn vị SA',
      kind: 'website',
      stateBody: true, // a department is a state body
      latest: null,
      history: [],
    });
    // An enterprise ("other") is no state body by default; an IDN is kept as punycode.
    const idn = await register(dept, { organisationId: org.DN, url: 'doanhnghiệp.vn', kind: 'both' });
    expect(idn).toMatchObject({
      host: new URL('https://doanhnghiệp.vn').hostname,
      url: 'https://doanhnghiệp.vn',
      stateBody: false,
    });

    const twice = await agencyA.request('POST', '/api/sites', {
      organisationId: org.SA,
      url: 'www.soa.example.gov.vn',
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.key).toBe('sites.hostTaken');
    const foreign = await agencyB.request('POST', '/api/sites', { organisationId: org.SA, url: 'b.example.gov.vn' });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().error.key).toBe('sites.unknownOrganisation');
    expect(
      (await viewer.request('POST', '/api/sites', { organisationId: org.SA, url: 'v.example.gov.vn' })).statusCode,
    ).toBe(403);
    const bad = await agencyA.request('POST', '/api/sites', { organisationId: org.SA, url: 'ftp://x.example.vn' });
    expect(bad.statusCode).toBe(400);
    const backwards = await agencyA.request('POST', '/api/sites', {
      organisationId: org.SA,
      url: 'c.example.gov.vn',
      validFrom: '2025-02-01',
      validTo: '2025-01-01',
    });
    expect(backwards.statusCode).toBe(400);

    // Another agency's site is not found, for reading and for changing.
    expect((await agencyB.request('GET', `/api/sites/${a.id}`)).statusCode).toBe(404);
    expect((await agencyB.request('PATCH', `/api/sites/${a.id}`, { note: 'x' })).statusCode).toBe(404);
    expect((await agencyB.request('POST', `/api/sites/${a.id}/check`)).statusCode).toBe(404);
    expect((await agencyB.request('GET', '/api/sites')).json()).toEqual({ items: [], total: 0 });
    const mine = (await agencyA.request('GET', '/api/sites')).json();
    expect(mine.items.map((s: { host: string }) => s.host)).toEqual(['www.soa.example.gov.vn']);
    // The Department sees all; search folds diacritics and case, on the organisation's name too.
    const found = (await dept.request('GET', '/api/sites?q=DON VI DN')).json();
    expect(found.items.map((s: { id: string }) => s.id)).toEqual([idn.id]);

    const changed = await agencyA.request('PATCH', `/api/sites/${a.id}`, { kind: 'both', note: 'Cổng chính' });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ kind: 'both', note: 'Cổng chính' });
    // Closed yesterday: not in today's register, still in an earlier day's.
    const yesterday = provinceDay(new Date(Date.now() - DAY_MS));
    await agencyA.request('PATCH', `/api/sites/${a.id}`, { validTo: yesterday });
    expect((await agencyA.request('GET', '/api/sites')).json().total).toBe(0);
    expect((await agencyA.request('GET', `/api/sites?on=${yesterday}`)).json().total).toBe(1);
    expect((await agencyA.request('DELETE', `/api/sites/${a.id}`)).statusCode).toBe(200);
    expect((await dept.request('DELETE', `/api/sites/${idn.id}`)).statusCode).toBe(200);
    const audit = await database.db.select().from(auditLog).where(eq(auditLog.entityId, a.id));
    expect(audit.map((e) => e.action)).toEqual(['site.create', 'site.update', 'site.update', 'site.delete']);
  });

  it('imports register rows: bad rows named by row and column, good rows kept, re-import changes nothing', async () => {
    const file = csv([
      'organisation_code,url,kind,state_body,valid_from,note',
      'SA,https://imp-a.example.gov.vn/,website,,01/01/2024,Cổng A',
      'SA,mail.imp-a.example.gov.vn,mail_domain,có,,',
      'SB,imp-b.example.gov.vn,website,,,',
      'ZZ,imp-z.example.gov.vn,website,,,',
      'SA,không phải địa chỉ,website,,,',
      'SA,imp-c.example.gov.vn,portal,,,',
      'SA,imp-d.example.gov.vn,website,có lẽ,,',
      'SA,imp-e.example.gov.vn,website,,31/02/2024,',
      'SA,IMP-A.example.gov.vn,website,,,',
    ]);
    const first = await agencyA.request('POST', '/api/sites/import', file);
    expect(first.statusCode, first.body).toBe(200);
    const report = first.json();
    expect(report).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
    expect(report.errors.map((e: { row: number; column: string; key: string }) => [e.row, e.column, e.key])).toEqual([
      [4, 'organisation_code', 'sites.importUnknownOrganisation'], // SB is not agency A's
      [5, 'organisation_code', 'sites.importUnknownOrganisation'],
      [6, 'url', 'sites.importBadAddress'],
      [7, 'kind', 'sites.importBadKind'],
      [8, 'state_body', 'sites.importBadYesNo'],
      [9, 'valid_from', 'sites.dateInvalid'],
      [10, 'url', 'sites.importHostRepeated'],
    ]);
    const again = (await agencyA.request('POST', '/api/sites/import', file)).json();
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    const list = (await agencyA.request('GET', '/api/sites?sort=host')).json();
    expect(list.items).toMatchObject([
      { host: 'imp-a.example.gov.vn', validFrom: '2024-01-01', note: 'Cổng A', stateBody: true },
      { host: 'mail.imp-a.example.gov.vn', kind: 'mail_domain', stateBody: true },
    ]);
    // The Department's file updates agency A's row and adds agency B's; agency B cannot take over A's host.
    const changed = await dept.request(
      'POST',
      '/api/sites/import',
      csv(['organisation_code,url,note', 'SA,imp-a.example.gov.vn,Cổng mới', 'SB,imp-b.example.gov.vn,']),
    );
    expect(changed.json()).toMatchObject({ created: 1, updated: 1, unchanged: 0, errors: [] });
    const takeover = (
      await agencyB.request('POST', '/api/sites/import', csv(['organisation_code,url', 'SB,imp-a.example.gov.vn']))
    ).json();
    expect(takeover.errors).toMatchObject([{ row: 2, column: 'url', key: 'sites.hostTaken' }]);
    const empty = await agencyA.request('POST', '/api/sites/import', Buffer.from('nonsense,columns\n1,2\n'));
    expect(empty.statusCode).toBe(400);
  });

  it('imports the .vn indicators by period; a re-import replaces the same period and indicator', async () => {
    const file = csv([
      'period,indicator,value,source',
      '2023,vn_domains_per_1000_aged_15_69,"5,8",VNNIC',
      '2024,vn_domains_per_1000_aged_15_69,"6,4",VNNIC',
      '2024-06,id_vn_count,1.234.567,VNNIC',
      '2024-13,id_vn_count,1,VNNIC',
      '2024,unknown_code,1,VNNIC',
      '2024,biz_vn_count,nhiều,VNNIC',
      '2024,vn_domains_per_1000_aged_15_69,7,VNNIC',
    ]);
    expect((await agencyA.request('POST', '/api/sites/indicators/import', file)).statusCode).toBe(403);
    const res = await dept.request('POST', '/api/sites/indicators/import', file);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ created: 3, updated: 0, unchanged: 0 });
    expect(res.json().errors.map((e: { row: number; column: string }) => [e.row, e.column])).toEqual([
      [5, 'period'],
      [6, 'indicator'],
      [7, 'value'],
      [8, 'indicator'],
    ]);
    const again = await dept.request(
      'POST',
      '/api/sites/indicators/import',
      csv([
        'period,indicator,value,source',
        '2024,vn_domains_per_1000_aged_15_69,6.9,VNNIC 2025',
        '2023,vn_domains_per_1000_aged_15_69,"5,8",VNNIC',
      ]),
    );
    expect(again.json()).toMatchObject({ created: 0, updated: 1, unchanged: 1, errors: [] });
    const list = (await viewer.request('GET', '/api/sites/indicators')).json();
    expect(
      list.items.map((i: { indicator: string; period: string; value: number }) => [i.indicator, i.period, i.value]),
    ).toEqual([
      ['id_vn_count', '2024-06', 1234567],
      ['vn_domains_per_1000_aged_15_69', '2023', 5.8],
      ['vn_domains_per_1000_aged_15_69', '2024', 6.9],
    ]);
    expect(list.items[0]).toMatchObject({ periodStart: '2024-06-01', periodEnd: '2024-06-30' });
  });

  it('checks sites on demand: history, a regression alert, an expiry alert once per certificate, the dashboard', async () => {
    const a = await register(agencyA, { organisationId: org.SA, url: good.url, stateBody: false });
    const b = await register(dept, { organisationId: org.SB, url: expiring.url, stateBody: false });
    goodHeaders = { ...GOOD_HEADERS };

    const first = await agencyA.request('POST', `/api/sites/${a.id}/check`);
    expect(first.statusCode, first.body).toBe(200);
    const run = first.json();
    expect(run).toMatchObject({ checked: 1, pass: 1, fail: 0, alerts: 0 });
    const verdicts = Object.fromEntries(
      run.checks[0].results.map((r: { check: string; verdict: string }) => [r.check, r.verdict]),
    );
    expect(verdicts).toMatchObject({
      https_reachable: 'pass',
      tls_chain_valid: 'pass',
      tls_name_match: 'pass',
      tls_expiry: 'pass',
      tls_version: 'pass',
      hsts: 'pass',
      header_csp: 'pass',
      privacy_policy: 'pass',
      dns_address: 'skip', // the URL names an address
    });
    expect(run.checks[0].criteriaRule).toBe('site-trust@2024-05-21');

    // The site drops HSTS: the next check fails on it and agency A hears of the regression (only of this run).
    goodHeaders = { ...GOOD_HEADERS };
    delete goodHeaders['strict-transport-security'];
    const second = (await agencyA.request('POST', `/api/sites/${a.id}/check`)).json();
    expect(second).toMatchObject({ checked: 1, fail: 1, alerts: 1 });
    const notices = await database.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, agencyA.userId), eq(notifications.kind, 'site_regression')));
    expect(notices).toHaveLength(1);
    expect(notices[0]?.body).toContain('hsts');
    expect(notices[0]?.link).toBe(`/sites/view?id=${a.id}`);
    // Failing again is no new regression.
    expect((await agencyA.request('POST', `/api/sites/${a.id}/check`)).json()).toMatchObject({ fail: 1, alerts: 0 });

    // B's certificate ends in 10 days, inside the rule's 30-day window: a warning, and one alert for that certificate.
    const soon = (await dept.request('POST', `/api/sites/${b.id}/check`)).json();
    expect(soon).toMatchObject({ checked: 1, warn: 1, alerts: 1 });
    const expiry = soon.checks[0].results.find((r: { check: string }) => r.check === 'tls_expiry');
    expect(expiry.verdict).toBe('warn');
    expect(expiry.data.daysLeft).toBeGreaterThanOrEqual(9);
    expect(expiry.data.daysLeft).toBeLessThanOrEqual(10);
    expect((await dept.request('POST', '/api/sites/check')).json()).toMatchObject({ alerts: 0 });
    const bNotices = await database.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, agencyB.userId), eq(notifications.kind, 'site_certificate_expiry')));
    expect(bNotices).toHaveLength(1);

    // The history, newest first, as agency A sees it; agency B sees none of it.
    const detail = (await agencyA.request('GET', `/api/sites/${a.id}`)).json();
    expect(detail.history.map((h: { verdict: string }) => h.verdict)).toEqual(['fail', 'fail', 'fail', 'pass']);
    expect(detail.history).toHaveLength(4); // three on demand + the Department's run over every site
    expect(detail.latest.verdict).toBe('fail');
    const aRun = (await agencyA.request('POST', '/api/sites/check')).json();
    expect(aRun.checks.map((c: { siteId: string }) => c.siteId)).not.toContain(b.id);

    // The dashboard: per agency, the expiring certificate, the criterion failing.
    const summary = (await dept.request('GET', '/api/sites/summary')).json();
    expect(summary.expiryWarnDays).toBe(30);
    expect(summary.criteriaRuleText).toMatchObject({ legalBasis: 'QĐ 826/QĐ-BTTTT ngày 21/05/2024' });
    const byOrg = Object.fromEntries(summary.organisations.map((o: { name: string }) => [o.name, o]));
    // The imported sites resolve nowhere here (the test's DNS answers nothing): they fail on DNS.
    expect(byOrg['Đơn vị SA']).toEqual({
      organisationId: org.SA,
      name: 'Đơn vị SA',
      sites: 3,
      pass: 0,
      warn: 0,
      fail: 3,
      unchecked: 0,
    });
    expect(byOrg['Đơn vị SB']).toMatchObject({ sites: 2, warn: 1, fail: 1, unchecked: 0 });
    expect(summary.criteria.find((c: { check: string }) => c.check === 'dns_address')).toMatchObject({ fail: 3 });
    expect(summary.expiring.map((e: { host: string }) => e.host)).toEqual(['127.0.0.3']);
    expect(summary.criteria.find((c: { check: string }) => c.check === 'hsts')).toEqual({
      check: 'hsts',
      fail: 1,
      warn: 0,
    });
    // As of yesterday nothing had been checked yet.
    const before = (
      await dept.request('GET', `/api/sites/summary?on=${provinceDay(new Date(Date.now() - DAY_MS))}`)
    ).json();
    expect(before.totals).toMatchObject({ pass: 0, warn: 0, fail: 0 });
    const agencyView = (await agencyB.request('GET', '/api/sites/summary')).json();
    expect(agencyView.organisations.map((o: { name: string }) => o.name)).toEqual(['Đơn vị SB']);
  });

  it('judges by the criteria of the day: a province rule that does not require HSTS only warns', async () => {
    const added = await admin.request('POST', '/api/rules', {
      kind: 'site_trust_criteria',
      key: 'site-trust',
      validFrom: provinceDay(),
      basis: { document: 'QĐ thử nghiệm của tỉnh' },
      vi: 'Tiêu chí thử nghiệm',
      en: 'Test criteria',
      data: {
        minTlsVersion: 'TLSv1.2',
        expiryWarnDays: 5,
        requireGovVnForStateBodies: true,
        requirePrivacyPolicy: true,
        requireHsts: false,
      },
    });
    expect(added.statusCode, added.body).toBe(201);
    const [site] = (await agencyA.request('GET', `/api/sites?q=127.0.0.2`)).json().items;
    const run = (await agencyA.request('POST', `/api/sites/${site.id}/check`)).json();
    expect(run).toMatchObject({ checked: 1, warn: 1, fail: 0 });
    expect(run.checks[0].results.find((r: { check: string }) => r.check === 'hsts').verdict).toBe('warn');
    // Within the province's 5-day window the 10-day certificate no longer warns.
    const summary = (await dept.request('GET', '/api/sites/summary')).json();
    expect(summary.expiryWarnDays).toBe(5);
    expect(summary.expiring).toEqual([]);
  });

  it('runs the daily checks once a day, even when two server processes tick together', async () => {
    const env = checkEnvironment({ sites: sitesConfig });
    // Two servers' timers at the same moment: one of them runs the day's checks, the other checks nothing.
    const runs = await Promise.all([runDailySiteChecks(database.db, env), runDailySiteChecks(database.db, env)]);
    const inForce = (await dept.request('GET', '/api/sites?limit=500')).json().total;
    expect(runs.map((r) => r.checked).sort((x, y) => x - y)).toEqual([0, inForce]);
    const again = await runDailySiteChecks(database.db, env);
    expect(again.checked).toBe(0);
    const scheduled = await database.db.select().from(siteChecks).where(eq(siteChecks.trigger, 'scheduled'));
    expect(scheduled).toHaveLength(inForce);

    // A run that crashes (here: a broken DNS setting) gives the day back: the next tick checks the site still due.
    await register(dept, { organisationId: org.SB, url: 'late.example.gov.vn' });
    await expect(runDailySiteChecks(database.db, { ...env, dnsServers: ['not-an-address'] })).rejects.toThrow();
    expect((await runDailySiteChecks(database.db, env)).checked).toBe(1);
    expect((await runDailySiteChecks(database.db, env)).checked).toBe(0);
  });

  it('refuses bad input with a 400, never a 500: odd hosts, credentials, year 0000, malformed ids', async () => {
    for (const url of ['.vn', 'x..example.gov.vn', '-x.example.gov.vn', 'x_y.example.gov.vn', 'a.vn..']) {
      const res = await dept.request('POST', '/api/sites', { organisationId: org.SA, url });
      expect([url, res.statusCode]).toEqual([url, 400]);
    }
    // A password in the address would be shown to anyone who asks the public lookup.
    const secret = await dept.request('POST', '/api/sites', {
      organisationId: org.SA,
      url: 'https://quantri:matkhau@cred.example.gov.vn/',
    });
    expect(secret.statusCode).toBe(400);
    expect(secret.body).not.toContain('matkhau');
    for (const path of [
      '/api/sites?on=0000-01-01',
      '/api/sites/summary?on=0000-01-01',
      '/api/sites/khong-phai-uuid',
      '/api/sites?limit=0',
      '/api/sites?organisationId=1',
    ])
      expect([path, (await dept.request('GET', path)).statusCode]).toEqual([path, 400]);
    const ancient = await dept.request('POST', '/api/sites', {
      organisationId: org.SA,
      url: 'ancient.example.gov.vn',
      validFrom: '0000-01-01',
    });
    expect(ancient.statusCode).toBe(400);
    for (const host of ['a%00b.example.gov.vn', 'x'.repeat(600), '%E2%80%AE.vn', '..'])
      expect([
        host,
        (await t.app.inject({ method: 'GET', url: `/api/public/site-trust?host=${host}` })).statusCode,
      ]).toEqual([host, 400]);
    // Year 0000 and a two-digit-looking year are no periods (0099 would be stored as 1999 otherwise).
    const periods = await dept.request(
      'POST',
      '/api/sites/indicators/import',
      csv(['period,indicator,value', '0000,id_vn_count,1', '0099,id_vn_count,1', '0000-01,id_vn_count,1']),
    );
    expect(periods.statusCode, periods.body).toBe(200);
    expect(periods.json()).toMatchObject({ created: 0 });
    expect(periods.json().errors.map((e: { row: number; column: string }) => [e.row, e.column])).toEqual([
      [2, 'period'],
      [3, 'period'],
      [4, 'period'],
    ]);
  });

  it('answers "is this site official?" without login, with www. and case variants, and limits the rate', async () => {
    await register(agencyA, { organisationId: org.SA, url: 'https://cong.soa.example.gov.vn/' });
    const ask = (host: string) =>
      t.app.inject({ method: 'GET', url: `/api/public/site-trust?host=${encodeURIComponent(host)}` });
    const official = await ask('WWW.Cong.SoA.example.gov.vn.');
    expect(official.statusCode, official.body).toBe(200);
    expect(official.json()).toEqual({
      registered: true,
      host: 'cong.soa.example.gov.vn',
      url: 'https://cong.soa.example.gov.vn/',
      organisation: { name: 'Đơn vị SA' },
      latest: null,
    });
    const checked = (await ask('https://127.0.0.2/dang-nhap')).json();
    expect(checked).toMatchObject({
      registered: true,
      organisation: { name: 'Đơn vị SA' },
      latest: { verdict: 'warn' },
    });
    expect(checked.latest.results).toContainEqual({ check: 'hsts', verdict: 'warn' });
    const unknown = (await ask('gia-mao-cong.soa.example.com')).json();
    expect(unknown).toMatchObject({ registered: false, host: 'gia-mao-cong.soa.example.com', reportUrl: '/nguoi-dan' });
    expect(unknown.advice).toContain('không có trong danh sách');
    expect((await ask('not a host')).statusCode).toBe(400);
    // A registered site's subdomain, or the site's name inside another domain, is no registered site.
    for (const lookalike of [
      'dang-nhap.cong.soa.example.gov.vn',
      'www.www.cong.soa.example.gov.vn',
      'cong.soa.example.gov.vn.evil.example.com',
      'https://cong.soa.example.gov.vn@evil.example.com/',
    ])
      expect([lookalike, (await ask(lookalike)).json().registered]).toEqual([lookalike, false]);
    // An IDN as a resident types it finds the site registered under its punycode.
    await register(dept, { organisationId: org.DN, url: 'https://tracuu.doanhnghiệp.vn/' });
    expect((await ask('TRACUU.DoanhNghiệp.VN.')).json()).toMatchObject({
      registered: true,
      host: new URL('https://tracuu.doanhnghiệp.vn').hostname,
      organisation: { name: 'Đơn vị DN' },
    });
    // The face H6's residents' page uses.
    expect(await siteTrust(database.db, 'cong.soa.example.gov.vn')).toMatchObject({ registered: true });
    expect(await siteTrust(database.db, '%%%')).toEqual({ registered: false });

    let limited = 0;
    for (let i = 0; i < 70; i++) if ((await ask('cong.soa.example.gov.vn')).statusCode === 429) limited++;
    expect(limited).toBeGreaterThan(0);
  });
});
