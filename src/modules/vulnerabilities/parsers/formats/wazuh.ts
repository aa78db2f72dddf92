// Wazuh vulnerability detection, in its two exports: the 4.7 API answer of `GET /vulnerability/{agent_id}`
// (`{"data":{"affected_items":[…]}}`) and, from 4.8 on, an indexer search answer over `wazuh-states-vulnerabilities-*`
// (`{"hits":{"hits":[{"_source":{agent, package, vulnerability…}}]}}`). A finding is one CVE on one package of an agent.
// Neither export names the agent's address by itself: the 4.7 API answer has none (exporters add `agent_ip`), 4.8–4.14
// documents name the agent's id and name only (`agent.host.ip`, Wazuh 5's `wazuh.agent.host.ip`, are read when an
// export has them). Without an address an item is on no computer: reported and left out. The export is the agents'
// state when it was made and writes no such time (`detection_time` is when each CVE was first found), so its computers
// are dated by the import, or by the time the importer gives.
import { compact, cvss, isCve, parseIp, parseScore, truncate } from '../fields.ts';
import { jsonKeys, jsonStart, type ScanHead } from '../format.ts';
import { type JsonHandler, type JsonPath, jsonFormat, jsonText as text } from '../json-stream.ts';
import { severityFromLabel, severityFromScores } from '../severity.ts';
import { type EventSink, MAX_RUN } from '../sink.ts';
import type { Finding, ParseOptions, ScannedHost, Severity, SourcePosition } from '../types.ts';
import { referenceUrls } from '../web.ts';

/** Identifiers and names (CVE, package, version, agent) longer than this are cut. */
const MAX_NAME = 500;

/** Wazuh's own ratings for a CVE no database has scored yet: rated from its scores, silently. */
const UNRATED = new Set(['', '-', 'untriaged']);

/** The value at a path of nested objects, or undefined. */
function at(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** What both exports say of one vulnerable package, read into one shape. */
interface Item {
  id: string;
  package: string;
  version: string;
  architecture: string;
  /** The agent's address as written (a list in the indexer's schema: its first address that is one). */
  address: string;
  addressField: string;
  hostname: string;
  os: string;
  severity: string;
  status: string;
  condition: string;
  title: string;
  description: string;
  cvss2?: unknown;
  cvss3?: unknown;
  /** The 4.8 base score and its CVSS version. */
  score?: unknown;
  scoreVersion: string;
  references: string[];
}

function fromApi(item: unknown): Item {
  const refs = at(item, 'external_references');
  return {
    id: text(at(item, 'cve')),
    package: text(at(item, 'name')),
    version: text(at(item, 'version')),
    architecture: text(at(item, 'architecture')),
    address: text(at(item, 'agent_ip')),
    addressField: 'agent_ip',
    hostname: text(at(item, 'agent_name')),
    os: '',
    severity: text(at(item, 'severity')),
    status: text(at(item, 'status')),
    condition: text(at(item, 'condition')),
    title: text(at(item, 'title')),
    description: '',
    cvss2: at(item, 'cvss2_score'),
    cvss3: at(item, 'cvss3_score'),
    scoreVersion: '',
    references: Array.isArray(refs) ? refs.map(text) : [],
  };
}

/** The first address of a field the indexer's schema types `ip`: one address or a list of them. */
function firstAddress(value: unknown): string {
  const list = (Array.isArray(value) ? value : [value]).map(text).filter(Boolean);
  return list.find((a) => parseIp(a)) ?? list[0] ?? '';
}

function fromIndexer(hit: unknown): Item {
  const source = at(hit, '_source');
  const vuln = at(source, 'vulnerability');
  // Wazuh 5 keeps the agent under `wazuh.agent`; the 4.x states schema under `agent`.
  const agent = at(source, 'wazuh', 'agent') ?? at(source, 'agent');
  return {
    id: text(at(vuln, 'id')),
    package: text(at(source, 'package', 'name')),
    version: text(at(source, 'package', 'version')),
    architecture: text(at(source, 'package', 'architecture')),
    address: firstAddress(at(agent, 'host', 'ip')),
    addressField: at(source, 'wazuh', 'agent') ? 'wazuh.agent.host.ip' : 'agent.host.ip',
    hostname: text(at(agent, 'host', 'hostname')) || text(at(agent, 'name')),
    os: text(at(source, 'host', 'os', 'full')),
    severity: text(at(vuln, 'severity')),
    status: '',
    condition: text(at(vuln, 'scanner', 'condition')),
    title: '',
    description: text(at(vuln, 'description')),
    score: at(vuln, 'score', 'base'),
    scoreVersion: text(at(vuln, 'score', 'version')),
    references: [text(at(vuln, 'reference')), text(at(vuln, 'scanner', 'reference'))],
  };
}

/** The 4.7 status: `VALID` once the last scan confirmed it; 4.8 documents have none (they are the current state). */
const confirmed = (item: Item) => !item.status || item.status.toUpperCase() === 'VALID';

interface Run {
  host: ScannedHost;
  position: SourcePosition;
  findings: Finding[];
}

class WazuhHandler implements JsonHandler {
  readonly paths = ['$.data.affected_items.*', '$.data.total_affected_items', '$.hits.total', '$.hits.hits.*'];
  private run: Run | null = null;
  private items = 0;
  /** How many items the answer says the query matched, when it says so: more than it holds means one page. */
  private total: { count: number; at: SourcePosition } | undefined;

  constructor(
    private readonly sink: EventSink,
    private readonly limits: Required<ParseOptions>,
  ) {}

  value(value: unknown, path: JsonPath, position: SourcePosition): void {
    if (path[1] === 'total_affected_items' || path[1] === 'total') {
      // Elasticsearch 7+ writes `{"value": n, "relation": "eq"}`, older versions the number.
      const count = Number(typeof value === 'object' ? at(value, 'value') : value);
      if (Number.isInteger(count)) this.total = { count, at: position };
      return;
    }
    this.items++;
    const item = path[0] === 'hits' ? fromIndexer(value) : fromApi(value);
    this.add(item, position);
  }

  finish(): void {
    this.flush(true);
    const total = this.total;
    if (total && total.count > this.items) {
      this.sink.issue(
        'missing-field',
        `the answer holds ${this.items} of the ${total.count} vulnerabilities its query matched (one page): the ` +
          `other ${total.count - this.items} are not in the file, and this import resolves those an earlier import ` +
          'found on these computers; export them all at once',
        total.at,
        total.count - this.items,
      );
    }
  }

  abort(): void {
    this.flush(false);
  }

  private flush(complete: boolean): void {
    if (this.run)
      this.sink.host({ host: this.run.host, findings: this.run.findings, position: this.run.position, complete });
    this.run = null;
  }

  private add(item: Item, position: SourcePosition): void {
    const id = truncate(item.id, MAX_NAME);
    const pkg = truncate(item.package, MAX_NAME);
    if (!id) {
      this.sink.issue('missing-field', 'vulnerability without a CVE id; not imported', position, 1);
      return;
    }
    const address = parseIp(item.address);
    if (!address) {
      const what = `${id}${pkg ? ` on ${pkg}` : ''}`;
      if (item.address)
        this.sink.issue(
          'invalid-ip',
          `${what}: ${item.addressField} "${truncate(item.address, 100)}" is not an IP address; not imported`,
          position,
          1,
        );
      else
        this.sink.issue(
          'missing-field',
          `${what}: no agent address (${item.addressField}), so no computer to put it on; not imported`,
          position,
          1,
        );
      return;
    }
    const cves = isCve(id) ? [id.toUpperCase()] : [];
    if (!cves.length && /^CVE-/i.test(id))
      this.sink.issue('invalid-cve', `"${id}" is not a CVE id; kept as the check's id`, position);

    // 4.8 gives one base score with its CVSS version; 4.7 both versions' scores.
    const base = this.score(item.score, 'score.base', position);
    const major = item.scoreVersion[0];
    const cvss2 = major === '2' ? base : this.score(item.cvss2, 'cvss2_score', position);
    const cvss3 = major === '3' ? base : this.score(item.cvss3, 'cvss3_score', position);
    const scannerScore = major === '2' || major === '3' ? undefined : base;
    const version = [truncate(item.version, MAX_NAME), item.architecture && `(${truncate(item.architecture, 50)})`];
    const output = [
      [pkg, ...version].filter(Boolean).join(' '),
      item.condition,
      confirmed(item) ? '' : `status ${item.status}`,
    ];
    const seeAlso = referenceUrls(...item.references);
    const finding = compact(
      {
        scanner: 'wazuh',
        // One finding per CVE per package: an upgrade that leaves the package vulnerable is the same finding.
        scannerId: pkg ? `${id} ${pkg}` : id,
        name: truncate(item.title, MAX_NAME) || (pkg ? `${id} affects ${pkg}` : id),
        severity: this.severity(item, cvss3 ?? scannerScore, cvss2, position),
        scannerRating: truncate(item.severity, 50),
        scannerScore,
        cvss2: cvss(cvss2, undefined),
        cvss3: cvss(cvss3, undefined),
        cves,
        port: 0,
        protocol: '',
        description: truncate(item.description, this.limits.maxTextLength),
        seeAlso,
        output: truncate(output.filter(Boolean).join('; '), this.limits.maxOutputLength),
        position,
      } satisfies Finding,
      'protocol',
    );

    const host: ScannedHost = compact({
      ...address,
      hostname: truncate(item.hostname, MAX_NAME),
      os: truncate(item.os, MAX_NAME),
    });
    const run = this.run;
    if (run && (run.host.ip !== host.ip || run.host.hostname !== host.hostname || run.findings.length >= MAX_RUN))
      this.flush(true);
    this.run ??= { host, position, findings: [] };
    this.run.findings.push(finding);
  }

  /** A 0–10 score (a number, or its text); Wazuh writes 0 for "none". */
  private score(value: unknown, label: string, position: SourcePosition): number | undefined {
    const score = typeof value === 'number' ? value : parseScore(text(value));
    if (score === undefined || score === 0) return undefined;
    if (score > 0 && score <= 10) return score;
    this.sink.issue('invalid-score', `${label} "${truncate(text(value), 50)}" is not a CVSS score; ignored`, position);
    return undefined;
  }

  /**
   * Wazuh's rating; a CVE not yet rated (`Untriaged`, `-`) from its scores. What the last scan did not confirm
   * (4.7 status `PENDING`, `OBSOLETE`) is `info`: reported, never open.
   */
  private severity(
    item: Item,
    primary: number | undefined,
    cvss2: number | undefined,
    position: SourcePosition,
  ): Severity {
    if (!confirmed(item)) return 'info';
    const rated = severityFromLabel(item.severity);
    if (rated) return rated;
    const fallback = severityFromScores(primary, cvss2) ?? 'info';
    if (!UNRATED.has(item.severity.toLowerCase()))
      this.sink.issue(
        'invalid-severity',
        `severity "${truncate(item.severity, 50)}" is unknown; rated ${fallback} from its score`,
        position,
      );
    return fallback;
  }
}

function detect(head: ScanHead): boolean {
  if (jsonStart(head) !== '{') return false;
  const keys = jsonKeys(head);
  // 4.7: the vulnerability endpoint's items (or its empty answer, which says what it returned).
  if (keys.has('affected_items'))
    return (
      (keys.has('cve') && (keys.has('condition') || keys.has('detection_time'))) ||
      /"message"\s*:\s*"[^"]*vulnerabilit/i.test(head.text)
    );
  // 4.8+: search hits whose documents carry Wazuh's own fields next to the vulnerability.
  return (
    keys.has('hits') &&
    keys.has('vulnerability') &&
    (keys.has('wazuh') || head.text.includes('wazuh-states-vulnerabilities'))
  );
}

export const wazuhFormat = jsonFormat({
  format: 'wazuh',
  scanner: 'wazuh',
  subject: 'host',
  label: 'Wazuh vulnerability JSON (API 4.7, indexer 4.8+)',
  detect,
  handler: (sink, limits) => new WazuhHandler(sink, limits),
});
