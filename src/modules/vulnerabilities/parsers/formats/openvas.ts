// OpenVAS / Greenbone XML reports. Results are listed by severity, not by host, so each run of
// consecutive results on one address becomes a record; each `report/host` summary becomes a
// record without findings that carries the scan times (and marks the host as scanned). Result runs carry the
// report's own `scan_start` (written before the results) until the host's summary gives its own times.
import { addUnique, compact, cvss, extractCves, parseIp, parsePort, parseScore, textTime } from '../fields.ts';
import { xmlFormat } from '../format.ts';
import { severityFromLabel, severityFromScores } from '../severity.ts';
import { MAX_RUN } from '../sink.ts';
import { MAX_SOFTWARE_PER_HOST, type ServicePlace, SoftwareList, softwareFromCpe } from '../software.ts';
import type { Finding, ScannedHost, ScanTime, SourcePosition } from '../types.ts';
import { FormatHandler, type TextBudget } from '../xml-stream.ts';

/** Elements read, keyed `parent/name`; the value says which length budget applies. */
const RESULT_FIELDS: Record<string, TextBudget> = {
  'result/name': 'short',
  'result/host': 'short',
  'host/hostname': 'short',
  'result/port': 'short',
  'result/threat': 'short',
  'result/severity': 'short',
  'result/description': 'output',
  'nvt/name': 'short',
  'nvt/family': 'short',
  'nvt/cvss_base': 'short',
  // Older layouts: CVEs as a comma list and the solution inside `tags`.
  'nvt/cve': 'text',
  'nvt/tags': 'text',
  'nvt/solution': 'text',
  // Newer layouts: `<severities><severity type="cvss_base_v3"><value>CVSS:3.1/…`.
  'severity/value': 'short',
};

const HOST_FIELDS = new Set(['host/ip', 'host/start', 'host/end', 'detail/name', 'detail/value']);

/** Host details naming a detected product's CPE (`App`) or the OS chosen among the guesses (`best_os_cpe`). */
const CPE_DETAILS = new Set(['App', 'best_os_cpe']);

interface OpenResult {
  depth: number;
  position: SourcePosition;
  hostPosition: SourcePosition;
  oid?: string;
  fields: Map<string, string>;
  cves: string[];
  vectors: string[];
}

interface OpenHostSummary {
  position: SourcePosition;
  fields: Map<string, string>;
  details: Map<string, string>;
  /** `App` and `best_os_cpe` values, in order. */
  cpes: string[];
  /** Where each product was found: a detail named by its CPE whose value is the location (`80/tcp`, a path). */
  locations: Map<string, string>;
}

interface Run {
  host: ScannedHost;
  position: SourcePosition;
  findings: Finding[];
}

/** `summary=…|insight=…|solution=…|cvss_base_vector=…` → map. */
function parseTags(tags: string | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of tags?.split(/\|(?=[a-z_]+=)/) ?? []) {
    const eq = part.indexOf('=');
    if (eq > 0) map.set(part.slice(0, eq), part.slice(eq + 1).trim());
  }
  return map;
}

/** A product's location detail as a port when it is one (`443/tcp`); paths and `general/tcp` are the host's. */
function locationPlace(location: string | undefined): ServicePlace {
  const [, portText = '', protocol = ''] = /^(\d{1,5})\/([a-z]+)$/i.exec(location?.trim() ?? '') ?? [];
  const port = parsePort(portText);
  return port ? { port, protocol: protocol.toLowerCase() } : {};
}

/** OpenVAS severities go below 0 for false positives (-1), debug (-2) and errors (-3). */
function parseSeverityScore(text: string | undefined): number | undefined {
  return text?.trim().startsWith('-') ? 0 : parseScore(text);
}

export class OpenVasHandler extends FormatHandler {
  private result: OpenResult | null = null;
  private summaryHost: OpenHostSummary | null = null;
  private detail: Map<string, string> | null = null;
  private run: Run | null = null;
  /** Host names seen in results, for the host summaries that do not repeat them. */
  private readonly names = new Map<string, string>();
  /** The report's `scan_start`: when the scan of every host began, as far as the results know. */
  private reportStart: ScanTime | undefined;

  open(name: string, attrs: Record<string, string>): void {
    const parent = this.cursor.parent();
    const result = this.result;
    if (result) {
      // Nested results (newer `detection` blocks) must not be read as the result's own fields.
      if (parent === 'result' && this.cursor.depth !== result.depth + 1) return;
      const limit = RESULT_FIELDS[`${parent}/${name}`];
      if (limit) this.capture.start(this.budget[limit]);
      if (name === 'host' && parent === 'result') result.hostPosition = this.cursor.here();
      else if (name === 'nvt') result.oid = attrs.oid?.trim();
      else if (name === 'ref' && attrs.type?.toLowerCase() === 'cve' && attrs.id) result.cves.push(attrs.id);
    } else if (name === 'result' && parent === 'results') {
      const position = this.cursor.here();
      this.result = {
        depth: this.cursor.depth,
        position,
        hostPosition: position,
        fields: new Map(),
        cves: [],
        vectors: [],
      };
    } else if (name === 'host' && parent === 'report') {
      this.summaryHost = {
        position: this.cursor.here(),
        fields: new Map(),
        details: new Map(),
        cpes: [],
        locations: new Map(),
      };
    } else if (name === 'scan_start' && parent === 'report' && !this.summaryHost) {
      this.capture.start(this.budget.short);
    } else if (this.summaryHost) {
      if (name === 'detail') this.detail = new Map();
      if (HOST_FIELDS.has(`${parent}/${name}`)) this.capture.start(this.budget.short);
    }
  }

  close(name: string): void {
    const parent = this.cursor.parent();
    const value = this.capture.take();
    const result = this.result;
    if (result) {
      if (name === 'result' && this.cursor.depth === result.depth) {
        this.closeResult(result);
        this.result = null;
      } else if (value !== undefined) {
        if (name === 'value') result.vectors.push(value);
        else result.fields.set(`${parent}/${name}`, value);
      }
    } else if (name === 'results') {
      this.flushRun(true);
    } else if (name === 'scan_start' && parent === 'report' && !this.summaryHost) {
      if (value !== undefined) this.reportStart = textTime(value);
    } else if (this.summaryHost) {
      if (name === 'host' && parent === 'report') {
        this.closeHostSummary(this.summaryHost);
        this.summaryHost = null;
      } else if (name === 'detail' && this.detail) {
        this.closeDetail(this.summaryHost, this.detail);
        this.detail = null;
      } else if (value !== undefined) {
        (parent === 'detail' ? this.detail : this.summaryHost.fields)?.set(name, value);
      }
    }
  }

  override finish(): void {
    this.flushRun(true);
  }

  abort(): void {
    this.flushRun(false);
  }

  private flushRun(complete: boolean): void {
    if (this.run) this.sink.host({ ...this.run, complete });
    this.run = null;
  }

  /** Host details are few and named once, except products: several `App` details, one location detail each. */
  private closeDetail(summary: OpenHostSummary, detail: Map<string, string>): void {
    const key = detail.get('name');
    const value = detail.get('value') ?? '';
    if (!key) return;
    if (CPE_DETAILS.has(key)) {
      if (summary.cpes.length < MAX_SOFTWARE_PER_HOST) summary.cpes.push(value);
    } else if (key.startsWith('cpe:')) {
      if (summary.locations.size < MAX_SOFTWARE_PER_HOST) summary.locations.set(key, value);
    } else summary.details.set(key, value);
  }

  private closeResult(result: OpenResult): void {
    const f = result.fields;
    const hostText = f.get('result/host') ?? '';
    const address = parseIp(hostText);
    if (!address) {
      this.sink.issue(
        'invalid-ip',
        `result host "${hostText}" is not a valid IP address; the finding was not imported`,
        result.hostPosition,
        1,
      );
      return;
    }
    const [portText = '', protocol = ''] = (f.get('result/port') ?? '').split('/');
    const port = /^\d+$/.test(portText) ? parsePort(portText) : 0;
    if (port === undefined) {
      this.sink.issue('invalid-port', `result port "${f.get('result/port')}" is not a port number`, result.position, 1);
      return;
    }
    if (!result.oid) {
      this.sink.issue('missing-field', 'result has no NVT OID', result.position, 1);
      return;
    }
    const hostname = f.get('host/hostname') || this.names.get(address.ip);
    if (hostname) this.names.set(address.ip, hostname);

    const tags = parseTags(f.get('nvt/tags'));
    const score = parseSeverityScore(f.get('result/severity'));
    const base = parseScore(f.get('nvt/cvss_base'));
    if (Number.isNaN(score) || Number.isNaN(base)) {
      this.sink.issue(
        'invalid-score',
        `result severity "${f.get('result/severity')}" / cvss_base "${f.get('nvt/cvss_base')}" is not a score; ignored`,
        result.position,
      );
    }
    const vector =
      result.vectors.find((v) => v.startsWith('CVSS:3')) ?? tags.get('cvss_base_vector') ?? result.vectors[0];
    const isV3 = vector?.startsWith('CVSS:3') ?? false;
    const threat = f.get('result/threat') ?? '';
    const rated = threat ? severityFromLabel(threat) : undefined;
    const fallback = severityFromScores(score, base) ?? 'info';
    if (threat && !rated) {
      this.sink.issue(
        'invalid-severity',
        `threat "${threat}" is unknown; rated ${fallback} from its score`,
        result.position,
      );
    }
    const cves: string[] = [];
    addUnique(cves, extractCves(result.cves.join(' ')));
    addUnique(cves, extractCves(f.get('nvt/cve') ?? ''));

    const finding = compact(
      {
        scanner: 'openvas',
        scannerId: result.oid,
        name: f.get('nvt/name') || f.get('result/name') || `NVT ${result.oid}`,
        severity: rated ?? fallback,
        scannerRating: threat,
        scannerScore: Number.isNaN(score) ? undefined : score,
        cvss2: isV3 ? undefined : cvss(base, vector),
        cvss3: isV3 ? cvss(base, vector) : undefined,
        cves,
        port,
        protocol: protocol.toLowerCase(),
        family: f.get('nvt/family'),
        synopsis: tags.get('summary'),
        description: tags.get('insight'),
        solution: f.get('nvt/solution') || tags.get('solution'),
        output: f.get('result/description'),
        position: result.position,
      } satisfies Finding,
      'protocol',
    );

    const host = compact({ ...address, hostname, scanStart: this.reportStart });
    if (this.run && (this.run.host.ip !== host.ip || this.run.findings.length >= MAX_RUN)) this.flushRun(true);
    this.run ??= { host, position: result.position, findings: [] };
    this.run.findings.push(finding);
  }

  private closeHostSummary(summary: OpenHostSummary): void {
    const ipText = summary.fields.get('ip') ?? '';
    const address = parseIp(ipText);
    if (!address) {
      this.sink.issue('invalid-ip', `host "${ipText}" is not a valid IP address`, summary.position);
      return;
    }
    const d = summary.details;
    const host = compact({
      ...address,
      hostname: d.get('hostname') || this.names.get(address.ip),
      os: d.get('best_os_txt'),
      scanStart: textTime(summary.fields.get('start')),
      scanEnd: textTime(summary.fields.get('end')),
    });
    const software = new SoftwareList();
    for (const cpe of summary.cpes) software.add(softwareFromCpe(cpe, locationPlace(summary.locations.get(cpe))));
    this.sink.host({ host, findings: [], software: software.values(), position: summary.position, complete: true });
  }
}

export const openvasFormat = xmlFormat({
  format: 'openvas',
  scanner: 'openvas',
  subject: 'host',
  label: 'OpenVAS/Greenbone XML',
  roots: ['report', 'get_reports_response'],
  // `report` is a common name: a downloaded Greenbone report names its report format on the root.
  also: (head) => head.xmlRoot?.name === 'get_reports_response' || /\sformat_id\s*=/.test(head.xmlRoot?.tag ?? ''),
  handler: (cursor, sink, limits) => new OpenVasHandler(cursor, sink, limits),
});
