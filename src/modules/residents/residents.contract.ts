import { z } from 'zod';
import { page, zDay, zInstant } from '../../core/contract.ts';
import { REPORT_STATES, SCAM_CATEGORIES, WARNING_STATES } from './residents.input.ts';

// What the residents' routes answer. Named schemas (.meta({ id })) become the web client's types and value lists.

export const ZWarningState = z.enum(WARNING_STATES).meta({ id: 'WarningState' });
export const ZScamCategory = z.enum(SCAM_CATEGORIES).meta({ id: 'ScamCategory' });
export const ZReportState = z.enum(REPORT_STATES).meta({ id: 'ScamReportState' });

export const ZWarning = z
  .object({
    id: z.string(),
    title: z.string(),
    summary: z.string(),
    body: z.string(),
    category: ZScamCategory,
    state: ZWarningState,
    publishedOn: zDay.nullable(),
    createdAt: zInstant,
    updatedAt: zInstant,
  })
  .meta({ id: 'ResidentWarning' });
export const ZWarningPage = page(ZWarning).meta({ id: 'ResidentWarningPage' });

export const ZWarningQuery = z.object({
  q: z.string().trim().max(200).optional().describe('title or summary contains'),
  state: ZWarningState.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const ZGuidance = z
  .object({
    id: z.string(),
    title: z.string(),
    body: z.string(),
    position: z.number().int(),
    published: z.boolean(),
    createdAt: zInstant,
    updatedAt: zInstant,
  })
  .meta({ id: 'ResidentGuidance' });
export const ZGuidanceList = z.object({ items: z.array(ZGuidance) }).meta({ id: 'ResidentGuidanceList' });

export const ZScamReport = z
  .object({
    id: z.string(),
    code: z.string(),
    category: ZScamCategory,
    description: z.string(),
    suspect: z.string().nullable(),
    reporterName: z.string().nullable(),
    reporterContact: z.string().nullable(),
    duplicates: z.number().int(),
    state: ZReportState,
    triageNote: z.string().nullable(),
    forwardedTo: z.string().nullable(),
    handledByName: z.string().nullable(),
    createdAt: zInstant,
    updatedAt: zInstant,
  })
  .meta({ id: 'ScamReport' });
export const ZScamReportPage = page(ZScamReport)
  .extend({ counts: z.record(ZReportState, z.number().int()) })
  .meta({ id: 'ScamReportPage' });

export const ZReportQuery = z.object({
  q: z.string().trim().max(200).optional().describe('code, description or suspect contains'),
  state: ZReportState.optional(),
  category: ZScamCategory.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

/** A published warning as anyone may read it (the page's JSON twin). */
export const ZPublicWarning = ZWarning.pick({ id: true, title: true, summary: true, body: true, category: true })
  .extend({ publishedOn: zDay })
  .meta({ id: 'PublicWarning' });
export const ZPublicResidents = z
  .object({
    warnings: z.array(ZPublicWarning),
    guidance: z.array(ZGuidance.pick({ id: true, title: true, body: true })),
  })
  .meta({ id: 'PublicResidents' });
