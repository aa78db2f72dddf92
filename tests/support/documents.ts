import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';

// Reading generated documents back the way a user's tools do: poppler's pdftotext and pdftoppm for PDFs, the ZIP
// and its WordprocessingML for DOCX. Without poppler the PDF checks skip with the reason (an error when
// KHIEN_REQUIRE_ALL=1, as in CI, so nothing skips silently there).

export const POPPLER = spawnSync('pdftotext', ['-v']).status === 0;
if (!POPPLER) {
  if (process.env.KHIEN_REQUIRE_ALL === '1') throw new Error('pdftotext required (KHIEN_REQUIRE_ALL=1) but not found');
  console.warn('SKIPPED: PDF text and page checks — no pdftotext (apt install poppler-utils)');
}

/** Whitespace collapsed, so text wrapped across lines or table cells still matches. */
const flat = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The PDF's text as pdftotext extracts it (UTF-8), whitespace collapsed. */
export function pdfText(pdf: Buffer): string {
  return flat(execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: pdf }).toString('utf8'));
}

/**
 * The PDF's running text: pdftotext's pages with the page number printed at the top of pages 2… dropped, so a
 * sentence broken across a page still reads as one.
 */
export function pdfBodyText(pdf: Buffer): string {
  const pages = execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: pdf }).toString('utf8').split('\f');
  return flat(pages.map((p, i) => (i > 0 ? p.replace(/^\s*\d+\s*\n/, '') : p)).join('\n'));
}

/** The number of pages (pdfinfo). */
export function pdfPages(pdf: Buffer): number {
  const info = execFileSync('pdfinfo', ['-'], { input: pdf }).toString('utf8');
  return Number(/^Pages:\s+(\d+)/m.exec(info)?.[1] ?? 0);
}

/** Renders each page to a PNG (pdftoppm) in `dir`, returning the files. */
export function pdfPagesToPng(pdf: Buffer, dir: string, stem: string, dpi = 60): string[] {
  const work = mkdtempSync(join(tmpdir(), 'khien-pdf-'));
  try {
    const file = join(work, 'doc.pdf');
    writeFileSync(file, pdf);
    execFileSync('pdftoppm', ['-png', '-r', String(dpi), file, join(dir, stem)]);
    return readdirSync(dir)
      .filter((f) => f.startsWith(`${stem}-`) && f.endsWith('.png'))
      .sort()
      .map((f) => join(dir, f));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The text of a DOCX's word/document.xml (runs joined, paragraphs and cells spaced), whitespace collapsed. */
export async function docxText(docx: Buffer): Promise<string> {
  const zip = await JSZip.loadAsync(docx);
  const xml = await zip.file('word/document.xml')?.async('string');
  if (xml === undefined) throw new Error('no word/document.xml in the DOCX');
  const text = xml
    .replace(/<\/w:p>|<w:tab\/>|<w:br\/>/g, ' ')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
  return flat(text);
}
