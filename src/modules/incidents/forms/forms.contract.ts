import { z } from 'zod';
import { zFile } from '../../../core/contract.ts';
import { DOCUMENT_FORMATS, DOCUMENT_MEDIA_TYPES } from '../../../core/documents/index.ts';

// What the statutory-form routes accept and answer: files in the Decree 30/2020 layout, DOCX or PDF.

export const ZDocumentFormat = z.enum(DOCUMENT_FORMATS).meta({ id: 'DocumentFormat' });

const format = ZDocumentFormat.default('pdf').describe('pdf (default) or docx');
const on = z.iso
  .date()
  .optional()
  .describe('the day the form is dated, yyyy-mm-dd: its recipients are those in force that day');

export const ZFormQuery = z.object({ format, on });
export const ZIssueQuery = z.object({ format });
export const ZRegistrationQuery = z.object({
  format,
  on,
  organisationId: z.uuid().optional().describe('the organisation registering its contacts (default: your own)'),
});
export const ZPeriodicQuery = z.object({
  format,
  year: z.coerce.number().int().min(2017).max(2100).optional().describe('default: this year'),
  half: z.coerce
    .number()
    .int()
    .min(1)
    .max(2)
    .optional()
    .describe(
      '1: the report due in January–June, 2: the one due in July–December (dates from the periodic-report rule); default: this half',
    ),
  organisationId: z.uuid().optional().describe('the reporting member (default: your own organisation)'),
});

export const ZIncidentFormParams = z.object({
  id: z.string().trim().min(1).max(100).describe("the incident's id or code"),
  form: z.enum(['03', '04']),
});

/** A form as a file; `x-content-sha256` carries its SHA-256, `x-recipients` whom it is addressed to (URI-encoded). */
export const formFile = (description: string) => ({
  description,
  content: Object.fromEntries(Object.values(DOCUMENT_MEDIA_TYPES).map((t) => [t, { schema: zFile }])),
});
