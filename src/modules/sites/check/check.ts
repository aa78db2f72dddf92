// One website's trust check: DNS through our own resolver, then HTTP and HTTPS to the addresses it returned.
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import { AppError } from '../../../core/errors.ts';
import { BODY_LIMIT, connectTcp, exchange, type HttpAnswer, openTls, type StepError, tlsFacts } from './connect.ts';
import { checkMail, checkNameservers, makeResolver, resolveAddresses, type SiteResolver } from './dns.ts';
import {
  judgeContentTypeOptions,
  judgeCsp,
  judgeFrameOptions,
  judgeGovVn,
  judgeHsts,
  judgePrivacyLink,
  result,
} from './evaluate.ts';
import { judgeChain, judgeExpiry, judgeName, judgeVersion } from './tls-judge.ts';
import {
  SITE_CHECKS,
  type SiteCheckName,
  type SiteCheckOptions,
  type SiteCheckReport,
  type SiteCheckResult,
} from './types.ts';

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_EXPIRY_WARN_DAYS = 30;
export const MAX_REDIRECTS = 5;

export type SiteTarget = { url: string; host: string; httpsPort: number; httpPort: number; path: string };

/** The host and ports a URL (or a bare host name) names; a bad one is a validation error before any network. */
export function siteTarget(url: string): SiteTarget {
  const text = url.trim();
  let parsed: URL;
  try {
    parsed = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    throw new AppError('VALIDATION', `not a URL: "${url}"`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new AppError('VALIDATION', `not a web address (http or https): "${url}"`);
  // URL already lower-cases and turns IDN into punycode; a trailing dot names the same host.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (!host) throw new AppError('VALIDATION', `no host in "${url}"`);
  const port = parsed.port ? Number(parsed.port) : null;
  return {
    url: text,
    host,
    httpsPort: parsed.protocol === 'https:' && port ? port : 443,
    httpPort: parsed.protocol === 'http:' && port ? port : 80,
    path: `${parsed.pathname}${parsed.search}`,
  };
}

const HTTPS_CHECKS = [
  'https_reachable',
  'tls_chain_valid',
  'tls_name_match',
  'tls_expiry',
  'tls_version',
  'hsts',
  'header_csp',
  'header_x_content_type_options',
  'header_frame_options',
  'privacy_policy',
] as const satisfies SiteCheckName[];
const PAGE_CHECKS = HTTPS_CHECKS.slice(5);

const skipAll = (checks: readonly SiteCheckName[], why: string) => checks.map((c) => result(c, 'skip', why));
const isRedirect = (status: number) => [301, 302, 303, 307, 308].includes(status);

async function checkHttpRedirect(t: SiteTarget, addresses: string[], timeoutMs: number): Promise<SiteCheckResult> {
  if (!addresses.length) return result('http_redirects_https', 'skip', 'no address to connect to');
  let answer: HttpAnswer;
  try {
    const { socket } = await connectTcp(addresses, t.httpPort, timeoutMs);
    answer = await exchange(socket, { host: t.host, port: t.httpPort, path: '/', defaultPort: 80 }, timeoutMs, 0);
  } catch (e) {
    // Nothing served in plain text: there is nothing to redirect, and nothing exposed either.
    if ((e as StepError).step === 'connect')
      return result('http_redirects_https', 'skip', `no plain-HTTP service (${(e as Error).message})`);
    return result('http_redirects_https', 'fail', `plain HTTP answered badly: ${(e as Error).message}`);
  }
  const location = answer.headers.location ?? null;
  const data = { status: answer.status, location };
  if (!isRedirect(answer.status) || !location)
    return result(
      'http_redirects_https',
      'fail',
      `plain HTTP answers ${answer.status} without redirecting to HTTPS`,
      data,
    );
  const next = URL.canParse(location, `http://${t.host}/`) ? new URL(location, `http://${t.host}/`) : null;
  return next?.protocol === 'https:'
    ? result('http_redirects_https', 'pass', `${answer.status} → ${next.href}`, data)
    : result('http_redirects_https', 'fail', `plain HTTP redirects to ${location}, not to HTTPS`, data);
}

type Ctx = { resolver: SiteResolver; ca: string[]; extraCa: string[]; timeoutMs: number; now: Date; warnDays: number };

async function checkHttps(t: SiteTarget, addresses: string[], ctx: Ctx): Promise<SiteCheckResult[]> {
  if (!addresses.length) return skipAll(HTTPS_CHECKS, 'no address to connect to');
  let first: Awaited<ReturnType<typeof openTls>>;
  try {
    first = await openTls(addresses, t.httpsPort, t.host, ctx.ca, ctx.timeoutMs);
  } catch (e) {
    return [
      result('https_reachable', 'fail', `HTTPS on port ${t.httpsPort}: ${(e as Error).message}`),
      ...skipAll(HTTPS_CHECKS.slice(1), 'HTTPS not reachable'),
    ];
  }
  const facts = tlsFacts(first.socket);
  const tls = [
    judgeChain(facts, ctx.extraCa, ctx.now),
    judgeName(t.host, facts.certificate),
    judgeExpiry(facts.certificate, ctx.now, ctx.warnDays),
    judgeVersion(first, facts.protocol),
  ];
  const over = first.mode === 'legacy' ? ` over ${facts.protocol}` : '';

  let answer: HttpAnswer;
  let current = { host: t.host, port: t.httpsPort, path: t.path };
  try {
    answer = await exchange(first.socket, { ...current, defaultPort: 443 }, ctx.timeoutMs, BODY_LIMIT);
  } catch (e) {
    return [
      result('https_reachable', 'fail', `TLS${over} works but HTTP over it failed: ${(e as Error).message}`, {
        address: first.address,
      }),
      ...tls,
      ...skipAll(PAGE_CHECKS, 'no HTTP answer over HTTPS'),
    ];
  }
  // The headers and the page that count are those of the page a visitor lands on, after the site's redirects.
  let problem: { verdict: 'warn' | 'fail'; detail: string } | null = null;
  let hops = 0;
  while (isRedirect(answer.status) && answer.headers.location) {
    const base = `https://${isIP(current.host) === 6 ? `[${current.host}]` : current.host}:${current.port}${current.path}`;
    const next = URL.canParse(answer.headers.location, base) ? new URL(answer.headers.location, base) : null;
    if (next?.protocol !== 'https:') {
      problem = { verdict: 'fail', detail: `redirects away from HTTPS to ${answer.headers.location}` };
      break;
    }
    if (++hops > MAX_REDIRECTS) {
      problem = { verdict: 'warn', detail: `more than ${MAX_REDIRECTS} redirects` };
      break;
    }
    const host = next.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
    // Only addresses our resolver returned (or the URL itself named) are contacted: a site must not steer the checker
    // to an address of its choosing (an internal service next to the server running the checks).
    if (isIP(host) && host !== t.host) {
      problem = { verdict: 'warn', detail: `redirects to the IP address ${host}, not followed (${next.href})` };
      break;
    }
    const hop = { host, port: next.port ? Number(next.port) : 443, path: `${next.pathname}${next.search}` };
    try {
      const hopAddresses =
        host === t.host ? addresses : isIP(host) ? [host] : (await resolveAddresses(ctx.resolver, host)).addresses;
      const c = await openTls(hopAddresses, hop.port, host, ctx.ca, ctx.timeoutMs, first.mode);
      answer = await exchange(c.socket, { ...hop, defaultPort: 443 }, ctx.timeoutMs, BODY_LIMIT);
      current = hop;
    } catch (e) {
      problem = { verdict: 'warn', detail: `redirect to ${next.href} failed: ${(e as Error).message}` };
      break;
    }
  }
  const finalUrl = `https://${current.host}${current.port === 443 ? '' : `:${current.port}`}${current.path}`;
  const data = { status: answer.status, address: first.address, finalUrl, redirects: hops };
  const reachable = problem
    ? result('https_reachable', problem.verdict, problem.detail, data)
    : answer.status >= 400
      ? result('https_reachable', 'warn', `HTTPS${over} answers ${answer.status}`, data)
      : result('https_reachable', 'pass', `HTTPS${over} answers ${answer.status} (${finalUrl})`, data);
  const contentType = String(answer.headers['content-type'] ?? '');
  const page = /html/i.test(contentType)
    ? judgePrivacyLink(answer.body, answer.truncated)
    : result('privacy_policy', 'fail', `the home page is not HTML (${contentType || 'no content type'})`);
  return [
    reachable,
    ...tls,
    judgeHsts(answer.headers),
    judgeCsp(answer.headers),
    judgeContentTypeOptions(answer.headers),
    judgeFrameOptions(answer.headers),
    page,
  ];
}

/** Checks one site against every criterion of SITE_CHECKS; network trouble is a verdict, never an exception. */
export async function checkSite(url: string, opts: SiteCheckOptions = {}): Promise<SiteCheckReport> {
  const t = siteTarget(url);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const extraCa = opts.extraCa ?? [];
  const ctx: Ctx = {
    resolver: makeResolver(opts.dnsServers, timeoutMs),
    // Node's `ca` replaces its bundled roots: keep them and add the extra ones.
    ca: [...rootCertificates, ...extraCa],
    extraCa,
    timeoutMs,
    now: opts.now ?? new Date(),
    warnDays: opts.expiryWarnDays ?? DEFAULT_EXPIRY_WARN_DAYS,
  };
  const checkedAt = ctx.now.toISOString();
  const byIp = isIP(t.host) !== 0;

  const dns = byIp
    ? { result: result('dns_address', 'skip', 'the URL names an IP address'), addresses: [t.host] }
    : await resolveAddresses(ctx.resolver, t.host);
  // The mail domain of www.example.vn is example.vn.
  const mailDomain = t.host.replace(/^www\./, '');
  const [ns, mail, redirect, https] = await Promise.all([
    byIp ? result('dns_ns', 'skip', 'the URL names an IP address') : checkNameservers(ctx.resolver, t.host),
    opts.mailDomain && !byIp
      ? checkMail(ctx.resolver, mailDomain)
      : skipAll(['dns_mx', 'dns_spf', 'dns_dmarc'], byIp ? 'the URL names an IP address' : 'not a mail domain'),
    checkHttpRedirect(t, dns.addresses, timeoutMs),
    // A certificate or answer nobody foresaw is this site's failure, not the end of a run over many sites.
    checkHttps(t, dns.addresses, ctx).catch((e: Error) => [
      result('https_reachable', 'fail', `HTTPS check stopped: ${e.message}`),
      ...skipAll(HTTPS_CHECKS.slice(1), 'HTTPS check stopped'),
    ]),
  ]);
  const all = [dns.result, ns, ...mail, redirect, ...https, judgeGovVn(t.host, opts.stateBody ?? false)];
  const byName = new Map(all.map((r) => [r.check, r]));
  const results = SITE_CHECKS.map((c) => byName.get(c) as SiteCheckResult);
  const verdict = results.some((r) => r.verdict === 'fail')
    ? 'fail'
    : results.some((r) => r.verdict === 'warn')
      ? 'warn'
      : 'pass';
  return { url: t.url, host: t.host, checkedAt, verdict, results };
}

/** Checks many sites, `concurrency` at a time (default 4), reports in the order of `urls`. */
export async function checkSites(
  urls: string[],
  opts: SiteCheckOptions & { concurrency?: number } = {},
): Promise<SiteCheckReport[]> {
  // Bad input is refused before any site is contacted.
  for (const url of urls) siteTarget(url);
  makeResolver(opts.dnsServers, DEFAULT_TIMEOUT_MS);
  const reports: SiteCheckReport[] = new Array(urls.length);
  let next = 0;
  const worker = async () => {
    while (next < urls.length) {
      const i = next++;
      reports[i] = await checkSite(urls[i] as string, opts);
    }
  };
  const width = Math.max(1, Math.min(opts.concurrency ?? 4, urls.length));
  await Promise.all(Array.from({ length: width }, worker));
  return reports;
}
