// Official documents in the Decree 30/2020/NĐ-CP layout, rendered as DOCX and PDF from one model.
import type { OfficialDocument } from './model.ts';

export {
  formatDateTime,
  formatDay,
  formatDayTime,
  formatInstantDay,
  formatNumber,
  placeAndDate,
} from './format.ts';
export * from './model.ts';

export const DOCUMENT_FORMATS = ['pdf', 'docx'] as const;
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number];
export const DOCUMENT_MEDIA_TYPES: Record<DocumentFormat, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

/** The document as a file. The renderers load their libraries (a quarter of a second) on first use only. */
export async function renderDocument(doc: OfficialDocument, format: DocumentFormat): Promise<Buffer> {
  return format === 'pdf' ? (await import('./pdf.ts')).renderPdf(doc) : (await import('./docx.ts')).renderDocx(doc);
}
