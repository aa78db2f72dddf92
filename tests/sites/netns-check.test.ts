// The website trust checker against real servers: Debian's dnsmasq answers the test zone, Node HTTPS servers present
// certificates of a CA this test makes with openssl, all inside network namespaces with no way out
// (tests/support/netns-sites.ts). Each kind of site must get its verdicts; then the CLI end to end with --json.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteCheckName, SiteCheckReport } from '../../src/modules/sites/check/index.ts';
import {
  createTestCa,
  type LabPage,
  type SitesLab,
  selfSignedCertificate,
  sitesLabUnavailable,
  startSitesLab,
} from '../support/netns-sites.ts';

const skipReason = sitesLabUnavailable();
const DAY_MS = 86_400_000;
const ZONE = 'khien-test.gov.vn';
const host = (name: string) => `${name}.${ZONE}`;

const SAFE_HEADERS = {
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'content-security-policy': "default-src 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
};
const HOME: LabPage = {
  headers: SAFE_HEADERS,
  body: '<!doctype html><html lang="vi"><body><h1>Cổng thông tin</h1><footer><a href="/chinh-sach-bao-ve-du-lieu-ca-nhan">Chính sách bảo vệ dữ liệu cá nhân</a></footer></body></html>',
};
const toHttps = (name: string) => ({ pages: { '/': { status: 301, headers: { location: `https://${name}/` } } } });

/** check → verdict, the shape the expectations below are written in. */
const verdicts = (r: SiteCheckReport) => Object.fromEntries(r.results.map((x) => [x.check, x.verdict]));
const resultOf = (r: SiteCheckReport, check: SiteCheckName) => r.results.find((x) => x.check === check);

describe.skipIf(skipReason !== null)('website trust checks in network namespaces', () => {
  let lab: SitesLab;
  let caFile: string;
  let caPem: string;
  let workDir: string;
  const reports = new Map<string, SiteCheckReport>();
  const now = Date.now();

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'khien-sites-ca-'));
    const ca = createTestCa(workDir);
    caPem = ca.cert;
    const www = host('www');
    const valid = (name: string) => ca.issue([name]);
    lab = await startSitesLab({
      zone: {
        zones: [ZONE, 'khien.test'],
        ns: [
          { zone: ZONE, servers: [`ns1.${ZONE}`, `ns2.${ZONE}`] },
          { zone: 'khien.test', servers: ['ns1.khien.test'] },
        ],
        mx: [{ domain: ZONE, exchange: `mail.${ZONE}`, priority: 10 }],
        txt: [
          { name: ZONE, text: 'v=spf1 mx -all' },
          { name: `_dmarc.${ZONE}`, text: `v=DMARC1; p=reject; rua=mailto:dmarc@${ZONE}` },
          { name: host('weakmail'), text: 'v=spf1 +all' },
          { name: `_dmarc.${host('weakmail')}`, text: 'v=DMARC1; p=none' },
        ],
      },
      sites: [
        {
          // The home page is one redirect away, as on many portals: its headers and links are the ones that count.
          name: www,
          https: {
            ...valid(www),
            pages: { '/': { status: 301, headers: { location: '/trang-chu' } }, '/trang-chu': HOME },
          },
          http: toHttps(www),
        },
        {
          name: host('expired'),
          https: {
            ...ca.issue([host('expired')], {
              notBefore: new Date(now - 400 * DAY_MS),
              notAfter: new Date(now - 10 * DAY_MS),
            }),
            pages: { '/': HOME },
          },
          http: toHttps(host('expired')),
        },
        {
          name: host('soon'),
          https: {
            ...ca.issue([host('soon')], { notAfter: new Date(now + 10 * DAY_MS + 3_600_000) }),
            pages: { '/': HOME },
          },
          http: toHttps(host('soon')),
        },
        {
          name: host('wrongname'),
          https: { ...valid(host('other')), pages: { '/': HOME } },
          http: toHttps(host('wrongname')),
        },
        {
          name: host('selfsigned'),
          https: { ...selfSignedCertificate(workDir, [host('selfsigned')]), pages: { '/': HOME } },
          http: toHttps(host('selfsigned')),
        },
        { name: host('plain'), http: { pages: { '/': HOME } } },
        {
          name: host('bare'),
          https: { ...valid(host('bare')), pages: { '/': { body: '<html><body><p>Trang chủ</p></body></html>' } } },
          http: toHttps(host('bare')),
        },
        {
          name: host('oldtls'),
          https: { ...valid(host('oldtls')), minVersion: 'TLSv1', maxVersion: 'TLSv1.1', pages: { '/': HOME } },
          http: toHttps(host('oldtls')),
        },
        { name: host('silent'), silent: true },
        {
          name: host('endless'),
          https: { ...valid(host('endless')), pages: { '/': { headers: SAFE_HEADERS, endless: true } } },
        },
        {
          name: host('loop'),
          https: { ...valid(host('loop')), pages: { '/': { status: 302, headers: { location: '/' } } } },
        },
        {
          name: 'portal.khien.test',
          https: { ...valid('portal.khien.test'), pages: { '/': HOME } },
          http: toHttps('portal.khien.test'),
        },
      ],
    });
    caFile = join(lab.dir, 'ca.pem');
    writeFileSync(caFile, caPem);
    const names = ['expired', 'soon', 'wrongname', 'selfsigned', 'plain', 'bare', 'oldtls', 'missing'].map(host);
    const batch = await lab.check<SiteCheckReport[]>([...names, 'https://portal.khien.test/'], {
      extraCa: [caPem],
      timeoutMs: 5000,
      concurrency: 3,
    });
    for (const r of batch) reports.set(r.host, r);
  }, 120_000);

  afterAll(async () => {
    await lab?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('the client namespace has no route but the lab network: no check can reach an outside address', async () => {
    const routes = (await lab.run(['ip', 'route', 'show', 'table', 'all'])).stdout.trim().split('\n');
    expect(routes.filter((r) => !/^(local |broadcast |multicast |ff00::|fe80::|::1 )/.test(r))).toEqual([
      expect.stringMatching(/^10\.203\.0\.0\/24 dev \S+ proto kernel scope link src 10\.203\.0\.1\b/),
    ]);
  });

  it('a well-kept state portal with a mail domain passes every criterion', async () => {
    const [r] = await lab.check<SiteCheckReport[]>([`https://${host('www')}/`], {
      extraCa: [caPem],
      mailDomain: true,
      stateBody: true,
    });
    expect(r).toBeDefined();
    const report = r as SiteCheckReport;
    expect(report.results.filter((x) => x.verdict !== 'pass')).toEqual([]);
    expect(report.verdict).toBe('pass');
    expect(resultOf(report, 'dns_address')?.data).toEqual({ ipv4: [lab.addressOf(host('www'))], ipv6: [] });
    expect(resultOf(report, 'dns_ns')?.data).toEqual({ zone: ZONE, nameservers: [`ns1.${ZONE}`, `ns2.${ZONE}`] });
    expect(resultOf(report, 'dns_mx')?.data).toMatchObject({ domain: ZONE, exchanges: [{ exchange: `mail.${ZONE}` }] });
    expect(resultOf(report, 'https_reachable')?.data).toMatchObject({
      status: 200,
      finalUrl: `https://${host('www')}/trang-chu`,
      redirects: 1,
    });
    expect(resultOf(report, 'tls_version')?.data?.version).toMatch(/^TLSv1\.[23]$/);
    expect(resultOf(report, 'tls_expiry')?.data?.daysLeft).toBeGreaterThan(300);
    expect(resultOf(report, 'privacy_policy')?.data?.href).toBe('/chinh-sach-bao-ve-du-lieu-ca-nhan');
  });

  it('without the test CA the same portal is untrusted: the chain is judged against the trust store', async () => {
    const [r] = await lab.check<SiteCheckReport[]>([host('www')]);
    const report = r as SiteCheckReport;
    expect(resultOf(report, 'tls_chain_valid')).toMatchObject({ verdict: 'fail' });
    expect(resultOf(report, 'tls_name_match')?.verdict).toBe('pass');
    expect(report.verdict).toBe('fail');
  });

  it('an expired certificate fails on expiry, with its date, while its chain is still recognised', () => {
    const r = reports.get(host('expired')) as SiteCheckReport;
    const expiry = resultOf(r, 'tls_expiry');
    expect(expiry?.verdict).toBe('fail');
    expect(expiry?.data?.daysLeft).toBe(-10);
    expect(expiry?.detail).toMatch(/^expired on \d{4}-\d{2}-\d{2}$/);
    expect(verdicts(r)).toMatchObject({ tls_chain_valid: 'pass', tls_name_match: 'pass', https_reachable: 'pass' });
    expect(r.verdict).toBe('fail');
  });

  it('a certificate inside the alert window warns and the site as a whole warns', () => {
    const r = reports.get(host('soon')) as SiteCheckReport;
    expect(resultOf(r, 'tls_expiry')).toMatchObject({ verdict: 'warn', data: { daysLeft: 10 } });
    expect(r.results.filter((x) => x.verdict === 'fail')).toEqual([]);
    expect(r.verdict).toBe('warn');
  });

  it('a certificate for another name fails the name match only', () => {
    const r = reports.get(host('wrongname')) as SiteCheckReport;
    expect(verdicts(r)).toMatchObject({ tls_name_match: 'fail', tls_chain_valid: 'pass', tls_expiry: 'pass' });
    expect(resultOf(r, 'tls_name_match')?.detail).toContain(host('other'));
  });

  it('a self-signed certificate fails the chain, not the name', () => {
    const r = reports.get(host('selfsigned')) as SiteCheckReport;
    expect(resultOf(r, 'tls_chain_valid')).toMatchObject({ verdict: 'fail', detail: 'self-signed certificate' });
    expect(resultOf(r, 'tls_name_match')?.verdict).toBe('pass');
  });

  it('a site served only over plain HTTP: HTTPS unreachable, no redirect, TLS checks skipped', () => {
    const r = reports.get(host('plain')) as SiteCheckReport;
    expect(verdicts(r)).toMatchObject({
      dns_address: 'pass',
      https_reachable: 'fail',
      http_redirects_https: 'fail',
      tls_chain_valid: 'skip',
      tls_version: 'skip',
      hsts: 'skip',
      privacy_policy: 'skip',
    });
    expect(resultOf(r, 'https_reachable')?.detail).toContain('ECONNREFUSED');
    expect(resultOf(r, 'http_redirects_https')?.data).toMatchObject({ status: 200 });
  });

  it('a site without security headers or a privacy link fails those criteria and passes the TLS ones', () => {
    const r = reports.get(host('bare')) as SiteCheckReport;
    expect(verdicts(r)).toMatchObject({
      https_reachable: 'pass',
      http_redirects_https: 'pass',
      tls_chain_valid: 'pass',
      tls_name_match: 'pass',
      tls_expiry: 'pass',
      tls_version: 'pass',
      hsts: 'fail',
      header_csp: 'fail',
      header_x_content_type_options: 'fail',
      header_frame_options: 'fail',
      privacy_policy: 'fail',
    });
  });

  it('a server speaking only TLS 1.1 is reachable but fails the version criterion, naming the version', () => {
    const r = reports.get(host('oldtls')) as SiteCheckReport;
    expect(resultOf(r, 'tls_version')).toMatchObject({ verdict: 'fail', data: { version: 'TLSv1.1' } });
    expect(resultOf(r, 'https_reachable')).toMatchObject({ verdict: 'pass' });
    expect(resultOf(r, 'https_reachable')?.detail).toContain('over TLSv1.1');
    // Everything else on that server is still judged.
    expect(verdicts(r)).toMatchObject({ tls_chain_valid: 'pass', hsts: 'pass', privacy_policy: 'pass' });
  });

  it('a name the zone does not have fails DNS and skips everything that needs an address', () => {
    const r = reports.get(host('missing')) as SiteCheckReport;
    expect(resultOf(r, 'dns_address')?.verdict).toBe('fail');
    expect(r.results.filter((x) => x.verdict !== 'skip').map((x) => x.check)).toEqual(['dns_address', 'dns_ns']);
  });

  it('every answer is bounded: a silent server by time, an endless page by size, a redirect loop by count', async () => {
    const [silent, endless, loop] = await lab.check<SiteCheckReport[]>(
      [host('silent'), host('endless'), host('loop')],
      { extraCa: [caPem], timeoutMs: 1500 },
    );
    expect(resultOf(silent as SiteCheckReport, 'https_reachable')).toMatchObject({
      verdict: 'fail',
      detail: 'HTTPS on port 443: TLS handshake took longer than 1500 ms',
    });
    expect(resultOf(endless as SiteCheckReport, 'https_reachable')?.verdict).toBe('pass');
    expect(resultOf(endless as SiteCheckReport, 'privacy_policy')).toMatchObject({
      verdict: 'fail',
      data: { truncated: true },
    });
    expect(resultOf(loop as SiteCheckReport, 'https_reachable')).toMatchObject({
      verdict: 'warn',
      detail: 'more than 5 redirects',
    });
  });

  it('a zone with a single name server warns; not a state body: .gov.vn not required', () => {
    const r = reports.get('portal.khien.test') as SiteCheckReport;
    expect(resultOf(r, 'dns_ns')).toMatchObject({ verdict: 'warn', data: { zone: 'khien.test' } });
    expect(resultOf(r, 'gov_vn_domain')?.verdict).toBe('skip');
    expect(r.verdict).toBe('warn');
  });

  it('a state body outside .gov.vn fails; weak mail records fail or warn', async () => {
    const [portal, weak] = await lab.check<SiteCheckReport[]>(['portal.khien.test', host('weakmail')], {
      extraCa: [caPem],
      stateBody: true,
      mailDomain: true,
      timeoutMs: 3000,
    });
    expect(resultOf(portal as SiteCheckReport, 'gov_vn_domain')?.verdict).toBe('fail');
    expect(verdicts(weak as SiteCheckReport)).toMatchObject({
      gov_vn_domain: 'pass',
      dns_mx: 'fail',
      dns_spf: 'fail',
      dns_dmarc: 'warn',
    });
  });

  it('the CLI checks sites end to end with --json, without opening any database, and fails when a site fails', async () => {
    const dataDir = join(lab.dir, 'no-database-here');
    const cli = [process.execPath, 'bin/khien.mjs', 'sites', 'check', '--dns', lab.dns, '--ca', caFile, '--json'];
    // Settings a database would need point nowhere: opening one would fail or create the data directory.
    const env = { KHIEN_DATA_DIR: dataDir, DATABASE_URL: 'postgres://nobody@10.203.0.254:5432/none' };
    const failing = await lab.run([...cli, '--state-body', '--mail', host('www'), host('expired')], { env });
    expect(failing.stderr).toBe('');
    expect(failing.status).toBe(1);
    const out = JSON.parse(failing.stdout) as { verdict: string; failed: number; sites: SiteCheckReport[] };
    expect(out.verdict).toBe('fail');
    expect(out.failed).toBe(1);
    expect(out.sites.map((s) => [s.host, s.verdict])).toEqual([
      [host('www'), 'pass'],
      [host('expired'), 'fail'],
    ]);
    expect(resultOf(out.sites[1] as SiteCheckReport, 'tls_expiry')?.data?.validTo).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    const warning = await lab.run([...cli, host('soon')], { env });
    expect(warning.status).toBe(0);
    expect(JSON.parse(warning.stdout).verdict).toBe('warn');

    // The text report is Vietnamese, with the expiry day as dd/mm/yyyy.
    const text = await lab.run(cli.filter((a) => a !== '--json').concat(host('expired')), { env });
    expect(text.status).toBe(1);
    expect(text.stdout).toContain('Thời hạn chứng thư — KHÔNG ĐẠT: hết hạn ngày ');
    expect(text.stdout).toMatch(/hết hạn ngày \d{2}\/\d{2}\/\d{4}/);
    expect(text.stdout).toContain('1 trang, 1 không đạt');
    expect(existsSync(dataDir)).toBe(false);
  });
});
