// Acunetix 360 JSON export (the layout of Netsparker/Invicti Enterprise, which it is): the `Target` (the scanned URL,
// when the scan began) and `Vulnerabilities`, each on its own URL. A finding is a vulnerability `Type` at the URL's
// path and its vulnerable parameter. Each vulnerability is built whole by the JSON driver (its HTTP response may be
// megabytes); only bounded copies of its texts are kept.

import { cvss, dayFirstTime, parseScore, truncate } from '../fields.ts';
import { jsonKeys, jsonStart } from '../format.ts';
import { type JsonHandler, jsonFormat, jsonObject as object, jsonText as text } from '../json-stream.ts';
import { severityFromLabel, severityFromScores } from '../severity.ts';
import type { EventSink } from '../sink.ts';
import type { ParseOptions, ScanTime, Severity, SourcePosition, WebFinding } from '../types.ts';
import { cweIds, htmlText, referenceUrls, WebsiteRuns, webLocation, webPlace } from '../web.ts';

type JsonObject = Record<string, unknown>;

/** Identifiers and labels: cut short (a copy: no kept text holds on to the whole record). */
const SHORT = 1_000;
const short = (v: unknown) => truncate(text(v).slice(0, SHORT + 1), SHORT);

/**
 * States that say "nothing to fix here": dismissed by an owner, or fixed by Invicti's own retest (`Fixed (Confirmed)`,
 * `Fixed (Unconfirmed)`). Such a vulnerability is kept as `info`, never open — as the host scanners' fixed rows are.
 */
const DISMISSED = /\b(FalsePositive|AcceptedRisk|Ignored|Fixed)\b/;

/**
 * Invicti rates vulnerabilities Critical, High, Medium or Low; Best Practice and Information are alerts beside those
 * levels ("help website owners implement additional security measures"), so neither makes a website vulnerable.
 */
function rate(label: string): Severity | undefined {
  return label.toLowerCase() === 'bestpractice' ? 'info' : severityFromLabel(label);
}

class Acunetix360Handler implements JsonHandler {
  readonly paths = ['$.Target', '$.Vulnerabilities.*'];
  private readonly runs: WebsiteRuns;
  private scanStart: ScanTime | undefined;
  /** The target's URL, against which a relative vulnerability URL is read. */
  private base: string | undefined;

  constructor(
    private readonly sink: EventSink,
    private readonly limits: Required<ParseOptions>,
  ) {
    this.runs = new WebsiteRuns(sink);
  }

  value(value: unknown, path: (string | number)[], at: SourcePosition): void {
    if (path[0] === 'Target') this.target(value, at);
    else this.vulnerability(value, at);
  }

  finish(): void {
    this.runs.flush(true);
  }

  abort(): void {
    this.runs.flush(false);
  }

  /** The scanned website (covered even without findings) and the scan's start; real files give it first. */
  private target(value: unknown, at: SourcePosition): void {
    const target = object(value);
    this.scanStart = dayFirstTime(text(target.Initiated));
    const place = webPlace(text(target.Url));
    if (!place) {
      this.sink.issue('invalid-url', `target URL "${short(target.Url).slice(0, 200)}" is no web address`, at);
      return;
    }
    this.base = place.url;
    this.runs.covered({ ...place.website, scanStart: this.scanStart }, at);
  }

  /** Text out of (possibly very long) HTML: its start only is read, the result is bounded. */
  private prose(limit: number, ...values: unknown[]): string | undefined {
    const html = values
      .map((v) => text(v).slice(0, 4 * limit))
      .filter(Boolean)
      .join('<p>');
    return htmlText(html, limit);
  }

  private vulnerability(value: unknown, at: SourcePosition): void {
    const v = object(value);
    if (v !== value) {
      this.sink.issue('bad-row', 'a vulnerability that is not a JSON object was skipped', at, 1);
      return;
    }
    const type = short(v.Type);
    if (!type) {
      this.sink.issue('missing-field', 'vulnerability has no Type', at, 1);
      return;
    }
    const url = text(v.Url);
    const place = webPlace(url, 'https', this.base);
    if (!place) {
      this.sink.issue('invalid-url', `vulnerability URL "${short(url).slice(0, 200)}" is no web address`, at, 1);
      return;
    }
    const request = object(v.HttpRequest);
    const parameters = Array.isArray(request.Parameters) ? request.Parameters : [];
    const parameter = short(object(parameters.find((p) => object(p).Vulnerable === true)).Name);

    const classification = object(v.Classification);
    // CVSS 3.1 when the report gives it, else 3.0.
    const scores = [classification.Cvss31, classification.Cvss].map(object).find((o) => 'BaseScore' in o) ?? {};
    const scoreText = text(object(scores.BaseScore).Value);
    const score = parseScore(scoreText);
    if (Number.isNaN(score))
      this.sink.issue('invalid-score', `CVSS base score "${short(scoreText)}" is not a score; ignored`, at);
    const rating = short(v.Severity);
    const rated = rate(rating);
    const fallback = severityFromScores(score) ?? 'info';
    if (!rated)
      this.sink.issue('invalid-severity', `severity "${rating}" is unknown; rated ${fallback} from its score`, at);
    const dismissed = DISMISSED.exec(short(v.State))?.[1];

    const finding: WebFinding = {
      scanner: 'acunetix',
      scannerId: type,
      name: short(v.Name) || type,
      severity: dismissed ? 'info' : (rated ?? fallback),
      scannerRating: dismissed ? `${rating} (${dismissed})` : rating,
      cvss3: cvss(score, short(scores.Vector)),
      url: place.url,
      location: webLocation(place.path, parameter),
      method: short(request.Method),
      parameter,
      // `"Cwe": "16, 200"`: a comma list of bare numbers.
      cwes: cweIds(...short(classification.Cwe).split(',')),
      cves: [],
      description: this.prose(this.limits.maxTextLength, v.Description, v.Impact),
      solution: this.prose(this.limits.maxTextLength, v.RemedialProcedure, v.RemedialActions),
      seeAlso: referenceUrls([v.ExternalReferences, v.RemedyReferences].map((r) => text(r).slice(0, 20_000)).join(' ')),
      output: this.evidence(v, request),
      position: at,
    };
    this.runs.add({ ...place.website, scanStart: this.scanStart }, finding);
  }

  /** What the scanner saw: its extra facts (`Identified Cookie(s): PHPSESSID`), the proof, then the request sent. */
  private evidence(v: JsonObject, request: JsonObject): string | undefined {
    const limit = this.limits.maxOutputLength;
    const facts = (Array.isArray(v.ExtraInformation) ? v.ExtraInformation : [])
      .slice(0, 50)
      .map((e) => `${short(object(e).Name)}: ${short(object(e).Value)}`);
    const parts = [facts.join('\n'), this.prose(limit, v.ProofOfConcept), text(request.Content).slice(0, limit + 1)];
    const output = truncate(parts.filter(Boolean).join('\n\n'), limit);
    return output || undefined;
  }
}

export const acunetix360Format = jsonFormat({
  format: 'acunetix360',
  scanner: 'acunetix',
  subject: 'website',
  label: 'Acunetix 360 / Invicti JSON',
  detect: (head) => {
    const keys = jsonKeys(head);
    return jsonStart(head) === '{' && keys.has('Vulnerabilities') && (keys.has('ScanId') || keys.has('LookupId'));
  },
  handler: (sink, limits) => new Acunetix360Handler(sink, limits),
});
