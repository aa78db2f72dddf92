import { z } from 'zod';

/**
 * What the SOC routes accept from a form: the server validates requests with these schemas and the web UI's forms
 * validate with the same ones (this file imports only zod, so it reaches the browser bundle without server code).
 * A rule's message is a key of the UI's translations (`errors.<key>`).
 */

/** Analyst triage: new → confirmed / false_positive / escalated (to an incident). */
export const SOC_FINDING_STATUSES = ['new', 'confirmed', 'false_positive', 'escalated'] as const;
export const ZSocFindingStatus = z.enum(SOC_FINDING_STATUSES).meta({ id: 'SocFindingStatus' });

/** The log formats an upload may name; `auto` recognises the format from the content. */
export const SOC_LOG_FORMATS = ['auto', 'zeek-tsv', 'zeek-json', 'eve', 'nfdump-csv', 'syslog'] as const;
export const ZSocLogFormat = z.enum(SOC_LOG_FORMATS).meta({ id: 'SocLogFormat' });

/** A false positive leaves the period figures, so it must say why, in a few words at least. */
export const TRIAGE_REASON_MIN = 5;
export const TRIAGE_NOTE_MAX = 2000;

/**
 * The SOC's decision on a finding, with a note (a reason, required for a false positive). Escalating links the
 * finding to the incident `incidentId`, or without it opens a new incident from the finding.
 */
export const ZSocTriageInput = z
  .object({
    status: ZSocFindingStatus,
    note: z.string().trim().max(TRIAGE_NOTE_MAX, { message: 'socTriageNoteTooLong' }).optional(),
    incidentId: z.uuid().optional(),
  })
  .refine((b) => b.status !== 'false_positive' || (b.note?.length ?? 0) >= TRIAGE_REASON_MIN, {
    message: 'socTriageReasonRequired',
    path: ['note'],
  })
  .refine((b) => !b.incidentId || b.status === 'escalated', {
    message: 'socTriageIncidentOnlyEscalated',
    path: ['incidentId'],
  });
export type SocTriageInput = z.input<typeof ZSocTriageInput>;

/** A threat-intelligence feed's options: the source name it is loaded under (loading it again updates it). */
export const ZSocIntelImportQuery = z.object({
  source: z
    .string()
    .trim()
    .min(1, { message: 'socIntelSourceRequired' })
    .max(200, { message: 'socIntelSourceTooLong' }),
});

/** A log upload's options: the file's name (for the evidence lines) and its format. */
export const ZSocLogUploadQuery = z.object({
  fileName: z.string().max(255).default('upload'),
  format: ZSocLogFormat.default('auto'),
});
