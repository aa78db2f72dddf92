// Nmap XML (`nmaprun`): one record per host that is up, with its open ports as services; each
// entry of the `vulners` NSE script becomes a finding on its port. Without vulners output a
// host has no findings: an open port alone is not a vulnerability.
import { compact, epochTime, extractCves, normaliseMac, parseIp, parsePort, parseScore } from '../fields.ts';
import { xmlFormat } from '../format.ts';
import { severityFromScore } from '../severity.ts';
import { SoftwareList, serviceItem, softwareFromCpe } from '../software.ts';
import type { Finding, OpenService, ScannedHost, SourcePosition } from '../types.ts';
import { FormatHandler } from '../xml-stream.ts';

interface OpenHost {
  position: SourcePosition;
  attrs: Record<string, string>;
  up: boolean;
  addresses: string[];
  mac?: string;
  hostnames: { name: string; type: string }[];
  os?: string;
  /** The best OS match's CPEs (Nmap lists its matches best first). */
  osCpes: string[];
  osMatches: number;
  services: OpenService[];
  software: SoftwareList;
  findings: Finding[];
}

interface OpenPort {
  port: number;
  protocol: string;
  open: boolean;
  service?: string;
  product?: string;
  version?: string;
  /** `-sV` service CPEs. */
  cpes: string[];
}

interface OpenVulners {
  product: string;
  entry: Map<string, string> | null;
  position: SourcePosition;
}

export class NmapHandler extends FormatHandler {
  private host: OpenHost | null = null;
  private port: OpenPort | null = null;
  private vulners: OpenVulners | null = null;
  private elemKey = '';

  open(name: string, attrs: Record<string, string>): void {
    const parent = this.cursor.parent();
    if (name === 'host' && parent === 'nmaprun') {
      this.host = {
        position: this.cursor.here(),
        attrs,
        up: false,
        addresses: [],
        hostnames: [],
        osCpes: [],
        osMatches: 0,
        services: [],
        software: new SoftwareList(),
        findings: [],
      };
      return;
    }
    const host = this.host;
    if (!host) return;
    if (name === 'status') host.up = attrs.state === 'up';
    else if (name === 'address') this.address(host, attrs);
    else if (name === 'hostname' && attrs.name) host.hostnames.push({ name: attrs.name, type: attrs.type ?? '' });
    else if (name === 'osmatch') {
      host.osMatches++;
      host.os ??= attrs.name;
    } else if (name === 'cpe' && parent === 'osclass' && host.osMatches === 1) this.capture.start(this.budget.short);
    else if (name === 'port' && parent === 'ports') this.openPort(attrs);
    else if (this.port) this.inPort(this.port, name, parent, attrs);
  }

  close(name: string): void {
    const host = this.host;
    if (!host) return;
    const value = this.capture.take();
    const vulners = this.vulners;
    if (name === 'cpe' && value !== undefined) {
      if (this.port) this.port.cpes.push(value);
      else host.osCpes.push(value);
    } else if (vulners?.entry && value !== undefined) {
      vulners.entry.set(this.elemKey, value);
    } else if (vulners?.entry && name === 'table') {
      this.closeEntry(host, vulners, vulners.entry);
      vulners.entry = null;
    } else if (name === 'script') {
      this.vulners = null;
    } else if (name === 'port' && this.port) {
      const { open, cpes, ...service } = this.port;
      if (open) {
        host.services.push(compact(service));
        this.portSoftware(host.software, service, cpes);
      }
      this.port = null;
    } else if (name === 'host' && this.cursor.parent() === 'nmaprun') {
      this.closeHost(host, true);
      this.host = null;
    }
  }

  abort(): void {
    if (this.host) this.closeHost(this.host, false);
    this.host = null;
  }

  private address(host: OpenHost, attrs: Record<string, string>): void {
    if (attrs.addrtype === 'mac') host.mac = normaliseMac(attrs.addr);
    // IPv4 first: it is what the agencies' address ranges are written in.
    else if (attrs.addrtype === 'ipv4') host.addresses.unshift(attrs.addr ?? '');
    else if (attrs.addrtype === 'ipv6') host.addresses.push(attrs.addr ?? '');
  }

  private openPort(attrs: Record<string, string>): void {
    const port = parsePort(attrs.portid ?? '');
    if (port === undefined) {
      this.sink.issue('invalid-port', `port "${attrs.portid ?? ''}" is not a port number`, this.cursor.here());
      return;
    }
    this.port = { port, protocol: attrs.protocol?.toLowerCase() ?? '', open: false, cpes: [] };
  }

  private inPort(port: OpenPort, name: string, parent: string | undefined, attrs: Record<string, string>): void {
    if (name === 'state') port.open = attrs.state === 'open';
    else if (name === 'service') {
      Object.assign(port, { service: attrs.name, product: attrs.product, version: attrs.version });
    } else if (name === 'cpe' && parent === 'service') this.capture.start(this.budget.short);
    else if (name === 'script' && attrs.id === 'vulners') {
      this.vulners = { product: '', entry: null, position: this.cursor.here() };
    } else if (this.vulners) this.inVulners(this.vulners, name, parent, attrs);
  }

  /** vulners output: `<table key="cpe:…"><table><elem key="id">CVE-…</elem><elem key="cvss">…`. */
  private inVulners(vulners: OpenVulners, name: string, parent: string | undefined, attrs: Record<string, string>) {
    if (name === 'table') {
      vulners.position = this.cursor.here();
      if (parent === 'script') vulners.product = attrs.key ?? '';
      else vulners.entry = new Map();
    } else if (name === 'elem' && vulners.entry) {
      this.elemKey = attrs.key ?? '';
      this.capture.start(this.budget.short);
    }
  }

  private closeEntry(host: OpenHost, vulners: OpenVulners, entry: Map<string, string>): void {
    const port = this.port;
    const id = entry.get('id');
    if (!port || !id) {
      this.sink.issue('missing-field', 'vulners entry has no id', vulners.position, 1);
      return;
    }
    const score = parseScore(entry.get('cvss'));
    if (Number.isNaN(score)) {
      this.sink.issue('invalid-score', `vulners cvss "${entry.get('cvss')}" is not a score; ignored`, vulners.position);
    }
    const type = entry.get('type');
    const known = score !== undefined && !Number.isNaN(score);
    host.findings.push(
      compact(
        {
          scanner: 'nmap',
          scannerId: `vulners:${id}`,
          name: vulners.product ? `${id} (${vulners.product})` : id,
          // vulners gives a bare score and no rating of its own.
          severity: known ? severityFromScore(score) : 'info',
          scannerScore: known ? score : undefined,
          cves: extractCves(id),
          port: port.port,
          protocol: port.protocol,
          service: port.service,
          family: type,
          seeAlso: type ? [`https://vulners.com/${type}/${id}`] : undefined,
          exploitAvailable: entry.has('is_exploit') ? entry.get('is_exploit') === 'true' : undefined,
          position: vulners.position,
        } satisfies Finding,
        'protocol',
      ),
    );
  }

  /**
   * An open port's software: one item per service CPE, else the product `-sV` named. A port whose service name comes
   * only from Nmap's port table (`method="table"`, no product) is a guess, not something the scan revealed.
   */
  private portSoftware(list: SoftwareList, s: Omit<OpenPort, 'open' | 'cpes'>, cpes: string[]): void {
    const place = compact({ port: s.port, protocol: s.protocol, service: s.service });
    for (const cpe of cpes) list.add(softwareFromCpe(cpe, place, s.version));
    if (!cpes.length && s.product) list.add(serviceItem(place, s.product, s.version));
  }

  private closeHost(host: OpenHost, complete: boolean): void {
    if (!host.up) return;
    const written = host.addresses[0] ?? '';
    const address = parseIp(written);
    if (!address) {
      this.sink.invalidHost('host address', written, host.findings.length, host.position);
      return;
    }
    // A name the user typed on the command line beats a reverse-DNS one.
    const named = host.hostnames.find((h) => h.type === 'user') ?? host.hostnames[0];
    const identity: ScannedHost = compact({
      ...address,
      hostname: named?.name,
      mac: host.mac,
      os: host.os,
      scanStart: epochTime(host.attrs.starttime),
      scanEnd: epochTime(host.attrs.endtime),
      services: host.services,
    });
    for (const cpe of host.osCpes) host.software.add(softwareFromCpe(cpe));
    const software = host.software.values();
    this.sink.host({ host: identity, findings: host.findings, software, position: host.position, complete });
  }
}

export const nmapFormat = xmlFormat({
  format: 'nmap',
  scanner: 'nmap',
  subject: 'host',
  label: 'Nmap XML',
  roots: ['nmaprun'],
  handler: (cursor, sink, limits) => new NmapHandler(cursor, sink, limits),
});
