/** DOCX rendering with the `docx` library: what officials open and edit in Word, in the same layout as the PDF. */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Paragraph as DocxParagraph,
  Table as DocxTable,
  Header,
  Packer,
  PageNumber,
  type ParagraphChild,
  TableBorders,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlignTable,
  WidthType,
} from 'docx';
import { placeAndDate } from './format.ts';
import {
  addresseeLines,
  cellAlign,
  cellText,
  columnShares,
  DOCX_FONT,
  HEADER_COLUMNS_MM,
  INDENT_MM,
  MOTTO,
  NATIONAL_NAME,
  numberLine,
  PAGE,
  PARAGRAPH_AFTER_PT,
  recipientLines,
  runOf,
  SIZE,
  TEXT_WIDTH_MM,
  upper,
} from './layout.ts';
import type { Block, OfficialDocument, Paragraph, Run, Section } from './model.ts';

/** Word measures in twentieths of a point (twips) and font sizes in half-points. */
const twip = (mm: number) => Math.round((mm * 1440) / 25.4);
const half = (pt: number) => pt * 2;
const TEXT_WIDTH = twip(TEXT_WIDTH_MM);

const ALIGN = {
  left: AlignmentType.LEFT,
  center: AlignmentType.CENTER,
  right: AlignmentType.RIGHT,
  justify: AlignmentType.JUSTIFIED,
} as const;

type Line = { runs: Run[]; size?: number; align?: keyof typeof ALIGN; after?: number; before?: number };

function runs(rs: Run[], size?: number): ParagraphChild[] {
  return rs.map((r) => {
    const x = runOf(r);
    return new TextRun({
      text: x.text,
      bold: x.bold,
      italics: x.italic,
      underline: x.underline ? {} : undefined,
      size: size ? half(size) : undefined,
    });
  });
}

function line({ runs: rs, size, align = 'center', after = 0, before = 0 }: Line) {
  return new DocxParagraph({
    alignment: ALIGN[align],
    spacing: { after: after * 20, before: before * 20 },
    children: runs(rs, size),
  });
}

/** The decree's short rule under the body's name and under the title: underlined spaces, centred. */
const rule = (chars: number) => line({ runs: [{ text: '\u00a0'.repeat(chars), underline: true }], size: 8, after: 2 });

function paragraph(p: Paragraph, keepNext = false) {
  const align = p.align ?? 'justify';
  const indent = p.indent ?? true;
  return new DocxParagraph({
    keepNext,
    keepLines: keepNext,
    alignment: ALIGN[align],
    indent: indent ? { firstLine: twip(INDENT_MM) } : undefined,
    spacing: { after: PARAGRAPH_AFTER_PT * 20 },
    children: runs(p.runs),
  });
}

const cell = (children: DocxParagraph[], widthTwips: number, borders = true) =>
  new TableCell({
    width: { size: widthTwips, type: WidthType.DXA },
    verticalAlign: VerticalAlignTable.TOP,
    children,
    ...(borders ? {} : { borders: TableBorders.NONE }),
  });

/** A table without borders, for the layout rows (header, addressees, signature). */
function layoutTable(widthsMm: number[], cells: DocxParagraph[][]) {
  const widths = widthsMm.map(twip);
  return new DocxTable({
    width: { size: widths.reduce((s, w) => s + w, 0), type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    borders: TableBorders.NONE,
    rows: [new TableRow({ cantSplit: true, children: cells.map((c, i) => cell(c, widths[i] ?? 0, false)) })],
  });
}

function block(b: Block): (DocxParagraph | DocxTable)[] {
  if ('paragraph' in b) return [paragraph(b.paragraph)];
  const { columns, rows } = b.table;
  const widths = columnShares(columns).map((s) => Math.round(s * TEXT_WIDTH));
  const border = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
  // A cell's lines are paragraphs of their own (Word ignores a newline inside a run).
  const text = (t: string, align: keyof typeof ALIGN, bold = false) =>
    t
      .split('\n')
      .map((l) => new DocxParagraph({ alignment: ALIGN[align], children: runs([{ text: l, bold }], SIZE.table) }));
  return [
    new DocxTable({
      width: { size: TEXT_WIDTH, type: WidthType.DXA },
      columnWidths: widths,
      layout: TableLayoutType.FIXED,
      borders: {
        top: border,
        bottom: border,
        left: border,
        right: border,
        insideHorizontal: border,
        insideVertical: border,
      },
      rows: [
        new TableRow({
          tableHeader: true,
          children: columns.map((c, i) => cell(text(c.header, 'center', true), widths[i] ?? 0)),
        }),
        ...rows.map(
          (row) =>
            new TableRow({
              cantSplit: true,
              children: columns.map((c, i) =>
                cell(text(cellText(row[i] ?? null), cellAlign(c, row[i] ?? null)), widths[i] ?? 0),
              ),
            }),
        ),
      ],
    }),
    new DocxParagraph({ spacing: { after: PARAGRAPH_AFTER_PT * 20 }, children: [] }),
  ];
}

function section(s: Section, number: string): (DocxParagraph | DocxTable)[] {
  return [
    new DocxParagraph({
      alignment: AlignmentType.JUSTIFIED,
      indent: { firstLine: twip(INDENT_MM) },
      spacing: { after: PARAGRAPH_AFTER_PT * 20 },
      children: runs([{ text: `${number}. ${s.heading}`, bold: true }]),
    }),
    ...s.blocks.flatMap(block),
    ...(s.subsections ?? []).flatMap((sub, i) => section(sub, `${number}.${i + 1}`)),
  ];
}

export async function renderDocx(d: OfficialDocument): Promise<Buffer> {
  const [leftMm, rightMm] = HEADER_COLUMNS_MM;
  const header = new DocxTable({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: [twip(leftMm), twip(rightMm)],
    layout: TableLayoutType.FIXED,
    borders: TableBorders.NONE,
    // Hardly any padding: the longest bodies' names and the Quốc hiệu each keep to one line, as in the PDF.
    margins: { left: 20, right: 20 },
    rows: [
      new TableRow({
        children: [
          cell(
            [
              ...(d.parentBody ? [line({ runs: [upper(d.parentBody)], size: SIZE.header })] : []),
              line({ runs: [{ text: upper(d.body), bold: true }], size: SIZE.header }),
              rule(18),
            ],
            twip(leftMm),
            false,
          ),
          cell(
            [
              line({ runs: [{ text: NATIONAL_NAME, bold: true }], size: SIZE.header }),
              line({ runs: [{ text: MOTTO, bold: true, underline: true }], size: SIZE.motto }),
            ],
            twip(rightMm),
            false,
          ),
        ],
      }),
      new TableRow({
        children: [
          cell([line({ runs: [numberLine(d)], size: SIZE.number, before: 4 })], twip(leftMm), false),
          cell(
            [line({ runs: [{ text: placeAndDate(d.place, d.date), italic: true }], before: 4 })],
            twip(rightMm),
            false,
          ),
        ],
      }),
    ],
  });
  const title = [
    line({ runs: [{ text: upper(d.kind), bold: true }], before: 18 }),
    ...(d.excerpt ? [line({ runs: [{ text: d.excerpt, bold: true }] })] : []),
    rule(24),
  ];
  const addressees = d.addressees?.length ? addresseeLines(d.addressees) : [];
  const kinhGui = addressees.length
    ? [
        layoutTable(
          [TEXT_WIDTH_MM * 0.35, TEXT_WIDTH_MM * 0.65],
          [[line({ runs: ['Kính gửi:'], align: 'right' })], addressees.map((a) => line({ runs: [a], align: 'left' }))],
        ),
        new DocxParagraph({ spacing: { after: 120 }, children: [] }),
      ]
    : [];
  const closingRow = layoutTable(
    [TEXT_WIDTH_MM * 0.45, TEXT_WIDTH_MM * 0.55],
    [
      [
        line({ runs: [{ text: 'Nơi nhận:', bold: true, italic: true }], size: SIZE.recipientsLabel, align: 'left' }),
        ...recipientLines(d).map((r) => line({ runs: [r], size: SIZE.recipients, align: 'left' })),
      ],
      [
        ...(d.signature.authority ? [line({ runs: [{ text: upper(d.signature.authority), bold: true }] })] : []),
        line({ runs: [{ text: upper(d.signature.title), bold: true }] }),
        ...(d.signature.hint ? [line({ runs: [{ text: d.signature.hint, italic: true }], size: SIZE.header })] : []),
        line({ runs: [{ text: d.signature.signer ?? '', bold: true }], before: 64 }),
      ],
    ],
  );
  const doc = new Document({
    creator: 'Khiên',
    title: [d.kind, d.excerpt].filter(Boolean).join(' '),
    description: numberLine(d),
    styles: { default: { document: { run: { font: DOCX_FONT, size: half(SIZE.body) } } } },
    sections: [
      {
        properties: {
          page: {
            size: { width: twip(PAGE.widthMm), height: twip(PAGE.heightMm) },
            margin: {
              top: twip(PAGE.top),
              bottom: twip(PAGE.bottom),
              left: twip(PAGE.left),
              right: twip(PAGE.right),
              header: twip(9),
            },
          },
          // Page numbers from the second page on: the first page gets its own, empty header.
          titlePage: true,
        },
        headers: {
          first: new Header({ children: [] }),
          default: new Header({
            children: [
              new DocxParagraph({
                alignment: AlignmentType.CENTER,
                children: [new TextRun({ children: [PageNumber.CURRENT], size: half(SIZE.pageNumber) })],
              }),
            ],
          }),
        },
        children: [
          ...(d.formLabel
            ? [line({ runs: [{ text: d.formLabel, italic: true }], size: SIZE.formLabel, align: 'right', after: 2 })]
            : []),
          header,
          ...title,
          ...kinhGui,
          ...(d.preamble ?? []).flatMap(block),
          ...d.sections.flatMap((s, i) => section(s, String(i + 1))),
          // The closing paragraphs stay with the signature row, which does not split: a signature never stands alone.
          ...(d.closing ?? []).flatMap((b) => ('paragraph' in b ? [paragraph(b.paragraph, true)] : block(b))),
          closingRow,
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
