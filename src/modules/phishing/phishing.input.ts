import { z } from 'zod';

/**
 * Value lists of phishing exercises and what their routes accept. Zod only: the web forms validate with these same
 * schemas. A message that is a key (`phishing.…`) is translated as `errors.<key>`.
 */

/**
 * draft (written, recipients chosen) → approved (by another user holding phishing.approve: four eyes) → sending (the
 * timer sends at the campaign's rate) → completed (every mail sent or given up); cancelled from any state but
 * completed.
 */
export const PHISHING_STATES = ['draft', 'approved', 'sending', 'completed', 'cancelled'] as const;
export type PhishingState = (typeof PHISHING_STATES)[number];

/** What a recipient did, each kept with its first time. */
export const PHISHING_EVENTS = ['opened', 'clicked', 'submitted', 'reported'] as const;
export type PhishingEventKind = (typeof PHISHING_EVENTS)[number];

/** The placeholder the body must carry: replaced by the recipient's own signed link. */
export const LINK_PLACEHOLDER = '{{link}}';
/** Optional placeholder for the recipient's name. */
export const NAME_PLACEHOLDER = '{{name}}';

const text = (max: number) => z.string().trim().min(1).max(max);
/** A calendar day the database can hold (PostgreSQL has no year 0000: it would fail there, not here). */
const day = () => z.iso.date().refine((d) => d >= '1900-01-01' && d <= '2999-12-31', 'a day between 1900 and 2999');

export const ZPhishingCampaignInput = z.object({
  title: text(200),
  subject: text(200),
  senderName: text(100),
  senderAddress: z.email().max(200),
  /** Plain text of the mail; must contain {{link}} (and may contain {{name}}). */
  body: text(10_000).refine((b) => b.includes(LINK_PLACEHOLDER), {
    message: 'phishing.bodyNeedsLink',
  }),
  /** What the landing page teaches, in Vietnamese (paragraphs separated by blank lines). */
  lessonText: text(10_000),
  /** Mails sent per minute at most. */
  ratePerMinute: z.number().int().min(1).max(600),
  /** Recipients: the register's officials of these organisations (and their units) in force on `recipientsOn`. */
  organisationIds: z.array(z.uuid()).min(1).max(500),
  recipientsOn: day(),
});
export type PhishingCampaignInput = z.infer<typeof ZPhishingCampaignInput>;

/** Approval names the version the approver read (the draft's updatedAt): a draft changed since is not approved. */
export const ZPhishingApproval = z.object({ updatedAt: z.iso.datetime({ offset: true }) });
export type PhishingApproval = z.infer<typeof ZPhishingApproval>;

export const ZPhishingListQuery = z.object({
  q: z.string().max(200).optional(),
  state: z.enum(PHISHING_STATES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type PhishingListQuery = z.infer<typeof ZPhishingListQuery>;

export const ZPhishingSummaryQuery = z
  .object({
    from: day(),
    to: day(),
    organisationId: z.uuid().optional(),
  })
  .refine((q) => q.from <= q.to && Number(q.to.slice(0, 4)) - Number(q.from.slice(0, 4)) < 20, {
    message: 'the period must run forwards and span at most 20 years',
    path: ['to'],
  });
export type PhishingSummaryQuery = z.infer<typeof ZPhishingSummaryQuery>;
