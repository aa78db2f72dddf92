import { createRequire } from 'node:module';
import { formatNumber } from './format.ts';
import type { Cell, OfficialDocument, Run, TableColumn } from './model.ts';

/**
 * The page and type of Decree 30/2020/NĐ-CP (Phụ lục I): A4; margins top and bottom 20–25 mm, left 30–35 mm, right
 * 15–20 mm; Times New Roman at 13–14 pt. Both renderers read these numbers, so the DOCX and the PDF match.
 */
export const PAGE = { widthMm: 210, heightMm: 297, top: 20, bottom: 20, left: 30, right: 15 } as const;
/** The text width, and the header row's two columns (issuing body | Quốc hiệu), in mm. */
export const TEXT_WIDTH_MM = PAGE.widthMm - PAGE.left - PAGE.right;
// 72 mm leaves the Quốc hiệu (bold, 12 pt) room on one line also where a renderer lays out a little wider (LibreOffice).
export const HEADER_COLUMNS_MM = [72, TEXT_WIDTH_MM - 72] as const;

export const SIZE = {
  body: 14,
  /** Quốc hiệu and the issuing body (12–13 pt; 12 keeps each on one line in its column). */
  header: 12,
  /** Tiêu ngữ, the number line (13–14 pt). */
  motto: 13,
  number: 13,
  table: 12,
  recipientsLabel: 12,
  recipients: 11,
  formLabel: 11,
  pageNumber: 13,
} as const;

/** First-line indent of body text (1–1.27 cm), and the space after a paragraph (at least 6 pt). */
export const INDENT_MM = 12.7;
export const PARAGRAPH_AFTER_PT = 6;

export const NATIONAL_NAME = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
export const MOTTO = 'Độc lập - Tự do - Hạnh phúc';

/** The font Word asks for; a renderer without it substitutes a metric-compatible one (Tinos, Liberation Serif). */
export const DOCX_FONT = 'Times New Roman';

/**
 * Tinos: Times New Roman's metrics with full Vietnamese coverage, as TrueType files from npm
 * (@expo-google-fonts/tinos), so a fresh machine renders the same PDF without system fonts. TTF, not WOFF2: PDF
 * libraries accept WOFF2 silently and draw every glyph invisible.
 */
const require = createRequire(import.meta.url);
const tinos = (style: string) => require.resolve(`@expo-google-fonts/tinos/${style}/Tinos_${style}.ttf`);
export const PDF_FONT_FILES = {
  normal: tinos('400Regular'),
  bold: tinos('700Bold'),
  italics: tinos('400Regular_Italic'),
  bolditalics: tinos('700Bold_Italic'),
} as const;

export const mmToPt = (mm: number) => (mm * 72) / 25.4;

/** "Số: 12/BC-SKHCN"; an unnumbered draft keeps the blank the clerk fills in. */
export const numberLine = (d: OfficialDocument) => `Số: ${d.number ?? '\u00a0'.repeat(6)}/${d.symbol}`;

export const upper = (s: string) => s.toLocaleUpperCase('vi');

/** A table cell as printed: numbers with Vietnamese marks, empty for null. */
export const cellText = (c: Cell) => (c === null ? '' : typeof c === 'number' ? formatNumber(c) : c);
export const cellAlign = (col: TableColumn, c: Cell) => col.align ?? (typeof c === 'number' ? 'right' : 'left');

/** "- A;" … "- Lưu: VT." — each "Nơi nhận" line as the decree writes it. */
export const recipientLines = (d: OfficialDocument) =>
  d.recipients.map((r, i) => `- ${r}${i === d.recipients.length - 1 ? '.' : ';'}`);

/** Addressees after "Kính gửi:": one inline, several as a list. */
export const addresseeLines = (names: string[]) =>
  names.length === 1 ? names : names.map((n, i) => `- ${n}${i === names.length - 1 ? '.' : ';'}`);

/** Each column's share of the text width: fixed millimetres first, the rest by relative width. */
export function columnShares(columns: TableColumn[]): number[] {
  const fixed = columns.reduce((s, c) => s + (c.mm ?? 0), 0);
  const weights = columns.reduce((s, c) => s + (c.mm ? 0 : (c.width ?? 1)), 0);
  const rest = Math.max(0, TEXT_WIDTH_MM - fixed);
  return columns.map((c) => (c.mm ?? (weights ? (rest * (c.width ?? 1)) / weights : 0)) / TEXT_WIDTH_MM);
}

export const runOf = (r: Run) => (typeof r === 'string' ? { text: r } : r);
