// Rapid7 Nexpose / InsightVM XML Export (`NexposeReport`): nodes with the tests run on them and on their endpoints,
// then the VulnerabilityDefinitions that title and rate the vulnerabilities, after the last node. The nodes wait,
// bounded (held.ts), until the definitions are read. A vulnerability found on several instances of one port (URLs
// of a web server: the test's `key`) is one finding on that port, its instances listed in the output.
import {
  BoundedText,
  compact,
  cvss,
  extractCves,
  normaliseMac,
  parseIp,
  parsePort,
  parseScore,
  wallTime,
} from '../fields.ts';
import { xmlFormat } from '../format.ts';
import { HeldHosts, HoldBudget } from '../held.ts';
import { severityFromScore, severityFromScores } from '../severity.ts';
import { SoftwareList, serviceItem, softwareFromCpe } from '../software.ts';
import type {
  CvssScore,
  DetectedSoftware,
  Finding,
  ScannedHost,
  ScanTime,
  Severity,
  SourcePosition,
} from '../types.ts';
import { FormatHandler } from '../xml-stream.ts';

/** Test results that are findings (nexpose-client's vuln-status filter values); not-vulnerable, skipped… are not. */
const VULNERABLE = /^(vulnerable-exploited|vulnerable-version|vulnerable-potential|potential)$/;

/** Structured-text elements that end a block: their text goes on a line of its own. */
const BLOCKS = new Set(['Paragraph', 'ContainerBlockElement', 'ListItem', 'UnorderedList', 'OrderedList']);

/** Reference links kept per vulnerability. */
const MAX_LINKS = 20;

/** `20131127T050242739`: the console's local time, without zone. */
function nexposeTime(text: string | undefined): ScanTime | undefined {
  const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)/.exec(text?.trim() ?? '');
  if (!m) return undefined;
  return wallTime(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/** Nexpose's structured text (Paragraph, ListItem, URLLink…) at any depth below an element, bounded. */
class RichText {
  private readonly text: BoundedText;
  constructor(
    readonly depth: number,
    limit: number,
  ) {
    this.text = new BoundedText(limit);
  }

  /** White space as written is layout; line breaks come from the blocks. */
  append(piece: string): void {
    this.text.append(piece.replace(/\s+/g, ' '));
  }

  open(name: string): void {
    if (name === 'ListItem') this.text.append('\n- ');
  }

  close(name: string, attrs: Record<string, string> | undefined): void {
    if (BLOCKS.has(name)) this.text.append('\n');
    else if (name === 'URLLink' && attrs?.LinkURL) this.text.append(` ${attrs.LinkURL} `);
  }

  toString(): string | undefined {
    const text = this.text
      .toString()
      .replace(/ *\n */g, '\n')
      .replace(/\n{3,}/g, '\n\n')
      .replace(/ {2,}/g, ' ');
    return text.trim() || undefined;
  }
}

interface Place {
  port: number;
  protocol: string;
  service?: string;
}

/** The instances of one vulnerability on one port of a node, waiting for its definition. */
interface HeldFinding extends Place {
  id: string;
  output: BoundedText;
  instances: number;
  position: SourcePosition;
}

interface HeldNode {
  host: ScannedHost;
  findings: (Place & { id: string; output?: string; position: SourcePosition })[];
  software: DetectedSoftware[];
  position: SourcePosition;
}

interface OpenNode {
  attrs: Record<string, string>;
  depth: number;
  position: SourcePosition;
  names: string[];
  os?: Record<string, string>;
  software: SoftwareList;
  findings: Map<string, HeldFinding>;
}

interface Endpoint extends Place {
  position: SourcePosition;
  valid: boolean;
  /** Vulnerable tests under an endpoint whose port is invalid: left out. */
  dropped: number;
}

interface Definition {
  title?: string;
  level?: string;
  severity: Severity;
  cvss2?: CvssScore;
  cvss3?: CvssScore;
  cves: string[];
  seeAlso: string[];
  description?: string;
  solution?: string;
  exploit: boolean;
}

interface OpenDefinition {
  attrs: Record<string, string>;
  depth: number;
  position: SourcePosition;
  cves: string[];
  seeAlso: string[];
  exploit: boolean;
  description?: string;
  solution?: string;
  referenceSource?: string;
}

/** `Linux 2.6.9`, `Microsoft Windows Server 2008 3`: vendor (unless the product repeats it), product, version. */
function osName(os: Record<string, string> | undefined): string | undefined {
  if (!os) return undefined;
  const product = os.product || os.family;
  const vendor = product?.startsWith(os.vendor ?? '') ? undefined : os.vendor;
  return [vendor, product, os.version].filter(Boolean).join(' ') || undefined;
}

class NexposeHandler extends FormatHandler {
  private scanStart: ScanTime | undefined;
  private scanEnd: ScanTime | undefined;
  private node: OpenNode | null = null;
  private endpoint: Endpoint | null = null;
  private test: { attrs: Record<string, string>; position: SourcePosition } | null = null;
  private definition: OpenDefinition | null = null;
  /** Structured text being read: a test's proof, a definition's description or solution. */
  private rich: RichText | null = null;
  /** Open URLLink attributes, for the address written after the link's text. */
  private link: Record<string, string> | undefined;
  private readonly definitions = new Map<string, Definition>();
  private readonly undefinedIds = new Set<string>();
  private readonly hold = new HoldBudget(
    this.cursor,
    'its VulnerabilityDefinitions',
    'export fewer assets per report (a site or an asset group at a time)',
  );
  /** Nodes until the definitions rate their vulnerabilities (a vulnerability no held node names is not kept). */
  private readonly held = new HeldHosts<HeldNode>(this.hold, (record) => this.emit(record));

  override text(text: string): void {
    if (this.rich) this.rich.append(text);
    else super.text(text);
  }

  override wantsText(): boolean {
    return this.rich !== null || super.wantsText();
  }

  open(name: string, attrs: Record<string, string>): void {
    const parent = this.cursor.parent();
    if (this.rich) {
      this.rich.open(name);
      if (name === 'URLLink') this.link = attrs;
    } else if (this.definition) this.openInDefinition(this.definition, name, parent, attrs);
    else if (this.node) this.openInNode(this.node, name, parent, attrs);
    else if (name === 'node' && parent === 'nodes') {
      this.node = {
        attrs,
        depth: this.cursor.depth,
        position: this.cursor.here(),
        names: [],
        software: new SoftwareList(),
        findings: new Map(),
      };
    } else if (name === 'vulnerability' && parent === 'VulnerabilityDefinitions') {
      this.definition = {
        attrs,
        depth: this.cursor.depth,
        position: this.cursor.here(),
        cves: [],
        seeAlso: [],
        exploit: false,
      };
    } else if (name === 'scan' && parent === 'scans') {
      const start = nexposeTime(attrs.startTime);
      const end = nexposeTime(attrs.endTime);
      if (start && (!this.scanStart || start.raw < this.scanStart.raw)) this.scanStart = start;
      if (end && (!this.scanEnd || end.raw > this.scanEnd.raw)) this.scanEnd = end;
    }
  }

  close(name: string): void {
    const value = this.capture.take();
    const rich = this.rich;
    if (rich && this.cursor.depth > rich.depth) {
      rich.close(name, name === 'URLLink' ? this.link : undefined);
      return;
    }
    this.rich = null;
    if (this.definition) this.closeInDefinition(this.definition, name, value, rich);
    else if (this.node) this.closeInNode(this.node, name, value, rich);
    else if (name === 'VulnerabilityDefinitions') this.held.release();
  }

  /** A report without definitions: its findings are rated medium, each vulnerability reported as undefined. */
  override finish(): void {
    this.held.release();
  }

  /** A cut report is refused whole; the held nodes cannot be rated without the definitions, so none is emitted. */
  abort(): void {
    this.held.drop();
    this.node = null;
  }

  private openInNode(node: OpenNode, name: string, parent: string | undefined, attrs: Record<string, string>): void {
    if (name === 'test' && parent === 'tests') {
      if (!VULNERABLE.test(attrs.status ?? '')) return;
      this.test = { attrs, position: this.cursor.here() };
      this.rich = new RichText(this.cursor.depth, this.budget.output);
    } else if (name === 'name' && parent === 'names') {
      this.capture.start(this.budget.short);
    } else if (name === 'os' && parent === 'fingerprints' && this.cursor.depth === node.depth + 2) {
      // Nexpose lists its guesses: the most certain (the first of equals) is the computer's.
      if (!node.os || Number(attrs.certainty) > Number(node.os.certainty)) node.os = attrs;
    } else if (name === 'endpoint' && parent === 'endpoints') {
      const port = parsePort(attrs.port ?? '');
      const protocol = attrs.protocol?.toLowerCase() ?? '';
      this.endpoint = {
        port: port ?? 0,
        protocol,
        position: this.cursor.here(),
        valid: port !== undefined,
        dropped: 0,
      };
    } else if (this.endpoint && name === 'service' && parent === 'services') {
      this.endpoint.service = attrs.name;
    } else if (this.endpoint?.valid && name === 'fingerprint' && parent === 'fingerprints') {
      const { port, protocol, service } = this.endpoint;
      node.software.add(serviceItem(compact({ port, protocol, service }), attrs.product, attrs.version));
    }
  }

  private closeInNode(node: OpenNode, name: string, value: string | undefined, rich: RichText | null): void {
    if (name === 'test' && this.test && rich) {
      this.closeTest(node, this.test.attrs, this.test.position, rich.toString());
      this.test = null;
    } else if (name === 'name' && value) {
      // Counted as read: a node's names (or tests, below) would otherwise grow without bound before it ends.
      if (this.hold.spend(value.length)) node.names.push(value);
    } else if (name === 'endpoint' && this.endpoint) {
      const e = this.endpoint;
      if (!e.valid)
        this.sink.issue(
          'invalid-port',
          `endpoint port is not a port number; its ${e.dropped} findings were not imported`,
          e.position,
          e.dropped,
        );
      this.endpoint = null;
    } else if (name === 'node' && this.cursor.depth === node.depth) {
      this.closeNode(node);
      this.node = null;
    }
  }

  private closeTest(
    node: OpenNode,
    attrs: Record<string, string>,
    position: SourcePosition,
    proof: string | undefined,
  ): void {
    const id = attrs.id?.trim().toLowerCase() ?? '';
    if (!id) {
      this.sink.issue('missing-field', 'test has no vulnerability id; it was not imported', position, 1);
      return;
    }
    const e = this.endpoint;
    if (e && !e.valid) {
      e.dropped++;
      return;
    }
    const place: Place = e
      ? compact({ port: e.port, protocol: e.protocol, service: e.service }, 'protocol')
      : { port: 0, protocol: '' };
    const key = `${id}|${place.port}/${place.protocol}`;
    let finding = node.findings.get(key);
    if (!finding) {
      if (!this.hold.spend(key.length)) return;
      finding = { id, ...place, output: new BoundedText(this.budget.output), instances: 0, position };
      node.findings.set(key, finding);
    }
    const instance = [attrs.key, proof].filter(Boolean).join(': ');
    if (instance) finding.output.append(finding.instances ? `\n${instance}` : instance);
    finding.instances++;
  }

  private closeNode(node: OpenNode): void {
    const addressText = node.attrs.address ?? '';
    const address = parseIp(addressText);
    if (!address) {
      this.sink.invalidHost('node address', addressText, node.findings.size, node.position);
      return;
    }
    const findings = [...node.findings.values()].map(({ id, port, protocol, service, output, position }) =>
      compact({ id, port, protocol, service, output: output.toString(), position }, 'protocol'),
    );
    // Names are DNS or NetBIOS names, sometimes the address itself.
    const names = node.names.filter((n) => !parseIp(n));
    const host = compact({
      ...address,
      hostname: names.find((n) => !n.includes('.')),
      fqdn: names.find((n) => n.includes('.')),
      mac: normaliseMac(node.attrs['hardware-address']),
      os: osName(node.os),
      scanStart: this.scanStart,
      scanEnd: this.scanEnd,
    });
    if (node.os?.cpe) node.software.add(softwareFromCpe(node.os.cpe, {}, node.os.version));
    const record = { host, findings, software: node.software.values(), position: node.position };
    // Its findings' evidence (each finding and name was counted as read), its own text and its software: a node of
    // services without findings is held too.
    const chars =
      findings.reduce((n, f) => n + (f.output?.length ?? 0), 0) + JSON.stringify([host, record.software]).length;
    this.held.add(
      record,
      findings.map((f) => f.id),
      chars,
      1 + record.software.length,
    );
  }

  private openInDefinition(
    d: OpenDefinition,
    name: string,
    parent: string | undefined,
    attrs: Record<string, string>,
  ): void {
    const direct = this.cursor.depth === d.depth + 1;
    if (direct && (name === 'description' || name === 'solution'))
      this.rich = new RichText(this.cursor.depth, this.budget.text);
    else if (name === 'reference' && parent === 'references') {
      d.referenceSource = attrs.source?.toUpperCase();
      this.capture.start(this.budget.short);
    } else if (name === 'exploit' && parent === 'exploits') d.exploit = true;
  }

  private closeInDefinition(d: OpenDefinition, name: string, value: string | undefined, rich: RichText | null): void {
    if (rich && (name === 'description' || name === 'solution')) d[name] = rich.toString();
    else if (name === 'reference' && value) {
      if (d.referenceSource === 'CVE') d.cves.push(...extractCves(value).filter((c) => !d.cves.includes(c)));
      else if (d.referenceSource === 'URL' && d.seeAlso.length < MAX_LINKS && !d.seeAlso.includes(value))
        d.seeAlso.push(value);
    } else if (name === 'vulnerability' && this.cursor.depth === d.depth) {
      this.closeDefinition(d);
      this.definition = null;
    }
  }

  private closeDefinition(d: OpenDefinition): void {
    const id = d.attrs.id?.trim().toLowerCase() ?? '';
    if (!this.held.referenced.has(id)) return;
    const level = d.attrs.severity?.trim();
    const score = parseScore(d.attrs.cvssScore);
    if (Number.isNaN(score))
      this.sink.issue(
        'invalid-score',
        `vulnerability ${id}: cvssScore "${d.attrs.cvssScore}" is not a score; ignored`,
        d.position,
      );
    const vector = d.attrs.cvssVector?.replace(/^\((.*)\)$/, '$1');
    const isV3 = vector?.startsWith('CVSS:3') ?? false;
    const n = /^\d{1,2}$/.test(level ?? '') ? Number(level) : Number.NaN;
    let severity: Severity;
    if (n >= 1 && n <= 10) severity = severityFromScore(n);
    else {
      severity = severityFromScores(score) ?? 'medium';
      this.sink.issue(
        'invalid-severity',
        `vulnerability ${id}: severity "${level ?? ''}" is not 1–10; rated ${severity} from its CVSS score, or medium without one`,
        d.position,
      );
    }
    const definition: Definition = {
      title: d.attrs.title,
      level,
      severity,
      cvss2: isV3 ? undefined : cvss(score, vector),
      cvss3: isV3 ? cvss(score, vector) : undefined,
      cves: d.cves,
      seeAlso: d.seeAlso,
      description: d.description,
      solution: d.solution,
      exploit: d.exploit,
    };
    const text = [definition.title, definition.description, definition.solution];
    if (this.hold.spend(text.reduce((sum, t) => sum + (t?.length ?? 0), 0))) this.definitions.set(id, definition);
  }

  private emit(record: HeldNode): void {
    const findings = record.findings.map((f): Finding => {
      const d = this.definitions.get(f.id);
      if (!d && !this.undefinedIds.has(f.id)) {
        this.undefinedIds.add(f.id);
        this.sink.issue(
          'missing-field',
          `vulnerability ${f.id} has no definition in the report; rated medium`,
          f.position,
        );
      }
      return compact(
        {
          scanner: 'nexpose',
          scannerId: f.id,
          name: d?.title || f.id,
          severity: d?.severity ?? 'medium',
          scannerRating: d?.level,
          cvss2: d?.cvss2,
          cvss3: d?.cvss3,
          cves: [...(d?.cves ?? [])],
          port: f.port,
          protocol: f.protocol,
          service: f.service,
          description: d?.description,
          solution: d?.solution,
          seeAlso: d?.seeAlso.length ? [...d.seeAlso] : undefined,
          output: f.output,
          exploitAvailable: d?.exploit || undefined,
          position: f.position,
        } satisfies Finding,
        'protocol',
      );
    });
    this.sink.host({
      host: record.host,
      findings,
      software: record.software,
      position: record.position,
      complete: true,
    });
  }
}

export const nexposeFormat = xmlFormat({
  format: 'nexpose',
  scanner: 'nexpose',
  subject: 'host',
  label: 'Rapid7 Nexpose/InsightVM XML',
  roots: ['NexposeReport'],
  handler: (cursor, sink, limits) => new NexposeHandler(cursor, sink, limits),
});
