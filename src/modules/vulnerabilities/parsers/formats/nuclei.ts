// ProjectDiscovery Nuclei results: JSON Lines (`-jsonl`, `-json` before v3) or the JSON array `-json-export` writes.
// A result is a web finding: its template (and matcher) at the path of the URL it matched. A result on no web URL
// (network, dns and ssl templates match `host:port` or a name) is no web finding: skipped with an issue.
import { addUnique, cvss, extractCves, parseIp, parseScore, textTime, truncate } from '../fields.ts';
import { jsonKeys, jsonStart, type ScanHead } from '../format.ts';
import { type JsonHandler, jsonFormat, jsonObject as record, jsonText as text } from '../json-stream.ts';
import { severityFromLabel, severityFromScores } from '../severity.ts';
import type { EventSink } from '../sink.ts';
import type { ParseOptions, SourcePosition, WebFinding } from '../types.ts';
import { cweIds, referenceUrls, requestMethod, WebsiteRuns, webLocation, webPlace } from '../web.ts';

type Json = Record<string, unknown>;

/** Identifiers (template id, matcher name, parameter) longer than this are cut. */
const MAX_ID_LENGTH = 200;

/** Nuclei writes list fields (cve-id, reference…) as one string or an array of strings. */
const texts = (value: unknown): string[] => (Array.isArray(value) ? value : [value]).map(text).filter(Boolean);
/** The first field written among its spellings (`matcher-name`, `matcher_name` before v2.5…). */
const field = (r: Json, ...keys: string[]) => keys.map((k) => text(r[k])).find(Boolean) ?? '';

function detect(head: ScanHead): boolean {
  const start = jsonStart(head);
  if (start === null || (start === '[' && !/^\s*\[\s*\{/.test(head.text))) return false;
  const keys = jsonKeys(head);
  return (keys.has('template-id') || keys.has('templateID')) && keys.has('info');
}

class NucleiHandler implements JsonHandler {
  readonly paths: string[];
  readonly lines: boolean;
  private readonly runs: WebsiteRuns;

  constructor(
    private readonly sink: EventSink,
    private readonly limits: Required<ParseOptions>,
    array: boolean,
  ) {
    this.lines = !array;
    this.paths = array ? ['$.*'] : [];
    this.runs = new WebsiteRuns(sink);
  }

  value(value: unknown, _path: unknown, at: SourcePosition): void {
    const result = record(value);
    const templateId = truncate(field(result, 'template-id', 'templateID'), MAX_ID_LENGTH);
    if (!templateId || !('info' in result)) {
      this.sink.issue('missing-field', 'not a Nuclei result: no template id or info; skipped', at, 1);
      return;
    }
    const matched = field(result, 'matched-at', 'matched');
    const place = /^https?:\/\//i.test(matched) ? webPlace(matched) : undefined;
    if (!place) {
      const type = truncate(field(result, 'type'), 50) || 'untyped';
      this.sink.issue(
        'invalid-url',
        `${templateId} (${type}) matched "${truncate(matched, 200)}", no http(s) URL: not a web finding, skipped`,
        at,
        1,
      );
      return;
    }
    const info = record(result.info);
    const classification = record(info.classification);
    const label = truncate(text(info.severity), 50);
    const scoreText = text(classification['cvss-score']);
    const score = parseScore(scoreText);
    if (Number.isNaN(score)) this.sink.issue('invalid-score', `cvss-score "${scoreText}" is not a score; ignored`, at);
    const validScore = Number.isNaN(score) ? undefined : score;
    const rated = severityFromLabel(label);
    const fallback = severityFromScores(validScore) ?? 'info';
    // `unknown` is Nuclei's own word for an unrated template; anything else unknown is worth saying.
    if (label && !rated && label.toLowerCase() !== 'unknown')
      this.sink.issue('invalid-severity', `severity "${label}" is unknown; rated ${fallback}`, at);
    const vector = text(classification['cvss-metrics']);
    const cves: string[] = [];
    addUnique(cves, extractCves(texts(classification['cve-id']).join(' ')));
    const matcher = truncate(field(result, 'matcher-name', 'matcher_name'), MAX_ID_LENGTH);
    const parameter = truncate(field(result, 'fuzzing_parameter'), MAX_ID_LENGTH);
    const name = text(info.name) || templateId;
    const extracted = texts(result['extracted-results'] ?? result.extracted_results).join('\n');
    const seeAlso = referenceUrls(...texts(info.reference));

    const finding: WebFinding = {
      scanner: 'nuclei',
      // One template may report several distinct matchers (tech-detect: one per technology).
      scannerId: matcher ? `${templateId}:${matcher}` : templateId,
      name: truncate(matcher ? `${name} (${matcher})` : name, 500),
      severity: rated ?? fallback,
      scannerRating: label,
      scannerScore: validScore,
      cvss3: vector.startsWith('CVSS:3') ? cvss(validScore, vector) : undefined,
      url: place.url,
      location: webLocation(place.path, parameter),
      method: truncate(field(result, 'fuzzing_method'), 20) || requestMethod(result.request),
      parameter,
      cwes: cweIds(...texts(classification['cwe-id'])),
      cves,
      description: truncate(text(info.description), this.limits.maxTextLength),
      solution: truncate(text(info.remediation), this.limits.maxTextLength),
      seeAlso,
      output: truncate(extracted, this.limits.maxOutputLength),
      position: at,
    };
    const website = {
      ...place.website,
      ip: parseIp(field(result, 'ip'))?.ip,
      scanStart: textTime(field(result, 'timestamp')),
    };
    this.runs.add(website, finding, at);
  }

  finish(): void {
    this.runs.flush(true);
  }

  abort(): void {
    this.runs.flush(false);
  }
}

export const nucleiFormat = jsonFormat({
  format: 'nuclei',
  scanner: 'nuclei',
  subject: 'website',
  label: 'Nuclei JSON Lines / JSON export',
  detect,
  handler: (sink, limits, head) => new NucleiHandler(sink, limits, jsonStart(head) === '['),
});
