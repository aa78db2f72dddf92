/**
 * PDF rendering with pdfmake. Chosen over bare pdfkit because the decree's layout is tables (the header row, the
 * signature row, data tables that break across pages with their header repeated) and flowing text with page numbers
 * from page 2 on, which pdfmake lays out declaratively; it embeds TrueType fonts (subset) through its own pdfkit.
 */
import pdfmake, { type Content, type TableCell } from 'pdfmake';
import { dayStart } from '../time.ts';
import { placeAndDate } from './format.ts';
import {
  addresseeLines,
  cellAlign,
  cellText,
  columnShares,
  HEADER_COLUMNS_MM,
  INDENT_MM,
  MOTTO,
  mmToPt,
  NATIONAL_NAME,
  numberLine,
  PAGE,
  PARAGRAPH_AFTER_PT,
  PDF_FONT_FILES,
  recipientLines,
  runOf,
  SIZE,
  TEXT_WIDTH_MM,
  upper,
} from './layout.ts';
import type { Block, OfficialDocument, Paragraph, Section } from './model.ts';

const FONT_FILES = new Set<string>(Object.values(PDF_FONT_FILES));
pdfmake.setFonts({ Tinos: PDF_FONT_FILES });
// Documents are built from records, never from URLs or paths a user supplies: only the fonts may be read.
pdfmake.setUrlAccessPolicy(() => false);
pdfmake.setLocalAccessPolicy((path) => FONT_FILES.has(path));

const pt = mmToPt;
type TDocumentDefinitions = Parameters<typeof pdfmake.createPdf>[0];

/** A short rule under a heading (the decree's line under the body's name and under the title), centred by its stack. */
const rule = (widthPt: number, marginTop = 3): Content => ({
  canvas: [{ type: 'line', x1: 0, y1: 0, x2: widthPt, y2: 0, lineWidth: 0.6 }],
  alignment: 'center',
  margin: [0, marginTop, 0, 2],
});

function paragraph(p: Paragraph): Content {
  const align = p.align ?? 'justify';
  const indent = p.indent ?? true;
  return {
    text: p.runs.map((r) => {
      const x = runOf(r);
      return { text: x.text, bold: x.bold, italics: x.italic, decoration: x.underline ? 'underline' : undefined };
    }),
    alignment: align,
    leadingIndent: indent ? pt(INDENT_MM) : 0,
    margin: [0, 0, 0, PARAGRAPH_AFTER_PT],
  };
}

function block(b: Block): Content {
  if ('paragraph' in b) return paragraph(b.paragraph);
  const { columns, rows } = b.table;
  const header: TableCell[] = columns.map((c) => ({ text: c.header, bold: true, alignment: 'center' }));
  const body: TableCell[][] = rows.map((row) =>
    columns.map((c, i) => ({ text: cellText(row[i] ?? null), alignment: cellAlign(c, row[i] ?? null) })),
  );
  return {
    table: {
      headerRows: 1,
      widths: columnShares(columns).map((s) => `${(s * 100).toFixed(2)}%`),
      body: [header, ...body],
    },
    fontSize: SIZE.table,
    margin: [0, 2, 0, PARAGRAPH_AFTER_PT + 2],
  };
}

function section(s: Section, number: string): Content[] {
  return [
    {
      text: `${number}. ${s.heading}`,
      bold: true,
      leadingIndent: pt(INDENT_MM),
      margin: [0, 2, 0, PARAGRAPH_AFTER_PT],
    },
    ...s.blocks.map(block),
    ...(s.subsections ?? []).flatMap((sub, i) => section(sub, `${number}.${i + 1}`)),
  ];
}

function definition(d: OfficialDocument): TDocumentDefinitions {
  const [leftMm, rightMm] = HEADER_COLUMNS_MM;
  const left: Content[] = [
    ...(d.parentBody ? [{ text: upper(d.parentBody), fontSize: SIZE.header }] : []),
    { text: upper(d.body), bold: true, fontSize: SIZE.header },
    rule(pt(leftMm) * 0.35),
  ];
  const right: Content[] = [
    { text: NATIONAL_NAME, bold: true, fontSize: SIZE.header },
    { text: MOTTO, bold: true, fontSize: SIZE.motto },
    rule(pt(rightMm) * 0.62, 1),
  ];
  const header: Content = {
    table: {
      widths: [pt(leftMm), pt(rightMm)],
      body: [
        [
          { stack: left, alignment: 'center' },
          { stack: right, alignment: 'center' },
        ],
        [
          { text: numberLine(d), alignment: 'center', fontSize: SIZE.number, margin: [0, 2, 0, 0] },
          { text: placeAndDate(d.place, d.date), italics: true, alignment: 'center', margin: [0, 2, 0, 0] },
        ],
      ],
    },
    // No borders, hardly any padding: "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG" and the Quốc hiệu each keep to one line.
    layout: { hLineWidth: () => 0, vLineWidth: () => 0, paddingLeft: () => 1, paddingRight: () => 1 },
  };
  const title: Content[] = [
    { text: upper(d.kind), bold: true, alignment: 'center', margin: [0, 18, 0, 0] },
    ...(d.excerpt ? [{ text: d.excerpt, bold: true, alignment: 'center' as const }] : []),
    rule(pt(TEXT_WIDTH_MM) * 0.2),
  ];
  const addressees = d.addressees?.length ? addresseeLines(d.addressees) : [];
  const kinhGui: Content[] = addressees.length
    ? [
        {
          table: {
            widths: ['35%', '65%'],
            body: [[{ text: 'Kính gửi:', alignment: 'right' }, { stack: addressees.map((a) => ({ text: a })) }]],
          },
          layout: 'noBorders',
          margin: [0, 6, 0, 10],
        },
      ]
    : [{ text: '', margin: [0, 0, 0, 8] }];
  const signature: Content = {
    stack: [
      ...(d.signature.authority ? [{ text: upper(d.signature.authority), bold: true }] : []),
      { text: upper(d.signature.title), bold: true },
      ...(d.signature.hint ? [{ text: d.signature.hint, italics: true, fontSize: SIZE.header }] : []),
      { text: d.signature.signer ?? ' ', bold: true, margin: [0, 62, 0, 0] },
    ],
    alignment: 'center',
  };
  const recipients: Content = {
    stack: [
      { text: 'Nơi nhận:', bold: true, italics: true, fontSize: SIZE.recipientsLabel },
      ...recipientLines(d).map((r) => ({ text: r, fontSize: SIZE.recipients })),
    ],
  };
  return {
    pageSize: 'A4',
    pageMargins: [pt(PAGE.left), pt(PAGE.top), pt(PAGE.right), pt(PAGE.bottom)],
    defaultStyle: { font: 'Tinos', fontSize: SIZE.body, lineHeight: 1.1 },
    // Page numbers centred in the top margin, from the second page on (the decree numbers no first page).
    header: (page: number) =>
      page === 1
        ? null
        : { text: String(page), alignment: 'center', fontSize: SIZE.pageNumber, margin: [0, pt(9), 0, 0] },
    info: {
      title: [d.kind, d.excerpt].filter(Boolean).join(' '),
      author: d.author ?? d.body,
      subject: numberLine(d),
      creator: 'Khiên',
      producer: 'Khiên',
      // Dated by the document, not the clock: the same document renders to the same bytes, so the hash kept for an
      // issued report can be checked by rendering it again.
      creationDate: dayStart(d.date),
    },
    content: [
      ...(d.formLabel
        ? [
            {
              text: d.formLabel,
              alignment: 'right' as const,
              italics: true,
              fontSize: SIZE.formLabel,
              margin: [0, -pt(8), 0, 2] as [number, number, number, number],
            },
          ]
        : []),
      header,
      ...title,
      ...kinhGui,
      ...(d.preamble ?? []).map(block),
      ...d.sections.flatMap((s, i) => section(s, String(i + 1))),
      // The closing paragraphs and the signature stay on one page: a signature never stands alone.
      {
        stack: [
          ...(d.closing ?? []).map(block),
          {
            table: { widths: ['45%', '55%'], body: [[recipients, signature]] },
            layout: 'noBorders',
            margin: [0, 10, 0, 0],
          },
        ],
        unbreakable: true,
      },
    ],
  };
}

export async function renderPdf(d: OfficialDocument): Promise<Buffer> {
  return pdfmake.createPdf(definition(d)).getBuffer();
}
