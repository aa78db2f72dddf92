/**
 * An official document (văn bản hành chính) as data, independent of the file format: the parts Decree 30/2020/NĐ-CP
 * (Phụ lục I) lays out — issuing body, number and symbol, place and date, kind and excerpt, numbered sections,
 * signature block, "Nơi nhận". `docx.ts` and `pdf.ts` render the same model, so both files say the same thing.
 */

/** A piece of text with its emphasis. */
export type Run = string | { text: string; bold?: boolean; italic?: boolean; underline?: boolean };

export type Paragraph = {
  runs: Run[];
  /** Default: justified (body text); `left` for label/value lines. */
  align?: 'justify' | 'left' | 'center' | 'right';
  /** First-line indent (default true), as body text has. */
  indent?: boolean;
};

export type TableColumn = {
  header: string;
  /** A fixed width in millimetres (an "STT" or a date column), else `width`. */
  mm?: number;
  /** Relative width: the columns without `mm` share the rest of the text width by it (default 1). */
  width?: number;
  /** Default: numbers right, text left. */
  align?: 'left' | 'center' | 'right';
};
export type Cell = string | number | null;
export type Table = { columns: TableColumn[]; rows: Cell[][] };

export type Block = { paragraph: Paragraph } | { table: Table };

/** A numbered section ("1.", "1.1.") with its content and subsections. */
export type Section = { heading: string; blocks: Block[]; subsections?: Section[] };

export type OfficialDocument = {
  /** Cơ quan, tổ chức chủ quản (upper line, regular) — omitted for a body with none. */
  parentBody: string | null;
  /** Cơ quan, tổ chức ban hành văn bản (bold). */
  body: string;
  /** Số: the register's number, null while not numbered (the number is given when the clerk registers it). */
  number: string | null;
  /** Ký hiệu, e.g. "BC-SKHCN". */
  symbol: string;
  /** Địa danh (the place name of the body's seat), from data; null leaves only the date. */
  place: string | null;
  /** The document's day, yyyy-mm-dd (province time). */
  date: string;
  /** A form's label ("Mẫu số 03 …"), printed small at the top right, when the document fills a statutory form. */
  formLabel?: string | null;
  /** Tên loại văn bản, e.g. "Báo cáo" (printed upper-case). */
  kind: string;
  /** Trích yếu nội dung, e.g. "Ban đầu sự cố an toàn thông tin mạng". */
  excerpt?: string | null;
  /** "Kính gửi:" — the bodies the document is addressed to. */
  addressees?: string[];
  /** Paragraphs before the first section. */
  preamble?: Block[];
  sections: Section[];
  /** Paragraphs after the last section (commitments, closing formula). */
  closing?: Block[];
  signature: {
    /** "TM. …", "KT. …", "Q. …" — the authority line, when the signer signs for someone. */
    authority?: string | null;
    /** Chức vụ of the signer (printed upper-case). */
    title: string;
    /** A form's hint, e.g. "(Ký, ghi rõ họ tên, đóng dấu)". */
    hint?: string | null;
    signer: string | null;
  };
  /** "Nơi nhận" entries, without the leading dash or trailing punctuation. */
  recipients: string[];
  /** File metadata. */
  author?: string;
};

/** The emphasis-free text of runs. */
export const runText = (r: Run) => (typeof r === 'string' ? r : r.text);

/** Body text: a justified paragraph with a first-line indent. */
export const para = (...runs: Run[]): Block => ({ paragraph: { runs } });
/** A "Label: value" line; a value the record lacks stays a dotted blank to fill in by hand. */
export const field = (label: string, value: string | null | undefined): Block => ({
  paragraph: { runs: [`${label}: `, value?.trim() ? value : '……'], align: 'left' },
});
export const table = (columns: TableColumn[], rows: Cell[][]): Block => ({ table: { columns, rows } });
/** The numbering column most tables start with, wide enough for its header on one line. */
export const NO_COLUMN: TableColumn = { header: 'STT', mm: 13, align: 'center' };
