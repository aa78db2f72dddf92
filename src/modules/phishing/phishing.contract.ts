import { z } from 'zod';
import { page, zDay, zInstant } from '../../core/contract.ts';
import { PHISHING_EVENTS, PHISHING_STATES } from './phishing.input.ts';

// What the phishing routes answer. Named schemas (.meta({ id })) become the web client's types and lists.

export const ZPhishingState = z.enum(PHISHING_STATES).meta({ id: 'PhishingState' });
export const ZPhishingEventKind = z.enum(PHISHING_EVENTS).meta({ id: 'PhishingEventKind' });

export const ZPhishingCampaign = z
  .object({
    id: z.uuid(),
    title: z.string(),
    state: ZPhishingState,
    subject: z.string(),
    senderName: z.string(),
    senderAddress: z.string(),
    body: z.string(),
    lessonText: z.string(),
    ratePerMinute: z.number().int(),
    organisationIds: z.array(z.uuid()),
    recipientsOn: zDay,
    createdBy: z.uuid().nullable(),
    createdByName: z.string().nullable(),
    updatedBy: z.uuid().nullable(),
    approvedBy: z.uuid().nullable(),
    approvedByName: z.string().nullable(),
    approvedAt: zInstant.nullable(),
    launchedAt: zInstant.nullable(),
    completedAt: zInstant.nullable(),
    cancelledAt: zInstant.nullable(),
    createdAt: zInstant,
    updatedAt: zInstant,
  })
  .meta({ id: 'PhishingCampaign' });

/** Counts among the recipients a caller may see, and the rates over the mails sent (null when none was sent). */
export const ZPhishingCounts = z
  .object({
    recipients: z.number().int(),
    sent: z.number().int(),
    opened: z.number().int(),
    clicked: z.number().int(),
    submitted: z.number().int(),
    reported: z.number().int(),
    openRate: z.number().nullable(),
    clickRate: z.number().nullable(),
    submitRate: z.number().nullable(),
    reportRate: z.number().nullable(),
  })
  .meta({ id: 'PhishingCounts' });

export const ZPhishingOrganisationResult = ZPhishingCounts.extend({
  organisationId: z.uuid(),
  organisationName: z.string(),
}).meta({ id: 'PhishingOrganisationResult' });

/** First events per day (province time), for a campaign's course. */
export const ZPhishingDay = z
  .object({
    day: zDay,
    opened: z.number().int(),
    clicked: z.number().int(),
    submitted: z.number().int(),
    reported: z.number().int(),
  })
  .meta({ id: 'PhishingDay' });

/** One person's result: shown only to those who run exercises (phishing.write). */
export const ZPhishingRecipient = z
  .object({
    id: z.uuid(),
    fullName: z.string(),
    email: z.string(),
    organisationId: z.uuid(),
    organisationName: z.string(),
    sentAt: zInstant.nullable(),
    sendAttempts: z.number().int(),
    sendError: z.string().nullable(),
    openedAt: zInstant.nullable(),
    clickedAt: zInstant.nullable(),
    submittedAt: zInstant.nullable(),
    reportedAt: zInstant.nullable(),
  })
  .meta({ id: 'PhishingRecipient' });

export const ZPhishingCampaignItem = ZPhishingCampaign.pick({
  id: true,
  title: true,
  state: true,
  subject: true,
  recipientsOn: true,
  createdAt: true,
  approvedAt: true,
  launchedAt: true,
  completedAt: true,
})
  .extend({ counts: ZPhishingCounts })
  .meta({ id: 'PhishingCampaignItem' });
export const ZPhishingCampaignPage = page(ZPhishingCampaignItem).meta({ id: 'PhishingCampaignPage' });

export const ZPhishingCampaignDetail = z
  .object({
    campaign: ZPhishingCampaign,
    totals: ZPhishingCounts,
    byOrganisation: z.array(ZPhishingOrganisationResult),
    byDay: z.array(ZPhishingDay),
    /** Per person: null unless the caller may write phishing exercises. */
    recipients: z.array(ZPhishingRecipient).nullable(),
    actions: z.object({ edit: z.boolean(), approve: z.boolean(), launch: z.boolean(), cancel: z.boolean() }),
    /** Why the caller may not approve (own draft), for the UI to say so. */
    approveBlocked: z.enum(['own_draft']).nullable(),
  })
  .meta({ id: 'PhishingCampaignDetail' });

export const ZPhishingSummary = z
  .object({
    from: zDay,
    to: zDay,
    totals: ZPhishingCounts,
    byOrganisation: z.array(ZPhishingOrganisationResult),
    /** By the month campaigns were launched: how the rates move over time. */
    byMonth: z.array(ZPhishingCounts.extend({ month: z.string() }).meta({ id: 'PhishingMonth' })),
  })
  .meta({ id: 'PhishingSummary' });
