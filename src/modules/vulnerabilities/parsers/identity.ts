import type { Finding, ScannedHost, ScannedWebsite, WebFinding } from './types.ts';

type HostIdentity = Pick<ScannedHost, 'ip' | 'mac' | 'netbios' | 'hostname' | 'fqdn'>;

/**
 * Stable key of a computer: its IP plus its MAC, or else its short host name. The name part
 * tells apart two machines that held the same address (DHCP) between scans; the short name
 * makes `PC01` (NetBIOS) and `pc01.agency.gov.vn` (DNS) the same computer.
 */
export function hostKey(host: HostIdentity): string {
  const name = host.mac ?? (host.netbios ?? host.hostname ?? host.fqdn)?.split('.')[0]?.toLowerCase();
  return name ? `${host.ip}|${name}` : host.ip;
}

/** Stable key of a finding across imports: the same check on the same port of the same computer. */
export function findingKey(host: HostIdentity, finding: Pick<Finding, 'scanner' | 'scannerId' | 'port' | 'protocol'>) {
  return `${hostKey(host)}|${finding.scanner}:${finding.scannerId}|${finding.port}/${finding.protocol}`;
}

/** Stable key of a website: its origin, the port always written (`https://portal.tinh.gov.vn:443`). */
export function websiteKey(site: Pick<ScannedWebsite, 'scheme' | 'host' | 'port'>): string {
  const host = site.host.includes(':') ? `[${site.host}]` : site.host;
  return `${site.scheme}://${host}:${site.port}`;
}

/** Stable key of a web finding across imports: the same check at the same place of the same website. */
export function webFindingKey(
  site: Pick<ScannedWebsite, 'scheme' | 'host' | 'port'>,
  finding: Pick<WebFinding, 'scanner' | 'scannerId' | 'location'>,
) {
  return `${websiteKey(site)}|${finding.scanner}:${finding.scannerId}|${finding.location}`;
}
