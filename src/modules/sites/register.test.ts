import { describe, expect, it } from 'vitest';
import type { SiteCheckReport, SiteCheckResult } from './check/index.ts';
import { parseNumber, periodDays } from './indicators.ts';
import { regressions } from './scheduler.ts';
import { parseDay } from './sites.service.ts';
import { applyCriteria, hostVariants, normaliseHost, type TrustCriteria } from './trust.ts';

const r = (check: SiteCheckResult['check'], verdict: SiteCheckResult['verdict'], data?: Record<string, unknown>) => ({
  check,
  verdict,
  detail: check,
  ...(data ? { data } : {}),
});
const report = (results: SiteCheckResult[]): SiteCheckReport => ({
  url: 'https://a.gov.vn/',
  host: 'a.gov.vn',
  checkedAt: '2026-01-01T00:00:00.000Z',
  verdict: 'fail',
  results,
});
const RULE: TrustCriteria = {
  minTlsVersion: 'TLSv1.2',
  expiryWarnDays: 30,
  requireGovVnForStateBodies: true,
  requirePrivacyPolicy: true,
  requireHsts: true,
  ruleKey: 'site-trust@2024-05-21',
  ruleText: null,
};

describe('the register’s host key', () => {
  it('normalises what people type: case, IDN, trailing dot, scheme, port and path', () => {
    expect(normaliseHost('HTTPS://WWW.YenBai.Gov.VN./dich-vu?x=1')).toBe('www.yenbai.gov.vn');
    expect(normaliseHost('yenbai.gov.vn:8443')).toBe('yenbai.gov.vn');
    expect(normaliseHost('bộ.vn')).toBe(new URL('https://bộ.vn').hostname);
    expect(normaliseHost('bộ.vn')).toMatch(/^xn--/);
    for (const bad of [
      '',
      '   ',
      'a b.vn',
      'ftp://x.vn',
      'https://',
      'x'.repeat(501),
      '.vn',
      'a..vn',
      '-a.vn',
      'a_b.vn',
      'a.vn..',
    ])
      expect(normaliseHost(bad)).toBeNull();
  });
  it('pairs a host with its www. twin', () => {
    expect(hostVariants('yenbai.gov.vn')).toEqual(['yenbai.gov.vn', 'www.yenbai.gov.vn']);
    expect(hostVariants('www.yenbai.gov.vn')).toEqual(['www.yenbai.gov.vn', 'yenbai.gov.vn']);
  });
});

describe('the criteria of the day', () => {
  it('keeps the checker’s verdicts when every criterion is required', () => {
    const judged = applyCriteria(report([r('hsts', 'fail'), r('tls_version', 'pass', { version: 'TLSv1.2' })]), RULE);
    expect(judged.verdict).toBe('fail');
  });
  it('turns a failure the rule does not require into a warning', () => {
    const judged = applyCriteria(report([r('hsts', 'fail'), r('privacy_policy', 'fail'), r('header_csp', 'pass')]), {
      ...RULE,
      requireHsts: false,
      requirePrivacyPolicy: false,
    });
    expect(judged.results.map((x) => x.verdict)).toEqual(['warn', 'warn', 'pass']);
    expect(judged.verdict).toBe('warn');
  });
  it('fails TLS 1.2 when the rule asks TLS 1.3', () => {
    const judged = applyCriteria(report([r('tls_version', 'pass', { version: 'TLSv1.2' })]), {
      ...RULE,
      minTlsVersion: 'TLSv1.3',
    });
    expect(judged.results[0]?.verdict).toBe('fail');
    expect(
      applyCriteria(report([r('tls_version', 'pass', { version: 'TLSv1.3' })]), { ...RULE, minTlsVersion: 'TLSv1.3' })
        .verdict,
    ).toBe('pass');
  });
});

describe('regressions', () => {
  it('are criteria that passed or warned last time and fail now; a first check has none', () => {
    const before = [r('hsts', 'pass'), r('tls_expiry', 'warn'), r('header_csp', 'fail'), r('dns_mx', 'skip')];
    const now = [r('hsts', 'fail'), r('tls_expiry', 'fail'), r('header_csp', 'fail'), r('dns_mx', 'fail')];
    expect(regressions(before, now).map((x) => x.check)).toEqual(['hsts', 'tls_expiry']);
    expect(regressions(null, now)).toEqual([]);
  });
});

describe('imported values', () => {
  it('reads periods as their first and last day', () => {
    expect(periodDays('2024')).toEqual({ start: '2024-01-01', end: '2024-12-31' });
    expect(periodDays('2024-02')).toEqual({ start: '2024-02-01', end: '2024-02-29' });
    expect(periodDays('2023-02')).toEqual({ start: '2023-02-01', end: '2023-02-28' });
    for (const bad of ['24', '2024-13', '2024-1', '2024/05', 'năm 2024', '0000', '0099', '0000-01', '2024-00'])
      expect(periodDays(bad)).toBeNull();
  });
  it('reads numbers written the Vietnamese or the English way', () => {
    expect(parseNumber('6,4')).toBe(6.4);
    expect(parseNumber('1.234,5')).toBe(1234.5);
    expect(parseNumber('1,234.5')).toBe(1234.5);
    expect(parseNumber('1.234.567')).toBe(1234567);
    expect(parseNumber(' 42 ')).toBe(42);
    for (const bad of ['', 'nhiều', '1e5', '--1']) expect(parseNumber(bad)).toBeNull();
  });
  it('reads days as dd/mm/yyyy or ISO, refusing impossible ones', () => {
    expect(parseDay('01/02/2024')).toBe('2024-02-01');
    expect(parseDay('2024-02-29')).toBe('2024-02-29');
    expect(parseDay('')).toBeNull();
    expect(parseDay('31/02/2024')).toBeUndefined();
    expect(parseDay('2023-02-29')).toBeUndefined();
  });
});
