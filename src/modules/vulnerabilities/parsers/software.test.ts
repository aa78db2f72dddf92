import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixtureText } from '../../../../tests/support/scan-fixtures.ts';
import { collectScan, type DetectedSoftware, MAX_SOFTWARE_PER_HOST } from './index.ts';

const openvasDetails = readFileSync(
  new URL('../../../../tests/fixtures/scans-openvas/greenbone-host-details.xml', import.meta.url),
  'utf8',
);

/** An independent 2.2 URI → 2.3 binding for the plain names scanners write (no %-codes, no packed edition). */
function bind(uri: string): string {
  const fields = uri
    .replace(/^(x-)?cpe:\//i, '')
    .toLowerCase()
    .split(':');
  const quoted = fields.map((f) => (f === '' ? '*' : f.replace(/[^a-z0-9_.-]/g, (c) => `\\${c}`)));
  return `cpe:2.3:${[...quoted, ...Array(11 - quoted.length).fill('*')].join(':')}`;
}

const cpesOf = (items: DetectedSoftware[] | undefined) => new Set((items ?? []).flatMap((i) => (i.cpe ? [i.cpe] : [])));

describe('software a scan reveals', () => {
  it('Nessus: the host cpe tags and plugin 45590 output, one item per distinct CPE, plus each port’s service', async () => {
    for (const file of ['nessus/nessus_with_cvssv3.nessus', 'nessus/nessus_v_unknown.xml']) {
      const xml = fixtureText(file);
      const scan = await collectScan(xml);
      const blocks = [...xml.matchAll(/<ReportHost name="[^"]*">([\s\S]*?)<\/ReportHost>/g)].map((m) => m[1] ?? '');
      expect(scan.hosts).toHaveLength(blocks.length);
      blocks.forEach((block, i) => {
        const tags = [...block.matchAll(/<tag name="cpe(?:-\d+)?">([^<]*)</g)].map((m) => m[1] ?? '');
        const plugin = /pluginID="45590"[\s\S]*?<plugin_output>([\s\S]*?)<\/plugin_output>/.exec(block)?.[1] ?? '';
        const named = [...tags, plugin]
          .join('\n')
          .split('\n')
          .flatMap((l) => /(?:x-)?cpe:\/\S+/.exec(l)?.[0] ?? []);
        const ports = new Set(
          [...block.matchAll(/<ReportItem port="(\d+)" svc_name="[^"]+" protocol="(\w+)"/g)]
            .filter((m) => m[1] !== '0')
            .map((m) => `${m[1]}/${m[2]}`),
        );
        const software = scan.hosts[i]?.software ?? [];
        expect(cpesOf(software)).toEqual(new Set(named.map(bind)));
        expect(new Set(software.filter((s) => !s.cpe).map((s) => `${s.port}/${s.protocol}`))).toEqual(ports);
      });
    }
    const [host] = (await collectScan(fixtureText('nessus/nessus_v_unknown.xml'))).hosts;
    expect(host?.software).toContainEqual({
      cpe: 'cpe:2.3:o:microsoft:windows_server_2008:r2:sp1:*:*:*:*:*:*',
      vendor: 'microsoft',
      product: 'windows_server_2008',
      version: 'r2',
    });
    expect(host?.software).toContainEqual({ product: 'www', port: 80, protocol: 'tcp', service: 'www' });
  });

  it('Nessus: x-cpe names, a long 45590 output read whole while the finding keeps the output budget, a cap per host', async () => {
    const lines = Array.from(
      { length: MAX_SOFTWARE_PER_HOST + 20 },
      (_, i) => `  x-cpe:/a:vendor${i}:product${i}:1.${i}`,
    );
    const xml = `<NessusClientData_v2><Report name="r"><ReportHost name="10.0.0.1"><HostProperties>
<tag name="host-ip">10.0.0.1</tag><tag name="cpe-0">cpe:/o:microsoft:windows_10 -&gt; Microsoft Windows 10</tag>
</HostProperties>
<ReportItem port="0" svc_name="general" protocol="tcp" severity="0" pluginID="45590" pluginName="Common Platform Enumeration (CPE)" pluginFamily="General">
<plugin_output>Following application CPE's matched on the remote system :

${lines.join('\n')}</plugin_output></ReportItem></ReportHost></Report></NessusClientData_v2>`;
    const scan = await collectScan(xml);
    const software = scan.hosts[0]?.software ?? [];
    expect(software).toHaveLength(MAX_SOFTWARE_PER_HOST);
    expect(software[0]).toEqual({
      cpe: 'cpe:2.3:o:microsoft:windows_10:*:*:*:*:*:*:*:*',
      vendor: 'microsoft',
      product: 'windows_10',
    });
    expect(software[1]).toEqual({
      cpe: 'cpe:2.3:a:vendor0:product0:1.0:*:*:*:*:*:*:*',
      vendor: 'vendor0',
      product: 'product0',
      version: '1.0',
    });
    expect(scan.hosts[0]?.findings[0]?.output?.length).toBeLessThanOrEqual(2_001);
  });

  it('Nmap: each open port’s -sV CPEs on that port, a product without CPE, and the best OS match’s CPEs', async () => {
    const xml = fixtureText('nmap/issue4406.xml');
    const scan = await collectScan(xml);
    const ports = [
      ...xml.matchAll(/<port protocol="(\w+)" portid="(\d+)"><state state="open"[^>]*\/>([\s\S]*?)<\/port>/g),
    ];
    const expected = new Set(
      ports.flatMap((m) =>
        [...(m[3] ?? '').matchAll(/<cpe>([^<]+)<\/cpe>/g)].map((c) => `${bind(c[1] ?? '')}@${m[2]}/${m[1]}`),
      ),
    );
    const software = scan.hosts[0]?.software ?? [];
    expect(expected.size).toBe(13);
    expect(new Set(software.filter((s) => s.cpe).map((s) => `${s.cpe}@${s.port}/${s.protocol}`))).toEqual(expected);
    // "Golang net/http server" on ports without a <cpe>: kept by the product -sV named.
    const productOnly = ports.filter((m) => /product="/.test(m[3] ?? '') && !/<cpe>/.test(m[3] ?? ''));
    expect(software.filter((s) => !s.cpe)).toHaveLength(productOnly.length);
    expect(software).toContainEqual({
      cpe: 'cpe:2.3:a:openbsd:openssh:7.4:*:*:*:*:*:*:*',
      vendor: 'openbsd',
      product: 'openssh',
      version: '7.4',
      port: 22,
      protocol: 'tcp',
      service: 'ssh',
    });

    const os =
      await collectScan(`<nmaprun start="1700000000"><host><status state="up"/><address addr="10.0.0.2" addrtype="ipv4"/>
<ports><port protocol="tcp" portid="80"><state state="open"/><service name="http" method="table" conf="3"/></port></ports>
<os><osmatch name="Linux 4.15 - 5.8" accuracy="100"><osclass type="general purpose" vendor="Linux" osfamily="Linux" osgen="4.X"><cpe>cpe:/o:linux:linux_kernel:4</cpe></osclass><osclass type="general purpose" vendor="Linux" osfamily="Linux" osgen="5.X"><cpe>cpe:/o:linux:linux_kernel:5</cpe></osclass></osmatch>
<osmatch name="FreeBSD 12" accuracy="90"><osclass type="general purpose" vendor="FreeBSD" osfamily="FreeBSD" osgen="12.X"><cpe>cpe:/o:freebsd:freebsd:12</cpe></osclass></osmatch></os></host></nmaprun>`);
    // Only the best match's names; a port known only from Nmap's table is no revealed software.
    expect([...cpesOf(os.hosts[0]?.software)]).toEqual([
      'cpe:2.3:o:linux:linux_kernel:4:*:*:*:*:*:*:*',
      'cpe:2.3:o:linux:linux_kernel:5:*:*:*:*:*:*:*',
    ]);
    expect(os.hosts[0]?.software).toHaveLength(2);
  });

  it('OpenVAS: App and best_os_cpe host details, on the port their location detail names', async () => {
    const scan = await collectScan(openvasDetails);
    const summaries = scan.hosts.filter((h) => h.findings.length === 0);
    const blocks = [...openvasDetails.matchAll(/<host>\s*<ip>([^<]+)<\/ip>([\s\S]*?)<\/host>/g)];
    expect(summaries.map((h) => h.host.ip)).toEqual(blocks.map((b) => b[1]));
    blocks.forEach((b, i) => {
      const named = [...(b[2] ?? '').matchAll(/<name>(?:App|best_os_cpe)<\/name><value>([^<]+)</g)].map(
        (m) => m[1] ?? '',
      );
      expect(cpesOf(summaries[i]?.software)).toEqual(new Set(named.map(bind)));
    });
    expect(summaries[0]?.software).toEqual([
      {
        cpe: 'cpe:2.3:o:canonical:ubuntu_linux:18.04:*:*:*:*:*:*:*',
        vendor: 'canonical',
        product: 'ubuntu_linux',
        version: '18.04',
      },
      {
        cpe: 'cpe:2.3:a:apache:http_server:2.4.29:*:*:*:*:*:*:*',
        vendor: 'apache',
        product: 'http_server',
        version: '2.4.29',
        port: 80,
        protocol: 'tcp',
      },
      {
        cpe: 'cpe:2.3:a:openbsd:openssh:7.4:*:*:*:*:*:*:*',
        vendor: 'openbsd',
        product: 'openssh',
        version: '7.4',
        port: 22,
        protocol: 'tcp',
      },
      // Found at a path, not a port: the host's.
      { cpe: 'cpe:2.3:a:php:php:7.2.24:*:*:*:*:*:*:*', vendor: 'php', product: 'php', version: '7.2.24' },
    ]);
    // The result runs carry findings only.
    expect(scan.hosts.filter((h) => h.findings.length).every((h) => h.software === undefined)).toBe(true);
  });

  it('skips what is no CPE or names no product', async () => {
    const xml = `<NessusClientData_v2><Report name="r"><ReportHost name="10.0.0.1"><HostProperties>
<tag name="host-ip">10.0.0.1</tag><tag name="cpe">cpe:/o:microsoft</tag><tag name="cpe-1">not a cpe</tag>
<tag name="cpe-2">cpe:/a:foo:bar:12.%02.1</tag></HostProperties></ReportHost></Report></NessusClientData_v2>`;
    const scan = await collectScan(xml);
    expect(scan.issues).toEqual([]);
    expect(scan.hosts[0]?.software).toEqual([]);
  });
});
