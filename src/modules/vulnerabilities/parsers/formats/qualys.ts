// Qualys VM XML, two layouts. The asset data report (`ASSET_DATA_REPORT`, asset_data_report.dtd) lists each host's
// detections by QID only, and rates and describes the QIDs in a GLOSSARY after the last host: the hosts wait, bounded
// (held.ts), until the glossary is read. The scan results (`SCAN`, scan-1.dtd) describe each detection where it
// stands, so each IP is emitted as soon as it ends.
import {
  addUnique,
  compact,
  cvss,
  extractCves,
  parseIp,
  parsePort,
  parseScore,
  scoreWithVector,
  textTime,
} from '../fields.ts';
import { localName, type ScanHead, xmlFormat } from '../format.ts';
import { HeldHosts, HoldBudget } from '../held.ts';
import { qualysInformational, qualysSeverity, severityFromQualysLevel } from '../severity.ts';
import type { CvssScore, Finding, ScannedHost, ScanTime, Severity, SourcePosition } from '../types.ts';
import { htmlText } from '../web.ts';
import { FormatHandler, type TextBudget } from '../xml-stream.ts';

/** Children of a glossary entry (asset data) or of a detection (scan results) that are read, with their budgets. */
const DETAIL_FIELDS: Record<string, TextBudget> = {
  QID: 'short',
  TITLE: 'short',
  SEVERITY: 'short',
  CATEGORY: 'short',
  THREAT: 'text',
  DIAGNOSIS: 'text',
  IMPACT: 'text',
  CONSEQUENCE: 'text',
  SOLUTION: 'text',
  CVSS_BASE: 'short',
  CVSS3_BASE: 'short',
  RESULT: 'output',
};

/** Vendor reference links kept per QID. */
const MAX_LINKS = 20;

/** What Qualys says of a QID: its glossary entry, or the scan results' detection itself. */
interface QidDetails {
  title?: string;
  /** Level 1–5 as written. */
  level?: string;
  family?: string;
  description?: string;
  synopsis?: string;
  solution?: string;
  cvss2?: CvssScore;
  cvss3?: CvssScore;
  cves: string[];
  seeAlso: string[];
  exploit: boolean;
}

/** A glossary entry or a detection being read. */
interface OpenDetails {
  depth: number;
  attrs: Record<string, string>;
  position: SourcePosition;
  fields: Map<string, string>;
  cves: string[];
  seeAlso: string[];
  exploit: boolean;
}

interface Place {
  port: number;
  protocol: string;
  service?: string;
}

const NO_DETAILS: QidDetails = { cves: [], seeAlso: [], exploit: false };

/** A DNS or NetBIOS name as written, or undefined for empty text and placeholders such as `No registered hostname`. */
const hostName = (text: string | undefined) => (text && /^[\w.-]+$/.test(text) ? text : undefined);

abstract class QualysHandler extends FormatHandler {
  protected openDetails(attrs: Record<string, string>): OpenDetails {
    return {
      depth: this.cursor.depth,
      attrs,
      position: this.cursor.here(),
      fields: new Map(),
      cves: [],
      seeAlso: [],
      exploit: false,
    };
  }

  /** Starts capturing a child of a glossary entry or detection; nested elements of the same names are not read. */
  protected detailOpen(d: OpenDetails, name: string): void {
    const parent = this.cursor.parent();
    const direct = this.cursor.depth === d.depth + 1;
    if (name === 'EXPLT') d.exploit = true;
    let budget: TextBudget | undefined;
    if ((name === 'ID' && parent === 'CVE_ID') || (name === 'URL' && parent === 'VENDOR_REFERENCE')) budget = 'short';
    else if (
      direct ||
      (name === 'CVSS_BASE' && parent === 'CVSS_SCORE') ||
      (name === 'CVSS3_BASE' && parent === 'CVSS3_SCORE')
    )
      budget = DETAIL_FIELDS[name];
    if (budget) this.capture.start(this.budget[budget]);
  }

  protected detailClose(d: OpenDetails, name: string, value: string | undefined): void {
    if (value === undefined) return;
    const parent = this.cursor.parent();
    if (name === 'ID' && parent === 'CVE_ID') addUnique(d.cves, extractCves(value));
    else if (name === 'URL' && parent === 'VENDOR_REFERENCE') {
      if (value && d.seeAlso.length < MAX_LINKS && !d.seeAlso.includes(value)) d.seeAlso.push(value);
    } else d.fields.set(name, value);
  }

  /** The details read; the prose fields are HTML (`<P>`, `<BR>`, links) made plain text. */
  protected details(d: OpenDetails): QidDetails {
    const f = d.fields;
    return {
      title: f.get('TITLE'),
      level: f.get('SEVERITY') ?? d.attrs.severity,
      family: f.get('CATEGORY'),
      description: htmlText(f.get('THREAT') ?? f.get('DIAGNOSIS'), this.budget.text),
      synopsis: htmlText(f.get('IMPACT') ?? f.get('CONSEQUENCE'), this.budget.text),
      solution: htmlText(f.get('SOLUTION'), this.budget.text),
      cvss2: this.cvssField(d, 'CVSS_BASE'),
      cvss3: this.cvssField(d, 'CVSS3_BASE'),
      cves: d.cves,
      seeAlso: d.seeAlso,
      exploit: d.exploit,
    };
  }

  private cvssField(d: OpenDetails, name: string): CvssScore | undefined {
    const text = d.fields.get(name) ?? '';
    const written = scoreWithVector(text);
    if (!written) return undefined;
    const value = parseScore(written.score);
    if (Number.isNaN(value))
      this.sink.issue('invalid-score', `${name} "${text}" is not a CVSS score; ignored`, d.position);
    return cvss(value, written.vector);
  }

  /** A detection's QID and port (none: 0, the host as a whole); undefined, reported, when either is not one. */
  protected place(qid: string, portText: string, position: SourcePosition): number | undefined {
    if (!/^\d+$/.test(qid)) {
      this.sink.issue('missing-field', `detection has no QID ("${qid}"); it was not imported`, position, 1);
      return undefined;
    }
    const port = portText ? parsePort(portText) : 0;
    if (port === undefined)
      this.sink.issue('invalid-port', `QID ${qid}: port "${portText}" is not a port number; not imported`, position, 1);
    return port;
  }

  protected finding(
    qid: string,
    d: QidDetails,
    place: Place,
    severity: Severity,
    output: string | undefined,
    position: SourcePosition,
  ): Finding {
    return compact(
      {
        scanner: 'qualys',
        scannerId: qid,
        name: d.title || `QID ${qid}`,
        severity,
        scannerRating: d.level,
        cvss2: d.cvss2,
        cvss3: d.cvss3,
        cves: [...d.cves],
        port: place.port,
        protocol: place.protocol,
        service: place.service,
        family: d.family,
        synopsis: d.synopsis,
        description: d.description,
        solution: d.solution,
        seeAlso: d.seeAlso.length ? [...d.seeAlso] : undefined,
        output,
        exploitAvailable: d.exploit || undefined,
        position,
      } satisfies Finding,
      'protocol',
    );
  }
}

/** HOST children kept; asset groups, tags and tracking details are skipped unread. */
const HOST_FIELDS = new Set(['IP', 'DNS', 'NETBIOS', 'OPERATING_SYSTEM', 'LAST_SCAN_DATETIME']);

const INFO_FIELDS: Record<string, TextBudget> = {
  QID: 'short',
  TYPE: 'short',
  PORT: 'short',
  PROTOCOL: 'short',
  SERVICE: 'short',
  VULN_STATUS: 'short',
  LAST_FOUND: 'short',
  CVSS_FINAL: 'short',
  CVSS3_FINAL: 'short',
  RESULT: 'output',
};

/** A detection waiting for the glossary: what the host section says of it, nothing more. */
interface HeldFinding extends Place {
  qid: string;
  /** Information gathered (`TYPE` Ig), or a vulnerability Qualys found fixed: info whatever the QID's level. */
  informational: boolean;
  /** The detection's own CVSS (`CVSS3_FINAL`, else `CVSS_FINAL`), when the glossary has no level. */
  score?: number;
  output?: string;
  position: SourcePosition;
}

interface HeldHost {
  host: ScannedHost;
  findings: HeldFinding[];
  position: SourcePosition;
}

interface OpenHost {
  position: SourcePosition;
  fields: Map<string, string>;
  findings: HeldFinding[];
  /** The latest LAST_FOUND: when a scan last saw the host, for reports without LAST_SCAN_DATETIME. */
  lastFound?: { raw: string; at: number };
}

interface OpenInfo {
  position: SourcePosition;
  fields: Map<string, string>;
}

/** `ASSET_DATA_REPORT`: hosts held until the glossary at the end rates their QIDs. */
class AssetDataHandler extends QualysHandler {
  private host: OpenHost | null = null;
  private info: OpenInfo | null = null;
  private entry: OpenDetails | null = null;
  private readonly glossary = new Map<string, QidDetails>();
  /** QIDs already reported as missing from the glossary. */
  private readonly unrated = new Set<string>();
  private readonly hold = new HoldBudget(
    this.cursor,
    'its glossary',
    'export fewer hosts per report (one asset group at a time) or use the CSV export',
  );
  /** Hosts until the glossary rates their QIDs (a QID no held host names is not kept). */
  private readonly held = new HeldHosts<HeldHost>(this.hold, (record) => this.emit(record));

  open(name: string, attrs: Record<string, string>): void {
    const parent = this.cursor.parent();
    if (this.entry) this.detailOpen(this.entry, name);
    else if (this.info) {
      const budget = parent === 'VULN_INFO' ? INFO_FIELDS[name] : undefined;
      if (budget) this.capture.start(this.budget[budget]);
    } else if (this.host) {
      if (name === 'VULN_INFO' && parent === 'VULN_INFO_LIST')
        this.info = { position: this.cursor.here(), fields: new Map() };
      else if (parent === 'HOST' && HOST_FIELDS.has(name)) this.capture.start(this.budget.short);
    } else if (name === 'HOST' && parent === 'HOST_LIST') {
      this.host = { position: this.cursor.here(), fields: new Map(), findings: [] };
    } else if (name === 'VULN_DETAILS' && parent === 'VULN_DETAILS_LIST') {
      this.entry = this.openDetails(attrs);
    }
  }

  close(name: string): void {
    const value = this.capture.take();
    if (this.entry) {
      if (this.cursor.depth === this.entry.depth) {
        this.closeEntry(this.entry);
        this.entry = null;
      } else this.detailClose(this.entry, name, value);
    } else if (this.host && this.info) {
      if (name === 'VULN_INFO') {
        this.closeInfo(this.host, this.info);
        this.info = null;
      } else if (value !== undefined) this.info.fields.set(name, value);
    } else if (this.host) {
      if (name === 'HOST') {
        this.closeHost(this.host);
        this.host = null;
      } else if (value !== undefined) this.host.fields.set(name, value);
    } else if (name === 'GLOSSARY') this.held.release();
  }

  /** A report without glossary: its vulnerabilities are rated from their own CVSS score. */
  override finish(): void {
    this.held.release();
  }

  /** A cut report is refused whole; the held hosts cannot be rated without the glossary, so none is emitted. */
  abort(): void {
    this.held.drop();
    this.host = null;
  }

  private closeInfo(host: OpenHost, info: OpenInfo): void {
    const f = info.fields;
    const qid = f.get('QID') ?? '';
    const port = this.place(qid, f.get('PORT') ?? '', info.position);
    if (port === undefined) return;
    const lastFound = f.get('LAST_FOUND') ?? '';
    const at = Date.parse(lastFound);
    if (!Number.isNaN(at) && (!host.lastFound || at > host.lastFound.at)) host.lastFound = { raw: lastFound, at };
    const scores = [f.get('CVSS3_FINAL'), f.get('CVSS_FINAL')].map(parseScore);
    const finding = compact(
      {
        qid,
        informational: qualysInformational(f.get('TYPE'), f.get('VULN_STATUS')),
        port,
        protocol: f.get('PROTOCOL')?.toLowerCase() ?? '',
        service: f.get('SERVICE'),
        score: scores.find((s) => s !== undefined && !Number.isNaN(s)),
        output: f.get('RESULT'),
        position: info.position,
      } satisfies HeldFinding,
      'protocol',
    );
    if (this.hold.spend(finding.output?.length ?? 0)) host.findings.push(finding);
  }

  private closeHost(open: OpenHost): void {
    const f = open.fields;
    const ipText = f.get('IP') ?? '';
    const address = parseIp(ipText);
    if (!address) {
      this.sink.invalidHost('host IP', ipText, open.findings.length, open.position);
      return;
    }
    const host = compact({
      ...address,
      fqdn: hostName(f.get('DNS')),
      netbios: hostName(f.get('NETBIOS')),
      os: f.get('OPERATING_SYSTEM'),
      scanStart: textTime(f.get('LAST_SCAN_DATETIME')) ?? textTime(open.lastFound?.raw),
    });
    const record = { host, findings: open.findings, position: open.position };
    // The host's own text and entry; its detections were counted as they were read.
    this.held.add(
      record,
      open.findings.map((d) => d.qid),
      JSON.stringify(host).length,
      1,
    );
  }

  private closeEntry(entry: OpenDetails): void {
    const qid = entry.fields.get('QID') ?? entry.attrs.id?.replace(/^qid_/, '') ?? '';
    if (!this.held.referenced.has(qid)) return;
    const details = this.details(entry);
    if (!severityFromQualysLevel(details.level ?? '')) {
      this.sink.issue(
        'invalid-severity',
        `QID ${qid}: level "${details.level ?? ''}" is not 1–5; its detections are rated from their CVSS score, or medium without one`,
        entry.position,
      );
    }
    const text = [details.title, details.description, details.synopsis, details.solution];
    if (this.hold.spend(text.reduce((n, t) => n + (t?.length ?? 0), 0))) this.glossary.set(qid, details);
  }

  private emit(record: HeldHost): void {
    const findings = record.findings.map((f) => {
      const d = this.glossary.get(f.qid);
      return this.finding(f.qid, d ?? NO_DETAILS, f, this.rate(f, d), f.output, f.position);
    });
    this.sink.host({ host: record.host, findings, position: record.position, complete: true });
  }

  private rate(f: HeldFinding, d: QidDetails | undefined): Severity {
    const severity = qualysSeverity(f.informational, d?.level, d?.cvss3?.score, d?.cvss2?.score, f.score);
    if (f.informational) return severity;
    if (!d && !this.unrated.has(f.qid)) {
      this.unrated.add(f.qid);
      this.sink.issue(
        'missing-field',
        `QID ${f.qid} is not in the report's glossary; its detections are rated ${severity} from their CVSS score, or medium without one`,
        f.position,
      );
    }
    return severity;
  }
}

/** Sections of a scan results host; INFOS and SERVICES are information gathered. */
const SECTIONS: Record<string, boolean> = { INFOS: true, SERVICES: true, VULNS: false, PRACTICES: false };
const ITEMS = new Set(['INFO', 'SERVICE', 'VULN', 'PRACTICE']);

interface ScanHost {
  attrs: Record<string, string>;
  position: SourcePosition;
  fields: Map<string, string>;
  findings: Finding[];
}

interface Category {
  attrs: Record<string, string>;
  informational: boolean;
}

/** `SCAN`: one record per IP, each detection with its QID's level and description. */
class ScanResultsHandler extends QualysHandler {
  private scanDate: ScanTime | undefined;
  private headerKey: string | null = null;
  private host: ScanHost | null = null;
  private category: Category | null = null;
  private item: OpenDetails | null = null;

  open(name: string, attrs: Record<string, string>): void {
    const parent = this.cursor.parent() ?? '';
    if (this.item) this.detailOpen(this.item, name);
    else if (name === 'KEY' && parent === 'HEADER') {
      this.headerKey = attrs.value ?? null;
      if (this.headerKey === 'DATE') this.capture.start(this.budget.short);
    } else if (name === 'IP' && parent === 'SCAN') {
      this.host = { attrs, position: this.cursor.here(), fields: new Map(), findings: [] };
    } else if (!this.host) {
      return;
    } else if (name === 'CAT' && Object.hasOwn(SECTIONS, parent)) {
      this.category = { attrs, informational: SECTIONS[parent] === true };
    } else if (this.category && parent === 'CAT' && ITEMS.has(name)) {
      this.item = this.openDetails(attrs);
    } else if (parent === 'IP' && (name === 'OS' || name === 'NETBIOS_HOSTNAME')) {
      this.capture.start(this.budget.short);
    }
  }

  close(name: string): void {
    const value = this.capture.take();
    if (this.item) {
      if (this.cursor.depth === this.item.depth) {
        if (this.host && this.category) this.closeItem(this.host, this.category, this.item);
        this.item = null;
      } else this.detailClose(this.item, name, value);
    } else if (name === 'KEY' && this.headerKey !== null) {
      if (this.headerKey === 'DATE') this.scanDate = textTime(value);
      this.headerKey = null;
    } else if (!this.host) {
      return;
    } else if (name === 'CAT') {
      this.category = null;
    } else if (name === 'IP' && this.cursor.depth === 2) {
      this.emitHost(this.host, true);
      this.host = null;
    } else if (value !== undefined) this.host.fields.set(name, value);
  }

  abort(): void {
    if (this.host) this.emitHost(this.host, false);
    this.host = null;
  }

  private closeItem(host: ScanHost, category: Category, item: OpenDetails): void {
    const qid = item.attrs.number?.trim() ?? '';
    const port = this.place(qid, category.attrs.port ?? '', item.position);
    if (port === undefined) return;
    const details = this.details(item);
    addUnique(details.cves, extractCves(item.attrs.cveid ?? ''));
    const severity = qualysSeverity(category.informational, details.level, details.cvss3?.score, details.cvss2?.score);
    if (!category.informational && !severityFromQualysLevel(details.level ?? ''))
      this.sink.issue(
        'invalid-severity',
        `QID ${qid}: severity "${details.level ?? ''}" is not 1–5; rated ${severity} from its CVSS score, or medium without one`,
        item.position,
      );
    const place = { port, protocol: category.attrs.protocol?.toLowerCase() ?? '' };
    const family = details.family ?? category.attrs.value;
    host.findings.push(
      this.finding(qid, { ...details, family }, place, severity, item.fields.get('RESULT'), item.position),
    );
  }

  private emitHost(open: ScanHost, complete: boolean): void {
    const ipText = open.attrs.value ?? '';
    const address = parseIp(ipText);
    if (!address) {
      this.sink.invalidHost('IP', ipText, open.findings.length, open.position);
      return;
    }
    const host = compact({
      ...address,
      fqdn: hostName(open.attrs.name),
      netbios: hostName(open.fields.get('NETBIOS_HOSTNAME')),
      os: open.fields.get('OS'),
      scanStart: this.scanDate,
    });
    this.sink.host({ host, findings: open.findings, position: open.position, complete });
  }
}

/** A `SCAN` root is Qualys' only when it says so: its DTD, or its reference `scan/…`. */
const isQualysScan = (head: ScanHead) =>
  /\bvalue\s*=\s*["']scan\//.test(head.xmlRoot?.tag ?? '') || /<!DOCTYPE\s+SCAN\b[^>]*scan-1\.dtd/.test(head.text);

export const qualysFormat = xmlFormat({
  format: 'qualys',
  scanner: 'qualys',
  subject: 'host',
  label: 'Qualys VM XML',
  roots: ['ASSET_DATA_REPORT', 'SCAN'],
  also: (head) => localName(head.xmlRoot?.name ?? '') !== 'SCAN' || isQualysScan(head),
  handler: (cursor, sink, limits, head) =>
    localName(head.xmlRoot?.name ?? '') === 'SCAN'
      ? new ScanResultsHandler(cursor, sink, limits)
      : new AssetDataHandler(cursor, sink, limits),
});
