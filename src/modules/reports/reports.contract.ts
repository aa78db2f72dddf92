import { z } from 'zod';
import { page, zDay, zFile, zInstant } from '../../core/contract.ts';
import { DOCUMENT_FORMATS, DOCUMENT_MEDIA_TYPES } from '../../core/documents/index.ts';
import { ZReportKind, ZReportState } from './reports.input.ts';

// What the reports routes answer: reports through their life, the figures each prints, the files.

const ZPeriodOut = z.object({ from: zDay, to: zDay, asOf: zDay });
const ZSocFigures = z.object({
  scanningIps: z.number().int(),
  internalScanningIps: z.number().int(),
  maliciousContactIps: z.number().int(),
  byTriage: z.record(z.string(), z.number().int()),
  byOrganisation: z.array(
    z.object({
      organisationId: z.string().nullable(),
      name: z.string().nullable(),
      scanningIps: z.number().int(),
      maliciousContactIps: z.number().int(),
    }),
  ),
});
const ZVulnerabilityFigures = z.object({
  vulnerableComputers: z.number().int(),
  withCritical: z.number().int(),
  withHigh: z.number().int(),
  scannedComputers: z.number().int(),
  vulnerableWebsites: z.number().int(),
  websitesWithCritical: z.number().int(),
  scannedWebsites: z.number().int(),
});
const ZTargetFigure = z.object({
  id: z.string(),
  title: z.string(),
  kind: z.string(),
  deadline: zDay,
  total: z.number().int(),
  met: z.number().int(),
  late: z.number().int(),
  notMet: z.number().int(),
  percent: z.number().nullable(),
});

/** The figures a report prints (which parts depend on its kind), each as of the period's end. */
export const ZReportFigures = z
  .object({
    period: ZPeriodOut.optional(),
    soc: ZSocFigures.optional(),
    vulnerabilities: ZVulnerabilityFigures.optional(),
    targets: z.array(ZTargetFigure).optional(),
    systems: z.number().int().optional(),
    notApproved: z.number().int().optional(),
    dossierUnderWay: z.number().int().optional(),
    byLevel: z
      .array(
        z.object({
          level: z.number().int(),
          systems: z.number().int(),
          approvedInPeriod: z.number().int(),
          planFullyImplemented: z.number().int(),
        }),
      )
      .optional(),
    monitoredSystems: z
      .array(z.object({ name: z.string(), organisationId: z.string(), level: z.number().int() }))
      .optional(),
    sources: z
      .array(
        z.object({
          source: z.string(),
          format: z.string().nullable(),
          ingests: z.number().int(),
          events: z.number().int(),
        }),
      )
      .optional(),
    inspections: z
      .object({
        planned: z.number().int(),
        done: z.number().int(),
        concluded: z.number().int(),
        findings: z.number().int(),
        findingsOpen: z.number().int(),
        findingsClosed: z.number().int(),
        findingsOverdue: z.number().int(),
      })
      .optional(),
    tasks: z
      .array(
        z.object({
          id: z.string(),
          number: z.string(),
          title: z.string(),
          order: z.string(),
          indicator: z.string(),
          unit: z.string(),
          target: z.number(),
          comparison: z.string(),
          value: z.number().nullable(),
          detail: z.string().nullable(),
          deadline: zDay.nullable(),
          state: z.string(),
        }),
      )
      .optional(),
  })
  .meta({ id: 'ReportFigures' });

export const ZReport = z
  .object({
    id: z.uuid(),
    kind: ZReportKind,
    state: ZReportState,
    organisationId: z.uuid(),
    organisationName: z.string(),
    year: z.number().int().nullable(),
    half: z.number().int().nullable(),
    inspectionId: z.uuid().nullable(),
    periodFrom: zDay.nullable(),
    periodTo: zDay.nullable(),
    symbol: z.string(),
    title: z.string(),
    createdBy: z.uuid().nullable(),
    createdByName: z.string().nullable(),
    createdAt: zInstant,
    approvedBy: z.uuid().nullable(),
    approvedByName: z.string().nullable(),
    approvedAt: zInstant.nullable(),
    issuedBy: z.uuid().nullable(),
    issuedAt: zInstant.nullable(),
    issuedOn: zDay.nullable(),
    number: z.number().int().nullable(),
    recipients: z.array(z.string()).nullable(),
    docxSha256: z.string().nullable(),
    pdfSha256: z.string().nullable(),
  })
  .meta({ id: 'Report' });
export const ZReportPage = page(ZReport).meta({ id: 'ReportPage' });
export const ZReportDetail = ZReport.extend({ figures: ZReportFigures }).meta({ id: 'ReportDetail' });

export const ZReportListQuery = z.object({
  kind: ZReportKind.optional(),
  state: ZReportState.optional(),
  year: z.coerce.number().int().min(2017).max(2100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export const ZReportFileQuery = z.object({
  format: z.enum(DOCUMENT_FORMATS).default('pdf').describe('pdf (default) or docx'),
});
/** A periodic report's figures before any draft exists (the page's preview). */
export const ZReportPreviewQuery = z.object({
  kind: z.enum(['six_month', 'annual', 'monitoring']),
  year: z.coerce.number().int().min(2017).max(2100),
  half: z.coerce.number().int().min(1).max(2).optional(),
  organisationId: z.uuid().optional(),
});

/** A report as a file (an attachment); `x-content-sha256` carries its SHA-256. */
export const reportFileResponse = {
  description: 'The report (attachment); x-content-sha256',
  content: Object.fromEntries(Object.values(DOCUMENT_MEDIA_TYPES).map((t) => [t, { schema: zFile }])),
};
