import { z } from 'zod';
import { page, zDay, zInstant } from '../../core/contract.ts';
import { AWARENESS_CHANNELS } from './awareness.input.ts';

// What the awareness routes answer. Named schemas (.meta({ id })) become the web client's types and value lists.

export const ZAwarenessChannel = z.enum(AWARENESS_CHANNELS).meta({ id: 'AwarenessChannel' });

export const ZAwarenessCampaign = z
  .object({
    id: z.string(),
    title: z.string(),
    startsOn: zDay,
    endsOn: zDay,
    legalBasis: z.string().nullable(),
    channels: z.array(ZAwarenessChannel),
    note: z.string().nullable(),
    /** Activities and people reached recorded for it within the caller's scope. */
    activities: z.number().int(),
    peopleReached: z.number().int(),
    createdAt: zInstant,
  })
  .meta({ id: 'AwarenessCampaign' });
export const ZAwarenessCampaigns = z.array(ZAwarenessCampaign).meta({ id: 'AwarenessCampaigns' });

export const ZAwarenessEvidence = z
  .object({
    id: z.string(),
    fileName: z.string(),
    mediaType: z.string(),
    size: z.number().int(),
    sha256: z.string(),
    note: z.string().nullable(),
    uploadedAt: zInstant,
  })
  .meta({ id: 'AwarenessEvidence' });

export const ZAwarenessActivity = z
  .object({
    id: z.string(),
    campaignId: z.string(),
    campaignTitle: z.string(),
    organisationId: z.string(),
    organisationName: z.string(),
    day: zDay,
    channel: ZAwarenessChannel,
    peopleReached: z.number().int(),
    note: z.string().nullable(),
    createdByName: z.string().nullable(),
    createdAt: zInstant,
    evidence: z.array(ZAwarenessEvidence),
  })
  .meta({ id: 'AwarenessActivity' });
export const ZAwarenessActivityPage = page(ZAwarenessActivity).meta({ id: 'AwarenessActivityPage' });

export const ZActivityQuery = z.object({
  campaignId: z.uuid().optional(),
  organisationId: z.uuid().optional().describe('this organisation or its descendants (tree of today)'),
  channel: ZAwarenessChannel.optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const ZCoverageQuery = z.object({
  on: z.iso
    .date()
    .optional()
    .describe('the day the coverage stands on (default today): its communes, population, rule'),
  campaignId: z.uuid().optional().describe('only this campaign’s activities (default: every campaign of that year)'),
  organisationId: z.uuid().optional().describe('only the communes under this unit (tree of that day)'),
});

/** Coverage figures: people reached (raw), reached counted at most up to the population, and their share. */
const figures = {
  population: z.number().int().nullable().describe('in force that day; null when none was imported'),
  reached: z.number().int().describe('people reached, as recorded (may exceed the population)'),
  reachedCapped: z.number().int().describe('reached, at most the population of each commune'),
  percent: z.number().nullable().describe('reachedCapped / population × 100; null without population'),
  rawPercent: z.number().nullable().describe('reached / population × 100, uncapped'),
  met: z.boolean().nullable().describe('percent reaches the rule’s target; null without population or rule'),
};

export const ZCommuneCoverage = z
  .object({
    organisationId: z.string(),
    code: z.string(),
    name: z.string(),
    parentId: z.string().nullable(),
    populationFrom: zDay.nullable(),
    activities: z.number().int(),
    byChannel: z.array(z.object({ channel: ZAwarenessChannel, reached: z.number().int() })),
    ...figures,
  })
  .meta({ id: 'CommuneCoverage' });

export const ZCoverageGroup = z
  .object({
    organisationId: z.string().nullable(),
    name: z.string().nullable(),
    communes: z.number().int(),
    communesMet: z.number().int(),
    communesWithoutPopulation: z.number().int(),
    ...figures,
    population: z.number().int(),
  })
  .meta({ id: 'CoverageGroup' });

export const ZAwarenessCoverage = z
  .object({
    on: zDay,
    /** Activities counted: from the first day of `on`'s year (or the campaign's start) to `on`. */
    from: zDay,
    campaign: z.object({ id: z.string(), title: z.string() }).nullable(),
    rule: z
      .object({
        key: z.string(),
        vi: z.string(),
        en: z.string(),
        legalBasis: z.string(),
        confirmed: z.boolean(),
        target: z.number(),
      })
      .nullable(),
    total: ZCoverageGroup,
    groups: z.array(ZCoverageGroup),
    communes: z.array(ZCommuneCoverage),
  })
  .meta({ id: 'AwarenessCoverage' });

const ZRowError = z
  .object({
    row: z.number().int(),
    column: z.string().optional(),
    message: z.string(),
    key: z.string().optional(),
    params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  })
  .meta({ id: 'PopulationRowError' });

export const ZPopulationImportReport = z
  .object({
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    errors: z.array(ZRowError),
  })
  .meta({ id: 'PopulationImportReport' });
