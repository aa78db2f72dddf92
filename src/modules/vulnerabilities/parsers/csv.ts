// CSV exports of Nessus and OpenVAS (csv-parse). Rows of one host are usually consecutive:
// each run of rows on one address becomes a record, and Nessus' one-row-per-CVE repetition
// of a plugin is merged back into one finding.
import { Readable } from 'node:stream';
import { type CsvError, parse } from 'csv-parse';
import {
  addUnique,
  compact,
  cvss,
  extractCves,
  normaliseMac,
  parseIp,
  parsePort,
  parseScore,
  textTime,
  truncate,
} from './fields.ts';
import { findingKey } from './identity.ts';
import { severityFromLabel, severityFromScores } from './severity.ts';
import type { EventSink } from './sink.ts';
import type { FatalError, Finding, ParseOptions, ScanEvent, ScannedHost, SourcePosition } from './types.ts';

type CsvFormat = 'nessus-csv' | 'openvas-csv';
type Row = Record<string, string>;

/** Row-level faults csv-parse can skip without losing neighbours; any other fault is fatal. */
const ROW_FAULTS = new Set(['CSV_RECORD_INCONSISTENT_COLUMNS', 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH']);
const MAX_RUN = 1_000;
/**
 * Malformed rows tolerated before the file is refused as not a scanner's CSV: each costs csv-parse an error object
 * (~0.2 ms), so a file of stray quotes would otherwise take minutes (found by tests/hostile/fuzz-importers).
 */
const MAX_BAD_ROWS = 1_000;

/** Header names differ between versions; the first one present wins. Matched case-insensitively. */
const NESSUS_COLUMNS = {
  id: ['plugin id'],
  cve: ['cve'],
  cvss2: ['cvss v2.0 base score', 'cvss'],
  cvss2Vector: ['cvss v2.0 vector', 'cvss vector'],
  cvss3: ['cvss v3.0 base score', 'cvss v3.1 base score', 'cvss3'],
  cvss3Vector: ['cvss v3.0 vector', 'cvss v3.1 vector'],
  rating: ['risk', 'risk factor'],
  ip: ['ip address', 'host'],
  host: ['host'],
  fqdn: ['fqdn', 'dns name'],
  netbios: ['netbios name', 'netbios'],
  mac: ['mac address'],
  os: ['os', 'operating system'],
  protocol: ['protocol'],
  port: ['port'],
  name: ['name', 'plugin name'],
  family: ['plugin family', 'family'],
  synopsis: ['synopsis'],
  description: ['description'],
  solution: ['solution'],
  seeAlso: ['see also'],
  output: ['plugin output'],
  exploit: ['exploit?', 'exploitable'],
};

const OPENVAS_COLUMNS = {
  id: ['nvt oid'],
  cve: ['cves'],
  score: ['cvss'],
  rating: ['severity'],
  ip: ['ip'],
  host: ['hostname'],
  protocol: ['port protocol'],
  port: ['port'],
  name: ['nvt name'],
  synopsis: ['summary'],
  description: ['vulnerability insight'],
  solution: ['solution'],
  output: ['specific result'],
  /** When the result was found (ISO 8601 with zone): the host's scan time. */
  time: ['timestamp'],
};

type Field = keyof typeof NESSUS_COLUMNS | keyof typeof OPENVAS_COLUMNS;

interface Run {
  host: ScannedHost;
  position: SourcePosition;
  findings: Map<string, Finding>;
}

class CsvRows {
  private columns: Partial<Record<Field, string>> | null = null;
  private run: Run | null = null;
  private readonly path: CsvFormat;

  constructor(
    private readonly format: CsvFormat,
    private readonly sink: EventSink,
    private readonly limits: Required<ParseOptions>,
  ) {
    this.path = format;
  }

  position(line: number, row: number): SourcePosition {
    return { line, column: 1, path: this.path, row };
  }

  /** Maps our field names to the header's own spelling, once, from the first row's keys. */
  private resolve(row: Row): Partial<Record<Field, string>> {
    const byLower = new Map(Object.keys(row).map((k) => [k.trim().toLowerCase(), k]));
    const wanted: Record<string, string[]> = this.format === 'nessus-csv' ? NESSUS_COLUMNS : OPENVAS_COLUMNS;
    const columns: Partial<Record<Field, string>> = {};
    for (const [field, names] of Object.entries(wanted)) {
      const found = names.map((n) => byLower.get(n)).find((k) => k !== undefined);
      if (found) columns[field as Field] = found;
    }
    return columns;
  }

  add(row: Row, at: SourcePosition): void {
    this.columns ??= this.resolve(row);
    const columns = this.columns;
    const get = (field: Field): string => {
      const column = columns[field];
      return column === undefined ? '' : (row[column] ?? '').trim();
    };

    const address = parseIp(get('ip'));
    if (!address) {
      this.sink.issue('invalid-ip', `row ${at.row}: host "${get('ip')}" is not a valid IP address; row skipped`, at, 1);
      return;
    }
    const id = get('id');
    if (!id) {
      this.sink.issue('missing-field', `row ${at.row}: no ${columns.id ?? 'scanner id'}; row skipped`, at, 1);
      return;
    }
    const portText = get('port');
    const port = portText === '' || portText === 'general' ? 0 : parsePort(portText);
    if (port === undefined) {
      this.sink.issue('invalid-port', `row ${at.row}: port "${portText}" is not a port number; row skipped`, at, 1);
      return;
    }
    const score = (field: Field) => {
      const value = parseScore(get(field));
      if (!Number.isNaN(value)) return value;
      this.sink.issue('invalid-score', `row ${at.row}: ${columns[field]} "${get(field)}" is not a score; ignored`, at);
      return undefined;
    };
    const nessus = this.format === 'nessus-csv';
    const cvss2 = nessus ? score('cvss2') : undefined;
    const cvss3 = nessus ? score('cvss3') : undefined;
    const scannerScore = nessus ? undefined : score('score');
    const rating = get('rating');
    const rated = rating ? severityFromLabel(rating) : undefined;
    const fallback = severityFromScores(cvss3, cvss2, scannerScore) ?? 'info';
    if (rating && !rated) {
      this.sink.issue('invalid-severity', `row ${at.row}: rating "${rating}" is unknown; rated ${fallback}`, at);
    }
    const hostText = get('host');
    const host: ScannedHost = compact({
      ...address,
      hostname: parseIp(hostText) ? undefined : hostText,
      fqdn: get('fqdn'),
      netbios: get('netbios'),
      mac: normaliseMac(get('mac')),
      os: get('os'),
      scanStart: textTime(get('time')),
    });
    const exploit = get('exploit').toLowerCase();
    const finding: Finding = compact(
      {
        scanner: nessus ? 'nessus' : 'openvas',
        scannerId: id,
        name: get('name') || id,
        severity: rated ?? fallback,
        scannerRating: rating,
        scannerScore,
        cvss2: cvss(cvss2, get('cvss2Vector')),
        cvss3: cvss(cvss3, get('cvss3Vector')),
        cves: extractCves(get('cve')),
        port,
        protocol: get('protocol').toLowerCase(),
        family: get('family'),
        synopsis: truncate(get('synopsis'), this.limits.maxTextLength),
        description: truncate(get('description'), this.limits.maxTextLength),
        solution: truncate(get('solution'), this.limits.maxTextLength),
        seeAlso: get('seeAlso').split(/\s+/).filter(Boolean),
        output: truncate(get('output'), this.limits.maxOutputLength),
        exploitAvailable: exploit ? exploit === 'true' || exploit === 'yes' : undefined,
        position: at,
      } satisfies Finding,
      'protocol',
    );
    if (!finding.seeAlso?.length) delete finding.seeAlso;

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

const PIECE = 16 * 1024;

async function* pieces(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  for await (const chunk of chunks) {
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
export async function* runCsv(
  chunks: AsyncIterable<string>,
  format: CsvFormat,
  sink: EventSink,
  limits: Required<ParseOptions>,
): AsyncGenerator<ScanEvent, FatalError | null> {
  const rows = new CsvRows(format, sink, limits);
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
  const parser = parse({
    columns: (header: string[]) => header.map((h) => h.trim()),
    info: true,
    raw: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (error) => {
      if (!error || fatal) return;
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
      const line = typeof error.lines === 'number' ? error.lines : 0;
      sink.issue('bad-row', `row ${row}: ${error.message}; row skipped`, rows.position(line, row), 1);
    },
  });
  // The file is refused whatever follows a fatal fault: stop reading (csv-parse goes on to the end of the piece it
  // was given, skipping record after record, so it is given small pieces).
  const stop = () => parser.destroy(Object.assign(new Error('stopped'), { code: 'CSV_STOPPED' }));
  const source = Readable.from(pieces(chunks));
  // pipe() does not forward a read failure: hand it to the parser so the loop below sees it.
  source.on('error', (error) => parser.destroy(error));
  type Parsed = { record: Row; raw: string; info: { lines: number; records: number } };
  try {
    for await (const { record, raw, info } of source.pipe(parser) as AsyncIterable<Parsed>) {
      if (fatal) break;
      while (pendingSkips.length && (pendingSkips[0] as number) < info.records) {
        pendingSkips.shift();
        passedSkips++;
      }
      // info.lines is the row's last line; a quoted field may span several.
      const firstLine = info.lines - (raw.trimEnd().split('\n').length - 1);
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
  rows.flush(fatal === null);
  yield* sink.drain();
  return fatal;
}
