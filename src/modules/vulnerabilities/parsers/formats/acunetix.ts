// Acunetix (on-premises) XML export: `ScanGroup` of `Scan`s, each a website (its StartURL's origin) with its
// `ReportItems`. A finding is a ReportItem, identified by its module (the check's script) at `Affects` + `Parameter`.

import { addUnique, cvss, dayFirstTime, extractCves, parseScore, truncate } from '../fields.ts';
import { xmlFormat } from '../format.ts';
import { severityFromLabel, severityFromScores } from '../severity.ts';
import type { ScannedWebsite, SourcePosition, WebFinding } from '../types.ts';
import { cweIds, htmlText, requestMethod, type WebPlace, WebsiteRuns, webLocation, webPlace } from '../web.ts';
import { FormatHandler, type TextBudget } from '../xml-stream.ts';

/** Scan children read, keyed `parent/name`. */
const SCAN_FIELDS = new Set(['Scan/StartURL', 'Scan/StartTime', 'Scan/FinishTime']);

/** ReportItem descendants read, keyed `parent/name`, with their length budget. */
const ITEM_FIELDS: Record<string, TextBudget> = {
  'ReportItem/Name': 'short',
  'ReportItem/ModuleName': 'short',
  'ReportItem/Affects': 'short',
  'ReportItem/Parameter': 'short',
  'ReportItem/IsFalsePositive': 'short',
  'ReportItem/Severity': 'short',
  'ReportItem/Description': 'text',
  'ReportItem/Impact': 'text',
  'ReportItem/Recommendation': 'text',
  'ReportItem/Details': 'output',
  'TechnicalDetails/Request': 'output',
  'CVSS3/Descriptor': 'short',
  'CVSS3/Score': 'short',
  'CWEList/CWE': 'short',
  'CVEList/CVE': 'short',
  'Reference/URL': 'short',
};

/** Repeated elements kept per item (CWE, CVE, reference URL). */
const MAX_LIST = 50;

interface OpenScan {
  position: SourcePosition;
  fields: Map<string, string>;
  /** The crawler's start URL: the StartURL with the scheme Acunetix used (`http://example.co.id/`). */
  crawlerStart?: string;
  /** Resolved at the first item; null when neither start URL is an http(s) address. */
  site?: { place: WebPlace; website: ScannedWebsite } | null;
  findings: number;
  /** Items left out because the scan has no valid start URL. */
  unplaced: number;
}

interface OpenItem {
  position: SourcePosition;
  fields: Map<string, string>;
  cwes: string[];
  cves: string[];
  references: string[];
}

export class AcunetixHandler extends FormatHandler {
  private scan: OpenScan | null = null;
  private item: OpenItem | null = null;
  private readonly runs = new WebsiteRuns(this.sink);

  open(name: string, attrs: Record<string, string>): void {
    const parent = this.cursor.parent();
    const key = `${parent}/${name}`;
    if (this.item) {
      const budget = ITEM_FIELDS[key];
      if (budget) this.capture.start(this.budget[budget]);
    } else if (name === 'Scan' && parent === 'ScanGroup') {
      this.scan = { position: this.cursor.here(), fields: new Map(), findings: 0, unplaced: 0 };
    } else if (!this.scan) {
      return;
    } else if (name === 'ReportItem' && parent === 'ReportItems') {
      this.item = { position: this.cursor.here(), fields: new Map(), cwes: [], cves: [], references: [] };
    } else if (name === 'Crawler' && parent === 'Scan') {
      this.scan.crawlerStart = attrs.StartUrl;
    } else if (SCAN_FIELDS.has(key)) {
      this.capture.start(this.budget.short);
    }
  }

  close(name: string): void {
    const scan = this.scan;
    if (!scan) return;
    const parent = this.cursor.parent();
    const value = this.capture.take();
    const item = this.item;
    if (item) {
      if (name === 'ReportItem' && parent === 'ReportItems') {
        this.closeItem(scan, item);
        this.item = null;
      } else if (value !== undefined) {
        const list = name === 'CWE' ? item.cwes : name === 'CVE' ? item.cves : name === 'URL' ? item.references : null;
        if (!list) item.fields.set(`${parent}/${name}`, value);
        else if (value && list.length < MAX_LIST) list.push(value);
      }
    } else if (name === 'Scan' && parent === 'ScanGroup') {
      this.closeScan(scan);
      this.scan = null;
    } else if (value !== undefined) {
      scan.fields.set(name, value);
    }
  }

  override finish(): void {
    this.runs.flush(true);
  }

  abort(): void {
    this.runs.flush(false);
  }

  /**
   * The scan's website: its StartURL's origin. Acunetix may write the StartURL without a scheme (`example.co.id`);
   * the crawler's start URL says which one it used, and is the fallback when the StartURL is no address.
   */
  private siteOf(scan: OpenScan): OpenScan['site'] {
    if (scan.site !== undefined) return scan.site;
    const crawler = webPlace(scan.crawlerStart ?? '');
    const place = webPlace(scan.fields.get('StartURL') ?? '', crawler?.website.scheme ?? 'http') ?? crawler;
    const times = {
      scanStart: dayFirstTime(scan.fields.get('StartTime')),
      scanEnd: dayFirstTime(scan.fields.get('FinishTime')),
    };
    scan.site = place ? { place, website: { ...place.website, ...times } } : null;
    return scan.site;
  }

  private closeScan(scan: OpenScan): void {
    const site = this.siteOf(scan);
    if (!site) {
      const startUrl = truncate(scan.fields.get('StartURL') ?? '', 200);
      const lost = scan.unplaced ? `; its ${scan.unplaced} findings were not imported` : '';
      this.sink.issue(
        'invalid-url',
        `scan start URL "${startUrl}" is no web address${lost}`,
        scan.position,
        scan.unplaced,
      );
    } else if (scan.findings === 0) this.runs.covered(site.website, scan.position);
  }

  private closeItem(scan: OpenScan, item: OpenItem): void {
    const site = this.siteOf(scan);
    if (!site) {
      scan.unplaced++;
      return;
    }
    const f = item.fields;
    const name = f.get('ReportItem/Name') ?? '';
    // The module (the check's script, `/RPA/Cookie_Without_HttpOnly.js`) stays the same from scan to scan, where the
    // name gains or loses `(verified)` with the confirmation of the moment.
    const scannerId = f.get('ReportItem/ModuleName') || name;
    if (!scannerId) {
      this.sink.issue('missing-field', 'report item has neither ModuleName nor Name', item.position, 1);
      return;
    }
    // `Affects` is a path on the site; server-wide alerts name no path ("Web Server") and are on the root.
    const affects = f.get('ReportItem/Affects') ?? '';
    const place = webPlace(/^(\/|https?:\/\/)/i.test(affects) ? affects : '/', 'http', site.place.url);
    if (!place) {
      this.sink.issue('invalid-url', `report item affects "${truncate(affects, 200)}", no address`, item.position, 1);
      return;
    }
    // `<empty>` is how Acunetix writes a form or parameter without a name.
    const parameter = f.get('ReportItem/Parameter')?.replace(/^<empty>$/, '');

    const vector = f.get('CVSS3/Descriptor');
    const score = parseScore(f.get('CVSS3/Score'));
    if (Number.isNaN(score))
      this.sink.issue('invalid-score', `CVSS3 score "${f.get('CVSS3/Score')}" is not a score; ignored`, item.position);
    const rating = f.get('ReportItem/Severity') ?? '';
    const rated = severityFromLabel(rating);
    const fallback = severityFromScores(score) ?? 'info';
    if (!rated)
      this.sink.issue(
        'invalid-severity',
        `severity "${rating}" is unknown; rated ${fallback} from its score`,
        item.position,
      );
    const falsePositive = /^true$/i.test(f.get('ReportItem/IsFalsePositive') ?? '');

    const details = f.get('ReportItem/Details');
    const attack = htmlText(details, this.budget.output);
    const request = f.get('TechnicalDetails/Request');
    const cves: string[] = [];
    // Acunetix lists a vulnerable library's CVEs in the attack details rather than in CVEList.
    addUnique(cves, extractCves(`${item.cves.join(' ')} ${details ?? ''}`));
    const description = [f.get('ReportItem/Description'), f.get('ReportItem/Impact')].filter(Boolean).join('\n\n');

    const finding: WebFinding = {
      scanner: 'acunetix',
      scannerId,
      name: name || scannerId,
      severity: falsePositive ? 'info' : (rated ?? fallback),
      scannerRating: falsePositive ? `${rating} (false positive)` : rating,
      cvss3: cvss(score, vector),
      url: place.url,
      location: webLocation(place.path, parameter),
      method: requestMethod(request),
      parameter,
      cwes: cweIds(...item.cwes),
      cves,
      description: htmlText(description, this.budget.text),
      solution: htmlText(f.get('ReportItem/Recommendation'), this.budget.text),
      seeAlso: item.references.length ? item.references : undefined,
      output: this.evidence(attack, htmlText(request, this.budget.output)),
      position: item.position,
    };
    scan.findings++;
    // The same check at the same place again (a cookie after another): its details say which, so they are kept too.
    this.runs.add({ ...site.website, ...place.website }, finding, item.position, (kept) =>
      !attack || kept.output?.includes(attack) ? kept : { ...kept, output: this.evidence(kept.output, attack) },
    );
  }

  /** The attack details and the request (which Acunetix writes HTML-escaped), within the output budget. */
  private evidence(...parts: (string | undefined)[]): string {
    const text = parts.map((p) => p?.trim()).filter(Boolean);
    return truncate(text.join('\n\n'), this.budget.output);
  }
}

export const acunetixFormat = xmlFormat({
  format: 'acunetix',
  scanner: 'acunetix',
  subject: 'website',
  label: 'Acunetix XML',
  roots: ['ScanGroup'],
  handler: (cursor, sink, limits) => new AcunetixHandler(cursor, sink, limits),
});
