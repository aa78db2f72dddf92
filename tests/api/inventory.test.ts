import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, queryRows } from '../../src/core/db/client.ts';
import type { Scope } from '../../src/modules/auth/index.ts';
import { inventoryItems } from '../../src/modules/inventory/index.ts';
import { type Client, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';
import { fixtureText } from '../support/scan-fixtures.ts';
import { createSystem } from './systems-support.ts';

const openvas = readFileSync(new URL('../fixtures/scans-openvas/greenbone-host-details.xml', import.meta.url), 'utf8');
const nessus = fixtureText('nessus/nessus_v_unknown.xml');
const nmap = fixtureText('nmap/issue4406.xml');

/** An independent 2.2 URI → 2.3 binding for the plain names scanners write (no %-codes, no packed edition). */
function bind(uri: string): string {
  const fields = uri
    .replace(/^(x-)?cpe:\//i, '')
    .toLowerCase()
    .split(':');
  const quoted = fields.map((f) => (f === '' ? '*' : f.replace(/[^a-z0-9_.-]/g, (c) => `\\${c}`)));
  return `cpe:2.3:${[...quoted, ...Array(11 - quoted.length).fill('*')].join(':')}`;
}

/** `ip|cpe` of every CPE a Nessus file names per host: its cpe tags and plugin 45590's output, read from the text. */
function nessusCpes(xml: string): string[] {
  const out = new Set<string>();
  for (const m of xml.matchAll(/<ReportHost name="[^"]*">([\s\S]*?)<\/ReportHost>/g)) {
    const block = m[1] ?? '';
    const ip = /name="host-ip">([^<]+)</.exec(block)?.[1];
    const tags = [...block.matchAll(/<tag name="cpe(?:-\d+)?">([^<]*)</g)].map((t) => t[1]);
    const plugin = /pluginID="45590"[\s\S]*?<plugin_output>([\s\S]*?)<\/plugin_output>/.exec(block)?.[1] ?? '';
    for (const line of [...tags, plugin].join('\n').split('\n')) {
      const cpe = /(?:x-)?cpe:\/\S+/.exec(line)?.[0];
      if (cpe) out.add(`${ip}|${bind(cpe)}`);
    }
  }
  return [...out].sort();
}

/** `ip|cpe|port/protocol` of every service `<cpe>` on an open port of an Nmap file, read from the text. */
function nmapCpes(xml: string): string[] {
  const out = new Set<string>();
  for (const h of xml.matchAll(/<host\b[\s\S]*?<\/host>/g)) {
    const ip = /<address addr="([^"]+)" addrtype="ipv4"/.exec(h[0])?.[1];
    for (const p of h[0].matchAll(
      /<port protocol="(\w+)" portid="(\d+)"><state state="open"[^>]*\/>([\s\S]*?)<\/port>/g,
    ))
      for (const c of (p[3] ?? '').matchAll(/<cpe>([^<]+)<\/cpe>/g))
        out.add(`${ip}|${bind(c[1] ?? '')}|${p[2]}/${p[1]}`);
  }
  return [...out].sort();
}

/** `ip|cpe` of every App and best_os_cpe detail of an OpenVAS report's host summaries, read from the text. */
function openvasCpes(xml: string): string[] {
  const out = new Set<string>();
  for (const h of xml.matchAll(/<host>\s*<ip>([^<]+)<\/ip>([\s\S]*?)<\/host>/g))
    for (const d of (h[2] ?? '').matchAll(/<name>(?:App|best_os_cpe)<\/name><value>([^<]+)</g))
      out.add(`${h[1]}|${bind(d[1] ?? '')}`);
  return [...out].sort();
}

type Item = {
  kind: 'system' | 'computer';
  id: string;
  organisation: { id: string; name: string } | null;
  system: { id: string; name: string } | null;
  computer: { id: string; ip: string; hostname: string | null } | null;
  vendor: string | null;
  product: string;
  version: string | null;
  cpe: string | null;
  port: number | null;
  protocol: string | null;
  service: string | null;
  scanner: string | null;
  lastSeen: string;
};

describe.each(TEST_DATABASES)('software inventory on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  let soc: Client;
  let dept: Client;
  let agencyA: Client;
  let agencyB: Client;
  const org: Record<string, string> = {};
  let systemName = '';

  const upload = (body: string, fileName: string, scannedAt: string) =>
    soc.request(
      'POST',
      `/api/vulnerabilities/scans?fileName=${fileName}&scannedAt=${encodeURIComponent(scannedAt)}`,
      Buffer.from(body),
    );
  const list = async (client: Client, query = '') => {
    const res = await client.request('GET', `/api/inventory?limit=500${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { items: Item[]; total: number };
  };
  const cpesOf = (items: Item[], withPort = false) =>
    items
      .filter((i) => i.cpe)
      .map((i) => `${i.computer?.ip}|${i.cpe}${withPort ? `|${i.port}/${i.protocol}` : ''}`)
      .sort();
  const softwareRows = async () =>
    queryRows<{ id: string; key: string; last_scan_id: string; last_seen: Date }>(
      database.db,
      sql`select id, key, last_scan_id, last_seen from computer_software order by id`,
    );

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database);
    const admin = await t.userWithRole('iadmin', 'admin');
    for (const [code, name, parent, ranges] of [
      ['P', 'Tỉnh', null, ['10.0.0.0/8']],
      ['A', 'Sở A', 'P', ['10.31.112.16/28']],
      ['B', 'Sở B', 'P', ['10.31.113.0/24']],
      ['N', 'Trung tâm dữ liệu', 'P', ['10.250.195.0/24']],
    ] as const) {
      const res = await admin.request('POST', '/api/organisations', {
        code,
        name,
        type: 'department',
        parentId: parent ? org[parent] : null,
        ipRanges: ranges,
      });
      expect(res.statusCode, res.body).toBe(201);
      org[code] = res.json().id;
    }
    soc = await t.userWithRole('isoc', 'soc');
    dept = await t.userWithRole('idept', 'department');
    agencyA = await t.userWithRole('iagency-a', 'agency', org.A ?? null);
    agencyB = await t.userWithRole('iagency-b', 'agency', org.B ?? null);
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it('lists exactly the CPEs a real Nessus report names, with each port’s service', async () => {
    const expected = nessusCpes(nessus);
    expect(expected).toHaveLength(14); // 7 hosts × (Windows Server 2008 R2 SP1, IIS 7.5)
    const res = await upload(nessus, 'nessus_v_unknown.xml', '2024-03-10T09:00:00+07:00');
    expect(res.statusCode, res.body).toBe(201);
    const { items, total } = await list(soc, '&kind=computer');
    expect(cpesOf(items)).toEqual(expected);
    expect(total).toBe(items.length);
    const iis = items.find((i) => i.cpe === 'cpe:2.3:a:microsoft:iis:7.5:*:*:*:*:*:*:*');
    expect(iis).toMatchObject({
      kind: 'computer',
      organisation: { id: org.A, name: 'Sở A' },
      vendor: 'microsoft',
      product: 'iis',
      version: '7.5',
      scanner: 'nessus',
      system: null,
      lastSeen: '2024-03-10T02:00:00.000Z',
    });
    // Services: one per port the report's items name (port 0 is the host itself).
    const ports = new Set<string>();
    for (const h of nessus.matchAll(/<ReportHost name="[^"]*">([\s\S]*?)<\/ReportHost>/g)) {
      const ip = /name="host-ip">([^<]+)</.exec(h[1] ?? '')?.[1];
      for (const p of (h[1] ?? '').matchAll(/<ReportItem port="(\d+)" svc_name="[^"]+" protocol="(\w+)"/g))
        if (p[1] !== '0') ports.add(`${ip}|${p[1]}/${p[2]}`);
    }
    const services = items.filter((i) => !i.cpe).map((i) => `${i.computer?.ip}|${i.port}/${i.protocol}`);
    expect(new Set(services)).toEqual(ports);
    expect(services).toHaveLength(ports.size);
  });

  it('lists exactly the service CPEs of a real Nmap -sV report, on their ports', async () => {
    const expected = nmapCpes(nmap);
    expect(expected).toHaveLength(13);
    const res = await upload(nmap, 'issue4406.xml', '2024-03-11T09:00:00+07:00');
    expect(res.statusCode, res.body).toBe(201);
    const { items } = await list(soc, `&kind=computer&organisationId=${org.N}`);
    expect(cpesOf(items, true)).toEqual(expected);
    expect(items.find((i) => i.port === 22)).toMatchObject({ product: 'openssh', version: '7.4', service: 'ssh' });
  });

  it('lists exactly the App and OS CPEs of an OpenVAS report’s host details', async () => {
    const res = await upload(openvas, 'greenbone.xml', '2024-06-03T09:00:00+07:00');
    expect(res.statusCode, res.body).toBe(201);
    const { items } = await list(soc, `&kind=computer&organisationId=${org.B}`);
    expect(cpesOf(items)).toEqual(openvasCpes(openvas));
    expect(items.find((i) => i.product === 'http_server')).toMatchObject({ port: 80, protocol: 'tcp' });
  });

  it('re-importing a file changes nothing', async () => {
    const before = await softwareRows();
    for (const [body, name, at] of [
      [nessus, 'again.xml', '2024-03-10T09:00:00+07:00'],
      [nmap, 'again-nmap.xml', '2024-03-11T09:00:00+07:00'],
    ] as const) {
      const res = await upload(body, name, at);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ duplicate: true });
    }
    expect(await softwareRows()).toEqual(before);
  });

  it('a later scan without an item removes it; an older one imported late changes nothing', async () => {
    // qa3app01 no longer runs IIS in April: the April report's 45590 output of that host lacks it.
    const host = /<ReportHost name="qa3app01">[\s\S]*?<\/ReportHost>/.exec(nessus)?.[0] ?? '';
    const ip = /name="host-ip">([^<]+)</.exec(host)?.[1];
    const withoutIis = host.replace(/\n\s*cpe:\/a:microsoft:iis:7\.5[^\n]*/, '');
    expect(withoutIis.length).toBeLessThan(host.length);
    const april = nessus.replace(host, () => withoutIis);
    expect((await upload(april, 'april.xml', '2024-04-15T09:00:00+07:00')).statusCode).toBe(201);
    const iisHosts = async () => (await list(soc, '&q=iis&kind=computer')).items.map((i) => i.computer?.ip).sort();
    const all = nessusCpes(nessus)
      .filter((c) => c.endsWith('|cpe:2.3:a:microsoft:iis:7.5:*:*:*:*:*:*:*'))
      .map((c) => c.split('|')[0])
      .sort();
    expect(await iisHosts()).toEqual(all.filter((a) => a !== ip));
    // The others were seen again in April.
    const windows = (await list(soc, '&q=windows_server_2008')).items;
    expect(windows).toHaveLength(7);
    expect(new Set(windows.map((w) => w.lastSeen))).toEqual(new Set(['2024-04-15T02:00:00.000Z']));

    // A February report (IIS still there) imported now neither brings it back nor removes anything.
    const before = await softwareRows();
    const february = `${nessus}\n<!-- February -->`;
    expect((await upload(february, 'february.xml', '2024-02-01T09:00:00+07:00')).statusCode).toBe(201);
    expect(await softwareRows()).toEqual(before);
    expect(await iisHosts()).toEqual(all.filter((a) => a !== ip));
  });

  it('an agency sees only its own software; a system’s components are listed with them', async () => {
    const system = await createSystem(dept, org.B ?? '', 2, {
      software: [
        { name: 'Phần mềm Quản lý văn bản', vendor: 'VNPT', version: '3.1', cpe: '' },
        { name: 'OpenSSH', vendor: 'OpenBSD', version: '7.4', cpe: 'cpe:/a:openbsd:openssh:7.4' },
      ],
    });
    systemName = system.name;
    const a = await list(agencyA);
    expect(a.total).toBeGreaterThan(0);
    expect(a.items.every((i) => i.organisation?.id === org.A && i.kind === 'computer')).toBe(true);
    const b = await list(agencyB);
    expect(new Set(b.items.map((i) => i.organisation?.id))).toEqual(new Set([org.B]));
    expect(b.items.filter((i) => i.kind === 'system')).toEqual([
      expect.objectContaining({
        system: { id: system.id, name: system.name },
        computer: null,
        product: 'OpenSSH',
        vendor: 'OpenBSD',
        cpe: 'cpe:2.3:a:openbsd:openssh:7.4:*:*:*:*:*:*:*',
        scanner: null,
      }),
      expect.objectContaining({ product: 'Phần mềm Quản lý văn bản', cpe: null }),
    ]);
    // Another agency's subtree asked for by id: nothing, not an error.
    expect(await list(agencyA, `&organisationId=${org.B}`)).toEqual({ items: [], total: 0 });
    expect((await list(agencyA, '&q=quan ly van ban')).total).toBe(0);
    // The province sees all, and the search ignores case and diacritics.
    const found = await list(dept, `&q=${encodeURIComponent('QUAN LY VAN BAN')}`);
    expect(found.items.map((i) => i.product)).toEqual(['Phần mềm Quản lý văn bản']);
    expect((await list(dept, '&kind=system')).total).toBe(2);
  });

  it('pages and sorts on the server', async () => {
    const all = await list(soc, '&sort=product');
    const first = await soc.request('GET', '/api/inventory?limit=5&offset=0&sort=product');
    const second = await soc.request('GET', '/api/inventory?limit=5&offset=5&sort=product');
    expect(first.json().total).toBe(all.total);
    expect([...first.json().items, ...second.json().items].map((i: Item) => i.id)).toEqual(
      all.items.slice(0, 10).map((i) => i.id),
    );
    const products = all.items.map((i) => i.product.toLowerCase());
    expect(products).toEqual([...products].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
    const bad = await soc.request('GET', '/api/inventory?sort=password');
    expect(bad.statusCode).toBe(400);
  });

  it('inventoryItems: the candidates for a vendor, product or CPE prefix, exactly, within the scope', async () => {
    const province: Scope = { all: true };
    const ssh = await inventoryItems(database.db, province, { vendor: 'openbsd', product: 'openssh' });
    // Nmap on 10.250.195.71:22, OpenVAS on 10.31.113.5:22, and the system declaring OpenSSH (vendor "OpenBSD").
    expect(ssh.map((i) => `${i.kind}|${i.computer?.ip ?? i.system?.name}|${i.port ?? ''}`).sort()).toEqual([
      'computer|10.250.195.71|22',
      'computer|10.31.113.5|22',
      `system|${systemName}|`,
    ]);
    expect(await inventoryItems(database.db, province, { product: 'opens' })).toEqual([]);
    expect(await inventoryItems(database.db, province, { product: 'Phan mem quan ly van ban' })).toHaveLength(1);
    const byPrefix = await inventoryItems(database.db, province, { cpePrefix: 'cpe:2.3:a:openbsd:openssh:' });
    expect(byPrefix.map((i) => i.id).sort()).toEqual(ssh.map((i) => i.id).sort());
    const scopeB: Scope = { all: false, organisationIds: [org.B ?? ''] };
    expect((await inventoryItems(database.db, scopeB, { product: 'openssh' })).map((i) => i.organisation?.id)).toEqual([
      org.B,
      org.B,
    ]);
    await expect(inventoryItems(database.db, province, {})).rejects.toThrow(/needs a vendor/);
  });
});
