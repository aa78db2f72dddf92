import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, queryRows } from '../../src/core/db/client.ts';
import { type Client, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';
import { testdata } from '../support/scan-fixtures.ts';

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
  /** The findings the remediation test worked on: fixed, accepted (approved), false positive (approved). */
  const worked: { fixed?: string; accepted?: string; falsePositive?: string } = {};
  const sqlCount = async (where: string) =>
    (await queryRows<{ n: number }>(database.db, sql.raw(`select count(*)::int as n from vuln_findings ${where}`)))[0]
      ?.n;
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
    const resolved = (await soc.request('GET', '/api/vulnerabilities/findings?status=resolved')).json().items;
    expect(resolved).toHaveLength(1);
    expect(resolved[0].finding).toMatchObject({ scannerId: '58453', port: 3389, status: 'resolved' });
    expect(new Date(resolved[0].finding.resolvedAt).toISOString()).toBe('2024-04-15T02:00:00.000Z');
    // May: the weakness is back (a different file: the whitespace differs).
    const may = await upload(soc, `${unknown}\n`, 'may.xml', '2024-05-20T09:00:00+07:00');
    expect(may.json()).toMatchObject({ opened: 0, resolved: 0, reopened: 1 });
    const open = (await soc.request('GET', '/api/vulnerabilities/findings?status=open')).json().items as {
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
    const unattributed = (await soc.request('GET', '/api/vulnerabilities/computers?unattributed=true')).json()
      .items as {
      id: string;
      ip: string;
    }[];
    expect(unattributed.map((c) => c.ip)).toEqual(['12.233.108.201']);
    expect((await agencyA.request('GET', '/api/vulnerabilities/computers?unattributed=true')).json()).toEqual({
      items: [],
      total: 0,
    });
    // `false` means no filter (a coerced boolean would read the text "false" as true).
    expect((await soc.request('GET', '/api/vulnerabilities/computers?unattributed=false')).json().total).toBe(9);
    expect(
      (
        await soc.request('PUT', `/api/vulnerabilities/computers/${unattributed[0]?.id}/organisation`, {
          organisationId: org.C,
        })
      ).statusCode,
    ).toBe(200);
    expect((await soc.request('GET', '/api/vulnerabilities/computers?unattributed=true')).json()).toEqual({
      items: [],
      total: 0,
    });
  });

  it('isolates agencies: B sees nothing of A, and cannot touch A’s findings', async () => {
    const mine = (await agencyA.request('GET', '/api/vulnerabilities/computers')).json() as {
      items: { ip: string }[];
      total: number;
    };
    expect(mine.items.map((c) => c.ip).sort()).toEqual([...expectedUnknown.ips].sort());
    expect(mine.total).toBe(7);
    expect((await agencyB.request('GET', '/api/vulnerabilities/computers')).json()).toEqual({ items: [], total: 0 });
    expect((await agencyB.request('GET', '/api/vulnerabilities/findings')).json()).toEqual({ items: [], total: 0 });
    // Naming A's organisation does not widen B's scope, and B cannot read one of A's findings either.
    expect((await agencyB.request('GET', `/api/vulnerabilities/findings?organisationId=${org.A}`)).json().total).toBe(
      0,
    );
    expect((await summary(agencyB, '2024-01-01', '2024-12-31')).vulnerableComputers).toBe(0);
    expect((await summary(agencyA, '2024-01-01', '2024-12-31')).vulnerableComputers).toBe(7);
    // Asking for another organisation's subtree gives only what is in one's own scope.
    expect((await summary(agencyB, '2024-01-01', '2024-12-31', org.A)).vulnerableComputers).toBe(0);
    const aFinding = (
      (await agencyA.request('GET', '/api/vulnerabilities/findings?status=open')).json().items as {
        finding: { id: string };
      }[]
    )[0]?.finding.id;
    expect((await agencyB.request('GET', `/api/vulnerabilities/findings/${aFinding}`)).statusCode).toBe(404);
    const foreign = await agencyB.request('POST', `/api/vulnerabilities/findings/${aFinding}/status`, {
      status: 'fixed',
    });
    expect(foreign.statusCode).toBe(404);
  });

  it('remediation: fixed by the agency, accepted risk approved only by the Department, false positive only by the SOC', async () => {
    // Equally ranked findings come in id order, which is random: the one the February scan did not report (reopened
    // in May) is left out, so the history checked below starts in February whichever the list puts first.
    const open = (
      (await agencyA.request('GET', '/api/vulnerabilities/findings?status=open')).json().items as {
        finding: { id: string; reopenedCount: number };
        actions: { changes: { status: string; direct: boolean }[]; decide: boolean };
      }[]
    ).filter((o) => o.finding.reopenedCount === 0);
    const [f1, f2, f3] = open.map((o) => o.finding.id);
    Object.assign(worked, { fixed: f1, accepted: f2, falsePositive: f3 });
    // What the agency may do on an open finding: mark it fixed itself, ask for the other two.
    expect(open[0]?.actions).toEqual({
      changes: [
        { status: 'fixed', direct: true },
        { status: 'accepted', direct: false },
        { status: 'false_positive', direct: false },
      ],
      decide: false,
    });
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
    expect((await agencyA.request('GET', '/api/vulnerabilities/findings?pendingApproval=true')).json()).toEqual({
      items: [],
      total: 0,
    });
  });

  it('names who acted in a finding’s history and says what each user may still do', async () => {
    const accepted = (await agencyA.request('GET', `/api/vulnerabilities/findings/${worked.accepted}`)).json();
    expect(accepted.finding).toMatchObject({ status: 'accepted', acceptedUntil: '2099-12-31' });
    const steps = accepted.history.filter((h: { kind: string }) => ['request', 'approve'].includes(h.kind));
    expect(steps).toEqual([
      expect.objectContaining({
        kind: 'request',
        actor: 'vagency-a',
        status: 'accepted',
        reason: 'Hệ thống sắp ngừng hoạt động',
        acceptedUntil: '2099-12-31',
      }),
      expect.objectContaining({ kind: 'approve', actor: 'vdept', status: 'accepted' }),
    ]);
    // The out-of-order February scan saw it first.
    expect(accepted.history[0]).toMatchObject({ kind: 'firstSeen', at: '2024-02-01T02:00:00.000Z' });
    // The May scan saw it last (the February one, imported later, does not take its place); the SOC imported it.
    expect(accepted.history).toContainEqual(
      expect.objectContaining({ kind: 'lastSeen', at: '2024-05-20T02:00:00.000Z', actor: 'vsoc', fileName: 'may.xml' }),
    );
    // Nothing is left for the agency to do; the SOC alone may reopen it.
    expect(accepted.actions).toEqual({ changes: [], decide: false });
    const bySoc = (await soc.request('GET', `/api/vulnerabilities/findings/${worked.accepted}`)).json();
    expect(bySoc.actions).toEqual({ changes: [{ status: 'open', direct: true }], decide: false });
    const fixed = (await agencyA.request('GET', `/api/vulnerabilities/findings/${worked.fixed}`)).json();
    expect(fixed.history).toContainEqual(
      expect.objectContaining({ kind: 'status', actor: 'vagency-a', status: 'fixed', reason: 'Đã cập nhật bản vá' }),
    );
  });

  it('refuses what a finding does not allow, with a message key the UI translates', async () => {
    const refused = async (client: Client, id: string | undefined, body: object) => {
      const res = await client.request('POST', `/api/vulnerabilities/findings/${id}/status`, body);
      return { status: res.statusCode, error: res.json().error };
    };
    expect(await refused(agencyA, worked.fixed, { status: 'fixed' })).toMatchObject({
      status: 409,
      error: { code: 'CONFLICT', key: 'vuln.changeNotAllowed', params: { from: 'fixed', to: 'fixed' } },
    });
    expect(await refused(agencyA, worked.fixed, { status: 'open' })).toMatchObject({
      status: 403,
      error: { key: 'vuln.reopenSocOnly' },
    });
    const open = (await agencyA.request('GET', '/api/vulnerabilities/findings?status=open&limit=1')).json().items[0];
    expect(
      await refused(agencyA, open.finding.id, {
        status: 'accepted',
        reason: 'Sắp thay máy',
        acceptedUntil: '2020-01-01',
      }),
    ).toMatchObject({ status: 400, error: { key: 'vuln.acceptedUntilPast', details: { field: 'acceptedUntil' } } });
    // The body schema (shared with the web form) refuses a blank justification, naming the field and the key.
    const blank = await refused(agencyA, open.finding.id, { status: 'false_positive', reason: '    ' });
    expect(blank.status).toBe(400);
    expect(blank.error.details).toContainEqual(
      expect.objectContaining({ path: expect.stringContaining('reason'), message: 'vuln.reasonRequired' }),
    );
    const policy = await dept.request('PUT', '/api/vulnerabilities/policy', { critical: 0 });
    expect(policy.statusCode).toBe(400);
    expect(policy.json().error.details).toContainEqual(
      expect.objectContaining({ path: expect.stringContaining('critical'), message: 'vuln.policyDays' }),
    );
    const missing = await soc.request('GET', '/api/vulnerabilities/findings/00000000-0000-4000-8000-000000000000');
    expect(missing.json().error).toMatchObject({ code: 'NOT_FOUND', key: 'vuln.findingNotFound' });
  });

  it('pages, sorts, searches and filters findings, counting the total in SQL within the caller’s scope', async () => {
    type Row = {
      finding: {
        id: string;
        severity: string;
        cvss3Score: number | null;
        cvss2Score: number | null;
        cves: string[];
        scanner: string;
      };
      ip: string;
      hostname: string | null;
    };
    const list = async (client: Client, query: string) => {
      const res = await client.request('GET', `/api/vulnerabilities/findings?${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { items: Row[]; total: number };
    };
    const all = await sqlCount('');
    const first = await list(soc, 'limit=5');
    expect(first.items).toHaveLength(5);
    expect(first.total).toBe(all);
    const second = await list(soc, 'limit=5&offset=5');
    expect(second.total).toBe(all);
    expect(second.items.map((r) => r.finding.id)).not.toContain(first.items[0]?.finding.id);
    // Default: most severe first.
    const rank = ['info', 'low', 'medium', 'high', 'critical'];
    const bySeverity = (await list(soc, 'limit=1000')).items.map((r) => rank.indexOf(r.finding.severity));
    expect(bySeverity).toEqual([...bySeverity].sort((a, b) => b - a));

    const cvss = (await list(soc, 'sort=cvss&dir=desc&limit=1000')).items.map(
      (r) => r.finding.cvss3Score ?? r.finding.cvss2Score ?? -1,
    );
    expect(cvss).toEqual([...cvss].sort((a, b) => b - a));
    const ipNumber = (ip: string) => ip.split('.').reduce((n, p) => n * 256 + Number(p), 0);
    const ips = (await list(soc, 'sort=ip&dir=asc&limit=1000')).items.map((r) => ipNumber(r.ip));
    expect(ips).toEqual([...ips].sort((a, b) => a - b));
    const cves = (await list(soc, 'sort=cve&dir=desc&limit=1000')).items.map((r) => r.finding.cves[0] ?? '');
    expect(cves.filter(Boolean)).toEqual(cves.filter(Boolean).sort().reverse());

    // Search: an address, the beginning of one, a range, a host name, a CVE.
    const one = await list(soc, 'q=10.31.112.21');
    expect(new Set(one.items.map((r) => r.ip))).toEqual(new Set(['10.31.112.21']));
    expect(one.total).toBe(
      await sqlCount(`where computer_id in (select id from computers where host(ip) = '10.31.112.21')`),
    );
    const subnet = await list(soc, `q=${encodeURIComponent('10.31.112.16/28')}&limit=1000`);
    expect(new Set(subnet.items.map((r) => r.ip))).toEqual(new Set(expectedUnknown.ips));
    expect((await list(soc, 'q=10.31.112.2&limit=1000')).total).toBe(subnet.total);
    const named = await list(soc, 'q=QA3APP01');
    expect(named.total).toBe(one.total);
    const cve = await list(soc, 'q=cve-2005-1794');
    expect(cve.total).toBe(await sqlCount(`where 'CVE-2005-1794' = any(cves)`));
    expect(cve.total).toBeGreaterThan(0);
    expect(cve.items.every((r) => r.finding.cves.includes('CVE-2005-1794'))).toBe(true);
    // LIKE wildcards in the search are literal.
    expect((await list(soc, 'q=%25')).total).toBe(0);

    // Filters.
    const medium = await list(soc, 'severity=medium&limit=1000');
    expect(medium.total).toBe(await sqlCount(`where severity = 'medium'`));
    expect(medium.items.every((r) => r.finding.severity === 'medium')).toBe(true);
    expect((await list(soc, 'scanner=nmap')).total).toBe(0);
    expect((await list(soc, 'scanner=nessus')).total).toBe(all);
    expect((await list(soc, 'status=active')).total).toBe(await sqlCount(`where status in ('open', 'fixed')`));
    expect((await list(soc, `organisationId=${org.P}`)).total).toBe(
      await sqlCount(`where organisation_id is not null`),
    );
    expect((await list(soc, `organisationId=${org.C}`)).total).toBe(
      await sqlCount(`where organisation_id = '${org.C}'`),
    );

    // An agency's total is its own findings only, whatever it asks for.
    const own = await sqlCount(`where organisation_id = '${org.A}'`);
    expect((await list(agencyA, 'limit=1')).total).toBe(own);
    expect((await list(agencyA, `organisationId=${org.C}`)).total).toBe(0);
    expect((await list(agencyA, 'q=44.228')).total).toBe(0);
    expect((await list(agencyA, 'q=10.31.112.21')).total).toBe(one.total);

    expect((await soc.request('GET', '/api/vulnerabilities/findings?sort=bogus')).statusCode).toBe(400);
    expect((await soc.request('GET', '/api/vulnerabilities/findings?limit=5000')).statusCode).toBe(400);
  });

  it('pages, sorts, searches and filters computers within the caller’s scope', async () => {
    type Row = { ip: string; hostname: string | null; critical: number; open: number };
    const list = async (client: Client, query: string) => {
      const res = await client.request('GET', `/api/vulnerabilities/computers?${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { items: Row[]; total: number };
    };
    const all = await list(soc, 'limit=2');
    expect(all.items).toHaveLength(2);
    expect(all.total).toBe(await count('computers'));
    // By default the computers with the most critical findings come first.
    expect(all.items[0]?.ip).toBe('44.228.249.3');
    const ipNumber = (ip: string) => ip.split('.').reduce((n, p) => n * 256 + Number(p), 0);
    const desc = (await list(soc, 'sort=ip&dir=desc')).items.map((r) => ipNumber(r.ip));
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    const names = (await list(soc, 'sort=hostname&dir=asc')).items.map((r) => r.hostname).filter(Boolean);
    expect(names).toEqual([...names].sort());
    expect((await list(soc, 'q=qa3app0')).total).toBe(7);
    expect((await list(soc, 'q=10.31.112.16/28')).total).toBe(7);
    const critical = await list(soc, 'severity=critical');
    expect(critical.items.map((r) => r.ip)).toEqual(['44.228.249.3']);
    expect(critical.total).toBe(1);
    expect((await list(agencyA, 'limit=1')).total).toBe(7);
    expect((await list(agencyA, 'q=44.228')).total).toBe(0);
    expect((await list(agencyB, '')).total).toBe(0);
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
    // Before any catalogue is loaded the figure means nothing, and the API says so.
    expect((await soc.request('GET', '/api/vulnerabilities/kev')).json()).toMatchObject({ entries: 0, loadedAt: null });
    expect((await summary(soc, '2024-06-01', '2024-06-30')).kevCatalogueEntries).toBe(0);
    const res = await soc.request('POST', '/api/vulnerabilities/kev', kev);
    expect(res.json()).toMatchObject({ catalogueEntries: 1, newlyFlaggedFindings: 1 });
    expect((await summary(soc, '2024-06-01', '2024-06-30')).knownExploitedComputers).toBe(1);
    expect((await summary(soc, '2024-06-01', '2024-06-30')).kevCatalogueEntries).toBe(1);
    expect((await agencyA.request('GET', '/api/vulnerabilities/kev')).json()).toMatchObject({
      entries: 1,
      newestEntry: '2022-01-01',
      knownExploitedFindings: 0,
    });
    const flagged = (await soc.request('GET', '/api/vulnerabilities/findings?knownExploited=true')).json();
    expect(flagged.total).toBe(1);
    expect(flagged.items[0].finding.cves).toContain(cve);
    expect((await soc.request('GET', '/api/vulnerabilities/findings?knownExploited=false')).json().total).toBe(
      ((await sqlCount('')) ?? 0) - 1,
    );
    const bad = await soc.request('POST', '/api/vulnerabilities/kev', { vulnerabilities: [{ cveID: 'not-a-cve' }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.key).toBe('vuln.notKevCatalogue');
  });
});

describe.each(TEST_DATABASES)('scan times and import outcomes on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  let soc: Client;
  const org: Record<string, string> = {};
  const upload = (body: string, fileName: string, scannedAt?: string) =>
    soc.request(
      'POST',
      `/api/vulnerabilities/scans?fileName=${fileName}${scannedAt ? `&scannedAt=${encodeURIComponent(scannedAt)}` : ''}`,
      Buffer.from(body),
    );
  const summary = async (from: string, to: string) =>
    (await soc.request('GET', `/api/vulnerabilities/summary?from=${from}&to=${to}`)).json();
  const today = new Date().toISOString().slice(0, 10);
  const thisYear = today.slice(0, 4);

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database);
    const admin = await t.userWithRole('tadmin', 'admin');
    for (const [code, ranges] of [
      ['A', ['10.31.112.16/28']],
      ['L', ['10.0.101.0/24', '192.168.0.0/24']],
    ] as const) {
      const res = await admin.request('POST', '/api/organisations', {
        code,
        name: `Sở ${code}`,
        type: 'department',
        parentId: null,
        ipRanges: ranges,
      });
      org[code] = res.json().id;
    }
    soc = await t.userWithRole('tsoc', 'soc');
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it('dates a 2013 Nessus report by its own host times: it counts in 2013, not today', async () => {
    const res = await upload(fixture('nessus/nessus_v_unknown.xml'), 'old-2013.xml');
    expect(res.statusCode, res.body).toBe(201);
    // HOST_START "Mon Jul  1 11:33:11 2013" has no zone: read as the province's time (UTC+7).
    expect(res.json()).toMatchObject({
      outcome: 'imported',
      hosts: 7,
      scanTimes: {
        source: 'file',
        from: '2013-07-01T04:33:11.000Z',
        to: '2013-07-01T04:33:11.000Z',
        zoneAssumed: true,
        hostsWithoutTime: 0,
      },
    });
    const findings = (await soc.request('GET', '/api/vulnerabilities/findings?limit=1000')).json();
    expect(findings.total).toBeGreaterThan(0);
    expect(new Set(findings.items.map((r: { finding: { firstSeen: string } }) => r.finding.firstSeen))).toEqual(
      new Set(['2013-07-01T04:33:11.000Z']),
    );
    const computers = (await soc.request('GET', '/api/vulnerabilities/computers')).json();
    expect(computers.items.map((c: { lastSeen: string }) => new Date(c.lastSeen).toISOString())).toContain(
      '2013-07-01T04:33:11.000Z',
    );
    const h2of2013 = await summary('2013-07-01', '2013-12-31');
    expect([h2of2013.vulnerableComputers, h2of2013.scannedComputers]).toEqual([7, 7]);
    // A sighting stands for a year without a later scan; this year nothing is known of these computers.
    expect((await summary('2014-01-01', '2014-06-30')).vulnerableComputers).toBe(7);
    expect((await summary('2015-01-01', '2015-06-30')).vulnerableComputers).toBe(0);
    const now = await summary(`${thisYear}-01-01`, today);
    expect(now).toMatchObject({
      vulnerableComputers: 0,
      scannedComputers: 0,
      lastScannedAt: '2013-07-01T04:33:11.000Z',
    });
    expect(now.byMonth.every((m: { vulnerableComputers: number }) => m.vulnerableComputers === 0)).toBe(true);
    const year2013 = await summary('2013-01-01', '2013-12-31');
    expect(year2013.byMonth.map((m: { vulnerableComputers: number }) => m.vulnerableComputers)).toEqual([
      0, 0, 0, 0, 0, 0, 7, 7, 7, 7, 7, 7,
    ]);
  });

  it('dates every host by its own time (Nmap start time, OpenVAS scan start); a given time replaces them', async () => {
    const nmap = (await upload(fixture('nmap/nmap_script_vulners.xml'), 'vulners.xml')).json();
    expect(nmap.scanTimes).toEqual({
      source: 'file',
      from: '2020-02-17T09:07:30.000Z',
      to: '2020-02-17T09:07:30.000Z',
      zoneAssumed: false,
      hostsWithoutTime: 0,
    });
    const openvas = (await upload(fixture('openvas/one_vuln.xml'), 'one.xml')).json();
    expect(openvas).toMatchObject({
      outcome: 'imported',
      findings: 1,
      scanTimes: { source: 'file', from: '2023-09-28T14:48:02.000Z', zoneAssumed: false },
    });
    const [finding] = (await soc.request('GET', '/api/vulnerabilities/findings?scanner=openvas')).json().items;
    expect(finding.finding.firstSeen).toBe('2023-09-28T14:48:02.000Z');
    // The importer's time wins over the file's (a report whose clock was wrong).
    const given = (
      await upload(`${fixture('nmap/nmap_script_vulners.xml')}\n`, 'vulners-again.xml', '2024-05-02T08:00:00+07:00')
    ).json();
    expect(given.scanTimes).toMatchObject({ source: 'given', from: '2024-05-02T01:00:00.000Z' });
  });

  it('dates a file that writes no time by its upload, and says so', async () => {
    const before = Date.now();
    const csv = readFileSync(testdata('nessus-classic.csv'), 'utf8');
    const r = (await upload(csv, 'no-times.csv')).json();
    expect(r.scanTimes.source).toBe('upload');
    expect(new Date(r.scanTimes.from).getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it('an OpenVAS report whose findings are all refused is not a success: it says why, grouped by kind', async () => {
    // Every result names the host "192.168.1.1001", which is no IP address.
    const res = await upload(fixture('openvas/many_vuln.xml'), 'many.xml');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      outcome: 'nothing',
      hosts: 0,
      findings: 0,
      issueGroups: [{ code: 'invalid-ip', issues: 45, findings: 44 }],
    });
    // A report without any host teaches nothing either.
    expect((await upload(fixture('openvas/no_vuln.xml'), 'none.xml')).json()).toMatchObject({
      outcome: 'nothing',
      issueGroups: [],
    });
    const scans = (await soc.request('GET', '/api/vulnerabilities/scans')).json() as {
      fileName: string;
      outcome: string;
      importedBy: string | null;
      issueGroups: unknown[];
      scanTimes: { source: string; from: string } | null;
    }[];
    expect(scans.find((s) => s.fileName === 'many.xml')).toMatchObject({
      outcome: 'nothing',
      importedBy: 'tsoc',
      issueGroups: [{ code: 'invalid-ip', issues: 45, findings: 44 }],
    });
    expect(scans.find((s) => s.fileName === 'old-2013.xml')).toMatchObject({
      outcome: 'imported',
      scanTimes: { source: 'file', from: '2013-07-01T04:33:11.000Z' },
    });
    // The same file again: the stored outcome, not a new one.
    expect((await upload(fixture('openvas/many_vuln.xml'), 'many-again.xml')).json()).toMatchObject({
      duplicate: true,
      outcome: 'nothing',
      issueGroups: [{ code: 'invalid-ip', issues: 45, findings: 44 }],
    });
  });

  it('a finding resolves at the time its computer was scanned again, not at the upload', async () => {
    const xml = fixture('nessus/nessus_v_unknown.xml');
    // The same hosts a year later (their own times in the file), with qa3app01's RDP weakness gone.
    const host = /<ReportHost name="qa3app01">[\s\S]*?<\/ReportHost>/.exec(xml)?.[0] ?? '';
    const fixedHost = host.replace(/<ReportItem port="3389"[^>]*pluginID="58453"[\s\S]*?<\/ReportItem>/, '');
    const later = xml
      .replace(host, () => fixedHost)
      .replaceAll(' 2013</tag>', ' 2014</tag>')
      .replaceAll('Mon Jul  1', 'Tue Jul  1');
    const r = (await upload(later, 'a-year-later.xml')).json();
    expect(r).toMatchObject({ resolved: 1, scanTimes: { source: 'file', from: '2014-07-01T04:33:11.000Z' } });
    const [resolved] = (await soc.request('GET', '/api/vulnerabilities/findings?status=resolved')).json().items;
    expect(resolved.finding).toMatchObject({ scannerId: '58453', resolvedAt: '2014-07-01T04:33:11.000Z' });
  });
});
