// Nikto reports, XML (`-Format xml`) and JSON (`-Format json`): one website per scanned host and port, one finding per
// item (the Nikto test id at the item's path). Both layouts map an item through `niktoFinding`.
import { addUnique, extractCves, parseIp, parsePort, textTime, truncate, wallTime } from '../fields.ts';
import { jsonKeys, jsonStart, type ScanHead, xmlFormat } from '../format.ts';
import { type JsonHandler, type JsonPath, jsonFormat, jsonText as text } from '../json-stream.ts';
import type { EventSink } from '../sink.ts';
import type { ParseOptions, ScannedWebsite, ScanTime, Severity, SourcePosition, WebFinding } from '../types.ts';
import { referenceUrls, WebsiteRuns, webLocation, webPlace, webPlaceAt } from '../web.ts';
import { FormatHandler, type TextBudget, type XmlCursor } from '../xml-stream.ts';

/**
 * Nikto rates nothing. Its items are misconfigurations or exposures (`low`), except the tests that only repeat what the
 * server announces about itself: a header's value (999986; 000287 since 2.5), an uncommon header (999100), the HTTP
 * methods it lists (999990, 999985), the robots.txt summary (999996). Those are `info`, unless the item names a CVE.
 */
const INFO_TESTS = new Set(['999986', '000287', '999100', '999990', '999985', '999996']);

const niktoSeverity = (id: string, cves: string[]): Severity =>
  INFO_TESTS.has(id) && cves.length === 0 ? 'info' : 'low';

/** An item as both layouts give it. */
interface NiktoItem {
  id: string;
  method: string;
  uri: string;
  message: string;
  /** Nikto 2.5: CVE ids and links. */
  references: string;
  /** XML before 2.5: the OSVDB entry's link, when the id is not 0. */
  osvdbLink?: string;
}

/** A scanned site: the website and the origin its items' paths hang from. */
interface NiktoSite {
  website: ScannedWebsite;
  origin: string;
}

/** `2020-11-14 19:24:57` (local, XML) or `2025-01-31 10:02:11 +0700` (JSON since 2.5). */
function niktoTime(raw: string | undefined): ScanTime | undefined {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\s*([+-]\d\d):?(\d\d))?$/.exec(raw?.trim() ?? '');
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, zh, zm] = m;
  if (zh) return textTime(`${y}-${mo}-${d}T${h}:${mi}:${s}${zh}:${zm}`);
  return wallTime(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s));
}

function niktoSite(url: string, ip: string | undefined, start: string | undefined): NiktoSite | undefined {
  const place = webPlace(url);
  if (!place) return undefined;
  const website = { ...place.website, ip: parseIp(ip ?? '')?.ip, scanStart: niktoTime(start) };
  return { website, origin: new URL(place.url).origin };
}

/** The finding an item gives on its site; undefined when its path makes no URL. */
function niktoFinding(
  item: NiktoItem,
  site: NiktoSite,
  at: SourcePosition,
  limits: Required<ParseOptions>,
): WebFinding | undefined {
  const uri = item.uri || '/';
  const place = webPlaceAt(site.origin, uri);
  if (!place) return undefined;
  // Since 2.5 the XML message starts with the item's path, as the text report prints it.
  const message = item.message.startsWith(`${uri}: `) ? item.message.slice(uri.length + 2) : item.message;
  const cves: string[] = [];
  addUnique(cves, extractCves(`${item.references} ${message}`));
  const seeAlso = referenceUrls(item.references, item.osvdbLink);
  return {
    scanner: 'nikto',
    scannerId: item.id,
    name: truncate(message.split('\n')[0] ?? '', 300) || `Nikto test ${item.id}`,
    severity: niktoSeverity(item.id, cves),
    url: place.url,
    location: webLocation(place.path),
    method: truncate(item.method, 20),
    cwes: [],
    cves,
    description: truncate(message, limits.maxTextLength),
    seeAlso,
    position: at,
  };
}

/** One test at one path reported again says something else (999986 for each header): its message is kept too. */
const repeated =
  (limit: number) =>
  (kept: WebFinding, again: WebFinding): WebFinding => {
    const said = kept.description ?? '';
    const more = again.description ?? '';
    const cves = [...kept.cves];
    addUnique(cves, again.cves);
    const description =
      !more || said.includes(more) || said.length >= limit ? said : truncate(`${said}\n${more}`, limit);
    return { ...kept, description, cves, severity: niktoSeverity(kept.scannerId, cves) };
  };

/** Items of a site that makes no website: reported once per site, with their count. */
function reportLostSite(sink: EventSink, site: string, at: SourcePosition, items: number): void {
  sink.issue(
    'invalid-url',
    `site "${truncate(site, 200)}" is no http(s) website; its ${items} item(s) skipped`,
    at,
    items,
  );
}

const ITEM_FIELDS: Record<string, TextBudget> = { description: 'text', uri: 'text', references: 'text' };

interface XmlSite {
  site: NiktoSite | undefined;
  /** What the report names the site, for the issue when it makes no website. */
  name: string;
  position: SourcePosition;
  items: number;
}

interface XmlItem {
  attrs: Record<string, string>;
  position: SourcePosition;
  fields: Map<string, string>;
}

class NiktoXmlHandler extends FormatHandler {
  private readonly runs: WebsiteRuns;
  private readonly merge: (kept: WebFinding, again: WebFinding) => WebFinding;
  private site: XmlSite | null = null;
  private item: XmlItem | null = null;

  constructor(
    cursor: XmlCursor,
    sink: EventSink,
    private readonly limits: Required<ParseOptions>,
  ) {
    super(cursor, sink, limits);
    this.runs = new WebsiteRuns(sink);
    this.merge = repeated(limits.maxTextLength);
  }

  open(name: string, attrs: Record<string, string>): void {
    const parent = this.cursor.parent();
    if (name === 'scandetails') {
      // `sitename` is N/A when the target has no name; `siteip` is always written.
      const named = [attrs.sitename, attrs.siteip].find((url) => /^https?:\/\//i.test(url ?? ''));
      this.site = {
        site: niktoSite(named ?? '', attrs.targetip, attrs.starttime),
        name: named ?? attrs.sitename ?? '',
        position: this.cursor.here(),
        items: 0,
      };
    } else if (name === 'item' && parent === 'scandetails') {
      this.item = { attrs, position: this.cursor.here(), fields: new Map() };
    } else if (this.item && parent === 'item') {
      const budget = ITEM_FIELDS[name];
      if (budget) this.capture.start(this.budget[budget]);
    }
  }

  close(name: string): void {
    const value = this.capture.take();
    if (this.item && name === 'item') {
      this.closeItem(this.item);
      this.item = null;
    } else if (this.item && value !== undefined) {
      this.item.fields.set(name, value);
    } else if (name === 'scandetails' && this.site) {
      const { site, position, items } = this.site;
      if (!site) reportLostSite(this.sink, this.site.name, position, items);
      else if (items === 0) this.runs.covered(site.website, position);
      this.site = null;
    }
  }

  override finish(): void {
    this.runs.flush(true);
  }

  abort(): void {
    this.runs.flush(false);
  }

  private closeItem({ attrs, position, fields }: XmlItem): void {
    const current = this.site;
    if (!current) return;
    current.items++;
    if (!current.site) return;
    const id = attrs.id?.trim() ?? '';
    if (!id) {
      this.sink.issue('missing-field', 'item has no Nikto test id; skipped', position, 1);
      return;
    }
    const osvdb = attrs.osvdbid?.trim();
    const item: NiktoItem = {
      id: id.slice(0, 20),
      method: attrs.method?.trim() ?? '',
      uri: fields.get('uri') ?? '',
      message: fields.get('description') ?? '',
      references: fields.get('references') ?? '',
      osvdbLink: osvdb && osvdb !== '0' ? attrs.osvdblink : undefined,
    };
    const finding = niktoFinding(item, current.site, position, this.limits);
    if (finding) this.runs.add(current.site.website, finding, current.position, this.merge);
    else this.sink.issue('invalid-url', `item path "${truncate(item.uri, 200)}" makes no URL; skipped`, position, 1);
  }
}

export const niktoFormat = xmlFormat({
  format: 'nikto',
  scanner: 'nikto',
  subject: 'website',
  label: 'Nikto XML',
  roots: ['niktoscan', 'niktoscans'],
  handler: (cursor, sink, limits) => new NiktoXmlHandler(cursor, sink, limits),
});

type Json = Record<string, unknown>;

/** The host fields read before its vulnerabilities (Nikto writes them first, in every version). */
const HOST_FIELDS = ['host', 'ip', 'port', 'ssl_info', 'start_time'];

interface JsonHost {
  index: string | number | undefined;
  fields: Json;
  position: SourcePosition;
  /** Undefined until the first vulnerability asks for it; null when the host makes no website. */
  site: NiktoSite | null | undefined;
  items: number;
}

/**
 * `{host, ip, port, banner, vulnerabilities}` (2.1.6) or an array of them (2.5: `server_banner`, `start_time`,
 * `ssl_info`, `references`). The scheme is not written: https when the report has `ssl_info` or the port is 443.
 */
class NiktoJsonHandler implements JsonHandler {
  readonly paths: string[];
  private readonly runs: WebsiteRuns;
  private readonly merge: (kept: WebFinding, again: WebFinding) => WebFinding;
  private host: JsonHost | null = null;

  constructor(
    private readonly sink: EventSink,
    private readonly limits: Required<ParseOptions>,
    private readonly array: boolean,
  ) {
    const root = array ? '$.*' : '$';
    this.paths = [...HOST_FIELDS, 'vulnerabilities.*'].map((key) => `${root}.${key}`);
    this.runs = new WebsiteRuns(sink);
    this.merge = repeated(limits.maxTextLength);
  }

  value(value: unknown, path: JsonPath, at: SourcePosition): void {
    const [index, key] = this.array ? path : [undefined, ...path];
    if (!this.host || this.host.index !== index) {
      this.closeHost();
      this.host = { index, fields: {}, position: at, site: undefined, items: 0 };
    }
    if (key === 'vulnerabilities') this.vulnerability(this.host, value, at);
    else if (typeof key === 'string') this.host.fields[key] = value;
  }

  finish(): void {
    this.closeHost();
    this.runs.flush(true);
  }

  abort(): void {
    this.runs.flush(false);
  }

  private siteOf(host: JsonHost): NiktoSite | null {
    if (host.site === undefined) {
      const f = host.fields;
      const name = text(f.host);
      const port = parsePort(text(f.port));
      const scheme = f.ssl_info || port === 443 ? 'https' : 'http';
      const address = name.includes(':') ? `[${name}]` : name;
      host.site =
        name && port ? (niktoSite(`${scheme}://${address}:${port}/`, text(f.ip), text(f.start_time)) ?? null) : null;
    }
    return host.site;
  }

  private closeHost(): void {
    const host = this.host;
    if (!host) return;
    const site = this.siteOf(host);
    if (!site) {
      const f = host.fields;
      reportLostSite(this.sink, `${text(f.host)}:${text(f.port)}`, host.position, host.items);
    } else if (host.items === 0) this.runs.covered(site.website, host.position);
    this.host = null;
  }

  private vulnerability(host: JsonHost, value: unknown, at: SourcePosition): void {
    host.items++;
    const site = this.siteOf(host);
    if (!site) return;
    const v = (value !== null && typeof value === 'object' ? value : {}) as Json;
    // Before 2.5 the id could be written as a bare number, losing its leading zeros.
    const id = typeof v.id === 'number' ? String(v.id).padStart(6, '0') : text(v.id);
    if (!id) {
      this.sink.issue('missing-field', 'vulnerability has no Nikto test id; skipped', at, 1);
      return;
    }
    const item: NiktoItem = {
      id: truncate(id, 20),
      method: text(v.method),
      uri: text(v.url),
      message: text(v.msg),
      references: text(v.references),
    };
    const finding = niktoFinding(item, site, at, this.limits);
    if (finding) this.runs.add(site.website, finding, host.position, this.merge);
    else this.sink.issue('invalid-url', `vulnerability url "${truncate(item.uri, 200)}" makes no URL; skipped`, at, 1);
  }
}

function detectJson(head: ScanHead): boolean {
  const start = jsonStart(head);
  if (start === null) return false;
  // The host's own keys: `host` and `port` deeper down (a GeoJSON feature's properties) are not Nikto's.
  const keys = jsonKeys(head, start === '[' ? 2 : 1);
  return (
    ['host', 'port', 'vulnerabilities'].every((k) => keys.has(k)) && (keys.has('banner') || keys.has('server_banner'))
  );
}

export const niktoJson = jsonFormat({
  format: 'nikto-json',
  scanner: 'nikto',
  subject: 'website',
  label: 'Nikto JSON',
  detect: detectJson,
  handler: (sink, limits, head) => new NiktoJsonHandler(sink, limits, jsonStart(head) === '['),
});
