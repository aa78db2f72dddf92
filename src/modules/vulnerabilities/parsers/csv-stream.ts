// The CSV exports' common runner (csv-parse): each format maps a row to a host and a finding (formats/*-csv.ts);
// rows of one host are usually consecutive, so each run of rows on one address becomes a record, and a check repeated
// on the same port (Nessus writes one row per CVE) is merged back into one finding.
import { Readable } from 'node:stream';
import { type CsvError, parse } from 'csv-parse';
import { addUnique, compact, normaliseMac, parseIp, parsePort, textTime } from './fields.ts';
import { DETECT_LIMIT, type ScanFormatSpec, type ScanHead } from './format.ts';
import { findingKey } from './identity.ts';
import { type EventSink, MAX_RUN } from './sink.ts';
import type {
  FatalError,
  Finding,
  ParseOptions,
  ScanEvent,
  ScanFormat,
  ScannedHost,
  Scanner,
  ScanTime,
  SourcePosition,
} from './types.ts';

type Row = Record<string, string>;

/** Row-level faults csv-parse can skip without losing neighbours; any other fault is fatal. */
const ROW_FAULTS = new Set(['CSV_RECORD_INCONSISTENT_COLUMNS', 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH']);
/**
 * Malformed rows tolerated before the file is refused as not a scanner's CSV: each costs csv-parse an error object
 * (~0.2 ms), so a file of stray quotes would otherwise take minutes (found by tests/hostile/fuzz-importers).
 */
const MAX_BAD_ROWS = 1_000;
/** A row (its cells together) longer than this is refused: csv-parse holds the row whole, its raw text too. */
export const MAX_CSV_ROW_CHARS = 8 * 1024 * 1024;
/**
 * A header of more columns is refused: every row becomes an object with a key per column (900 000 columns took 21 s
 * and 2 GB for 20 rows); scanners export a few dozen.
 */
export const MAX_CSV_COLUMNS = 1_000;

/** The columns every host scanner's CSV is read from; a mapper names their headers in its own export. */
export type HostColumn = 'id' | 'ip' | 'port' | 'host' | 'fqdn' | 'netbios' | 'mac' | 'os' | 'time';

/** A row's cells by field name (the mapper's columns); '' when the column is absent or empty. */
export interface CellOf {
  (field: string): string;
  /** The header a field was read from, as the file spells it (for messages). */
  header(field: string): string;
}

/** What the common runner checked and read before the mapper sees a row. */
export interface RowBasics {
  id: string;
  /** 0 for a finding on the host as a whole (empty port, `general`). */
  port: number;
  /** 1-based data row, for messages. */
  row: number;
}

export interface CsvMapper {
  /**
   * Header names per field, matched case-insensitively, the first present winning. `id` (the scanner's check) and
   * `ip` are required in every row; the other host columns are read when present.
   */
  columns: Partial<Record<HostColumn, string[]>> & Record<string, string[]>;
  /** The row as a finding (identity fields already checked); report field problems through `issue`. */
  finding(
    cell: CellOf,
    basics: RowBasics,
    issue: (code: 'invalid-score' | 'invalid-severity' | 'invalid-cve', message: string) => void,
    limits: Required<ParseOptions>,
  ): Omit<Finding, 'port' | 'scannerId' | 'position'>;
  /** 0-based line of the header row, for exports that start with a title block (found from the head). */
  headerLine?: (head: ScanHead) => number;
  /** The host's scan time from a row, when the export writes it otherwise than ISO 8601 in the `time` column. */
  scanTime?: (cell: CellOf) => ScanTime | undefined;
}

interface Run {
  host: ScannedHost;
  position: SourcePosition;
  findings: Map<string, Finding>;
}

class CsvRows {
  private columns: Record<string, string> | null = null;
  private run: Run | null = null;

  constructor(
    private readonly path: string,
    private readonly mapper: CsvMapper,
    private readonly sink: EventSink,
    private readonly limits: Required<ParseOptions>,
  ) {}

  position(line: number, row: number): SourcePosition {
    return { line, column: 1, path: this.path, row };
  }

  /** Maps our field names to the header's own spelling, once, from the first row's keys. */
  private resolve(row: Row): Record<string, string> {
    const byLower = new Map(Object.keys(row).map((k) => [k.trim().toLowerCase(), k]));
    const columns: Record<string, string> = {};
    for (const [field, names] of Object.entries(this.mapper.columns)) {
      const found = names?.map((n) => byLower.get(n)).find((k) => k !== undefined);
      if (found) columns[field] = found;
    }
    return columns;
  }

  add(row: Row, at: SourcePosition): void {
    this.columns ??= this.resolve(row);
    const columns = this.columns;
    const cell: CellOf = Object.assign(
      (field: string) => {
        const column = columns[field];
        return column === undefined ? '' : (row[column] ?? '').trim();
      },
      { header: (field: string) => columns[field] ?? field },
    );
    const address = parseIp(cell('ip'));
    if (!address) {
      this.sink.issue(
        'invalid-ip',
        `row ${at.row}: host "${cell('ip')}" is not a valid IP address; row skipped`,
        at,
        1,
      );
      return;
    }
    const id = cell('id');
    if (!id) {
      this.sink.issue('missing-field', `row ${at.row}: no ${columns.id ?? 'scanner id'}; row skipped`, at, 1);
      return;
    }
    const portText = cell('port');
    const port = portText === '' || portText.toLowerCase() === 'general' ? 0 : parsePort(portText);
    if (port === undefined) {
      this.sink.issue('invalid-port', `row ${at.row}: port "${portText}" is not a port number; row skipped`, at, 1);
      return;
    }
    const hostText = cell('host');
    const host: ScannedHost = compact({
      ...address,
      hostname: parseIp(hostText) ? undefined : hostText,
      fqdn: cell('fqdn'),
      netbios: cell('netbios'),
      mac: normaliseMac(cell('mac')),
      os: cell('os'),
      scanStart: this.mapper.scanTime ? this.mapper.scanTime(cell) : textTime(cell('time')),
    });
    const read = this.mapper.finding(
      cell,
      { id, port, row: at.row ?? 0 },
      (code, message) => this.sink.issue(code, `row ${at.row}: ${message}`, at),
      this.limits,
    );
    const finding: Finding = { ...read, scannerId: id, port, position: at };

    if (this.run && (this.run.host.ip !== host.ip || this.run.findings.size >= MAX_RUN)) this.flush(true);
    this.run ??= { host, position: at, findings: new Map() };
    const key = findingKey(host, finding);
    const same = this.run.findings.get(key);
    if (same) addUnique(same.cves, finding.cves);
    else this.run.findings.set(key, finding);
  }

  refuseNul(row: Row, at: SourcePosition): void {
    const index = Object.values(row).findIndex((cell) => cell.includes('\0'));
    const column = Object.keys(row)[index] ?? '?';
    const where = { ...at, column: index + 1 };
    this.sink.issue('bad-row', `row ${at.row}, column "${column}": NUL character (U+0000); row skipped`, where, 1);
  }

  flush(complete: boolean): void {
    if (this.run) {
      const { host, position, findings } = this.run;
      this.sink.host({ host, position, findings: [...findings.values()], complete });
    }
    this.run = null;
  }
}

/**
 * The line a row starts on, from the line csv-parse reports (its last: a quoted cell may span several) and its raw
 * text; counted without splitting the row, once per row.
 */
function firstLineOf(lastLine: number, raw: unknown): number {
  if (typeof raw !== 'string') return lastLine;
  const text = raw.trimEnd();
  let breaks = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) breaks++;
  return lastLine - breaks;
}

const PIECE = 16 * 1024;

async function* pieces(chunks: AsyncIterable<string>, seen: { last: string }): AsyncGenerator<string> {
  for await (const chunk of chunks) {
    if (chunk) seen.last = chunk[chunk.length - 1] as string;
    for (let from = 0; from < chunk.length; ) {
      let to = Math.min(from + PIECE, chunk.length);
      // Never between the halves of a surrogate pair: each piece is encoded to UTF-8 on its own.
      if (to < chunk.length && (chunk.charCodeAt(to - 1) & 0xfc00) === 0xd800) to--;
      yield chunk.slice(from, to);
      from = to;
    }
  }
}

/** Parses the rows; a row with a wrong cell count is an issue, broken quoting is fatal. */
async function* runCsv(
  chunks: AsyncIterable<string>,
  format: string,
  mapper: CsvMapper,
  context: { sink: EventSink; limits: Required<ParseOptions>; head: ScanHead },
): AsyncGenerator<ScanEvent, FatalError | null> {
  const { sink, limits, head } = context;
  const rows = new CsvRows(format, mapper, sink, limits);
  let fatal: FatalError | null = null;
  const fail = (error: CsvError, kind: FatalError['kind']) => {
    const line = typeof error.lines === 'number' ? error.lines : undefined;
    const where = line === undefined ? '' : ` at line ${line}`;
    const label = kind === 'truncated' ? 'truncated' : 'not well-formed';
    fatal ??= { kind, message: `${label}${where}: ${error.message}`, line, path: format };
  };
  // Skips are reported while csv-parse reads ahead, records when we consume them: row numbers
  // count both, so remember how many good records preceded each skip.
  let skipped = 0;
  const pendingSkips: number[] = [];
  let passedSkips = 0;
  /** The last malformed row: when nothing follows it and the file does not end a line, the file was cut there. */
  let lastSkip: { before: number; line: number; message: string } | null = null;
  let records = 0;
  const seen = { last: '' };
  const headerLine = (mapper.headerLine?.(head) ?? 0) + 1;
  // csv-parse searches the whole first line for its end at every piece (quadratic): a header must end in the head.
  if (!head.final && head.text.split('\n', headerLine + 1).length <= headerLine)
    return {
      kind: 'too-large',
      message: `too large: the header at line ${headerLine} is longer than ${DETECT_LIMIT / 1024} K characters`,
      line: headerLine,
      path: format,
    };
  const parser = parse({
    columns: (header: string[]) => {
      if (header.length > MAX_CSV_COLUMNS) {
        fatal ??= {
          kind: 'too-large',
          message: `too large: the header at line ${headerLine} has ${header.length} columns, more than ${MAX_CSV_COLUMNS}`,
          line: headerLine,
          path: format,
        };
        stop();
        return [];
      }
      return header.map((h) => h.trim());
    },
    from_line: headerLine,
    info: true,
    max_record_size: MAX_CSV_ROW_CHARS,
    raw: true,
    skip_empty_lines: true,
    // Spreadsheets save rows of empty cells (`,,,,`) after the data: no row at all, not a row without an address.
    skip_records_with_empty_values: true,
    skip_records_with_error: true,
    on_skip: (error) => {
      if (!error || fatal) return;
      if (error.code === 'CSV_MAX_RECORD_SIZE') {
        const line = typeof error.lines === 'number' ? error.lines : undefined;
        fatal ??= {
          kind: 'too-large',
          message: `too large: the row at line ${line ?? '?'} is longer than ${MAX_CSV_ROW_CHARS / 1024 ** 2} M characters`,
          line,
          path: format,
        };
        stop();
        return;
      }
      if (!ROW_FAULTS.has(error.code)) {
        fail(error, error.code === 'CSV_QUOTE_NOT_CLOSED' ? 'truncated' : 'not-well-formed');
        stop();
        return;
      }
      if (skipped >= MAX_BAD_ROWS) {
        fatal ??= {
          kind: 'not-well-formed',
          message: `not well-formed: more than ${MAX_BAD_ROWS} malformed rows (the last at line ${error.lines})`,
          line: typeof error.lines === 'number' ? error.lines : undefined,
          path: format,
        };
        stop();
        return;
      }
      const before = Number(error.records);
      const row = before + ++skipped;
      pendingSkips.push(before);
      // As for a row read: error.lines is the row's last line, and a quoted cell may span several.
      const line = typeof error.lines === 'number' ? firstLineOf(error.lines, error.raw) : 0;
      const message = error.message.replace(/ on line \d+$/, '');
      lastSkip = { before, line, message };
      sink.issue('bad-row', `row ${row}: ${message}; row skipped`, rows.position(line, row), 1);
    },
  });
  // The file is refused whatever follows a fatal fault: stop reading (csv-parse goes on to the end of the piece it
  // was given, skipping record after record, so it is given small pieces).
  const stop = () => parser.destroy(Object.assign(new Error('stopped'), { code: 'CSV_STOPPED' }));
  const source = Readable.from(pieces(chunks, seen));
  // pipe() does not forward a read failure: hand it to the parser so the loop below sees it.
  source.on('error', (error) => parser.destroy(error));
  type Parsed = { record: Row; raw: string; info: { lines: number; records: number } };
  try {
    for await (const { record, raw, info } of source.pipe(parser) as AsyncIterable<Parsed>) {
      if (fatal) break;
      records = info.records;
      while (pendingSkips.length && (pendingSkips[0] as number) < info.records) {
        pendingSkips.shift();
        passedSkips++;
      }
      const firstLine = firstLineOf(info.lines, raw);
      const at = rows.position(firstLine, info.records + passedSkips);
      // PostgreSQL cannot store U+0000: such a row is refused here, its neighbours kept.
      if (raw.includes('\0')) rows.refuseNul(record, at);
      else rows.add(record, at);
      yield* sink.drain();
    }
  } catch (error) {
    if (!(error instanceof Error && String((error as CsvError).code).startsWith('CSV_'))) throw error;
    fail(error as CsvError, 'not-well-formed');
  } finally {
    source.destroy();
  }
  // A cut file ends in the middle of its last row: refused whole, as a cut XML or JSON file is, so that an import never
  // resolves the findings of the rows it did not reach.
  const cut = lastSkip as { before: number; line: number; message: string } | null;
  if (!fatal && cut && cut.before >= records && seen.last !== '\n' && seen.last !== '\r')
    fatal = {
      kind: 'truncated',
      message: `truncated at line ${cut.line}: the last row is cut (${cut.message})`,
      line: cut.line,
      path: format,
    };
  rows.flush(fatal === null);
  yield* sink.drain();
  return fatal;
}

/** A CSV export of a host scanner, recognised from its header by `detect`. */
export function csvFormat(def: {
  format: ScanFormat;
  scanner: Scanner;
  label: string;
  detect: (head: ScanHead) => boolean;
  mapper: CsvMapper;
}): ScanFormatSpec {
  const { mapper, ...spec } = def;
  return {
    ...spec,
    subject: 'host',
    parse: (chunks, context) => runCsv(chunks, def.format, mapper, context),
  };
}
