import { z } from 'zod';
import { page, zDay, zInstant } from '../../core/contract.ts';
import { CHECK_VERDICTS, SITE_CHECKS } from './check/types.ts';
import { CHECK_TRIGGERS, SITE_KINDS, VN_INDICATORS } from './sites.input.ts';

// Response schemas of the sites routes (the web client's types are generated from these).

const ZSiteVerdict = z.enum(['pass', 'warn', 'fail']).meta({ id: 'SiteVerdict' });
export const ZSiteCheckName = z.enum(SITE_CHECKS).meta({ id: 'SiteCheckName' });
export const ZCheckVerdict = z.enum(CHECK_VERDICTS).meta({ id: 'CheckVerdict' });

export const ZSiteCheckResult = z
  .object({
    check: ZSiteCheckName,
    verdict: ZCheckVerdict,
    detail: z.string(),
    data: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'SiteCheckResult' });

/** The latest check of a site, in short (lists). */
export const ZSiteCheckBrief = z
  .object({
    id: z.uuid(),
    verdict: ZSiteVerdict,
    checkedAt: zInstant,
    certificateValidTo: zInstant.nullable(),
  })
  .meta({ id: 'SiteCheckBrief' });

export const ZSiteCheck = z
  .object({
    id: z.uuid(),
    siteId: z.uuid(),
    checkedAt: zInstant,
    verdict: ZSiteVerdict,
    results: z.array(ZSiteCheckResult),
    certificateValidTo: zInstant.nullable(),
    trigger: z.enum(CHECK_TRIGGERS),
    criteriaRule: z.string().nullable(),
  })
  .meta({ id: 'SiteCheck' });

export const ZSite = z
  .object({
    id: z.uuid(),
    organisationId: z.uuid(),
    organisationName: z.string(),
    host: z.string(),
    url: z.string(),
    kind: z.enum(SITE_KINDS).meta({ id: 'SiteKind' }),
    stateBody: z.boolean(),
    validFrom: zDay.nullable(),
    validTo: zDay.nullable(),
    note: z.string().nullable(),
    createdAt: zInstant,
    updatedAt: zInstant,
    latest: ZSiteCheckBrief.nullable(),
  })
  .meta({ id: 'Site' });

export const ZSitePage = page(ZSite).meta({ id: 'SitePage' });

export const ZSiteDetail = ZSite.extend({
  /** Newest first. */
  history: z.array(ZSiteCheck),
}).meta({ id: 'SiteDetail' });

export const ZCheckRunReport = z
  .object({
    checked: z.number().int(),
    pass: z.number().int(),
    warn: z.number().int(),
    fail: z.number().int(),
    /** Notifications sent (regressions, certificates expiring within the window). */
    alerts: z.number().int(),
    checks: z.array(ZSiteCheck),
  })
  .meta({ id: 'SiteCheckRunReport' });

const ZCounts = z.object({
  sites: z.number().int(),
  pass: z.number().int(),
  warn: z.number().int(),
  fail: z.number().int(),
  unchecked: z.number().int(),
});

export const ZSiteSummary = z
  .object({
    on: zDay,
    expiryWarnDays: z.number().int(),
    criteriaRule: z.string().nullable(),
    criteriaRuleText: z.object({ vi: z.string(), en: z.string(), legalBasis: z.string() }).nullable(),
    totals: ZCounts,
    organisations: z.array(ZCounts.extend({ organisationId: z.uuid(), name: z.string() })),
    /** Certificates that expire within the window of the day's criteria (or have expired), soonest first. */
    expiring: z.array(
      z.object({
        siteId: z.uuid(),
        host: z.string(),
        organisationName: z.string(),
        validTo: zInstant,
        daysLeft: z.number().int(),
      }),
    ),
    /** Per criterion: how many sites' latest check fails or warns on it. */
    criteria: z.array(z.object({ check: ZSiteCheckName, fail: z.number().int(), warn: z.number().int() })),
  })
  .meta({ id: 'SiteSummary' });

const ZRowError = z.object({
  row: z.number().int(),
  column: z.string().optional(),
  message: z.string(),
  key: z.string().optional(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});

export const ZSiteImportReport = z
  .object({
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    errors: z.array(ZRowError),
  })
  .meta({ id: 'SiteImportReport' });

export const ZVnIndicator = z
  .object({
    period: z.string(),
    periodStart: zDay,
    periodEnd: zDay,
    indicator: z.enum(VN_INDICATORS).meta({ id: 'VnIndicatorCode' }),
    value: z.number(),
    source: z.string().nullable(),
    importedAt: zInstant,
  })
  .meta({ id: 'VnIndicator' });

export const ZVnIndicatorList = z.object({ items: z.array(ZVnIndicator) }).meta({ id: 'VnIndicatorList' });

export const ZPublicSiteTrust = z
  .discriminatedUnion('registered', [
    z.object({
      registered: z.literal(true),
      host: z.string(),
      url: z.string(),
      organisation: z.object({ name: z.string() }),
      latest: z
        .object({
          verdict: ZSiteVerdict,
          checkedAt: zInstant,
          results: z.array(z.object({ check: ZSiteCheckName, verdict: ZCheckVerdict })),
        })
        .nullable(),
    }),
    z.object({
      registered: z.literal(false),
      host: z.string(),
      /** What to do about a site that is not in the register (Vietnamese), and where to report it. */
      advice: z.string(),
      reportUrl: z.string(),
    }),
  ])
  .meta({ id: 'PublicSiteTrust' });
