// The checker's rules on given facts (no network), its reading of addresses, one check against a local HTTPS
// server on 127.0.0.1 named by address, and the CLI's refusals — none of this needs root.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  judgeCsp,
  judgeDmarc,
  judgeFrameOptions,
  judgeHsts,
  judgeMx,
  judgeNs,
  judgePrivacyLink,
  judgeSpf,
} from '../../src/modules/sites/check/evaluate.ts';
import { checkSite, SITE_CHECKS, siteTarget } from '../../src/modules/sites/check/index.ts';
import { createTestCa, type TestCa } from '../support/netns-sites.ts';

const ROOT = resolve(import.meta.dirname, '../..');

describe('reading the address to check', () => {
  it('takes a bare host as HTTPS, lower-cases, strips a trailing dot and turns IDN into punycode', () => {
    expect(siteTarget('CongThongTin.Example.gov.vn.')).toMatchObject({
      host: 'congthongtin.example.gov.vn',
      httpsPort: 443,
      httpPort: 80,
      path: '/',
    });
    expect(siteTarget('https://sở.example.vn:8443/a?b=1')).toMatchObject({
      host: 'xn--s-lym.example.vn',
      httpsPort: 8443,
      path: '/a?b=1',
    });
    expect(siteTarget('http://[::1]:8080/')).toMatchObject({ host: '::1', httpPort: 8080, httpsPort: 443 });
  });

  it('refuses what is not a web address before any network', () => {
    expect(() => siteTarget('ftp://example.vn')).toThrow(/not a web address/);
    expect(() => siteTarget('https://exa mple.vn')).toThrow(/not a URL/);
  });
});

describe('verdict rules', () => {
  it('SPF: one record ending in -all or ~all passes; +all, none or several fail; ?all warns', () => {
    expect(judgeSpf('a.vn', ['v=spf1 mx -all']).verdict).toBe('pass');
    expect(judgeSpf('a.vn', ['google-site-verification=x', 'v=spf1 ip4:10.0.0.0/8 ~all']).verdict).toBe('pass');
    expect(judgeSpf('a.vn', ['v=spf1 redirect=_spf.a.vn']).verdict).toBe('pass');
    expect(judgeSpf('a.vn', ['v=spf1 +all']).verdict).toBe('fail');
    expect(judgeSpf('a.vn', ['v=spf1 a all']).verdict).toBe('fail');
    expect(judgeSpf('a.vn', ['v=spf1 a ?all']).verdict).toBe('warn');
    expect(judgeSpf('a.vn', ['v=spf1 a']).verdict).toBe('warn');
    expect(judgeSpf('a.vn', []).verdict).toBe('fail');
    expect(judgeSpf('a.vn', ['v=spf1 -all', 'v=spf1 mx -all']).verdict).toBe('fail');
  });

  it('DMARC: reject/quarantine pass, none warns, missing or malformed fails', () => {
    expect(judgeDmarc('a.vn', ['v=DMARC1; p=reject']).data).toMatchObject({ policy: 'reject' });
    expect(judgeDmarc('a.vn', ['v=DMARC1;p=quarantine;pct=100']).verdict).toBe('pass');
    expect(judgeDmarc('a.vn', ['v=DMARC1; p=none; rua=mailto:x@a.vn']).verdict).toBe('warn');
    expect(judgeDmarc('a.vn', ['v=DMARC1; rua=mailto:x@a.vn']).verdict).toBe('fail');
    expect(judgeDmarc('a.vn', []).verdict).toBe('fail');
  });

  it('MX: a null MX (RFC 7505) is no mail server; NS: a single server warns', () => {
    expect(judgeMx('a.vn', [{ exchange: '', priority: 0 }]).verdict).toBe('fail');
    expect(
      judgeMx('a.vn', [
        { exchange: 'mx2.a.vn', priority: 20 },
        { exchange: 'mx1.a.vn', priority: 10 },
      ]).detail,
    ).toBe('10 mx1.a.vn, 20 mx2.a.vn');
    expect(judgeNs('a.vn', ['ns1.a.vn']).verdict).toBe('warn');
    expect(judgeNs('a.vn', ['ns2.a.vn', 'ns1.a.vn']).data).toEqual({
      zone: 'a.vn',
      nameservers: ['ns1.a.vn', 'ns2.a.vn'],
    });
  });

  it('HSTS under six months warns, max-age=0 fails', () => {
    expect(judgeHsts({ 'strict-transport-security': 'max-age=63072000; includeSubDomains; preload' }).data).toEqual({
      value: 'max-age=63072000; includeSubDomains; preload',
      maxAge: 63072000,
      includeSubDomains: true,
      preload: true,
    });
    expect(judgeHsts({ 'strict-transport-security': 'max-age=86400' }).verdict).toBe('warn');
    expect(judgeHsts({ 'strict-transport-security': 'max-age=0' }).verdict).toBe('fail');
    expect(judgeHsts({}).verdict).toBe('fail');
  });

  it('framing: CSP frame-ancestors or X-Frame-Options DENY/SAMEORIGIN; report-only CSP warns', () => {
    expect(judgeFrameOptions({ 'content-security-policy': "default-src 'self'; frame-ancestors 'self'" }).verdict).toBe(
      'pass',
    );
    expect(judgeFrameOptions({ 'x-frame-options': 'SAMEORIGIN' }).verdict).toBe('pass');
    expect(judgeFrameOptions({ 'x-frame-options': 'ALLOW-FROM https://x.vn' }).verdict).toBe('fail');
    expect(judgeFrameOptions({ 'content-security-policy': "default-src 'self'" }).verdict).toBe('fail');
    expect(judgeCsp({ 'content-security-policy-report-only': "default-src 'self'" }).verdict).toBe('warn');
  });

  it('privacy link: Vietnamese text with or without tone marks, entities, encoded addresses, English', () => {
    const link = (html: string) => judgePrivacyLink(html, false);
    expect(link('<a href="/p/1">Chính sách bảo mật</a>').verdict).toBe('pass');
    expect(link('<A HREF=/p/2><span>CHÍNH SÁCH QUYỀN RIÊNG TƯ</span></A>').verdict).toBe('pass');
    expect(
      link('<a href="/p/3">Ch&#237;nh s&#225;ch b&#7843;o v&#7879; d&#7919; li&#7879;u c&#225; nh&#226;n</a>').verdict,
    ).toBe('pass');
    expect(link('<a href="/chinh-s%C3%A1ch-b%E1%BA%A3o-m%E1%BA%ADt">Xem</a>').data).toMatchObject({
      href: '/chinh-s%C3%A1ch-b%E1%BA%A3o-m%E1%BA%ADt',
    });
    expect(link('<a href="/privacy" title="Privacy">x</a>').verdict).toBe('pass');
    expect(link('<p>Chính sách bảo mật</p><a href="/lien-he">Liên hệ</a>').verdict).toBe('fail');
    expect(judgePrivacyLink('<a href="/">Trang chủ</a>', true).detail).toContain('first part');
  });
});

describe('one check against a local HTTPS server named by its address', () => {
  let dir: string;
  let ca: TestCa;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'khien-sites-local-'));
    ca = createTestCa(dir);
    server = createServer({ ...ca.issue(['127.0.0.1']) }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'x-frame-options': 'DENY' });
      res.end('<a href="/privacy">Privacy</a>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('skips DNS, matches the certificate to the IP address and judges the page', async () => {
    const r = await checkSite(`https://127.0.0.1:${port}/`, { extraCa: [ca.cert], timeoutMs: 3000 });
    expect(r.results.map((x) => x.check)).toEqual([...SITE_CHECKS]);
    const v = Object.fromEntries(r.results.map((x) => [x.check, x.verdict]));
    expect(v).toMatchObject({
      dns_address: 'skip',
      dns_ns: 'skip',
      dns_mx: 'skip',
      https_reachable: 'pass',
      tls_chain_valid: 'pass',
      tls_name_match: 'pass',
      tls_expiry: 'pass',
      tls_version: 'pass',
      hsts: 'fail',
      header_csp: 'fail',
      header_frame_options: 'pass',
      privacy_policy: 'pass',
    });
    expect(r.verdict).toBe('fail');
  });

  it('a certificate for another address fails the name match', async () => {
    const other = createServer({ ...ca.issue(['10.203.255.1']) }, (_q, s) => s.end('ok'));
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    try {
      const r = await checkSite(`127.0.0.1:${(other.address() as AddressInfo).port}`, {
        extraCa: [ca.cert],
        timeoutMs: 3000,
      });
      expect(r.results.find((x) => x.check === 'tls_name_match')?.verdict).toBe('fail');
    } finally {
      await new Promise((r) => other.close(r));
    }
  });
});

describe('khien sites check refusals (no database, no network)', () => {
  const khien = (...args: string[]) =>
    spawnSync(process.execPath, ['bin/khien.mjs', 'sites', 'check', ...args], { cwd: ROOT, encoding: 'utf8' });

  it('a bad address or an unreadable CA file is one clear line and exit code 1', () => {
    const bad = khien('ftp://example.vn');
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toBe('Lỗi / Error: not a web address (http or https): "ftp://example.vn"');
    const ca = khien('--ca', '/nonexistent/ca.pem', 'https://127.0.0.1:9/');
    expect(ca.status).toBe(1);
    expect(ca.stderr).toMatch(/^Lỗi \/ Error: cannot read CA file \/nonexistent\/ca.pem/);
    const dns = khien('--dns', '10.203.0.300', 'https://127.0.0.1:9/');
    expect(dns.status).toBe(1);
    expect(dns.stderr.trim()).toBe('Lỗi / Error: invalid DNS server in "10.203.0.300" (ip or ip:port)');
    const timeout = khien('--timeout', '0', 'https://127.0.0.1:9/');
    expect(timeout.status).toBe(1);
    expect(timeout.stderr).toContain('--timeout must be a positive whole number');
  });
});
