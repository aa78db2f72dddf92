import { z } from 'zod';

/**
 * Value lists and request bodies of anti-fraud awareness (the schema, the contract and the web forms share them).
 * Only zod here, so the browser bundle gets no server code. A message that is a key (`awareness.…`) is translated as
 * `errors.<key>`.
 */

/**
 * The channels a campaign reaches residents through: the commune's loudspeakers (loa truyền thanh xã), a Zalo
 * official account, SMS, posters, meetings, social media, and the residents' page.
 */
export const AWARENESS_CHANNELS = [
  'loudspeaker',
  'zalo_oa',
  'sms',
  'poster',
  'meeting',
  'social_media',
  'residents_page',
] as const;
export type AwarenessChannel = (typeof AWARENESS_CHANNELS)[number];

const day = z.iso.date('awareness.badDay');
const text = (max: number) => z.string().trim().max(max, 'awareness.tooLong');

/** A campaign: its title, period, the letter or plan it implements, and the channels it uses. */
export const ZCampaignInput = z
  .object({
    title: text(300).min(1, 'awareness.titleRequired'),
    startsOn: day,
    endsOn: day,
    legalBasis: text(500).optional(),
    channels: z.array(z.enum(AWARENESS_CHANNELS)).min(1, 'awareness.channelsRequired'),
    note: text(2000).optional(),
  })
  .refine((c) => c.startsOn <= c.endsOn, { message: 'awareness.periodBackwards', path: ['endsOn'] });
export type CampaignInput = z.infer<typeof ZCampaignInput>;

/** One activity in one commune on one day through one channel, with the people it reached. */
export const ZActivityInput = z.object({
  campaignId: z.uuid('awareness.campaignRequired'),
  organisationId: z.uuid('awareness.communeRequired'),
  day,
  channel: z.enum(AWARENESS_CHANNELS),
  peopleReached: z.coerce
    .number('awareness.peopleReached')
    .int('awareness.peopleReached')
    .min(0, 'awareness.peopleReached')
    .max(10_000_000, 'awareness.peopleReached'),
  note: text(2000).optional(),
});
export type ActivityInput = z.infer<typeof ZActivityInput>;

/** An evidence file's name and note, sent beside its raw bytes. */
export const ZAwarenessEvidenceQuery = z.object({
  fileName: z.string().trim().min(1, 'awareness.fileNameRequired').max(255, 'awareness.tooLong'),
  note: text(1000).optional(),
});
