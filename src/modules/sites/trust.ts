// The trust view of a site: the criteria of the day applied to a checker's report, and the public lookup
// ("is this site official?") the residents' page and GET /api/public/site-trust answer from.
import { and, desc, eq, gte, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../core/db/client.ts';
import { provinceDay } from '../../core/time.ts';
import { organisations } from '../organisations/index.ts';
import { type AppliedRule, ruleBook } from '../rules/index.ts';
import type { CheckVerdict, SiteCheckName, SiteCheckReport, SiteCheckResult } from './check/index.ts';
import { siteChecks, sites } from './sites.schema.ts';

export type TrustCriteria = AppliedRule<'site_trust_criteria'>['data'] & {
  ruleKey: string | null;
  /** What the rule says and where it comes from, shown beside the figures it decided. */
  ruleText: { vi: string; en: string; legalBasis: string } | null;
};

/** When no rule is in force (a day before the first one): the checker's own defaults, judged as written. */
const FALLBACK: TrustCriteria = {
  minTlsVersion: 'TLSv1.2',
  expiryWarnDays: 30,
  requireGovVnForStateBodies: true,
  requirePrivacyPolicy: true,
  requireHsts: true,
  ruleKey: null,
  ruleText: null,
};

/** The `site_trust_criteria` rule in force on `day`. */
export async function trustCriteria(db: Db, day: string): Promise<TrustCriteria> {
  const rule = (await ruleBook(db)).on('site_trust_criteria', day)[0];
  return rule
    ? {
        ...rule.data,
        ruleKey: `${rule.key}@${rule.validFrom}`,
        ruleText: { vi: rule.vi, en: rule.en, legalBasis: rule.legalBasis },
      }
    : FALLBACK;
}

const worst = (results: SiteCheckResult[]): SiteCheckReport['verdict'] =>
  results.some((r) => r.verdict === 'fail') ? 'fail' : results.some((r) => r.verdict === 'warn') ? 'warn' : 'pass';

/**
 * The report judged by the day's criteria: a criterion the rule does not require (HSTS, the privacy policy) fails no
 * site, it only warns; a rule asking TLS 1.3 fails a site that negotiated 1.2. The checker's detail is kept.
 */
export function applyCriteria(report: SiteCheckReport, c: TrustCriteria): SiteCheckReport {
  const optional = new Set<SiteCheckName>([
    ...(c.requireHsts ? [] : (['hsts'] as const)),
    ...(c.requirePrivacyPolicy ? [] : (['privacy_policy'] as const)),
  ]);
  const results = report.results.map((r): SiteCheckResult => {
    if (optional.has(r.check) && r.verdict === 'fail')
      return { ...r, verdict: 'warn', detail: `${r.detail} (not required by the criteria of the day)` };
    if (r.check === 'tls_version' && c.minTlsVersion === 'TLSv1.3' && r.verdict !== 'skip') {
      const version = String(r.data?.version ?? '');
      if (version !== 'TLSv1.3')
        return { ...r, verdict: 'fail', detail: `${r.detail}; the criteria of the day require TLSv1.3` };
    }
    return r;
  });
  return { ...report, results, verdict: worst(results) };
}

/**
 * A host as the register keys it: lower case, IDN as punycode, no trailing dot, no port or path. Accepts a bare host
 * or a whole address (what a resident pastes). Null when it names no host.
 */
export function normaliseHost(input: string): string | null {
  const text = input.trim();
  if (!text || text.length > 500 || /\s/.test(text)) return null;
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
    return host && (host.includes(':') || isDnsName(host)) ? host : null;
  } catch {
    return null;
  }
}

/** A DNS host name: labels of letters, digits and inner hyphens (punycode included), none empty (".vn", "a..vn"). */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const isDnsName = (host: string) => host.length <= 253 && host.split('.').every((l) => LABEL.test(l));

/** True when an address carries a user name or password (never to be stored: the public lookup shows the address). */
export function hasCredentials(input: string): boolean {
  const text = input.trim();
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
    return Boolean(url.username || url.password);
  } catch {
    return false;
  }
}

/** The register's candidates for a host: itself, and its www./bare twin. */
export const hostVariants = (host: string) => (host.startsWith('www.') ? [host, host.slice(4)] : [host, `www.${host}`]);

export type SiteTrust =
  | { registered: false }
  | {
      registered: true;
      host: string;
      url: string;
      organisation: { name: string };
      latest: {
        verdict: SiteCheckReport['verdict'];
        checkedAt: Date;
        results: { check: SiteCheckName; verdict: CheckVerdict }[];
      } | null;
    };

/**
 * "Is this site official?": the site registered for `host` today (exact host first, then its www./bare twin) with
 * its agency and latest check. Input a resident typed that names no host is simply not registered.
 */
export async function siteTrust(db: Db, host: string, day = provinceDay()): Promise<SiteTrust> {
  const wanted = normaliseHost(host);
  if (!wanted) return { registered: false };
  const variants = hostVariants(wanted);
  const rows = await db
    .select({ id: sites.id, host: sites.host, url: sites.url, organisationName: organisations.name })
    .from(sites)
    .innerJoin(organisations, eq(organisations.id, sites.organisationId))
    .where(
      and(
        or(eq(sites.host, variants[0] as string), eq(sites.host, variants[1] as string)),
        or(isNull(sites.validFrom), lte(sites.validFrom, day)),
        or(isNull(sites.validTo), gte(sites.validTo, day)),
      ),
    );
  const site = rows.find((r) => r.host === wanted) ?? rows[0];
  if (!site) return { registered: false };
  const [last] = await db
    .select({ verdict: siteChecks.verdict, checkedAt: siteChecks.checkedAt, results: siteChecks.results })
    .from(siteChecks)
    .where(eq(siteChecks.siteId, site.id))
    .orderBy(desc(siteChecks.checkedAt), sql`${siteChecks.id}`)
    .limit(1);
  return {
    registered: true,
    host: site.host,
    url: site.url,
    organisation: { name: site.organisationName },
    latest: last
      ? {
          verdict: last.verdict,
          checkedAt: last.checkedAt,
          results: last.results.map((r) => ({ check: r.check, verdict: r.verdict })),
        }
      : null,
  };
}
