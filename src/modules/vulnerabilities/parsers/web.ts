// What the web scanners' parsers share: a URL as a website and a place on it, CWE ids, and runs of findings per
// website emitted as bounded records (the importer merges the records of one website).
import { compact, detach, truncate } from './fields.ts';
import { webFindingKey, websiteKey } from './identity.ts';
import { type EventSink, MAX_RUN } from './sink.ts';
import type { ScannedWebsite, SourcePosition, WebFinding } from './types.ts';

/** Longest URL kept on a finding; a longer one is cut (its place, the path, is cut the same way). */
export const MAX_URL_LENGTH = 2_000;
const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

export interface WebPlace {
  website: Pick<ScannedWebsite, 'scheme' | 'host' | 'port'>;
  /** The whole URL, normalised by the WHATWG parser, fragment dropped, bounded. */
  url: string;
  /** The path (no query): with the parameter, the finding's place on the site. */
  path: string;
}

/**
 * An http(s) URL as a website and a place on it: the host lower-cased and IDN as punycode, the port written or the
 * scheme's own. A URL without a scheme (`example.co.id`, as Acunetix writes its start URL) is read as `scheme`:// it.
 * Undefined when the text is no http(s) URL.
 */
export function webPlace(text: string, scheme: 'http' | 'https' = 'https', base?: string): WebPlace | undefined {
  const raw = text.trim();
  if (!raw) return undefined;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) || base ? raw : `${scheme}://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme, base);
  } catch {
    return undefined;
  }
  const port = DEFAULT_PORTS[url.protocol];
  // A host name longer than any DNS name (253 characters) is no website; the URL parser does not check.
  if (port === undefined || !url.hostname || url.hostname.length > 255) return undefined;
  url.hash = '';
  // Credentials a scanner logged in with (`https://user:password@host/`) are never stored or shown.
  url.username = '';
  url.password = '';
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  return {
    website: { scheme: url.protocol === 'https:' ? 'https' : 'http', host, port: url.port ? Number(url.port) : port },
    // Copies: a finding keeps them, and a cut is a slice that would keep the whole address.
    url: detach(url.href.slice(0, MAX_URL_LENGTH)),
    path: detach(url.pathname.slice(0, MAX_URL_LENGTH)),
  };
}

/**
 * A place on a site from its origin and a path as the report writes it, joined as text rather than resolved: a test
 * path such as `//admin/` stays on the site (it would otherwise be another host).
 */
export function webPlaceAt(origin: string, path: string): WebPlace | undefined {
  return webPlace(`${origin.replace(/\/+$/, '')}${path.startsWith('/') ? '' : '/'}${path}`);
}

/** The method of a raw HTTP request (`GET /search HTTP/1.1…`), from its first words only. */
export function requestMethod(request: unknown): string | undefined {
  return typeof request === 'string' ? /^\s*([A-Z]{3,10}) \S/.exec(request.slice(0, 40))?.[1] : undefined;
}

/** The place of a finding on its site: `/login.php`, or `/login.php [username]` when it is on a parameter. */
export function webLocation(path: string, parameter?: string): string {
  const p = parameter?.trim();
  return p ? detach(`${path} [${p.slice(0, 200)}]`) : path;
}

/** `CWE-79` ids from text such as `79`, `CWE-79`, `cwe:79`, `CWE-79, CWE-80`; de-duplicated, in order. */
export function cweIds(...texts: (string | number | undefined | null)[]): string[] {
  const ids: string[] = [];
  for (const text of texts) {
    if (text === undefined || text === null) continue;
    const value = String(text);
    const matches = /^\s*\d+\s*$/.test(value)
      ? [value.trim()]
      : Array.from(value.matchAll(/CWE[-:\s]?(\d+)/gi), (m) => m[1] ?? '');
    for (const n of matches) {
      // CWE-0 is what some scanners write for "none".
      const id = n && Number(n) > 0 ? `CWE-${Number(n)}` : '';
      if (id && !ids.includes(id)) ids.push(id);
    }
  }
  return ids;
}

const MAX_REFERENCES = 20;

/**
 * The http(s) links in reference text (a list, lines such as `- https://…`, `href`s, or links run together without a
 * separator as older ZAP reports write them: `http://a/http://b/`); de-duplicated, in order, bounded. Undefined when
 * there is none, as a finding's `seeAlso` is.
 */
export function referenceUrls(...texts: (string | undefined)[]): string[] | undefined {
  const urls: string[] = [];
  for (const text of texts)
    for (const m of text?.matchAll(/https?:\/\/.+?(?=(?<![=?&])https?:\/\/|[\s"'<>,]|$)/gi) ?? []) {
      const url = detach(m[0].replaceAll('&amp;', '&').slice(0, MAX_URL_LENGTH));
      if (urls.length < MAX_REFERENCES && !urls.includes(url)) urls.push(url);
    }
  return urls.length ? urls : undefined;
}

/** Tags that end a line of text: paragraphs, line breaks, the end of a list, table rows, headings. */
const BLOCK_TAG = /<(?:\/?(?:p|br|div|tr|table|h[1-6]|pre|blockquote)|\/ul|\/ol)\b[^<>]*>/gi;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: ' ' };

function entity(whole: string, name: string): string {
  const lower = name.toLowerCase();
  if (!lower.startsWith('#')) return ENTITIES[lower] ?? whole;
  const code = lower.startsWith('#x') ? Number.parseInt(lower.slice(2), 16) : Number(lower.slice(1));
  return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : whole;
}

/**
 * Plain text from the HTML scanners write in descriptions (ZAP's `<p>`, Burp's `<br>`, `<ul><li>`): tags dropped,
 * block ends as line breaks, entities decoded, bounded by `limit`. Undefined when nothing is left.
 */
export function htmlText(html: string | undefined, limit: number): string | undefined {
  if (!html) return undefined;
  const text = html
    .replace(/<li\b[^<>]*>/gi, '\n- ')
    .replace(BLOCK_TAG, '\n')
    // `[^<>]` rather than `[^>]`: a `<` that opens no tag cannot make the scan quadratic.
    .replace(/<[^<>]*>/g, '')
    .replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6});/gi, entity)
    .replace(/[ \t\r\f\v\u00a0]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n');
  return truncate(text, limit) || undefined;
}

interface Run {
  website: ScannedWebsite;
  key: string;
  position: SourcePosition;
  findings: Map<string, WebFinding>;
}

/**
 * Collects findings into website records: a record is emitted when the website changes, when it holds MAX_RUN
 * findings, and at the end. The same check at the same place twice in a file is one finding.
 */
export class WebsiteRuns {
  private run: Run | null = null;

  constructor(private readonly sink: EventSink) {}

  /** `merge` says what a repeat adds to the finding kept (a scanner whose repeats say more, as Nikto's do). */
  add(
    website: ScannedWebsite,
    finding: WebFinding,
    at: SourcePosition = finding.position,
    merge?: (kept: WebFinding, again: WebFinding) => WebFinding,
  ): void {
    const key = websiteKey(website);
    if (this.run && (this.run.key !== key || this.run.findings.size >= MAX_RUN)) this.flush(true);
    this.run ??= { website: compact(website), key, position: at, findings: new Map() };
    const id = webFindingKey(website, finding);
    const kept = this.run.findings.get(id);
    if (!kept) this.run.findings.set(id, compact(finding));
    else if (merge) this.run.findings.set(id, compact(merge(kept, finding)));
  }

  /** A website the report tested with no finding on it (it is covered: what it had before is resolved). */
  covered(website: ScannedWebsite, at: SourcePosition): void {
    const key = websiteKey(website);
    if (this.run?.key === key) return;
    this.flush(true);
    this.run = { website: compact(website), key, position: at, findings: new Map() };
  }

  flush(complete: boolean): void {
    if (this.run) {
      const { website, position, findings } = this.run;
      this.sink.website({ website, position, findings: [...findings.values()], complete });
    }
    this.run = null;
  }
}
