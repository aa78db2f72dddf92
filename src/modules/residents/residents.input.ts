import { z } from 'zod';

/**
 * Value lists of the residents' page (fraud warnings, guidance, scam reports) and what its routes accept. The web
 * forms validate with these same schemas; this file imports only zod, so the browser bundle gets no server code.
 */

/** A warning is written as a draft, published to the residents' page, and withdrawn when it no longer applies. */
export const WARNING_STATES = ['draft', 'published', 'withdrawn'] as const;
export type WarningState = (typeof WARNING_STATES)[number];
/** Allowed moves: a withdrawn warning can go back to draft to be corrected and published again. */
export const WARNING_TRANSITIONS: Record<WarningState, readonly WarningState[]> = {
  draft: ['published', 'withdrawn'],
  published: ['withdrawn'],
  withdrawn: ['draft'],
};

/** The kinds of fraud residents meet, shared by warnings and reports. */
export const SCAM_CATEGORIES = [
  'impersonation', // giả danh công an, toà án, cơ quan nhà nước
  'fake_website', // trang web, ứng dụng giả mạo
  'phishing_message', // tin nhắn, thư điện tử chứa đường link lừa đảo
  'investment', // đầu tư, tiền ảo, sàn giao dịch
  'online_job', // việc nhẹ lương cao, làm nhiệm vụ
  'account_takeover', // chiếm đoạt tài khoản mạng xã hội, ngân hàng
  'other',
] as const;
export type ScamCategory = (typeof SCAM_CATEGORIES)[number];

/** new (received) → reviewing → closed (no action, or spam) | forwarded (to the police or another competent body). */
export const REPORT_STATES = ['new', 'reviewing', 'closed', 'forwarded'] as const;
export type ReportState = (typeof REPORT_STATES)[number];
export const REPORT_TRANSITIONS: Record<ReportState, readonly ReportState[]> = {
  new: ['reviewing', 'closed', 'forwarded'],
  reviewing: ['closed', 'forwarded'],
  closed: ['reviewing'],
  forwarded: [],
};

/** PostgreSQL refuses U+0000 in text: refused here, naming the field, for the public form too. */
const text = (min: number, max: number) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((s) => !s.includes('\0'), 'NUL character (U+0000)');
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((s) => !s.includes('\0'), 'NUL character (U+0000)')
    .transform((s) => s || null)
    .nullable()
    .optional();

export const ZWarningInput = z.object({
  title: text(3, 200),
  /** One or two sentences shown in the list. */
  summary: text(3, 500),
  /** Paragraphs separated by blank lines (plain text: the page escapes it). */
  body: text(3, 20_000),
  category: z.enum(SCAM_CATEGORIES),
  /** The day shown on the page; publishing without one uses the day of publication. */
  publishedOn: z.iso
    .date()
    // PostgreSQL has no year 0000 and the page shows no far future: refused here, not failed in the database.
    .refine((d) => d >= '1900-01-01' && d <= '2999-12-31', 'a day between 1900 and 2999')
    .nullable()
    .optional(),
});
export type WarningInput = z.infer<typeof ZWarningInput>;

export const ZWarningTransition = z.object({ to: z.enum(WARNING_STATES) });

export const ZGuidanceInput = z.object({
  title: text(3, 200),
  body: text(3, 10_000),
  /** Order on the page (smallest first). */
  position: z.coerce.number().int().min(0).max(10_000).default(100),
  published: z.boolean().default(true),
});
export type GuidanceInput = z.infer<typeof ZGuidanceInput>;

export const ZReportTriage = z
  .object({
    to: z.enum(REPORT_STATES),
    note: optionalText(2000),
    /** Whom it was forwarded to (required when forwarding). */
    forwardedTo: optionalText(200),
  })
  .refine((t) => t.to !== 'forwarded' || !!t.forwardedTo, {
    message: 'residents.forwardedToRequired',
    path: ['forwardedTo'],
  });

/** The public form's longest description; the route's body limit leaves room for the other fields. */
export const REPORT_DESCRIPTION_MAX = 4000;
export const REPORT_BODY_LIMIT = 16 * 1024;

/** What a resident sends (the form's fields besides the spam checks'). */
export const ZScamReportInput = z.object({
  category: z.enum(SCAM_CATEGORIES),
  description: text(20, REPORT_DESCRIPTION_MAX),
  /** The website, phone number, account or app the scammer used. */
  suspect: optionalText(500),
  /** Optional: how the Department can call back. */
  reporterName: optionalText(120),
  reporterContact: optionalText(200),
});
export type ScamReportInput = z.infer<typeof ZScamReportInput>;
