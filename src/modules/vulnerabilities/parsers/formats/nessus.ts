// Nessus v2 (`NessusClientData_v2`): one record per ReportHost, emitted when the host closes.
import {
  addUnique,
  compact,
  cvss,
  epochTime,
  isCve,
  normaliseMac,
  parseIp,
  parsePort,
  parseScore,
  textTime,
  truncate,
} from '../fields.ts';
import { xmlFormat } from '../format.ts';
import { severityFromLabel, severityFromNessusLevel, severityFromScores } from '../severity.ts';
import { SoftwareList, serviceItem } from '../software.ts';
import type { Finding, ScannedHost, Severity, SourcePosition } from '../types.ts';
import { FormatHandler, type TextBudget } from '../xml-stream.ts';

/** HostProperties tags we keep; the others (patch summaries, traceroute…) are skipped unread. */
const HOST_TAGS = new Set([
  'host-ip',
  'host-fqdn',
  'hostname',
  'netbios-name',
  'mac-address',
  'operating-system',
  'HOST_START',
  'HOST_END',
  'HOST_START_TIMESTAMP',
  'HOST_END_TIMESTAMP',
]);

/** Host tags naming a CPE: `cpe` and `cpe-0`, `cpe-1`… (`cpe:/o:microsoft:windows_10 -> Microsoft Windows 10`). */
const CPE_TAG = /^cpe(-\d+)?$/;

/** "Common Platform Enumeration (CPE)": its output lists the host's OS and application CPEs, one per line. */
const CPE_PLUGIN = '45590';
/** That output is read whole up to this length (the finding keeps only the usual output budget). */
const CPE_OUTPUT_BUDGET = 64_000;

/** ReportItem children we read, with the length budget of each. */
const ITEM_FIELDS: Record<string, TextBudget> = {
  cve: 'short',
  cvss_base_score: 'short',
  cvss_vector: 'short',
  cvss3_base_score: 'short',
  cvss3_vector: 'short',
  risk_factor: 'short',
  exploit_available: 'short',
  plugin_name: 'short',
  solution: 'text',
  synopsis: 'text',
  description: 'text',
  see_also: 'text',
  plugin_output: 'output',
};

interface OpenHost {
  name: string;
  position: SourcePosition;
  props: Map<string, string>;
  /** Resolved on first use; null when the host has no valid IP. */
  identity?: ScannedHost | null;
  findings: Finding[];
  software: SoftwareList;
  /** Findings left out because the host has no valid IP. */
  unattributed: number;
}

interface OpenItem {
  attrs: Record<string, string>;
  position: SourcePosition;
  fields: Map<string, string>;
  cves: string[];
}

export class NessusHandler extends FormatHandler {
  private host: OpenHost | null = null;
  private item: OpenItem | null = null;
  private tagName: string | null = null;

  open(name: string, attrs: Record<string, string>): void {
    const parent = this.cursor.parent();
    if (name === 'ReportHost' && parent === 'Report') {
      this.host = {
        name: attrs.name ?? '',
        position: this.cursor.here(),
        props: new Map(),
        findings: [],
        software: new SoftwareList(),
        unattributed: 0,
      };
    } else if (!this.host) {
      return;
    } else if (this.item && parent === 'ReportItem') {
      const limit = ITEM_FIELDS[name];
      if (name === 'plugin_output' && this.item.attrs.pluginID === CPE_PLUGIN) this.capture.start(CPE_OUTPUT_BUDGET);
      else if (limit) this.capture.start(this.budget[limit]);
    } else if (name === 'ReportItem' && parent === 'ReportHost') {
      this.item = { attrs, position: this.cursor.here(), fields: new Map(), cves: [] };
    } else if (
      name === 'tag' &&
      parent === 'HostProperties' &&
      (HOST_TAGS.has(attrs.name ?? '') || CPE_TAG.test(attrs.name ?? ''))
    ) {
      this.tagName = attrs.name ?? null;
      this.capture.start(this.budget.short);
    }
  }

  close(name: string): void {
    const host = this.host;
    if (!host) return;
    const parent = this.cursor.parent();
    if (this.item && parent === 'ReportItem') {
      const value = this.capture.take();
      if (value === undefined) return;
      if (name === 'cve') this.item.cves.push(value);
      else this.item.fields.set(name, value);
    } else if (name === 'tag' && this.tagName) {
      const value = this.capture.take() ?? '';
      if (CPE_TAG.test(this.tagName)) host.software.addLines(value);
      else host.props.set(this.tagName, value);
      this.tagName = null;
    } else if (name === 'ReportItem' && this.item) {
      this.closeItem(host, this.item);
      this.item = null;
    } else if (name === 'ReportHost' && parent === 'Report') {
      this.emitHost(host, true);
      this.host = null;
    }
  }

  abort(): void {
    if (this.host) this.emitHost(this.host, false);
    this.host = null;
    this.item = null;
  }

  private identity(host: OpenHost): ScannedHost | null {
    if (host.identity !== undefined) return host.identity;
    const p = host.props;
    const address = parseIp(p.get('host-ip') ?? host.name);
    host.identity = address
      ? compact({
          ...address,
          hostname: p.get('hostname') ?? (parseIp(host.name) ? undefined : host.name),
          fqdn: p.get('host-fqdn'),
          netbios: p.get('netbios-name'),
          mac: normaliseMac(p.get('mac-address')),
          // Nessus lists its OS guesses one per line, best first.
          os: p.get('operating-system')?.split('\n')[0]?.trim(),
          scanStart: epochTime(p.get('HOST_START_TIMESTAMP')) ?? textTime(p.get('HOST_START')),
          scanEnd: epochTime(p.get('HOST_END_TIMESTAMP')) ?? textTime(p.get('HOST_END')),
        })
      : null;
    return host.identity;
  }

  private emitHost(host: OpenHost, complete: boolean): void {
    const identity = this.identity(host);
    if (identity) {
      const software = host.software.values();
      this.sink.host({ host: identity, findings: host.findings, software, position: host.position, complete });
      return;
    }
    const address = host.props.get('host-ip') ?? host.name;
    this.sink.issue(
      'invalid-ip',
      `ReportHost "${host.name}" has no valid IP address ("${address}"); its ${host.unattributed} findings were not imported`,
      host.position,
      host.unattributed,
    );
  }

  private closeItem(host: OpenHost, item: OpenItem): void {
    const { attrs, fields, position } = item;
    const port = parsePort(attrs.port ?? '');
    const pluginId = attrs.pluginID?.trim();
    if (port === undefined) {
      this.sink.issue('invalid-port', `ReportItem port "${attrs.port ?? ''}" is not a port number`, position, 1);
      return;
    }
    if (!pluginId) {
      this.sink.issue('missing-field', 'ReportItem has no pluginID', position, 1);
      return;
    }
    if (!this.identity(host)) {
      host.unattributed++;
      return;
    }
    const cvss2 = this.score(fields, 'cvss_base_score', position);
    const cvss3 = this.score(fields, 'cvss3_base_score', position);
    const cves: string[] = [];
    for (const cve of item.cves) {
      if (isCve(cve)) addUnique(cves, [cve.toUpperCase()]);
      else this.sink.issue('invalid-cve', `"${cve}" is not a CVE id`, position);
    }
    const output = fields.get('plugin_output');
    if (pluginId === CPE_PLUGIN && output) host.software.addLines(output);
    // Every item on a port says a service answered there, under the name Nessus detected.
    if (port > 0)
      host.software.add(serviceItem({ port, protocol: attrs.protocol?.trim().toLowerCase(), service: attrs.svc_name }));
    const exploit = fields.get('exploit_available');
    host.findings.push(
      compact(
        {
          scanner: 'nessus',
          scannerId: pluginId,
          name: attrs.pluginName || fields.get('plugin_name') || `Nessus plugin ${pluginId}`,
          severity: this.severity(attrs.severity, fields, cvss3, cvss2, position),
          scannerRating: attrs.severity,
          cvss2: cvss(cvss2, fields.get('cvss_vector')),
          cvss3: cvss(cvss3, fields.get('cvss3_vector')),
          cves,
          port,
          protocol: attrs.protocol?.trim().toLowerCase() ?? '',
          service: attrs.svc_name,
          family: attrs.pluginFamily,
          synopsis: fields.get('synopsis'),
          description: fields.get('description'),
          solution: fields.get('solution'),
          seeAlso: fields.get('see_also')?.split(/\s+/).filter(Boolean),
          output: output && output.length > this.budget.output ? truncate(output, this.budget.output) : output,
          exploitAvailable: exploit === undefined ? undefined : exploit === 'true',
          position,
        } satisfies Finding,
        'protocol',
      ),
    );
  }

  private score(fields: Map<string, string>, field: string, position: SourcePosition): number | undefined {
    const score = parseScore(fields.get(field));
    if (Number.isNaN(score)) {
      this.sink.issue('invalid-score', `${field} "${fields.get(field)}" is not a CVSS score; ignored`, position);
      return undefined;
    }
    return score;
  }

  /** The plugin's 0–4 rating; when it is missing or broken, risk_factor, then the CVSS scores. */
  private severity(
    level: string | undefined,
    fields: Map<string, string>,
    cvss3: number | undefined,
    cvss2: number | undefined,
    position: SourcePosition,
  ): Severity {
    const rated = level === undefined ? undefined : severityFromNessusLevel(level);
    if (rated) return rated;
    const risk = fields.get('risk_factor');
    const fromRisk = risk ? severityFromLabel(risk) : undefined;
    const fromScore = severityFromScores(cvss3, cvss2);
    const source = fromRisk ? `risk_factor "${risk}"` : fromScore ? 'its CVSS score' : 'lack of any rating';
    const fallback = fromRisk ?? fromScore ?? 'info';
    this.sink.issue(
      'invalid-severity',
      `ReportItem severity "${level ?? ''}" is not 0–4; rated ${fallback} from ${source}`,
      position,
    );
    return fallback;
  }
}

export const nessusFormat = xmlFormat({
  format: 'nessus',
  scanner: 'nessus',
  subject: 'host',
  label: 'Nessus (.nessus v2)',
  roots: ['NessusClientData_v2'],
  handler: (cursor, sink, limits) => new NessusHandler(cursor, sink, limits),
});
