import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, queryRows } from '../../src/core/db/client.ts';
import { type Client, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';

const FIXTURES = new URL('../../../shared/fixtures/scans/', import.meta.url);
const fixture = (p: string) => readFileSync(new URL(p, FIXTURES), 'utf8');

/** What a careful analyst would count by reading the Nessus file: independent of the product's parser. */
function countNessus(xml: string) {
  const hosts = [...xml.matchAll(/<ReportHost name="[^"]*">([\s\S]*?)<\/ReportHost>/g)].map((m) => {
    const block = m[1] ?? '';
    const ip = /name="host-ip">([^<]+)</.exec(block)?.[1] ?? '';
    const items = [...block.matchAll(/<ReportItem\b([^>]*)>/g)].map((i) => {
      const attr = (n: string) => new RegExp(`${n}="([^"]*)"`).exec(i[1] ?? '')?.[1] ?? '';
      return { id: `${attr('pluginID')}|${attr('port')}|${attr('protocol')}`, severity: Number(attr('severity')) };
    });
    const vulnerable = new Map<string, number>();
    for (const it of items)
      if (it.severity >= 1) vulnerable.set(it.id, Math.max(it.severity, vulnerable.get(it.id) ?? 0));
    return { ip, findings: vulnerable.size, maxSeverity: Math.max(0, ...vulnerable.values()) };
  });
  return {
    hosts: hosts.length,
    findings: hosts.reduce((n, h) => n + h.findings, 0),
    vulnerableHosts: hosts.filter((h) => h.findings > 0).length,
    withCritical: hosts.filter((h) => h.maxSeverity === 4).length,
    ips: hosts.map((h) => h.ip),
  };
}

type ImportResult = {
  duplicate: boolean;
  hosts: number;
  findings: number;
  unattributedHosts: number;
  opened: number;
  reopened: number;
  resolved: number;
  issues: { line: number; message: string; code: string }[];
};

describe.each(TEST_DATABASES)('vulnerable computers on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  let soc: Client;
  let dept: Client;
  let agencyA: Client;
  let agencyB: Client;
  const org: Record<string, string> = {};
  const upload = (client: Client, body: string, fileName: string, scannedAt: string) =>
    client.request(
      'POST',
      `/api/vulnerabilities/scans?fileName=${fileName}&scannedAt=${encodeURIComponent(scannedAt)}`,
      Buffer.from(body),
    );
  const summary = async (client: Client, from: string, to: string, organisationId?: string) =>
    (
      await client.request(
        'GET',
        `/api/vulnerabilities/summary?from=${from}&to=${to}${organisationId ? `&organisationId=${organisationId}` : ''}`,
      )
    ).json();
  const count = async (table: string) =>
    (await queryRows<{ n: number }>(database.db, sql.raw(`select count(*)::int as n from ${table}`)))[0]?.n;

  const unknown = fixture('nessus/nessus_v_unknown.xml');
  const cvss3 = fixture('nessus/nessus_with_cvssv3.nessus');
  const expectedUnknown = countNessus(unknown);
  const expectedCvss3 = countNessus(cvss3);

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database);
    const admin = await t.userWithRole('vadmin', 'admin');
    for (const [code, name, parent, ranges] of [
      ['P', 'Tỉnh', null, ['10.0.0.0/8']],
      ['A', 'Sở A', 'P', ['10.31.112.16/28']],
      ['B', 'Sở B', 'P', ['10.31.113.0/24']],
      ['C', 'Cổng thông tin', 'P', ['44.228.249.0/24']],
    ] as const) {
      const res = await admin.request('POST', '/api/organisations', {
        code,
        name,
        type: 'department',
        parentId: parent ? org[parent] : null,
        ipRanges: ranges,
      });
      org[code] = res.json().id;
    }
    soc = await t.userWithRole('vsoc', 'soc');
    dept = await t.userWithRole('vdept', 'department');
    agencyA = await t.userWithRole('vagency-a', 'agency', org.A ?? null);
    agencyB = await t.userWithRole('vagency-b', 'agency', org.B ?? null);
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it('imports a real Nessus report: hosts, findings and vulnerable computers match the file', async () => {
    expect(expectedUnknown).toMatchObject({ hosts: 7, vulnerableHosts: 7 });
    const res = await upload(soc, unknown, 'nessus_v_unknown.xml', '2024-03-10T09:00:00+07:00');
    expect(res.statusCode, res.body).toBe(201);
    const r = res.json() as ImportResult;
    expect(r).toMatchObject({
      duplicate: false,
      hosts: 7,
      findings: expectedUnknown.findings,
      unattributedHosts: 0,
      opened: expectedUnknown.findings,
    });
    const s = await summary(soc, '2024-01-01', '2024-06-30');
    expect(s.vulnerableComputers).toBe(expectedUnknown.vulnerableHosts);
    expect(s.withCritical).toBe(0);
    expect(s.byOrganisation).toEqual([expect.objectContaining({ organisationId: org.A, vulnerableComputers: 7 })]);
    expect(
      s.byMonth.map((m: { month: string; vulnerableComputers: number }) => [m.month, m.vulnerableComputers]),
    ).toEqual([
      ['2024-01', 0],
      ['2024-02', 0],
      ['2024-03', 7],
      ['2024-04', 7],
      ['2024-05', 7],
      ['2024-06', 7],
    ]);
    // Before the scan nothing was known.
    expect((await summary(soc, '2024-01-01', '2024-03-09')).vulnerableComputers).toBe(0);
  });

  it('re-importing the same file changes nothing', async () => {
    const before = [
      await count('vuln_findings'),
      await count('computers'),
      await count('scan_imports'),
      await count('audit_log'),
    ];
    const res = await upload(soc, unknown, 'again.xml', '2024-04-01T09:00:00+07:00');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ duplicate: true });
    expect([
      await count('vuln_findings'),
      await count('computers'),
      await count('scan_imports'),
      await count('audit_log'),
    ]).toEqual(before);
  });

  it('a later scan without a finding resolves it; one that reports it again reopens it', async () => {
    // qa3app01 (10.31.112.21) fixed the RDP NLA weakness (plugin 58453) before the April scan.
    const host = /<ReportHost name="qa3app01">[\s\S]*?<\/ReportHost>/.exec(unknown)?.[0] ?? '';
    const fixedHost = host.replace(/<ReportItem port="3389"[^>]*pluginID="58453"[\s\S]*?<\/ReportItem>/, '');
    expect(fixedHost.length).toBeLessThan(host.length);
    const april = await upload(
      soc,
      unknown.replace(host, () => fixedHost),
      'april.xml',
      '2024-04-15T09:00:00+07:00',
    );
    expect(april.json()).toMatchObject({ opened: 0, resolved: 1, reopened: 0 });
    const resolved = (await soc.request('GET', '/api/vulnerabilities/findings?status=resolved')).json();
    expect(resolved).toHaveLength(1);
    expect(resolved[0].finding).toMatchObject({ scannerId: '58453', port: 3389, status: 'resolved' });
    expect(new Date(resolved[0].finding.resolvedAt).toISOString()).toBe('2024-04-15T02:00:00.000Z');
    // May: the weakness is back (a different file: the whitespace differs).
    const may = await upload(soc, `${unknown}\n`, 'may.xml', '2024-05-20T09:00:00+07:00');
    expect(may.json()).toMatchObject({ opened: 0, resolved: 0, reopened: 1 });
    const open = (await soc.request('GET', '/api/vulnerabilities/findings?status=open')).json() as {
      ip: string;
      finding: { scannerId: string; reopenedCount: number };
    }[];
    const nla = open.filter((f) => f.finding.scannerId === '58453').map((f) => [f.ip, f.finding.reopenedCount]);
    expect(nla.sort()).toEqual([
      ['10.31.112.21', 1],
      ['10.31.112.29', 0],
    ]);
    // An out-of-order import of an older scan resolves nothing.
    const old = await upload(
      soc,
      unknown.replace(host, () => fixedHost).concat('\n\n'),
      'old.xml',
      '2024-02-01T09:00:00+07:00',
    );
    expect(old.json()).toMatchObject({ resolved: 0, reopened: 0 });
  });

  it('a truncated file is refused with its line and leaves no partial scan', async () => {
    const before = [await count('vuln_findings'), await count('computers'), await count('scan_imports')];
    const truncated = cvss3.slice(0, Math.floor(cvss3.length * 0.6));
    const res = await upload(soc, truncated, 'truncated.nessus', '2024-06-01T09:00:00+07:00');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/truncated\.nessus: .*line \d+/);
    expect(res.json().error.message).toContain('nothing was imported');
    expect([await count('vuln_findings'), await count('computers'), await count('scan_imports')]).toEqual(before);
  });

  it('a corrupted element is reported with its line; the rest of the file is imported', async () => {
    const lines = cvss3.split('\n');
    const bad = lines.findIndex((l) => /<ReportItem[^>]*severity="3"/.test(l));
    lines[bad] = (lines[bad] ?? '').replace('severity="3"', 'severity="grave"');
    const res = await upload(soc, lines.join('\n'), 'corrupted.nessus', '2024-06-01T09:00:00+07:00');
    expect(res.statusCode, res.body).toBe(201);
    const r = res.json() as ImportResult;
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['invalid-severity', bad + 1]]);
    // The finding keeps a severity derived from its CVSS score, so every identity is still imported.
    expect(r).toMatchObject({ hosts: 1, findings: expectedCvss3.findings, unattributedHosts: 0 });
    const s = await summary(soc, '2024-06-01', '2024-06-30', org.C);
    expect(s.vulnerableComputers).toBe(1);
    expect(s.withCritical).toBe(expectedCvss3.withCritical);
  });

  it('keeps hosts outside every range as unattributed until an analyst assigns them', async () => {
    const many = fixture('nessus/nessus_many_vuln.xml');
    const r = (await upload(soc, many, 'many.xml', '2024-06-02T09:00:00+07:00')).json() as ImportResult;
    expect(r.unattributedHosts).toBe(countNessus(many).hosts);
    const unattributed = (await soc.request('GET', '/api/vulnerabilities/computers?unattributed=true')).json() as {
      id: string;
      ip: string;
    }[];
    expect(unattributed.map((c) => c.ip)).toEqual(['12.233.108.201']);
    expect((await agencyA.request('GET', '/api/vulnerabilities/computers?unattributed=true')).json()).toEqual([]);
    expect(
      (
        await soc.request('PUT', `/api/vulnerabilities/computers/${unattributed[0]?.id}/organisation`, {
          organisationId: org.C,
        })
      ).statusCode,
    ).toBe(200);
    expect((await soc.request('GET', '/api/vulnerabilities/computers?unattributed=true')).json()).toEqual([]);
  });

  it('isolates agencies: B sees nothing of A, and cannot touch A’s findings', async () => {
    const mine = (await agencyA.request('GET', '/api/vulnerabilities/computers')).json() as { ip: string }[];
    expect(mine.map((c) => c.ip).sort()).toEqual([...expectedUnknown.ips].sort());
    expect((await agencyB.request('GET', '/api/vulnerabilities/computers')).json()).toEqual([]);
    expect((await agencyB.request('GET', '/api/vulnerabilities/findings')).json()).toEqual([]);
    expect((await summary(agencyB, '2024-01-01', '2024-12-31')).vulnerableComputers).toBe(0);
    expect((await summary(agencyA, '2024-01-01', '2024-12-31')).vulnerableComputers).toBe(7);
    // Asking for another organisation's subtree gives only what is in one's own scope.
    expect((await summary(agencyB, '2024-01-01', '2024-12-31', org.A)).vulnerableComputers).toBe(0);
    const aFinding = (
      (await agencyA.request('GET', '/api/vulnerabilities/findings?status=open')).json() as {
        finding: { id: string };
      }[]
    )[0]?.finding.id;
    const foreign = await agencyB.request('POST', `/api/vulnerabilities/findings/${aFinding}/status`, {
      status: 'fixed',
    });
    expect(foreign.statusCode).toBe(404);
  });

  it('remediation: fixed by the agency, accepted risk approved only by the Department, false positive only by the SOC', async () => {
    const open = (await agencyA.request('GET', '/api/vulnerabilities/findings?status=open')).json() as {
      finding: { id: string };
    }[];
    const [f1, f2, f3] = open.map((o) => o.finding.id);
    expect(
      (
        await agencyA.request('POST', `/api/vulnerabilities/findings/${f1}/status`, {
          status: 'fixed',
          reason: 'Đã cập nhật bản vá',
        })
      ).json(),
    ).toMatchObject({ status: 'fixed' });
    const req = await agencyA.request('POST', `/api/vulnerabilities/findings/${f2}/status`, {
      status: 'accepted',
      reason: 'Hệ thống sắp ngừng hoạt động',
      acceptedUntil: '2099-12-31',
    });
    expect(req.json()).toMatchObject({ status: 'open', requestedStatus: 'accepted' });
    expect(
      (await agencyA.request('POST', `/api/vulnerabilities/findings/${f2}/decision`, { approve: true })).statusCode,
    ).toBe(403);
    expect(
      (await soc.request('POST', `/api/vulnerabilities/findings/${f2}/decision`, { approve: true })).statusCode,
    ).toBe(403);
    expect(
      (await dept.request('POST', `/api/vulnerabilities/findings/${f2}/decision`, { approve: true })).json(),
    ).toMatchObject({ status: 'accepted', requestedStatus: null });
    await agencyA.request('POST', `/api/vulnerabilities/findings/${f3}/status`, {
      status: 'false_positive',
      reason: 'Phiên bản đã được vá ngược',
    });
    expect(
      (await dept.request('POST', `/api/vulnerabilities/findings/${f3}/decision`, { approve: true })).statusCode,
    ).toBe(403);
    expect(
      (await soc.request('POST', `/api/vulnerabilities/findings/${f3}/decision`, { approve: true })).json(),
    ).toMatchObject({ status: 'false_positive' });
    expect((await agencyA.request('GET', '/api/vulnerabilities/findings?pendingApproval=true')).json()).toEqual([]);
  });

  it('flags known-exploited findings from a supplied CISA KEV catalogue', async () => {
    const cve = /<cve>(CVE-[^<]+)</.exec(cvss3)?.[1];
    const kev = {
      title: 'CISA KEV',
      vulnerabilities: [
        {
          cveID: cve,
          vendorProject: 'x',
          product: 'y',
          vulnerabilityName: 'z',
          dateAdded: '2022-01-01',
          dueDate: '2022-02-01',
          knownRansomwareCampaignUse: 'Unknown',
        },
      ],
    };
    const res = await soc.request('POST', '/api/vulnerabilities/kev', kev);
    expect(res.json()).toMatchObject({ catalogueEntries: 1, newlyFlaggedFindings: 1 });
    expect((await summary(soc, '2024-06-01', '2024-06-30')).knownExploitedComputers).toBe(1);
    expect(
      (await soc.request('POST', '/api/vulnerabilities/kev', { vulnerabilities: [{ cveID: 'not-a-cve' }] })).statusCode,
    ).toBe(400);
  });
});
