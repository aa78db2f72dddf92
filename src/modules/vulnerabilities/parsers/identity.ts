import type { Finding, ScannedHost } from './types.ts';

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
