// Verdicts a careless reading gets wrong (HSTS, framing, hidden or hostile links, certificate names and chains) and
// the rule that the checker contacts only the addresses its own resolver (or the URL itself) gave. No root needed:
// local servers on 127.0.0.1 and 127.0.0.2 (all of 127/8 is loopback on Linux).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DetailedPeerCertificate } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMIT } from '../../src/modules/sites/check/connect.ts';
import { judgeFrameOptions, judgeHsts, judgePrivacyLink } from '../../src/modules/sites/check/evaluate.ts';
import { checkSite } from '../../src/modules/sites/check/index.ts';
import { judgeName } from '../../src/modules/sites/check/tls-judge.ts';
import { createIntermediateCa, createTestCa, type KeyPair, type TestCa } from '../support/netns-sites.ts';

const DAY_MS = 86_400_000;
const verdicts = (r: Awaited<ReturnType<typeof checkSite>>) =>
  Object.fromEntries(r.results.map((x) => [x.check, x.verdict]));

describe('verdicts browsers would not agree with', () => {
  it('HSTS: a repeated directive or a look-alike name is no max-age; only the first header counts', () => {
    // RFC 6797 §6.1: a header with a repeated directive is invalid and ignored, so HSTS is off.
    expect(judgeHsts({ 'strict-transport-security': 'max-age=31536000; max-age=0' }).verdict).toBe('fail');
    expect(judgeHsts({ 'strict-transport-security': 'x-max-age=31536000; max-age=0' }).verdict).toBe('fail');
    expect(judgeHsts({ 'strict-transport-security': 'x-max-age=31536000' }).verdict).toBe('fail');
    expect(judgeHsts({ 'strict-transport-security': 'max-age="31536000"; includeSubDomains' })).toMatchObject({
      verdict: 'pass',
      data: { maxAge: 31536000, includeSubDomains: true, preload: false },
    });
    expect(judgeHsts({ 'strict-transport-security': 'MAX-AGE = 31536000 ;preload' }).verdict).toBe('pass');
    expect(judgeHsts({ 'strict-transport-security': ['max-age=0', 'max-age=31536000'] }).verdict).toBe('fail');
  });

  it('framing: frame-ancestors that any site matches fails, even beside X-Frame-Options (CSP wins)', () => {
    const fa = (v: string, xfo?: string) =>
      judgeFrameOptions({
        'content-security-policy': `default-src 'self'; frame-ancestors ${v}`,
        'x-frame-options': xfo,
      }).verdict;
    expect(fa('*', 'DENY')).toBe('fail');
    expect(fa('https:')).toBe('fail');
    expect(fa("'self' https://*")).toBe('fail');
    expect(fa("'none'")).toBe('pass');
    expect(fa("'self' https://*.example.gov.vn")).toBe('pass');
  });

  it('privacy link: a link hidden in a comment does not count', () => {
    const hidden = '<!-- <a href="/chinh-sach-bao-mat">Chính sách bảo mật</a> --><a href="/">Trang chủ</a>';
    expect(judgePrivacyLink(hidden, false).verdict).toBe('fail');
    expect(judgePrivacyLink(`${hidden}<a href="/p">Quyền riêng tư</a>`, false).verdict).toBe('pass');
  });

  it('privacy link: a megabyte of unclosed links is read in one pass (the event loop is never held)', () => {
    // With back-tracking over `<a[^>]*>[\s\S]*?</a>` this page (the size the checker reads at most) holds the
    // event loop for tens of seconds: the server's daily check would freeze the whole process. Read linearly it is a
    // few milliseconds; the test's ordinary time limit is the only bound used.
    const page = '<a href=x>'.repeat(Math.floor(BODY_LIMIT / 10));
    expect(judgePrivacyLink(page, true).verdict).toBe('fail');
    expect(judgePrivacyLink('<a title=y '.repeat(Math.floor(BODY_LIMIT / 11)), true).verdict).toBe('fail');
    expect(judgePrivacyLink(`${page}<a href="/privacy">Privacy</a>`, true).verdict).toBe('pass');
  });

  it('name match: a certificate naming its host only in the CN (no subjectAltName) fails, as in browsers', () => {
    const cnOnly = { subject: { CN: 'www.example.gov.vn' } } as unknown as DetailedPeerCertificate;
    expect(judgeName('www.example.gov.vn', cnOnly).verdict).toBe('fail');
    const san = {
      subject: { CN: 'x' },
      subjectaltname: 'DNS:*.example.gov.vn',
    } as unknown as DetailedPeerCertificate;
    expect(judgeName('www.example.gov.vn', san).verdict).toBe('pass');
    expect(judgeName('a.www.example.gov.vn', san).verdict).toBe('fail');
    expect(judgeName('example.gov.vn', san).verdict).toBe('fail');
  });
});

describe('against local HTTPS servers', () => {
  let dir: string;
  let ca: TestCa;
  const servers: Server[] = [];
  /** Connections the server on 127.0.0.2 received: the checker must never open one. */
  let strayConnections = 0;

  const serve = async (host: string, pair: KeyPair, handler: Parameters<typeof createHttpsServer>[1]) => {
    const server = createHttpsServer({ ...pair }, handler);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, host, r));
    return (server.address() as AddressInfo).port;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'khien-sites-review-'));
    ca = createTestCa(join(dir, 'root'));
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    rmSync(dir, { recursive: true, force: true });
  });

  it('an expired intermediate certificate fails the chain although the leaf is in date', async () => {
    const now = Date.now();
    const intermediate = createIntermediateCa(ca, join(dir, 'inter'), {
      notBefore: new Date(now - 400 * DAY_MS),
      notAfter: new Date(now - 10 * DAY_MS),
    });
    const port = await serve('127.0.0.1', intermediate.issue(['127.0.0.1']), (_q, s) => s.end('ok'));
    const r = await checkSite(`https://127.0.0.1:${port}/`, { extraCa: [ca.cert], timeoutMs: 3000 });
    const v = verdicts(r);
    expect(v.tls_expiry).toBe('pass');
    expect(v.tls_chain_valid).toBe('fail');
    expect(r.results.find((x) => x.check === 'tls_chain_valid')?.detail).toContain('Khien Test Intermediate');

    // The same intermediate in date: the chain passes (so the failure above is the date, nothing else).
    const fresh = createIntermediateCa(ca, join(dir, 'inter2'), {
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + 400 * DAY_MS),
    });
    const ok = await serve('127.0.0.1', fresh.issue(['127.0.0.1']), (_q, s) => s.end('ok'));
    const good = await checkSite(`https://127.0.0.1:${ok}/`, { extraCa: [ca.cert], timeoutMs: 3000 });
    expect(verdicts(good).tls_chain_valid).toBe('pass');
  });

  it('a redirect to an IP address nobody resolved is not followed: no connection leaves for it', async () => {
    const stray = await serve('127.0.0.2', ca.issue(['127.0.0.2']), (_q, s) => s.end('internal'));
    servers.at(-1)?.on('connection', () => strayConnections++);
    const port = await serve('127.0.0.1', ca.issue(['127.0.0.1']), (_q, s) => {
      s.writeHead(302, { location: `https://127.0.0.2:${stray}/admin` });
      s.end();
    });
    const r = await checkSite(`https://127.0.0.1:${port}/`, { extraCa: [ca.cert], timeoutMs: 3000 });
    expect(strayConnections).toBe(0);
    const reachable = r.results.find((x) => x.check === 'https_reachable');
    expect(reachable?.verdict).toBe('warn');
    expect(reachable?.detail).toContain('127.0.0.2');
    // Moving to another port of the same address the URL named is followed (then stops at the same IP redirect).
    const same = await serve('127.0.0.1', ca.issue(['127.0.0.1']), (_q, s) => {
      s.writeHead(302, { location: `https://127.0.0.1:${port}/` });
      s.end();
    });
    const hop = await checkSite(`https://127.0.0.1:${same}/`, { extraCa: [ca.cert], timeoutMs: 3000 });
    expect(hop.results.find((x) => x.check === 'https_reachable')?.data).toMatchObject({
      finalUrl: `https://127.0.0.1:${port}/`,
    });
    expect(strayConnections).toBe(0);
  });
});
