import { z } from 'zod';

// What the reports routes accept: the report's kind and the period or record it covers (shared with the web forms).

export const REPORT_KINDS = ['six_month', 'annual', 'monitoring', 'inspection_conclusion'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
export const REPORT_STATES = ['draft', 'approved', 'issued'] as const;
export type ReportState = (typeof REPORT_STATES)[number];

export const ZReportKind = z.enum(REPORT_KINDS).meta({ id: 'ReportKind' });
export const ZReportState = z.enum(REPORT_STATES).meta({ id: 'ReportState' });

const year = z.coerce.number().int().min(2017).max(2100);
const half = z.coerce.number().int().min(1).max(2);

/** A new draft: a periodic report of a year (and half) for an organisation's subtree, or an inspection's conclusion. */
export const ZReportDraftInput = z
  .object({
    kind: ZReportKind,
    /** The issuing organisation (its subtree is covered); default: the caller's own. */
    organisationId: z.uuid().optional(),
    year: year.optional(),
    half: half.optional(),
    inspectionId: z.uuid().optional(),
    /** Ký hiệu, e.g. "BC-STTTT"; default "BC-" and the organisation's code. */
    symbol: z
      .string()
      .trim()
      .regex(/^[\p{L}\p{N}][\p{L}\p{N}.&-]{0,39}$/u, 'letters, digits, dots, dashes')
      .optional(),
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'inspection_conclusion') {
      if (!v.inspectionId) ctx.addIssue({ code: 'custom', path: ['inspectionId'], message: 'required' });
      return;
    }
    if (v.year === undefined) ctx.addIssue({ code: 'custom', path: ['year'], message: 'required' });
    if (v.kind !== 'annual' && v.half === undefined)
      ctx.addIssue({ code: 'custom', path: ['half'], message: 'required' });
  });
export type ReportDraftInput = z.infer<typeof ZReportDraftInput>;
