// DNS through one's own resolver (node:dns Resolver, never the system's getaddrinfo): the addresses it returns are
// the only ones the checker connects to, so pointing it at a test server keeps every connection inside the test.
import { Resolver } from 'node:dns/promises';
import { AppError } from '../../../core/errors.ts';
import { judgeDmarc, judgeMx, judgeNs, judgeSpf, result } from './evaluate.ts';
import type { SiteCheckResult } from './types.ts';

export type SiteResolver = InstanceType<typeof Resolver>;

export function makeResolver(servers: string[] | undefined, timeoutMs: number): SiteResolver {
  // Two tries of half the step's time each: one lost UDP datagram does not fail the check.
  const resolver = new Resolver({ timeout: Math.max(1, Math.ceil(timeoutMs / 2)), tries: 2 });
  try {
    if (servers?.length) resolver.setServers(servers);
  } catch {
    throw new AppError('VALIDATION', `invalid DNS server in "${servers?.join(',')}" (ip or ip:port)`);
  }
  return resolver;
}

const code = (e: unknown) => (e as NodeJS.ErrnoException).code ?? String(e);
/** "The name has no such record" as opposed to "the question could not be answered". */
const isAbsent = (e: unknown) => ['ENODATA', 'ENOTFOUND'].includes(code(e));

async function orEmpty<T>(query: Promise<T[]>): Promise<T[]> {
  try {
    return await query;
  } catch (e) {
    if (isAbsent(e)) return [];
    throw e;
  }
}

/** A/AAAA of the host; `addresses` empty when there is nothing to connect to. */
export async function resolveAddresses(
  resolver: SiteResolver,
  host: string,
): Promise<{ result: SiteCheckResult; addresses: string[] }> {
  try {
    const [v4, v6] = await Promise.all([orEmpty(resolver.resolve4(host)), orEmpty(resolver.resolve6(host))]);
    const addresses = [...v4, ...v6];
    if (!addresses.length)
      return { result: result('dns_address', 'fail', `${host} has no A or AAAA record`), addresses };
    return { result: result('dns_address', 'pass', addresses.join(', '), { ipv4: v4, ipv6: v6 }), addresses };
  } catch (e) {
    return { result: result('dns_address', 'fail', `DNS query for ${host} failed: ${code(e)}`), addresses: [] };
  }
}

/** NS of the zone holding the host: the nearest name, walking up from the host, that has NS records. */
export async function checkNameservers(resolver: SiteResolver, host: string): Promise<SiteCheckResult> {
  const labels = host.split('.');
  // Stop above the top-level domain: its servers say nothing about the site's own zone.
  for (let i = 0; i < labels.length - 1; i++) {
    const name = labels.slice(i).join('.');
    try {
      const ns = await orEmpty(resolver.resolveNs(name));
      if (ns.length) return judgeNs(name, ns);
    } catch (e) {
      return result('dns_ns', 'fail', `NS query for ${name} failed: ${code(e)}`);
    }
  }
  return result('dns_ns', 'fail', `no NS records for ${host} or its parent domains`);
}

const joinTxt = (records: string[][]) => records.map((chunks) => chunks.join(''));

/** MX, SPF and DMARC of a mail domain. */
export async function checkMail(resolver: SiteResolver, domain: string): Promise<SiteCheckResult[]> {
  const failed = (check: 'dns_mx' | 'dns_spf' | 'dns_dmarc', name: string, e: unknown) =>
    result(check, 'fail', `${check === 'dns_mx' ? 'MX' : 'TXT'} query for ${name} failed: ${code(e)}`, { domain });
  const [mx, spf, dmarc] = await Promise.all([
    orEmpty(resolver.resolveMx(domain)).then(
      (r) => judgeMx(domain, r),
      (e) => failed('dns_mx', domain, e),
    ),
    orEmpty(resolver.resolveTxt(domain)).then(
      (r) => judgeSpf(domain, joinTxt(r)),
      (e) => failed('dns_spf', domain, e),
    ),
    orEmpty(resolver.resolveTxt(`_dmarc.${domain}`)).then(
      (r) => judgeDmarc(domain, joinTxt(r)),
      (e) => failed('dns_dmarc', `_dmarc.${domain}`, e),
    ),
  ]);
  return [mx, spf, dmarc];
}
