import { z } from 'zod';

/**
 * Value lists of the site register and the .vn programme, and what its routes accept. The web forms validate with
 * these same schemas; this file imports only zod, so the browser bundle gets no server code. A message that is a key
 * (`sites.…`) is translated as `errors.<key>`.
 */

/** website: checked over HTTP(S); mail_domain: DNS mail records (MX, SPF, DMARC); both. */
export const SITE_KINDS = ['website', 'mail_domain', 'both'] as const;
export type SiteKind = (typeof SITE_KINDS)[number];

/** What started a check run. */
export const CHECK_TRIGGERS = ['manual', 'scheduled'] as const;
export type CheckTrigger = (typeof CHECK_TRIGGERS)[number];

/** The .vn programme's indicators (the national .vn statistics of each period, imported by the Department). */
export const VN_INDICATORS = [
  'vn_domains_per_1000_aged_15_69',
  'vn_domains_total',
  'id_vn_count',
  'biz_vn_count',
] as const;
export type VnIndicator = (typeof VN_INDICATORS)[number];

/** A period is a year ("2024") or a month ("2024-05"), from 1900 on (no year 0000, no "0099" read as 1999). */
export const PERIOD_PATTERN = /^((?:19|2\d)\d{2})(?:-(0[1-9]|1[0-2]))?$/;

const optionalText = (max = 2000) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((v) => v || null);
/** A day of the register: PostgreSQL has no year 0, and nothing here predates the web (no 500 on "0000-01-01"). */
export const zSiteDay = z.iso.date().refine((d) => d >= '1900-01-01', { message: 'sites.dayOutOfRange' });
const day = zSiteDay;

/** An address or bare host name; the server normalises it (lower case, punycode, no trailing dot). */
export const zSiteAddress = z
  .string()
  .trim()
  .min(1)
  .max(500)
  .refine((v) => !/\s/.test(v), { message: 'sites.badAddress' });

export const ZSiteInput = z
  .object({
    organisationId: z.uuid(),
    /** https://example.gov.vn/ or example.gov.vn */
    url: zSiteAddress,
    kind: z.enum(SITE_KINDS).default('website'),
    /** null: from the organisation's type (every type but "other" is a state body). */
    stateBody: z.boolean().nullish(),
    validFrom: day.nullish(),
    validTo: day.nullish(),
    note: optionalText(),
  })
  .refine((v) => !v.validFrom || !v.validTo || v.validFrom <= v.validTo, {
    path: ['validTo'],
    message: 'sites.validToBeforeFrom',
  });
export type SiteInput = z.input<typeof ZSiteInput>;

export const ZSiteUpdate = z
  .object({
    organisationId: z.uuid().optional(),
    url: zSiteAddress.optional(),
    kind: z.enum(SITE_KINDS).optional(),
    stateBody: z.boolean().optional(),
    validFrom: day.nullish(),
    validTo: day.nullish(),
    note: optionalText(),
  })
  .refine((v) => !v.validFrom || !v.validTo || v.validFrom <= v.validTo, {
    path: ['validTo'],
    message: 'sites.validToBeforeFrom',
  });
export type SiteUpdate = z.input<typeof ZSiteUpdate>;

export const SITE_VERDICT_FILTERS = ['pass', 'warn', 'fail', 'unchecked'] as const;

export const ZSiteQuery = z.object({
  q: z.string().trim().max(200).optional(),
  organisationId: z.uuid().optional(),
  kind: z.enum(SITE_KINDS).optional(),
  verdict: z.enum(SITE_VERDICT_FILTERS).optional(),
  /** Sites in force on this day (default today). */
  on: day.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  sort: z.enum(['host', 'organisation', 'verdict', 'checkedAt']).default('host'),
  dir: z.enum(['asc', 'desc']).default('asc'),
});

export const ZIndicatorQuery = z.object({
  indicator: z.enum(VN_INDICATORS).optional(),
});
