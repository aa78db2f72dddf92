import { posix } from 'node:path';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { AppError } from './errors.ts';

/**
 * Streaming reader of an XLSX workbook's first sheet, with bounded memory and no long pause of the event loop.
 *
 * The parts are read by random access from the ZIP's central directory (yauzl), so the order is ours whatever tool
 * wrote the file (Excel writes the sheet before its shared strings): workbook → relationships → styles (date
 * formats) → shared strings → the first sheet. Before anything large is unpacked, the sizes the central directory
 * declares for these parts are summed against `maxXmlBytes`; yauzl then stops any part that unpacks to more than it
 * declared, so a lying archive is caught while it inflates. Inflating runs in zlib's thread pool and each inflated
 * chunk goes through the SAX parser (saxes, which expands no custom entities), so the event loop is free between
 * chunks of ~16 KB, and the rows of each chunk are handed over together. Cell values follow what exceljs made of them (dates as yyyy-mm-dd, booleans as true/false).
 */
export type XlsxLimits = { maxXmlBytes: number; maxSharedStrings: number; maxColumns: number; maxZipEntries: number };
export type RawRow = { row: number; cells: string[] };

const MB = 1024 * 1024;
const fail = (message: string, details?: unknown) => new AppError('VALIDATION', message, details);

export async function* readXlsxRows(buf: Buffer, limits: XlsxLimits): AsyncGenerator<RawRow[]> {
  let zip: ZipFile | undefined;
  try {
    zip = await yauzl.fromBufferPromise(buf, { lazyEntries: true });
    if (zip.entryCount > limits.maxZipEntries)
      throw fail(`The workbook holds ${zip.entryCount} files, more than the ${limits.maxZipEntries} allowed`);
    const entries = await listEntries(zip);
    const budget = { left: limits.maxXmlBytes };
    const part = (name: string) => entries.get(name.toLowerCase());

    const workbook = part('xl/workbook.xml');
    if (!workbook) throw fail('Not a readable XLSX file: it has no xl/workbook.xml');
    const book = await readWorkbook(zip, workbook, budget);
    const relsEntry = part('xl/_rels/workbook.xml.rels');
    const rels = relsEntry ? await readRelationships(zip, relsEntry, budget) : [];
    const target = (type: string) => rels.find((r) => r.type.endsWith(`/${type}`))?.path;
    const sheetPath = rels.find((r) => r.id === book.firstSheetRelId)?.path ?? 'xl/worksheets/sheet1.xml';
    const sheet = part(sheetPath);
    if (!sheet) throw fail('The workbook has no sheet');
    const styles = part(target('styles') ?? 'xl/styles.xml');
    const strings = part(target('sharedStrings') ?? 'xl/sharedStrings.xml');

    // Refuse a bomb from its declared sizes, before inflating anything large.
    const declared = [styles, strings, sheet].reduce((n, e) => n + (e?.uncompressedSize ?? 0), 0);
    if (declared > budget.left)
      throw fail(
        `The workbook is too large to import: its first sheet and texts unpack to ${Math.ceil(declared / MB)} MB, ` +
          `more than the ${Math.floor(limits.maxXmlBytes / MB)} MB allowed`,
      );
    const dateStyles = styles ? await readDateStyles(zip, styles, budget) : [];
    const shared = strings ? await readSharedStrings(zip, strings, budget, limits.maxSharedStrings) : [];
    yield* readSheet(zip, sheet, budget, {
      shared,
      dateStyles,
      date1904: book.date1904,
      maxColumns: limits.maxColumns,
    });
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw fail(`Not a readable XLSX file: ${(e as Error).message}`);
  } finally {
    zip?.close();
  }
}

function listEntries(zip: ZipFile): Promise<Map<string, Entry>> {
  return new Promise((resolve, reject) => {
    const found = new Map<string, Entry>();
    zip.on('entry', (entry: Entry) => {
      // Part names are case-insensitive in Open Packaging.
      found.set(entry.fileName.toLowerCase(), entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve(found));
    zip.once('error', reject);
    zip.readEntry();
  });
}

type Handlers = {
  open?(name: string, attrs: Record<string, string>): void;
  close?(name: string): void;
  text?(text: string): void;
};

/** Element names without their namespace prefix (`x:row` and `row` are the same element). */
const local = (name: string) => name.slice(name.indexOf(':') + 1);

/**
 * Inflates one part through the SAX handlers, calling `between` after each chunk so a caller can hand over what the
 * chunk produced. A part may take no more than what is left of the workbook's byte budget.
 */
async function* parsePart(
  zip: ZipFile,
  entry: Entry,
  budget: { left: number },
  handlers: Handlers,
): AsyncGenerator<void> {
  if (entry.uncompressedSize > budget.left)
    throw fail(`The workbook is too large to import: ${entry.fileName} unpacks to more than the bytes allowed`);
  budget.left -= entry.uncompressedSize;
  const parser = new SaxesParser({ xmlns: false, position: false });
  if (handlers.open) {
    const open = handlers.open;
    parser.on('opentag', (t: SaxesTagPlain) => open(local(t.name), t.attributes));
  }
  if (handlers.close) {
    const close = handlers.close;
    parser.on('closetag', (t: SaxesTagPlain) => close(local(t.name)));
  }
  if (handlers.text) {
    parser.on('text', handlers.text);
    parser.on('cdata', handlers.text);
  }
  const stream = await zip.openReadStreamPromise(entry);
  const decoder = new TextDecoder('utf-8');
  try {
    for await (const chunk of stream) {
      parser.write(decoder.decode(chunk as Buffer, { stream: true }));
      yield;
    }
    parser.write(decoder.decode());
    parser.close();
  } finally {
    stream.destroy();
  }
}

async function drain(parts: AsyncGenerator<void>): Promise<void> {
  for await (const _ of parts);
}

async function readWorkbook(zip: ZipFile, entry: Entry, budget: { left: number }) {
  const book = { firstSheetRelId: undefined as string | undefined, date1904: false };
  await drain(
    parsePart(zip, entry, budget, {
      open(name, attrs) {
        if (name === 'workbookPr') book.date1904 = attrs.date1904 === '1' || attrs.date1904 === 'true';
        if (name === 'sheet' && book.firstSheetRelId === undefined)
          book.firstSheetRelId = Object.entries(attrs).find(([k]) => k === 'id' || k.endsWith(':id'))?.[1];
      },
    }),
  );
  return book;
}

async function readRelationships(zip: ZipFile, entry: Entry, budget: { left: number }) {
  const rels: { id: string; type: string; path: string }[] = [];
  await drain(
    parsePart(zip, entry, budget, {
      open(name, attrs) {
        if (name !== 'Relationship' || !attrs.Target) return;
        // Targets are relative to xl/ (the workbook's folder) unless absolute.
        const path = attrs.Target.startsWith('/')
          ? attrs.Target.slice(1)
          : posix.normalize(posix.join('xl', attrs.Target));
        rels.push({ id: attrs.Id ?? '', type: attrs.Type ?? '', path });
      },
    }),
  );
  return rels;
}

/** Excel's built-in number formats that show a date or time (ids 14–22, 45–47, and the East Asian 27–36, 50–58). */
const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36]);
for (const id of [45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]) BUILTIN_DATE_FORMATS.add(id);

/** A format code shows a date when, outside [colour/locale] and "literal" parts, it has a date or time letter. */
const isDateFormat = (code: string) => /[ymdhMsb]/.test(code.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));

/** For each cell style index (a cell's `s`), whether its number format is a date. */
async function readDateStyles(zip: ZipFile, entry: Entry, budget: { left: number }): Promise<boolean[]> {
  const customDate = new Map<number, boolean>();
  const formatIds: number[] = [];
  let inCellXfs = false;
  await drain(
    parsePart(zip, entry, budget, {
      open(name, attrs) {
        if (name === 'numFmt') customDate.set(Number(attrs.numFmtId), isDateFormat(attrs.formatCode ?? ''));
        else if (name === 'cellXfs') inCellXfs = true;
        else if (name === 'xf' && inCellXfs) formatIds.push(Number(attrs.numFmtId ?? 0));
      },
      close(name) {
        if (name === 'cellXfs') inCellXfs = false;
      },
    }),
  );
  return formatIds.map((id) => customDate.get(id) ?? BUILTIN_DATE_FORMATS.has(id));
}

/** The shared strings table: each `<si>`'s text, its rich-text runs joined, phonetic guides (`rPh`) left out. */
async function readSharedStrings(zip: ZipFile, entry: Entry, budget: { left: number }, max: number) {
  const strings: string[] = [];
  let text = '';
  let inText = false;
  let inPhonetic = false;
  await drain(
    parsePart(zip, entry, budget, {
      open(name) {
        if (name === 'si') text = '';
        else if (name === 'rPh') inPhonetic = true;
        else if (name === 't') inText = !inPhonetic;
      },
      text(t) {
        if (inText) text += t;
      },
      close(name) {
        if (name === 't') inText = false;
        else if (name === 'rPh') inPhonetic = false;
        else if (name === 'si') {
          if (strings.length >= max)
            throw fail(`The workbook holds more than ${max} different texts, more than a table to import can need`);
          strings.push(text);
        }
      },
    }),
  );
  return strings;
}

/** Column index (A = 0) of a cell reference such as `AB12`; -1 beyond Excel's last column XFD. */
function columnIndex(ref: string): number {
  let n = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i) | 0x20; // lower case
    if (c < 0x61 || c > 0x7a) break;
    n = n * 26 + (c - 0x60);
  }
  return i > 3 ? -1 : n - 1;
}

/** An Excel serial day (days since 1899-12-30, or 1904-01-01) as yyyy-mm-dd, as exceljs converted it. */
function serialDay(serial: number, date1904: boolean): string {
  const ms = Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000);
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(serial) : d.toISOString().slice(0, 10);
}

type SheetContext = { shared: string[]; dateStyles: boolean[]; date1904: boolean; maxColumns: number };

async function* readSheet(
  zip: ZipFile,
  entry: Entry,
  budget: { left: number },
  ctx: SheetContext,
): AsyncGenerator<RawRow[]> {
  let ready: RawRow[] = [];
  let row = 0;
  let cells: string[] = [];
  let col = -1;
  let type = 'n';
  let style = 0;
  let text = '';
  let capture = false;
  let inInline = false;
  let inPhonetic = false;

  const value = (): string => {
    switch (type) {
      case 's':
        return ctx.shared[Number(text)] ?? '';
      case 'inlineStr':
      case 'str':
        return text;
      case 'b':
        return text === '' ? '' : String(Number(text) !== 0);
      case 'e':
        return '';
      case 'd': {
        const d = new Date(text);
        return Number.isNaN(d.getTime()) ? text : d.toISOString().slice(0, 10);
      }
      default: {
        if (text === '') return '';
        const n = Number.parseFloat(text);
        if (Number.isNaN(n)) return text;
        return ctx.dateStyles[style] ? serialDay(n, ctx.date1904) : String(n);
      }
    }
  };

  const parts = parsePart(zip, entry, budget, {
    open(name, attrs) {
      switch (name) {
        case 'row':
          row = attrs.r ? Number(attrs.r) : row + 1;
          if (!Number.isSafeInteger(row) || row < 1)
            throw fail(`Not a readable XLSX file: a row is numbered "${attrs.r}"`);
          cells = [];
          col = -1;
          break;
        case 'c':
          col = attrs.r ? columnIndex(attrs.r) : col + 1;
          if (col < 0 || col >= ctx.maxColumns)
            throw fail(`Row ${row}: a cell lies beyond the last column allowed (${ctx.maxColumns})`, { row });
          type = attrs.t ?? 'n';
          style = Number(attrs.s ?? 0);
          text = '';
          break;
        case 'v':
          capture = true;
          break;
        case 'is':
          inInline = true;
          break;
        case 'rPh':
          inPhonetic = true;
          break;
        case 't':
          capture = inInline && !inPhonetic;
          break;
      }
    },
    text(t) {
      if (capture) text += t;
    },
    close(name) {
      switch (name) {
        case 'v':
        case 't':
          capture = false;
          break;
        case 'is':
          inInline = false;
          break;
        case 'rPh':
          inPhonetic = false;
          break;
        case 'c': {
          const v = value();
          if (v) cells[col] = v;
          break;
        }
        case 'row':
          // A sparse row gets '' in its holes, so callers see a plain array.
          ready.push({ row, cells: Array.from(cells, (c) => c ?? '') });
          break;
      }
    },
  });
  for await (const _ of parts) {
    if (!ready.length) continue;
    yield ready;
    ready = [];
  }
  if (ready.length) yield ready;
}
