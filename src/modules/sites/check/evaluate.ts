// Verdicts from facts already collected (records, headers, a page body): no network here, so each rule is tested
// on its own and the network code only gathers.
import type { CheckVerdict, SiteCheckName, SiteCheckResult } from './types.ts';

export const result = (
  check: SiteCheckName,
  verdict: CheckVerdict,
  detail: string,
  data?: Record<string, unknown>,
): SiteCheckResult => (data ? { check, verdict, detail, data } : { check, verdict, detail });

/** HSTS max-age below half a year warns: browsers forget the rule between visits of an occasional visitor. */
export const HSTS_MIN_SECONDS = 15_768_000;

export function judgeSpf(domain: string, txt: string[]): SiteCheckResult {
  const spf = txt.filter((t) => /^v=spf1(\s|$)/i.test(t.trim()));
  if (!spf.length) return result('dns_spf', 'fail', `no SPF record on ${domain}`, { domain });
  if (spf.length > 1)
    return result('dns_spf', 'fail', `${spf.length} SPF records on ${domain} (receivers treat this as an error)`, {
      domain,
      records: spf,
    });
  const record = (spf[0] as string).trim();
  const data = { domain, record };
  const all = /(?:^|\s)([+\-~?]?)all(?:\s|$)/i.exec(record);
  if (!all)
    return /(?:^|\s)redirect=/i.test(record)
      ? result('dns_spf', 'pass', `SPF delegates to another record: ${record}`, data)
      : result('dns_spf', 'warn', `SPF has no closing "all" mechanism: ${record}`, data);
  const qualifier = all[1] ?? '';
  if (qualifier === '' || qualifier === '+')
    return result('dns_spf', 'fail', `SPF "${qualifier}all" lets any server send as ${domain}`, data);
  if (qualifier === '?') return result('dns_spf', 'warn', `SPF "?all" is neutral about other senders`, data);
  return result('dns_spf', 'pass', record, data);
}

export function judgeDmarc(domain: string, txt: string[]): SiteCheckResult {
  const name = `_dmarc.${domain}`;
  const dmarc = txt.filter((t) => /^v=DMARC1\s*(;|$)/i.test(t.trim()));
  if (!dmarc.length) return result('dns_dmarc', 'fail', `no DMARC record at ${name}`, { domain });
  if (dmarc.length > 1)
    return result('dns_dmarc', 'fail', `${dmarc.length} DMARC records at ${name} (receivers ignore them all)`, {
      domain,
      records: dmarc,
    });
  const record = (dmarc[0] as string).trim();
  const policy = /(?:^|;)\s*p\s*=\s*([a-z]+)/i.exec(record)?.[1]?.toLowerCase() ?? null;
  const data = { domain, record, policy };
  if (policy === 'reject' || policy === 'quarantine') return result('dns_dmarc', 'pass', record, data);
  if (policy === 'none')
    return result('dns_dmarc', 'warn', `DMARC policy "none" only reports, forged mail is still delivered`, data);
  return result('dns_dmarc', 'fail', `DMARC record without a valid policy (p=): ${record}`, data);
}

export function judgeMx(domain: string, mx: { exchange: string; priority: number }[]): SiteCheckResult {
  const sorted = [...mx].sort((a, b) => a.priority - b.priority || a.exchange.localeCompare(b.exchange));
  const exchanges = sorted.map((m) => ({ exchange: m.exchange, priority: m.priority }));
  // RFC 7505: a single MX of "." says the domain accepts no mail.
  if (!sorted.length || sorted.every((m) => m.exchange === '' || m.exchange === '.'))
    return result('dns_mx', 'fail', `${domain} publishes no mail server`, { domain, exchanges });
  return result('dns_mx', 'pass', sorted.map((m) => `${m.priority} ${m.exchange}`).join(', '), { domain, exchanges });
}

export function judgeNs(zone: string, nameservers: string[]): SiteCheckResult {
  const sorted = [...nameservers].sort();
  const data = { zone, nameservers: sorted };
  // RFC 2182: a zone served by one name server disappears with it.
  if (sorted.length === 1) return result('dns_ns', 'warn', `${zone} has a single name server: ${sorted[0]}`, data);
  return result('dns_ns', 'pass', `${zone}: ${sorted.join(', ')}`, data);
}

/** Lower-case header map (Node's IncomingMessage.headers) → the header checks. */
export type Headers = Record<string, string | string[] | undefined>;
const header = (h: Headers, name: string) => {
  const v = h[name];
  return v === undefined ? undefined : Array.isArray(v) ? v.join(', ') : v;
};

/**
 * Directives of one Strict-Transport-Security value (RFC 6797 §6.1): names case-insensitive, values maybe quoted.
 * `null` when a directive repeats: browsers then ignore the whole header.
 */
function hstsDirectives(value: string): Map<string, string> | null {
  const directives = new Map<string, string>();
  for (const part of value.split(';')) {
    const m = /^\s*([^=\s]+)\s*(?:=\s*(?:"([^"]*)"|([^\s"]*)))?\s*$/.exec(part);
    if (!m) {
      if (part.trim()) return null;
      continue;
    }
    const name = (m[1] as string).toLowerCase();
    if (directives.has(name)) return null;
    directives.set(name, m[2] ?? m[3] ?? '');
  }
  return directives;
}

export function judgeHsts(h: Headers): SiteCheckResult {
  const raw = h['strict-transport-security'];
  // Several headers: browsers apply the first one only.
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) return result('hsts', 'fail', 'no Strict-Transport-Security header');
  const directives = hstsDirectives(value);
  const maxAgeText = directives?.get('max-age');
  const maxAge = maxAgeText !== undefined && /^\d+$/.test(maxAgeText) ? Number(maxAgeText) : Number.NaN;
  const data = {
    value,
    maxAge: Number.isNaN(maxAge) ? null : maxAge,
    includeSubDomains: directives?.has('includesubdomains') ?? false,
    preload: directives?.has('preload') ?? false,
  };
  if (!directives)
    return result('hsts', 'fail', `Strict-Transport-Security is malformed (browsers ignore it): ${value}`, data);
  if (Number.isNaN(maxAge)) return result('hsts', 'fail', `Strict-Transport-Security without max-age: ${value}`, data);
  if (maxAge === 0) return result('hsts', 'fail', 'Strict-Transport-Security max-age=0 switches HSTS off', data);
  if (maxAge < HSTS_MIN_SECONDS)
    return result('hsts', 'warn', `Strict-Transport-Security max-age=${maxAge} is under 6 months`, data);
  return result('hsts', 'pass', value, data);
}

export function judgeCsp(h: Headers): SiteCheckResult {
  const value = header(h, 'content-security-policy');
  if (value) return result('header_csp', 'pass', value, { value });
  const reportOnly = header(h, 'content-security-policy-report-only');
  if (reportOnly)
    return result('header_csp', 'warn', 'Content-Security-Policy is only in report-only mode', { reportOnly });
  return result('header_csp', 'fail', 'no Content-Security-Policy header');
}

export function judgeContentTypeOptions(h: Headers): SiteCheckResult {
  const value = header(h, 'x-content-type-options');
  if (value?.trim().toLowerCase() === 'nosniff') return result('header_x_content_type_options', 'pass', 'nosniff');
  return value
    ? result('header_x_content_type_options', 'fail', `X-Content-Type-Options is "${value}", not nosniff`, { value })
    : result('header_x_content_type_options', 'fail', 'no X-Content-Type-Options header');
}

export function judgeFrameOptions(h: Headers): SiteCheckResult {
  const csp = header(h, 'content-security-policy');
  const ancestors = csp
    ?.split(',')
    .flatMap((policy) => policy.split(';'))
    .map((d) => d.trim())
    .find((d) => /^frame-ancestors(\s|$)/i.test(d));
  if (ancestors) {
    // A source any page matches (`*`, a bare scheme, a wildcard host) lets every site frame this one; browsers then
    // ignore X-Frame-Options too.
    const open = ancestors
      .split(/\s+/)
      .slice(1)
      .find((s) => /^(\*|[a-z][a-z0-9+.-]*:|([a-z][a-z0-9+.-]*:\/\/)?\*(:[\d*]+)?\/?)$/i.test(s));
    return open
      ? result('header_frame_options', 'fail', `${ancestors}: "${open}" lets any site frame the page`, {
          frameAncestors: ancestors,
        })
      : result('header_frame_options', 'pass', ancestors, { frameAncestors: ancestors });
  }
  const xfo = header(h, 'x-frame-options')?.trim();
  if (xfo && /^(deny|sameorigin)$/i.test(xfo))
    return result('header_frame_options', 'pass', `X-Frame-Options: ${xfo}`, { xFrameOptions: xfo });
  return xfo
    ? result('header_frame_options', 'fail', `X-Frame-Options "${xfo}" is not DENY or SAMEORIGIN`, {
        xFrameOptions: xfo,
      })
    : result('header_frame_options', 'fail', 'neither CSP frame-ancestors nor X-Frame-Options: the site can be framed');
}

export function judgeGovVn(host: string, stateBody: boolean): SiteCheckResult {
  if (!stateBody) return result('gov_vn_domain', 'skip', 'not a state body');
  return host === 'gov.vn' || host.endsWith('.gov.vn')
    ? result('gov_vn_domain', 'pass', `${host} is under .gov.vn`)
    : result('gov_vn_domain', 'fail', `a state body's site must be under .gov.vn, not ${host}`);
}

/** Vietnamese without tone marks and đ, lower case: "Chính sách bảo mật" → "chinh sach bao mat". */
const plain = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[\s\-_]+/g, ' ');

const PRIVACY_WORDS = [
  'chinh sach bao mat',
  'chinh sach quyen rieng tu',
  'quyen rieng tu',
  'bao ve du lieu ca nhan',
  'chinh sach bao ve du lieu',
  'privacy',
];

const decodeEntities = (s: string) =>
  s
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(Number.parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&nbsp;/gi, ' ')
    .replace(/&amp;/gi, '&');

/** The page without its comments (an unclosed one runs to the end, as browsers read it); linear in the length. */
function withoutComments(html: string): string {
  const parts: string[] = [];
  let at = 0;
  for (let open = html.indexOf('<!--'); open !== -1; open = html.indexOf('<!--', at)) {
    parts.push(html.slice(at, open));
    const close = html.indexOf('-->', open + 4);
    if (close === -1) return parts.join(' ');
    at = close + 3;
  }
  parts.push(html.slice(at));
  return parts.join(' ');
}

/**
 * The links of a page with their attributes and text. One pass of a regular expression whose parts stop at the next
 * `<`, so a hostile page (a megabyte of unclosed `<a`) costs linear time, never the quadratic back-tracking of
 * `<a[^>]*>[\s\S]*?</a>`.
 */
function* links(html: string): Generator<{ attrs: string; text: string }> {
  let open: { attrs: string; end: number } | null = null;
  for (const m of html.matchAll(/<a\b([^<>]*)>|<\/a\s*>/gi)) {
    if (m[0][1] !== '/') open = { attrs: m[1] ?? '', end: (m.index ?? 0) + m[0].length };
    else if (open) {
      yield { attrs: open.attrs, text: html.slice(open.end, m.index) };
      open = null;
    }
  }
}

/** A link on the home page whose text, title or address names a privacy (personal data protection) policy. */
export function judgePrivacyLink(html: string, truncated: boolean): SiteCheckResult {
  for (const { attrs, text: inner } of links(withoutComments(html))) {
    const href = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(attrs);
    const target = decodeEntities(href?.[1] ?? href?.[2] ?? href?.[3] ?? '');
    if (!target) continue;
    const text = decodeEntities(inner.replace(/<[^<>]*>/g, ' '));
    const title = decodeEntities(/\b(?:title|aria-label)\s*=\s*"([^"]*)"/i.exec(attrs)?.[1] ?? '');
    const haystack = plain(`${text} ${title} ${decodedUri(target)}`);
    if (PRIVACY_WORDS.some((w) => haystack.includes(w)))
      return result('privacy_policy', 'pass', `privacy policy link: ${target}`, {
        href: target,
        text: text.replace(/\s+/g, ' ').trim(),
      });
  }
  return result(
    'privacy_policy',
    'fail',
    truncated
      ? 'no privacy policy link in the first part of the home page read'
      : 'no privacy policy link on the home page',
    { truncated },
  );
}

/** A percent-encoded address as text ("chinh-s%C3%A1ch" → "chinh-sách"); malformed escapes stay as they are. */
const decodedUri = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};
