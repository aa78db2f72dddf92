import { constants, crc32, deflateRawSync } from 'node:zlib';

/**
 * Hostile spreadsheets for tests, generated small and fast: a sheet of millions of identical rows deflates ~1000:1.
 * The ZIP is written by hand because the tests need what no archiver writes: sizes that lie.
 */
type ZipPart = {
  name: string;
  /** The content, as pieces written one after the other (repeat a piece instead of building a huge buffer). */
  pieces: Iterable<Buffer>;
  /** The uncompressed size to declare instead of the real one. */
  declaredSize?: number;
};

function zip(parts: ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    let crc = 0;
    let size = 0;
    const data: Buffer[] = [];
    // Each piece ends on a sync flush (a byte-aligned, non-final block), so the pieces concatenate into one stream.
    for (const piece of part.pieces) {
      crc = crc32(piece, crc);
      size += piece.length;
      data.push(deflateRawSync(piece, { finishFlush: constants.Z_SYNC_FLUSH }));
    }
    data.push(deflateRawSync(Buffer.alloc(0)));
    const compressed = data.reduce((n, d) => n + d.length, 0);
    const name = Buffer.from(part.name);
    const fields = (h: Buffer, at: number) => {
      h.writeUInt16LE(20, at); // version needed
      h.writeUInt16LE(0x0800, at + 2); // UTF-8 names
      h.writeUInt16LE(8, at + 4); // deflate
      h.writeUInt32LE(0x00210000, at + 6); // 1980-01-01 00:00
      h.writeUInt32LE(crc >>> 0, at + 10);
      h.writeUInt32LE(compressed, at + 14);
      h.writeUInt32LE(part.declaredSize ?? size, at + 18);
      h.writeUInt16LE(name.length, at + 22);
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    fields(local, 4);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by
    fields(central, 6);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, ...data);
    centrals.push(central, name);
    offset += 30 + name.length + compressed;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
const REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const xml = (s: string) => Buffer.from(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${s}`);
const esc = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;');

/** A row of inline-string cells, without a row number (the reader numbers it after the previous one). */
export const inlineRow = (cells: string[]) =>
  `<row>${cells.map((c) => `<c t="inlineStr"><is><t>${esc(c)}</t></is></c>`).join('')}</row>`;

/**
 * An XLSX whose first sheet has `header` in row 1 and then `rowXml` repeated `rows` times; `sharedStrings` adds a
 * shared strings part, `declaredSheetSize` makes the central directory lie about the sheet.
 */
export function sheetXlsx(opts: {
  header: string[];
  rowXml: string;
  rows: number;
  sharedStrings?: string[];
  declaredSheetSize?: number;
}): Buffer {
  const perBlock = Math.max(1, Math.floor((256 * 1024) / opts.rowXml.length));
  const block = Buffer.from(opts.rowXml.repeat(perBlock));
  function* sheet() {
    yield xml(`<worksheet ${NS}><sheetData>${inlineRow(opts.header).replace('<row>', '<row r="1">')}`);
    for (let n = Math.floor(opts.rows / perBlock); n > 0; n--) yield block;
    yield Buffer.from(opts.rowXml.repeat(opts.rows % perBlock));
    yield Buffer.from('</sheetData></worksheet>');
  }
  const rels = [
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>',
  ];
  const parts: ZipPart[] = [
    {
      name: 'xl/workbook.xml',
      pieces: [xml(`<workbook ${NS} ${REL_NS}><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`)],
    },
    { name: 'xl/worksheets/sheet1.xml', pieces: sheet(), declaredSize: opts.declaredSheetSize },
  ];
  if (opts.sharedStrings) {
    const items = opts.sharedStrings.map((s) => `<si><t>${esc(s)}</t></si>`).join('');
    parts.push({ name: 'xl/sharedStrings.xml', pieces: [xml(`<sst ${NS}>${items}</sst>`)] });
    rels.push(
      '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>',
    );
  }
  parts.push({
    name: 'xl/_rels/workbook.xml.rels',
    pieces: [
      xml(
        `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels.join('')}</Relationships>`,
      ),
    ],
  });
  return zip(parts);
}
