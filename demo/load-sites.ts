// Demo data of the .vn programme: the province's agency websites in the register, a week of trust-check history
// ending on the day the demo is loaded (a regression and a certificate about to expire among them), and the
// programme's indicators. The checks are made up here (a demo makes no network connection); the register and the
// indicators go through the real importers.
import { inArray } from 'drizzle-orm';
import type { Db } from '../src/core/db/client.ts';
import type { Actor } from '../src/modules/auth/index.ts';
import {
  type CheckVerdict,
  importIndicatorRows,
  importSiteRows,
  SITE_CHECKS,
  type SiteCheckName,
  type SiteCheckResult,
  siteChecks,
  sites,
} from '../src/modules/sites/index.ts';

const DAY_MS = 86_400_000;

/** Register rows as the import file has them: organisation code (2024 tree), address, kind, note. */
const REGISTER: { org: string; url: string; kind?: string; note?: string }[] = [
  { org: '15', url: 'https://yenbai.gov.vn/', kind: 'both', note: 'Cổng thông tin điện tử tỉnh' },
  { org: '15', url: 'https://dichvucong.yenbai.gov.vn/', note: 'Cổng dịch vụ công tỉnh' },
  { org: 'SO-TTTT', url: 'https://stttt.yenbai.gov.vn/', kind: 'both' },
  { org: 'SO-YTE', url: 'https://soyte.yenbai.gov.vn/' },
  { org: 'SO-VHTTDL', url: 'https://dulichyenbai.vn/', note: 'Trang quảng bá du lịch' },
  { org: 'SO-GDDT', url: 'https://sgddt.yenbai.gov.vn/' },
  { org: '137', url: 'https://mucangchai.yenbai.gov.vn/' },
];

/** What each demo site shows (every other criterion passes or does not apply). */
type Story = {
  /** Criteria failing on every check of the week. */
  fails?: SiteCheckName[];
  /** Criteria failing from this many days before the load on (a regression). */
  regressed?: { checks: SiteCheckName[]; daysAgo: number };
  /** Days of certificate left on the day of loading. */
  certificateDays: number;
};
const STORIES: Record<string, Story> = {
  'yenbai.gov.vn': { certificateDays: 214 },
  'dichvucong.yenbai.gov.vn': { certificateDays: 12 },
  'stttt.yenbai.gov.vn': { certificateDays: 301 },
  'soyte.yenbai.gov.vn': { certificateDays: 95, regressed: { checks: ['hsts', 'header_csp'], daysAgo: 2 } },
  'dulichyenbai.vn': { certificateDays: 60, fails: ['gov_vn_domain', 'privacy_policy'] },
  'sgddt.yenbai.gov.vn': { certificateDays: 150, fails: ['http_redirects_https'] },
  'mucangchai.yenbai.gov.vn': { certificateDays: -3, fails: ['tls_expiry'] },
};

const MAIL_CHECKS = new Set<SiteCheckName>(['dns_mx', 'dns_spf', 'dns_dmarc']);

function results(host: string, mail: boolean, story: Story, at: Date, day: number): SiteCheckResult[] {
  // The certificate's end is fixed; on an earlier day more of it was left.
  const validTo = new Date(at.getTime() + story.certificateDays * DAY_MS);
  const daysLeft = story.certificateDays - day;
  const failing = new Set([
    ...(story.fails ?? []),
    ...(story.regressed && -day < story.regressed.daysAgo ? story.regressed.checks : []),
  ]);
  return SITE_CHECKS.map((check): SiteCheckResult => {
    if (MAIL_CHECKS.has(check) && !mail) return { check, verdict: 'skip', detail: 'not a mail domain' };
    if (check === 'tls_expiry') {
      const verdict: CheckVerdict = daysLeft < 0 ? 'fail' : daysLeft <= 30 ? 'warn' : 'pass';
      const until = validTo.toISOString().slice(0, 10);
      return {
        check,
        verdict,
        detail: daysLeft < 0 ? `expired on ${until}` : `valid until ${until} (${daysLeft} days)`,
        data: { validTo: validTo.toISOString(), daysLeft },
      };
    }
    if (check === 'tls_version') return { check, verdict: 'pass', detail: 'TLSv1.3', data: { version: 'TLSv1.3' } };
    if (failing.has(check)) return { check, verdict: 'fail', detail: `${host}: ${check} not met (demo)` };
    return { check, verdict: 'pass', detail: `${check} met (demo)` };
  });
}

const worst = (rs: SiteCheckResult[]) =>
  rs.some((r) => r.verdict === 'fail') ? 'fail' : rs.some((r) => r.verdict === 'warn') ? 'warn' : 'pass';

/** Figures for the demo only (not the Ministry's or VNNIC's statistics). */
const INDICATORS: [string, string, number][] = [
  ['2022', 'vn_domains_per_1000_aged_15_69', 2.1],
  ['2023', 'vn_domains_per_1000_aged_15_69', 2.6],
  ['2024', 'vn_domains_per_1000_aged_15_69', 3.4],
  ['2022', 'vn_domains_total', 1480],
  ['2023', 'vn_domains_total', 1710],
  ['2024', 'vn_domains_total', 2090],
  ['2023', 'id_vn_count', 120],
  ['2024', 'id_vn_count', 2150],
  ['2024', 'biz_vn_count', 310],
];

/**
 * Loads the register (idempotent: upserted by host), the indicators (replaced per period), and a week of daily checks
 * for each demo site that has none yet. Returns how many check rows it added.
 */
export async function loadSitesDemo(db: Db, actor: Actor, now = new Date()): Promise<number> {
  const report = await importSiteRows(
    db,
    actor,
    { all: true },
    REGISTER.map((r, i) => ({
      row: i + 2,
      cells: {
        organisation_code: r.org,
        url: r.url,
        kind: r.kind ?? 'website',
        valid_from: '2024-01-01',
        note: r.note ?? '',
      },
    })),
  );
  if (report.errors.length)
    throw new Error(`demo sites: ${report.errors.map((e) => `row ${e.row}: ${e.message}`).join('; ')}`);
  await importIndicatorRows(
    db,
    actor,
    INDICATORS.map(([period, indicator, value], i) => ({
      row: i + 2,
      cells: {
        period,
        indicator,
        value: String(value),
        source: 'Số liệu minh họa (demo), không phải số liệu chính thức',
      },
    })),
  );
  const registered = await db
    .select()
    .from(sites)
    .where(inArray(sites.host, Object.keys(STORIES)));
  const checked = new Set(
    (
      await db
        .select({ id: siteChecks.siteId })
        .from(siteChecks)
        .where(
          inArray(
            siteChecks.siteId,
            registered.map((s) => s.id),
          ),
        )
    ).map((c) => c.id),
  );
  let added = 0;
  for (const site of registered) {
    const story = STORIES[site.host];
    if (!story || checked.has(site.id)) continue;
    // Daily at 02:00 province time for the seven days up to the load.
    const today = new Date(Math.floor((now.getTime() + 7 * 3_600_000) / DAY_MS) * DAY_MS - 5 * 3_600_000);
    for (let day = -6; day <= 0; day++) {
      const at = new Date(today.getTime() + day * DAY_MS);
      if (at > now) continue;
      const rs = results(site.host, site.kind !== 'website', story, now, day);
      const expiry = rs.find((r) => r.check === 'tls_expiry')?.data?.validTo;
      await db.insert(siteChecks).values({
        siteId: site.id,
        checkedAt: at,
        verdict: worst(rs),
        results: rs,
        certificateValidTo: typeof expiry === 'string' ? new Date(expiry) : null,
        trigger: 'scheduled',
        criteriaRule: 'site-trust@2024-05-21',
      });
      added++;
    }
  }
  return added;
}
