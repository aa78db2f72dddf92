// OWASP ZAP's XML report (`<OWASPZAPReport>`), and the mapping its JSON report (zap-json.ts) shares: both layouts
// hand each alert, with the instances it was seen at, to ZapReport, which makes one finding per place (path and
// parameter) of the alert.
import { addUnique, compact, extractCves, monthNumber, textTime, truncate, wallTime } from '../fields.ts';
import { xmlFormat } from '../format.ts';
import { websiteKey } from '../identity.ts';
import { severityFromLabel } from '../severity.ts';
import type { EventSink } from '../sink.ts';
import type { ParseOptions, ScannedWebsite, ScanTime, Severity, SourcePosition, WebFinding } from '../types.ts';
import { cweIds, htmlText, referenceUrls, type WebPlace, WebsiteRuns, webLocation, webPlace } from '../web.ts';
import { FormatHandler, type TextBudget, textBudgets, type XmlCursor } from '../xml-stream.ts';

/** An alert's fields, by element (XML) or key (JSON) name, with their length budgets. */
export const ZAP_ALERT_FIELDS = new Map<string, TextBudget>([
  ['pluginid', 'short'],
  ['alert', 'short'],
  ['name', 'short'],
  ['riskcode', 'short'],
  ['confidence', 'short'],
  ['riskdesc', 'short'],
  ['desc', 'text'],
  ['solution', 'text'],
  ['otherinfo', 'output'],
  ['reference', 'text'],
  ['cweid', 'short'],
  // ZAP before 2.4: `reliability` for confidence, and one alert per URL with its place in the alert itself.
  ['reliability', 'short'],
  ['uri', 'text'],
  ['method', 'short'],
  ['param', 'short'],
  ['attack', 'output'],
  ['evidence', 'output'],
]);

export const ZAP_INSTANCE_FIELDS = new Map<string, TextBudget>([
  ['uri', 'text'],
  ['method', 'short'],
  ['param', 'short'],
  ['attack', 'output'],
  ['evidence', 'output'],
  ['otherinfo', 'output'],
]);

/** Distinct places kept per alert (each holds its URL and evidence); more are reported, not imported. */
const MAX_PLACES = 5_000;
/** `riskcode` 0–3; ZAP has no critical. */
const RISKS: readonly Severity[] = ['info', 'low', 'medium', 'high'];

interface ZapPlace {
  website: WebPlace['website'];
  url: string;
  location: string;
  method?: string;
  parameter?: string;
  /** The instance's attack and evidence. */
  seen?: string;
  otherinfo?: string;
  position: SourcePosition;
}

/** An alert being read: its fields, and the distinct places of its instances. */
export class ZapAlert {
  readonly fields = new Map<string, string>();
  readonly places = new Map<string, ZapPlace>();
  /** Places beyond MAX_PLACES. */
  overflow = 0;
  /** Instances without an http(s) URI (each reported when read). */
  invalid = 0;

  constructor(readonly position: SourcePosition) {}
}

/** ZAP's `generated`, a local time without zone: `Tue, 12 May 2020 20:57:30`. */
function generatedTime(text: string | undefined): ScanTime | undefined {
  const m = /^(?:[A-Za-z]{3},?\s+)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4}),?\s+(\d{1,2}):(\d{2}):(\d{2})$/.exec(
    text?.trim() ?? '',
  );
  const month = m ? monthNumber(m[2] as string) : undefined;
  return m && month ? wallTime(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) : undefined;
}

function siteWebsite(attrs: Record<string, string | undefined>): WebPlace['website'] | undefined {
  const named = webPlace(attrs.name ?? '');
  if (named || !attrs.host) return named?.website;
  const scheme = attrs.ssl?.trim() === 'true' ? 'https' : 'http';
  return webPlace(`${scheme}://${attrs.host.trim()}${attrs.port ? `:${attrs.port.trim()}` : ''}`)?.website;
}

/** What both ZAP layouts share: the report's time, its sites, and the alert → findings mapping. */
export class ZapReport {
  private readonly runs: WebsiteRuns;
  private readonly budget: Record<TextBudget, number>;
  private time: ScanTime | undefined;

  constructor(
    private readonly sink: EventSink,
    limits: Required<ParseOptions>,
  ) {
    this.runs = new WebsiteRuns(sink);
    this.budget = textBudgets(limits);
  }

  /**
   * When the report was made, which is when the scan had ended: `created` (zoned ISO, ZAP 2.15 on) or else
   * `generated` (the scanning computer's local time).
   */
  times(created: string | undefined, generated: string | undefined): void {
    const zoned = textTime(created);
    this.time = zoned?.iso ? zoned : generatedTime(generated);
  }

  /** A site the report covers, with or without alerts: what it had before and no longer has is resolved. */
  site(attrs: Record<string, string | undefined>, at: SourcePosition): void {
    const website = siteWebsite(attrs);
    if (website) this.runs.covered(this.website(website), at);
    else this.sink.issue('invalid-url', `site "${truncate(attrs.name ?? '', 200)}" is no http(s) address; ignored`, at);
  }

  /** One instance of an alert: a place, unless the alert already has it. */
  instance(alert: ZapAlert, fields: Map<string, string>, at: SourcePosition): void {
    const uri = fields.get('uri') ?? '';
    const place = webPlace(uri);
    if (!place) {
      alert.invalid++;
      this.sink.issue('invalid-url', `instance URI "${truncate(uri, 200)}" is no http(s) URL; not imported`, at, 1);
      return;
    }
    const parameter = fields.get('param') || undefined;
    const location = webLocation(place.path, parameter);
    const key = `${websiteKey(place.website)} ${location}`;
    if (alert.places.has(key)) return;
    if (alert.places.size >= MAX_PLACES) {
      alert.overflow++;
      return;
    }
    const attack = fields.get('attack');
    const evidence = fields.get('evidence');
    const seen = [attack && `Attack: ${attack}`, evidence && `Evidence: ${evidence}`].filter(Boolean).join('\n');
    alert.places.set(key, {
      website: place.website,
      url: place.url,
      location,
      method: fields.get('method'),
      parameter,
      seen,
      otherinfo: fields.get('otherinfo'),
      position: at,
    });
  }

  /** The end of an alert: one finding per place it was seen at. */
  alert(alert: ZapAlert): void {
    const f = alert.fields;
    if (alert.places.size === 0 && alert.invalid === 0 && f.has('uri')) this.instance(alert, f, alert.position);
    const id = f.get('pluginid');
    const name = f.get('name') || f.get('alert');
    const places = alert.places.size + alert.overflow;
    if (!id) {
      this.sink.issue('missing-field', `alert "${name ?? ''}" has no pluginid; not imported`, alert.position, places);
      return;
    }
    if (places === 0) {
      if (alert.invalid === 0)
        this.sink.issue('missing-field', `alert ${id} has no instance with a URI; not imported`, alert.position, 1);
      return;
    }
    if (alert.overflow > 0)
      this.sink.issue(
        'bad-row',
        `alert ${id} is on more than ${MAX_PLACES} places; the other ${alert.overflow} were not imported`,
        alert.position,
        alert.overflow,
      );
    const cves: string[] = [];
    for (const field of ['name', 'desc', 'otherinfo', 'reference']) addUnique(cves, extractCves(f.get(field) ?? ''));
    // The alert's own otherinfo is its first instance's: newer reports give each instance its own.
    let otherinfo = htmlText(f.get('otherinfo'), this.budget.output);
    const shared = {
      scanner: 'zap',
      scannerId: id,
      name: name ?? `ZAP alert ${id}`,
      severity: this.severity(alert),
      scannerRating: f.get('riskdesc') || f.get('riskcode'),
      cwes: cweIds(f.get('cweid')),
      cves,
      description: htmlText(f.get('desc'), this.budget.text),
      solution: htmlText(f.get('solution'), this.budget.text),
      seeAlso: referenceUrls(htmlText(f.get('reference'), this.budget.text)),
    } as const;
    for (const place of alert.places.values()) {
      const other = place.otherinfo === undefined ? otherinfo : htmlText(place.otherinfo, this.budget.output);
      otherinfo = undefined;
      const output = [place.seen, other].filter(Boolean).join('\n');
      const finding: WebFinding = {
        ...shared,
        url: place.url,
        location: place.location,
        method: place.method,
        parameter: place.parameter,
        output: output ? truncate(output, this.budget.output) : undefined,
        position: place.position,
      };
      this.runs.add(this.website(place.website), finding);
    }
  }

  finish(): void {
    this.runs.flush(true);
  }

  abort(): void {
    this.runs.flush(false);
  }

  private website(origin: WebPlace['website']): ScannedWebsite {
    return compact({ ...origin, scanEnd: this.time });
  }

  /** `riskcode`, except that confidence 0 is an alert the user marked a false positive: never a vulnerability. */
  private severity(alert: ZapAlert): Severity {
    const f = alert.fields;
    if ((f.get('confidence') ?? f.get('reliability'))?.trim() === '0') return 'info';
    const code = f.get('riskcode')?.trim() ?? '';
    const rated = /^[0-3]$/.test(code) ? RISKS[Number(code)] : undefined;
    if (rated) return rated;
    // `riskdesc` reads `High (Medium)`: the risk, then the confidence.
    const label = severityFromLabel(/^\s*(\w+)/.exec(f.get('riskdesc') ?? '')?.[1] ?? '');
    const severity = label ?? 'info';
    this.sink.issue(
      'invalid-severity',
      `alert ${f.get('pluginid')}: riskcode "${truncate(code, 50)}" is not 0–3; rated ${severity}${label ? ' from riskdesc' : ''}`,
      alert.position,
    );
    return severity;
  }
}

class ZapXmlHandler extends FormatHandler {
  private readonly report: ZapReport;
  private alert: ZapAlert | null = null;
  private instance: { fields: Map<string, string>; position: SourcePosition } | null = null;

  constructor(cursor: XmlCursor, sink: EventSink, limits: Required<ParseOptions>) {
    super(cursor, sink, limits);
    this.report = new ZapReport(sink, limits);
  }

  open(name: string, attrs: Record<string, string>): void {
    const parent = this.cursor.parent();
    if (this.instance) {
      const budget = parent === 'instance' ? ZAP_INSTANCE_FIELDS.get(name) : undefined;
      if (budget) this.capture.start(this.budget[budget]);
    } else if (this.alert) {
      if (name === 'instance' && parent === 'instances')
        this.instance = { fields: new Map(), position: this.cursor.here() };
      else if (parent === 'alertitem') {
        const budget = ZAP_ALERT_FIELDS.get(name);
        if (budget) this.capture.start(this.budget[budget]);
      }
    } else if (name === 'alertitem') this.alert = new ZapAlert(this.cursor.here());
    else if (name === 'site' && this.cursor.depth === 2) this.report.site(attrs, this.cursor.here());
    else if (this.cursor.depth === 1) this.report.times(attrs.created, attrs.generated);
  }

  close(name: string): void {
    const value = this.capture.take();
    const alert = this.alert;
    if (!alert) return;
    if (this.instance) {
      if (name === 'instance') {
        this.report.instance(alert, this.instance.fields, this.instance.position);
        this.instance = null;
      } else if (value !== undefined) this.instance.fields.set(name, value);
    } else if (name === 'alertitem') {
      this.report.alert(alert);
      this.alert = null;
    } else if (value !== undefined) alert.fields.set(name, value);
  }

  override finish(): void {
    this.report.finish();
  }

  /** The alert open at the cut lacks the fields written after its instances (solution, CWE): it is left out. */
  abort(): void {
    this.report.abort();
  }
}

export const zapFormat = xmlFormat({
  format: 'zap',
  scanner: 'zap',
  subject: 'website',
  label: 'OWASP ZAP XML',
  roots: ['OWASPZAPReport'],
  handler: (cursor, sink, limits) => new ZapXmlHandler(cursor, sink, limits),
});
