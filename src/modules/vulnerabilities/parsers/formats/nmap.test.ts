import { describe, expect, it } from 'vitest';
import { fixtureText } from '../../../../../tests/support/scan-fixtures.ts';
import { collectScan, type Severity } from '../index.ts';

/** CVSS v3's qualitative bands, written here rather than taken from the parser they check. */
const bands = (score: number): Severity =>
  score >= 9 ? 'critical' : score >= 7 ? 'high' : score >= 4 ? 'medium' : score > 0 ? 'low' : 'info';

describe('Nmap XML fixtures', () => {
  it('keeps a host that is up with no open port as scanned, without findings', async () => {
    const scan = await collectScan(fixtureText('nmap/nmap_0port.xml'));
    expect(scan.format).toBe('nmap');
    expect(scan.fatal).toBeNull();
    expect(scan.hosts).toHaveLength(1);
    expect(scan.hosts[0]?.host).toMatchObject({
      ip: '127.0.0.1',
      hostname: 'localhost.localdomain',
      services: [],
      scanStart: { iso: '2014-03-29T14:46:56.000Z' },
    });
    expect(scan.hosts[0]?.findings).toEqual([]);
    expect(scan.summary).toMatchObject({ hosts: 1, findings: 0, vulnerableHosts: 0 });
    expect(scan.summary.hostsByMaxSeverity.info).toBe(1);
  });

  it('turns each vulners entry into a finding with its score and CVE', async () => {
    const scan = await collectScan(fixtureText('nmap/nmap_script_vulners.xml'));
    const record = scan.hosts[0];
    expect(record?.host.services).toEqual([
      { port: 5022, protocol: 'tcp', service: 'ssh', product: 'OpenSSH', version: '7.4' },
    ]);
    expect(record?.findings).toEqual([
      expect.objectContaining({
        scanner: 'nmap',
        scannerId: 'vulners:CVE-2018-15919',
        name: 'CVE-2018-15919 (cpe:/a:openbsd:openssh:7.4)',
        severity: 'medium',
        scannerScore: 5,
        cves: ['CVE-2018-15919'],
        port: 5022,
        protocol: 'tcp',
        service: 'ssh',
        exploitAvailable: false,
        seeAlso: ['https://vulners.com/cve/CVE-2018-15919'],
      }),
      expect.objectContaining({ scannerId: 'vulners:CVE-2017-15906', cves: ['CVE-2017-15906'] }),
    ]);
    expect(scan.summary).toMatchObject({ hosts: 1, findings: 2, distinctCves: 2, vulnerableHosts: 1 });
  });

  it('reads every vulners entry of issue4406, exploits included', async () => {
    const xml = fixtureText('nmap/issue4406.xml');
    const scan = await collectScan(xml);
    const entries = Array.from(
      xml.matchAll(
        /<elem key="cvss">([^<]*)<\/elem>\s*<elem key="id">([^<]*)<\/elem>\s*<elem key="is_exploit">([^<]*)/g,
      ),
    );
    const findings = scan.hosts[0]?.findings ?? [];
    expect(entries).toHaveLength(42);
    expect(findings).toHaveLength(42);
    expect(findings.map((f) => f.scannerId)).toEqual(entries.map((m) => `vulners:${m[2]}`));
    expect(findings.map((f) => f.severity)).toEqual(entries.map((m) => bands(Number(m[1]))));
    expect(findings.filter((f) => f.exploitAvailable)).toHaveLength(entries.filter((m) => m[3] === 'true').length);
    // CVE ids are also read out of exploit ids such as MSF:ILITIES/DEBIAN-CVE-2019-6111/.
    expect(findings.find((f) => f.scannerId === 'vulners:MSF:ILITIES/DEBIAN-CVE-2019-6111/')?.cves).toEqual([
      'CVE-2019-6111',
    ]);
    expect(scan.summary.findingsBySeverity).toEqual({ critical: 0, high: 0, medium: 37, low: 1, info: 4 });
    expect(scan.hosts[0]?.host.services).toHaveLength(25);
  });

  it('lists open ports as services, not findings', async () => {
    const scan = await collectScan(fixtureText('nmap/nmap_multiple_port.xml'));
    expect(scan.hosts[0]?.host.hostname).toBe('joaquinlp.me');
    expect(scan.hosts[0]?.host.services?.map((s) => s.port)).toEqual([
      21, 25, 53, 80, 110, 143, 443, 465, 587, 993, 995, 2525, 3306,
    ]);
    expect(scan.summary).toMatchObject({ hosts: 1, findings: 0, vulnerableHosts: 0 });
  });

  it('skips hosts that are down and reports an invalid address', async () => {
    const xml = `<?xml version="1.0"?><nmaprun>
<host><status state="down"/><address addr="10.0.0.9" addrtype="ipv4"/></host>
<host><status state="up"/><address addr="10.0.0.300" addrtype="ipv4"/><address addr="00:0C:29:AA:BB:CC" addrtype="mac"/></host>
<host><status state="up"/><address addr="2001:DB8:0:0:0:0:0:1" addrtype="ipv6"/><address addr="00:0C:29:AA:BB:CC" addrtype="mac"/></host>
</nmaprun>`;
    const scan = await collectScan(xml);
    expect(scan.hosts.map((h) => h.host)).toEqual([
      { ip: '2001:db8::1', ipVersion: 6, mac: '00:0c:29:aa:bb:cc', services: [] },
    ]);
    expect(scan.issues).toEqual([
      expect.objectContaining({ code: 'invalid-ip', line: 3, column: 1, path: 'nmaprun/host' }),
    ]);
  });
});
