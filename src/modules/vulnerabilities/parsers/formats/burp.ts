// Burp Suite's XML issues export (`<issues burpVersion=…>`, a DOCTYPE with its internal subset first). Each `issue`
// is one finding of the check its `type` names, on its path plus the parameter its location names. The requests and
// responses (base64, the bulk of the file) are skipped unread.
import { addUnique, compact, extractCves, monthNumber, parseIp, textTime, truncate, wallTime } from '../fields.ts';
import { xmlFormat } from '../format.ts';
import { severityFromLabel } from '../severity.ts';
import type { ScanTime, SourcePosition, WebFinding } from '../types.ts';
import { cweIds, htmlText, referenceUrls, WebsiteRuns, webLocation, webPlaceAt } from '../web.ts';
import { FormatHandler, type TextBudget } from '../xml-stream.ts';

/** The issue's own elements read, with their length budgets. */
const ISSUE_FIELDS = new Map<string, TextBudget>([
  ['type', 'short'],
  ['name', 'short'],
  ['host', 'short'],
  ['path', 'text'],
  ['location', 'text'],
  ['severity', 'short'],
  ['confidence', 'short'],
  ['issueBackground', 'text'],
  ['remediationBackground', 'text'],
  ['issueDetail', 'output'],
  ['remediationDetail', 'text'],
  ['vulnerabilityClassifications', 'text'],
  ['references', 'text'],
]);
const MAX_DETAIL_ITEMS = 50;

/** Zones Java's `Date.toString()` names unambiguously; CST, IST and the like are not. */
const ZONES: Record<string, string> = {
  UTC: '+00:00',
  GMT: '+00:00',
  WET: '+00:00',
  WEST: '+01:00',
  BST: '+01:00',
  CET: '+01:00',
  CEST: '+02:00',
  EET: '+02:00',
  EEST: '+03:00',
  MSK: '+03:00',
  ICT: '+07:00',
  WIB: '+07:00',
  SGT: '+08:00',
  HKT: '+08:00',
  JST: '+09:00',
  KST: '+09:00',
  AEST: '+10:00',
  AEDT: '+11:00',
  EST: '-05:00',
  EDT: '-04:00',
  CDT: '-05:00',
  MST: '-07:00',
  MDT: '-06:00',
  PST: '-08:00',
  PDT: '-07:00',
};

/**
 * `exportTime`, Java's `Date.toString()`: `Sat Sep 13 22:35:04 CEST 2014`. A zone it cannot place leaves the wall
 * time, read as the province's.
 */
function exportTime(text: string | undefined): ScanTime | undefined {
  const m = /^[A-Za-z]{3}\s+([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+(\S+)\s+(\d{4})$/.exec(
    text?.trim() ?? '',
  );
  if (!m) return undefined;
  const [, mon = '', day, hour, minute, second, zone = '', year] = m;
  const month = monthNumber(mon);
  const wall = month && wallTime(Number(year), month, Number(day), Number(hour), Number(minute), Number(second));
  if (!wall) return undefined;
  const offset = ZONES[zone.toUpperCase()] ?? /^(?:GMT|UTC)([+-]\d\d:\d\d)$/.exec(zone)?.[1];
  return offset ? textTime(`${wall.raw}${offset}`) : wall;
}

/**
 * The parameter a location names: `/search.jsp [q parameter]` (`[id URL parameter]`, `[id body parameter]`) → `q`;
 * another insertion point as written (`b_id cookie`, `Referer HTTP header`, `URL path filename`).
 */
function locationParameter(location: string | undefined): string | undefined {
  const text = location?.trim() ?? '';
  const open = text.indexOf(' [');
  if (open < 0 || !text.endsWith(']')) return undefined;
  const inside = text.slice(open + 2, -1).trim();
  return /^(\S+) (?:(?:URL|body|JSON|XML|multipart) )?parameter$/i.exec(inside)?.[1] ?? (inside || undefined);
}

interface OpenIssue {
  position: SourcePosition;
  fields: Map<string, string>;
  items: string[];
  ip?: string;
  method?: string;
}

class BurpHandler extends FormatHandler {
  private readonly runs = new WebsiteRuns(this.sink);
  private time: ScanTime | undefined;
  private issue: OpenIssue | null = null;

  open(name: string, attrs: Record<string, string>): void {
    const parent = this.cursor.parent();
    const issue = this.issue;
    if (issue) {
      if (parent === 'issue') {
        const budget = ISSUE_FIELDS.get(name);
        if (budget) this.capture.start(this.budget[budget]);
        if (name === 'host') issue.ip = attrs.ip;
      } else if (name === 'issueDetailItem' && parent === 'issueDetailItems') {
        if (issue.items.length < MAX_DETAIL_ITEMS) this.capture.start(this.budget.output);
      } else if (name === 'request' && parent === 'requestresponse') issue.method ??= attrs.method;
    } else if (name === 'issue' && parent === 'issues') {
      this.issue = { position: this.cursor.here(), fields: new Map(), items: [] };
    } else if (this.cursor.depth === 1) this.time = exportTime(attrs.exportTime);
  }

  close(name: string): void {
    const value = this.capture.take();
    const issue = this.issue;
    if (!issue) return;
    if (name === 'issue' && this.cursor.parent() === 'issues') {
      this.closeIssue(issue);
      this.issue = null;
    } else if (value === undefined) return;
    else if (name === 'issueDetailItem') issue.items.push(value);
    else issue.fields.set(name, value);
  }

  override finish(): void {
    this.runs.flush(true);
  }

  abort(): void {
    this.runs.flush(false);
  }

  private closeIssue(issue: OpenIssue): void {
    const f = issue.fields;
    const host = f.get('host') ?? '';
    const path = f.get('path') ?? '';
    const place = host ? webPlaceAt(host, path) : undefined;
    if (!place) {
      const message = `issue host "${truncate(host, 200)}" and path are no http(s) URL; not imported`;
      this.sink.issue('invalid-url', message, issue.position, 1);
      return;
    }
    const type = f.get('type');
    if (!type) {
      this.sink.issue('missing-field', 'issue has no type; not imported', issue.position, 1);
      return;
    }
    const rating = f.get('severity') ?? '';
    const confidence = f.get('confidence');
    let severity = severityFromLabel(rating);
    if (!severity) {
      severity = 'info';
      this.sink.issue(
        'invalid-severity',
        `issue ${type}: severity "${truncate(rating, 50)}" is unknown; rated info`,
        issue.position,
      );
    }
    // A false positive (Burp writes it as the severity; as the confidence too, here) is never a vulnerability.
    if (confidence?.toLowerCase() === 'false positive') severity = 'info';
    const name = f.get('name') || `Burp issue ${type}`;
    const detail = htmlText(f.get('issueDetail'), this.budget.output);
    const cves: string[] = [];
    addUnique(cves, extractCves(`${name} ${f.get('issueDetail') ?? ''}`));
    const solution = [f.get('remediationDetail'), f.get('remediationBackground')]
      .map((html) => htmlText(html, this.budget.text))
      .filter(Boolean)
      .join('\n\n');
    // The detail items are the detail's own list, for machines: read when there is no detail.
    const output = detail ?? issue.items.map((item) => `- ${item}`).join('\n');
    const parameter = locationParameter(f.get('location'));
    const finding: WebFinding = {
      scanner: 'burp',
      scannerId: type,
      name,
      severity,
      scannerRating: confidence ? `${rating} (${confidence})` : rating,
      url: place.url,
      location: webLocation(place.path, parameter),
      method: issue.method,
      parameter,
      cwes: cweIds(f.get('vulnerabilityClassifications')),
      cves,
      description: htmlText(f.get('issueBackground'), this.budget.text),
      solution: solution ? truncate(solution, this.budget.text) : undefined,
      seeAlso: referenceUrls(f.get('references')),
      output: output ? truncate(output, this.budget.output) : undefined,
      position: issue.position,
    };
    const website = compact({ ...place.website, ip: parseIp(issue.ip ?? '')?.ip, scanEnd: this.time });
    this.runs.add(website, finding);
  }
}

export const burpFormat = xmlFormat({
  format: 'burp',
  scanner: 'burp',
  subject: 'website',
  label: 'Burp Suite XML',
  roots: ['issues'],
  // `issues` is a common name: Burp's says its version on the root or in the DOCTYPE that declares it.
  also: (head) =>
    /\bburpVersion\s*=/.test(head.xmlRoot?.tag ?? '') || /<!ATTLIST\s+issues\s+burpVersion\b/.test(head.text),
  handler: (cursor, sink, limits) => new BurpHandler(cursor, sink, limits),
});
