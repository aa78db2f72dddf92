import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, queryRows } from '../../src/core/db/client.ts';
import { type Client, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';

/**
 * Websites and their findings from web scanners, through the API: attribution by the registers of the scan day,
 * isolation, figures, assignment and remediation. The reports are written here in ZAP's XML layout (as in
 * shared/fixtures/scans/zap/0_zap_sample.xml) from a small model, and every expectation is computed from the model.
 */

const PORTAL = 'https://portal.a.example.gov.vn'; // registered agency site of A, in force on the scan day
const OLD = 'https://old.a.example.gov.vn'; // registered for A, but only until 2023: matches nothing in 2024
const APP = 'http://app.b.example.vn'; // a host name of B's information system
const UNKNOWN = 'https://unknown.example.com'; // nobody's

type Risk = 0 | 1 | 2 | 3;
type Alert = { plugin: string; name: string; risk: Risk; cwe: number; at: { path: string; param?: string }[] };
type Site = { origin: string; alerts: Alert[] };

const XSS: Alert = {
  plugin: '40012',
  name: 'Cross Site Scripting (Reflected)',
  risk: 3,
  cwe: 79,
  at: [
    { path: '/search', param: 'q' },
    { path: '/news', param: 'id' },
  ],
};
const FRAME = (path: string): Alert => ({
  plugin: '10020',
  name: 'X-Frame-Options Header Not Set',
  risk: 2,
  cwe: 1021,
  at: [{ path }],
});
const COOKIE = (path: string, param: string): Alert => ({
  plugin: '10011',
  name: 'Cookie Without Secure Flag',
  risk: 1,
  cwe: 614,
  at: [{ path, param }],
});
const REPORT: Site[] = [
  {
    origin: PORTAL,
    alerts: [
      XSS,
      FRAME('/'),
      COOKIE('/login', 'sid'),
      // Informational: read, never stored.
      { plugin: '10096', name: 'Timestamp Disclosure', risk: 0, cwe: 200, at: [{ path: '/' }] },
    ],
  },
  {
    origin: APP,
    alerts: [
      { plugin: '40018', name: 'SQL Injection', risk: 3, cwe: 89, at: [{ path: '/api/items', param: 'id' }] },
      { plugin: '10038', name: 'Content Security Policy Header Not Set', risk: 2, cwe: 693, at: [{ path: '/' }] },
    ],
  },
  { origin: OLD, alerts: [FRAME('/')] },
  { origin: UNKNOWN, alerts: [COOKIE('/', 'session')] },
];
const RISK_LABEL = ['Informational', 'Low', 'Medium', 'High'] as const;
const SEVERITY = ['info', 'low', 'medium', 'high'] as const;

/** A ZAP XML report of the model, in the layout ZAP writes. */
const zap = (sites: Site[], generated: string) =>
  `<?xml version="1.0"?><OWASPZAPReport version="2.9.0" generated="${generated}">\n${sites
    .map((s) => {
      const u = new URL(s.origin);
      const https = u.protocol === 'https:';
      return `<site name="${s.origin}" host="${u.hostname}" port="${u.port || (https ? 443 : 80)}" ssl="${https}"><alerts>${s.alerts
        .map(
          (a) => `<alertitem>
    <pluginid>${a.plugin}</pluginid>
    <alert>${a.name}</alert>
    <name>${a.name}</name>
    <riskcode>${a.risk}</riskcode>
    <confidence>2</confidence>
    <riskdesc>${RISK_LABEL[a.risk]} (Medium)</riskdesc>
    <desc>${a.name}.</desc>
    <instances>${a.at
      .map(
        (i) =>
          `<instance><uri>${s.origin}${i.path}</uri><method>GET</method>${i.param ? `<param>${i.param}</param>` : ''}<evidence>seen</evidence></instance>`,
      )
      .join('')}</instances>
    <count>${a.at.length}</count>
    <solution>Fix it.</solution>
    <cweid>${a.cwe}</cweid>
    <wascid>8</wascid>
    <sourceid>1</sourceid>
  </alertitem>`,
        )
        .join('')}</alerts></site>`;
    })
    .join('\n')}\n</OWASPZAPReport>`;

/** What the model says a report holds: findings (one per alert and place, info left out) and each site's worst. */
const vulnerable = (s: Site) => s.alerts.filter((a) => a.risk > 0);
const findingsOf = (sites: Site[]) => sites.reduce((n, s) => n + vulnerable(s).reduce((m, a) => m + a.at.length, 0), 0);
const worstOf = (s: Site) => SEVERITY[Math.max(0, ...vulnerable(s).map((a) => a.risk))];

/** A small Nessus report: one computer in A's address range with one high finding. */
const NESSUS = `<?xml version="1.0" ?>
<NessusClientData_v2><Report name="web-test">
<ReportHost name="10.1.0.5"><HostProperties><tag name="host-ip">10.1.0.5</tag></HostProperties>
<ReportItem port="443" svc_name="www" protocol="tcp" severity="3" pluginID="90001" pluginName="Outdated TLS library" pluginFamily="General">
<risk_factor>High</risk_factor><description>Outdated.</description><solution>Upgrade.</solution></ReportItem>
</ReportHost></Report></NessusClientData_v2>`;

/** A Nuclei JSON Lines result: a critical finding on B's application. */
const NUCLEI = `${JSON.stringify({
  'template-id': 'CVE-2017-5638',
  info: {
    name: 'Apache Struts 2 - Remote Command Execution',
    severity: 'critical',
    classification: { 'cve-id': ['cve-2017-5638'], 'cwe-id': ['cwe-20'] },
  },
  type: 'http',
  host: 'app.b.example.vn',
  'matched-at': `${APP}/struts2-showcase/index.action`,
  timestamp: '2024-03-11T10:00:00+07:00',
})}\n`;

type Website = {
  id: string;
  siteKey: string;
  host: string;
  organisationId: string | null;
  attribution: string;
  siteId: string | null;
  systemId: string | null;
  systemName: string | null;
  open: number;
  high: number;
};
type Row = {
  finding: {
    id: string;
    websiteId: string | null;
    computerId: string | null;
    scanner: string;
    scannerId: string;
    url: string | null;
    location: string | null;
    status: string;
    reopenedCount: number;
    resolvedAt: string | null;
    cwes: string[];
  };
  ip: string | null;
  hostname: string | null;
  website: string | null;
  dueAt: string;
  overdue: boolean;
  actions: { changes: { status: string; direct: boolean }[] };
};

describe.each(TEST_DATABASES)('vulnerable websites on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  let admin: Client;
  let soc: Client;
  let dept: Client;
  let viewer: Client;
  let agencyA: Client;
  let agencyB: Client;
  const org: Record<string, string> = {};
  const ids = { portalSite: '', oldSite: '', system: '' };

  const upload = (body: string, fileName: string, scannedAt: string) =>
    soc.request(
      'POST',
      `/api/vulnerabilities/scans?fileName=${fileName}&scannedAt=${encodeURIComponent(scannedAt)}`,
      Buffer.from(body),
    );
  const websites = async (client: Client, query = '') =>
    (await client.request('GET', `/api/vulnerabilities/websites${query}`)).json() as {
      items: Website[];
      total: number;
    };
  const website = async (origin: string) => {
    const w = (await websites(soc, '?limit=1000')).items.find((x) => x.siteKey.startsWith(origin));
    if (!w) throw new Error(`no website ${origin}`);
    return w;
  };
  const findings = async (client: Client, query = '') =>
    (await client.request('GET', `/api/vulnerabilities/findings?limit=1000${query}`)).json() as {
      items: Row[];
      total: number;
    };
  const finding = async (origin: string, plugin: string, path: string) => {
    const w = await website(origin);
    const row = (await findings(soc, `&websiteId=${w.id}`)).items.find(
      (r) => r.finding.scannerId === plugin && r.finding.url === `${origin}${path}`,
    );
    if (!row) throw new Error(`no finding ${plugin} at ${origin}${path}`);
    return row;
  };
  const summary = async (client: Client, from: string, to: string) =>
    (await client.request('GET', `/api/vulnerabilities/summary?from=${from}&to=${to}`)).json();
  const rows = <T>(query: string) => queryRows<T>(database.db, sql.raw(query));
  const snapshot = () =>
    rows(`select w.site_key, w.organisation_id, w.attribution, f.scanner_id, f.location, f.status, f.last_seen,
        f.reopened_count from vuln_findings f join websites w on w.id = f.website_id order by 1, 4, 5`);
  const audits = async (action: string) =>
    (await rows<{ n: number }>(`select count(*)::int as n from audit_log where action = '${action}'`))[0]?.n;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database);
    admin = await t.userWithRole('wadmin', 'admin');
    for (const [code, name, parent, ranges] of [
      ['P', 'Tỉnh', null, []],
      ['A', 'Sở A', 'P', ['10.1.0.0/24']],
      ['B', 'Sở B', 'P', []],
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
    const site = async (url: string, validFrom: string, validTo: string | null) => {
      const res = await admin.request('POST', '/api/sites', { organisationId: org.A, url, validFrom, validTo });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    ids.portalSite = await site(`${PORTAL}/`, '2024-01-01', null);
    ids.oldSite = await site(`${OLD}/`, '2020-01-01', '2023-12-31');
    const system = await admin.request('POST', '/api/systems', {
      organisationId: org.B,
      name: 'Cổng dịch vụ Sở B',
      systemType: 'internal',
      hosts: [{ hostname: 'app.b.example.vn', address: '203.0.113.10/32' }],
    });
    expect(system.statusCode, system.body).toBe(201);
    ids.system = system.json().id;
    soc = await t.userWithRole('wsoc', 'soc');
    dept = await t.userWithRole('wdept', 'department');
    viewer = await t.userWithRole('wviewer', 'viewer');
    agencyA = await t.userWithRole('wagency-a', 'agency', org.A ?? null);
    agencyB = await t.userWithRole('wagency-b', 'agency', org.B ?? null);
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it('imports a ZAP report: websites matched to the site register, an information system, or nobody', async () => {
    const res = await upload(zap(REPORT, 'Sun, 10 Mar 2024 09:00:00'), 'zap-march.xml', '2024-03-10T09:00:00+07:00');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      format: 'zap',
      duplicate: false,
      hosts: 0,
      websites: REPORT.length,
      unattributedWebsites: 2,
      findings: findingsOf(REPORT),
      opened: findingsOf(REPORT),
      reopened: 0,
      resolved: 0,
      outcome: 'imported',
      informational: 1,
    });
    expect(await website(PORTAL)).toMatchObject({
      siteKey: `${PORTAL}:443`,
      host: 'portal.a.example.gov.vn',
      organisationId: org.A,
      attribution: 'site',
      siteId: ids.portalSite,
      systemId: null,
      open: findingsOf([REPORT[0] as Site]),
      high: XSS.at.length,
    });
    expect(await website(APP)).toMatchObject({
      siteKey: `${APP}:80`,
      organisationId: org.B,
      attribution: 'system',
      siteId: null,
      systemId: ids.system,
      systemName: 'Cổng dịch vụ Sở B',
    });
    // A registration that ended before the scan day does not claim the site.
    for (const origin of [OLD, UNKNOWN])
      expect(await website(origin)).toMatchObject({ organisationId: null, attribution: 'none', siteId: null });
    const unattributed = await websites(soc, '?unattributed=true');
    expect(unattributed.items.map((w) => w.host).sort()).toEqual(['old.a.example.gov.vn', 'unknown.example.com']);
  });

  it('re-importing the same file changes nothing', async () => {
    const before = await snapshot();
    const res = await upload(zap(REPORT, 'Sun, 10 Mar 2024 09:00:00'), 'again.xml', '2024-03-10T09:00:00+07:00');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ duplicate: true, websites: REPORT.length, opened: 0, resolved: 0 });
    expect(await snapshot()).toEqual(before);
  });

  it('counts computers and websites apart: the summary equals a plain count of the reports', async () => {
    expect((await upload(NESSUS, 'nessus.xml', '2024-03-12T09:00:00+07:00')).statusCode).toBe(201);
    const nuclei = await upload(NUCLEI, 'nuclei.jsonl', '2024-03-11T10:00:00+07:00');
    expect(nuclei.json()).toMatchObject({ format: 'nuclei', websites: 1, unattributedWebsites: 0, findings: 1 });
    // The model's worst severity per site, with Nuclei's critical on B's application.
    const worst = new Map(REPORT.map((s) => [s.origin, worstOf(s) as string]));
    worst.set(APP, 'critical');
    const count = (severity: string) => [...worst.values()].filter((w) => w === severity).length;
    const s = await summary(soc, '2024-03-01', '2024-03-31');
    expect(s).toMatchObject({
      vulnerableComputers: 1,
      withHigh: 1,
      scannedComputers: 1,
      vulnerableWebsites: REPORT.filter((site) => vulnerable(site).length).length,
      websitesWithCritical: 1,
      websitesWithHigh: REPORT.filter((site) => vulnerable(site).some((a) => a.risk === 3)).length,
      websitesByMaxSeverity: {
        critical: count('critical'),
        high: count('high'),
        medium: count('medium'),
        low: count('low'),
      },
      scannedWebsites: REPORT.length,
      unattributedVulnerableWebsites: 2,
      unattributedVulnerableComputers: 0,
    });
    // The same figures counted straight from the stored rows.
    const [plain] = await rows<{ websites: number; computers: number }>(
      `select count(distinct website_id)::int as websites, count(distinct computer_id)::int as computers
        from vuln_findings where severity <> 'info' and status = 'open'`,
    );
    expect(plain).toEqual({ websites: s.vulnerableWebsites, computers: s.vulnerableComputers });
    expect(s.topVulnerabilities.map((v: { scannerId: string }) => v.scannerId)).toEqual(['90001']);
    // Frame options (portal, old) and the insecure cookie (portal, unknown) are on two websites each.
    expect(s.topWebVulnerabilities.slice(0, 2)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ scanner: 'zap', scannerId: '10020', websites: 2, cwes: ['CWE-1021'] }),
        expect.objectContaining({ scanner: 'zap', scannerId: '10011', websites: 2, severity: 'low' }),
      ]),
    );
    expect(s.topWebVulnerabilities).toContainEqual(
      expect.objectContaining({ scanner: 'nuclei', scannerId: 'CVE-2017-5638', severity: 'critical', websites: 1 }),
    );
    const byOrg = (id: string | null) =>
      s.byOrganisation.find((o: { organisationId: string | null }) => o.organisationId === id);
    expect(byOrg(org.A ?? null)).toMatchObject({
      vulnerableComputers: 1,
      vulnerableWebsites: 1,
      websitesWithCritical: 0,
    });
    expect(byOrg(org.B ?? null)).toMatchObject({
      vulnerableComputers: 0,
      vulnerableWebsites: 1,
      websitesWithCritical: 1,
    });
    expect(byOrg(null)).toMatchObject({ vulnerableComputers: 0, vulnerableWebsites: 2 });
    expect(s.byMonth).toEqual([{ month: '2024-03', vulnerableComputers: 1, withCritical: 0, vulnerableWebsites: 4 }]);
    // A month before any scan counts nothing.
    expect(await summary(soc, '2024-02-01', '2024-02-29')).toMatchObject({ vulnerableWebsites: 0, scannedWebsites: 0 });
  });

  it('isolates agencies: each sees only its own websites, web findings and figures; analysts the unattributed', async () => {
    expect((await websites(agencyA)).items.map((w) => w.host)).toEqual(['portal.a.example.gov.vn']);
    expect((await websites(agencyB)).items.map((w) => w.host)).toEqual(['app.b.example.vn']);
    expect(await websites(agencyA, '?unattributed=true')).toEqual({ items: [], total: 0 });
    expect((await websites(viewer, '?unattributed=true')).total).toBe(2);
    const mine = await findings(agencyA, '&subject=websites');
    expect(mine.total).toBe(findingsOf([REPORT[0] as Site]));
    expect(new Set(mine.items.map((r) => r.website))).toEqual(new Set([`${PORTAL}:443`]));
    // B's website named outright: still nothing, and its finding is "not found".
    const app = await website(APP);
    expect((await findings(agencyA, `&websiteId=${app.id}`)).total).toBe(0);
    const sqli = await finding(APP, '40018', '/api/items');
    expect((await agencyA.request('GET', `/api/vulnerabilities/findings/${sqli.finding.id}`)).statusCode).toBe(404);
    expect(
      (await agencyA.request('POST', `/api/vulnerabilities/findings/${sqli.finding.id}/status`, { status: 'fixed' }))
        .statusCode,
    ).toBe(404);
    expect((await agencyB.request('GET', `/api/vulnerabilities/findings/${sqli.finding.id}`)).statusCode).toBe(200);
    const a = await summary(agencyA, '2024-03-01', '2024-03-31');
    expect(a).toMatchObject({
      vulnerableWebsites: 1,
      websitesWithCritical: 0,
      scannedWebsites: 1,
      vulnerableComputers: 1,
    });
    expect(a.unattributedVulnerableWebsites).toBe(0);
    const b = await summary(agencyB, '2024-03-01', '2024-03-31');
    expect(b).toMatchObject({ vulnerableWebsites: 1, websitesWithCritical: 1, vulnerableComputers: 0 });
    expect(b.topWebVulnerabilities.map((v: { scannerId: string }) => v.scannerId).sort()).toEqual(
      ['10038', '40018', 'CVE-2017-5638'].sort(),
    );
  });

  it('lists computers’ and websites’ findings together or apart, and searches the website host and URL', async () => {
    const all = await findings(soc);
    const web = await findings(soc, '&subject=websites');
    const hosts = await findings(soc, '&subject=computers');
    expect(web.total).toBe(findingsOf(REPORT) + 1);
    expect(hosts.total).toBe(1);
    expect(all.total).toBe(web.total + hosts.total);
    expect(web.items.every((r) => r.finding.websiteId && !r.finding.computerId && r.website)).toBe(true);
    expect(hosts.items[0]).toMatchObject({ ip: '10.1.0.5', website: null, finding: { websiteId: null } });
    const xss = await finding(PORTAL, '40012', '/search');
    expect(xss).toMatchObject({
      ip: null,
      hostname: 'portal.a.example.gov.vn',
      website: `${PORTAL}:443`,
      finding: { scanner: 'zap', location: '/search [q]', cwes: ['CWE-79'], severity: 'high' },
    });
    // The website's host, or a part of a finding's URL.
    const byHost = await findings(soc, '&q=app.b.example');
    expect(byHost.total).toBe(findingsOf([REPORT[1] as Site]) + 1);
    const byUrl = await findings(soc, `&q=${encodeURIComponent('/api/items')}`);
    expect(byUrl.items.map((r) => r.finding.url)).toEqual([`${APP}/api/items`]);
    expect((await websites(soc, '?q=UNKNOWN.example')).items.map((w) => w.host)).toEqual(['unknown.example.com']);
    expect((await websites(soc, '?severity=critical')).items.map((w) => w.host)).toEqual(['app.b.example.vn']);
    const sorted = await websites(soc, '?sort=site&dir=asc');
    expect(sorted.items.map((w) => w.host)).toEqual([...sorted.items.map((w) => w.host)].sort());
    expect(sorted.total).toBe(REPORT.length);
  });

  it('refuses bad input with a 4xx, never a 500', async () => {
    for (const url of [
      '/api/vulnerabilities/websites?sort=bogus',
      '/api/vulnerabilities/websites?limit=0',
      '/api/vulnerabilities/websites?organisationId=not-a-uuid',
      '/api/vulnerabilities/websites?unattributed=yes',
      '/api/vulnerabilities/findings?subject=routers',
      '/api/vulnerabilities/findings?websiteId=42',
      `/api/vulnerabilities/websites?q=${'x'.repeat(201)}`,
    ])
      expect((await soc.request('GET', url)).statusCode, url).toBe(400);
    // Odd but valid searches are just searches.
    for (const q of ['%', '_', '\\', '10.1.0.0/99', '[q]'])
      expect((await soc.request('GET', `/api/vulnerabilities/websites?q=${encodeURIComponent(q)}`)).statusCode).toBe(
        200,
      );
  });

  it('refuses to assign a website to anyone but an analyst, and refuses what makes no sense', async () => {
    const unknown = await website(UNKNOWN);
    const url = `/api/vulnerabilities/websites/${unknown.id}/organisation`;
    const before = await audits('vuln.website.assign');
    for (const client of [viewer, agencyA, agencyB, dept]) {
      const res = await client.request('PUT', url, { organisationId: org.B });
      expect(res.statusCode, client.username).toBe(403);
    }
    expect(
      (await soc.request('PUT', url, { organisationId: '00000000-0000-4000-8000-000000000000' })).json(),
    ).toMatchObject({ error: { code: 'VALIDATION', key: 'vuln.unknownOrganisation' } });
    expect((await soc.request('PUT', url, { organisationId: 'B' })).statusCode).toBe(400);
    expect((await soc.request('PUT', url, {})).statusCode).toBe(400);
    const missing = await soc.request(
      'PUT',
      '/api/vulnerabilities/websites/00000000-0000-4000-8000-000000000000/organisation',
      {
        organisationId: org.B,
      },
    );
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { key: 'vuln.websiteNotFound' } });
    expect(
      (await soc.request('PUT', '/api/vulnerabilities/websites/42/organisation', { organisationId: null })).statusCode,
    ).toBe(400);
    // Nothing changed, nothing audited.
    expect(await website(UNKNOWN)).toMatchObject({ organisationId: null, attribution: 'none' });
    expect(await audits('vuln.website.assign')).toBe(before);
  });

  it('an analyst assigns a website: its findings follow, it is audited; null gives it back to the registers', async () => {
    const unknown = await website(UNKNOWN);
    const res = await soc.request('PUT', `/api/vulnerabilities/websites/${unknown.id}/organisation`, {
      organisationId: org.B,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await website(UNKNOWN)).toMatchObject({ organisationId: org.B, attribution: 'manual' });
    expect((await websites(agencyB)).items.map((w) => w.host).sort()).toEqual([
      'app.b.example.vn',
      'unknown.example.com',
    ]);
    expect((await findings(agencyB, `&websiteId=${unknown.id}`)).total).toBe(1);
    const [entry] = await rows<{ entityId: string; organisationId: string; after: { attribution: string } }>(
      `select entity_id as "entityId", organisation_id as "organisationId", after from audit_log
        where action = 'vuln.website.assign' order by seq desc limit 1`,
    );
    expect(entry).toMatchObject({ entityId: unknown.id, organisationId: org.B, after: { attribution: 'manual' } });

    // A registered site assigned elsewhere by mistake, then given back: matched again at once, as the import would.
    const portal = await website(PORTAL);
    const url = `/api/vulnerabilities/websites/${portal.id}/organisation`;
    expect((await soc.request('PUT', url, { organisationId: org.B })).statusCode).toBe(200);
    expect(await website(PORTAL)).toMatchObject({ organisationId: org.B, attribution: 'manual', siteId: null });
    expect((await findings(agencyA, '&subject=websites')).total).toBe(0);
    expect((await soc.request('PUT', url, { organisationId: null })).statusCode).toBe(200);
    expect(await website(PORTAL)).toMatchObject({ organisationId: org.A, attribution: 'site', siteId: ids.portalSite });
    expect((await findings(agencyA, '&subject=websites')).total).toBe(findingsOf([REPORT[0] as Site]));
  });

  it('a later scan resolves exactly the finding it no longer reports, keeps the analyst’s assignment; then reopens it', async () => {
    // April: the portal fixed its frame options; the old site was not scanned; the rest as before.
    const april = REPORT.filter((s) => s.origin !== OLD).map((s) =>
      s.origin === PORTAL ? { ...s, alerts: s.alerts.filter((a) => a.plugin !== '10020') } : s,
    );
    const res = await upload(zap(april, 'Wed, 10 Apr 2024 09:00:00'), 'zap-april.xml', '2024-04-10T09:00:00+07:00');
    expect(res.json()).toMatchObject({ websites: 3, findings: findingsOf(april), opened: 0, reopened: 0, resolved: 1 });
    const frame = await finding(PORTAL, '10020', '/');
    expect(frame.finding).toMatchObject({ status: 'resolved', resolvedAt: '2024-04-10T02:00:00.000Z' });
    // Not covered by the April scan: stays open. The analyst's assignment survives the import.
    expect((await finding(OLD, '10020', '/')).finding.status).toBe('open');
    expect(await website(UNKNOWN)).toMatchObject({ organisationId: org.B, attribution: 'manual' });
    expect((await findings(soc, '&subject=websites&status=resolved')).total).toBe(1);

    const may = await upload(zap(REPORT, 'Fri, 10 May 2024 09:00:00'), 'zap-may.xml', '2024-05-10T09:00:00+07:00');
    expect(may.json()).toMatchObject({ opened: 0, reopened: 1, resolved: 0 });
    expect((await finding(PORTAL, '10020', '/')).finding).toMatchObject({
      status: 'open',
      reopenedCount: 1,
      resolvedAt: null,
    });
    // April counts all four: the old site, not scanned again, stands on its March sighting.
    expect((await summary(soc, '2024-04-01', '2024-04-30')).vulnerableWebsites).toBe(4);

    // Given back to the registers, the unknown site has no owner again (the registers know it not).
    const unknown = await website(UNKNOWN);
    expect(
      (await soc.request('PUT', `/api/vulnerabilities/websites/${unknown.id}/organisation`, { organisationId: null }))
        .statusCode,
    ).toBe(200);
    expect(await website(UNKNOWN)).toMatchObject({ organisationId: null, attribution: 'none' });
    expect((await findings(agencyB, `&websiteId=${unknown.id}`)).total).toBe(0);
  });

  it('an incident opens from a web finding the caller can see, and only from one', async () => {
    const sqli = await finding(APP, '40018', '/api/items');
    const report = {
      title: `SQL Injection — ${sqli.hostname}`,
      organisationId: org.B,
      detectedAt: '2024-03-12T10:00:00+07:00',
      type: 'unauthorised_access',
      description: `URL: ${sqli.finding.url}`,
      vulnFindingId: sqli.finding.id,
    };
    const res = await agencyB.request('POST', '/api/incidents', report);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ source: 'vulnerability', vulnFindingId: sqli.finding.id });
    // Another agency's web finding is "not found", as a computer's is.
    expect((await agencyA.request('POST', '/api/incidents', { ...report, organisationId: org.A })).statusCode).toBe(
      404,
    );
  });

  it('a web finding goes through the same remediation: due date by severity, fixed, confirmed or reopened by scans', async () => {
    const xss = await finding(PORTAL, '40012', '/search');
    const detail = async () =>
      (await agencyA.request('GET', `/api/vulnerabilities/findings/${xss.finding.id}`)).json() as Row & {
        history: { kind: string }[];
      };
    // First seen 10/03/2024 09:00 (UTC+7); high: 30 days by default, then what the Department sets.
    expect((await detail()).dueAt).toBe('2024-04-09T02:00:00.000Z');
    expect((await detail()).overdue).toBe(true);
    expect((await dept.request('PUT', '/api/vulnerabilities/policy', { high: 10 })).statusCode).toBe(200);
    expect((await detail()).dueAt).toBe('2024-03-20T02:00:00.000Z');
    expect((await finding(PORTAL, '10011', '/login')).dueAt).toBe('2024-09-06T02:00:00.000Z'); // low: 180 days
    expect((await dept.request('PUT', '/api/vulnerabilities/policy', { high: 30 })).statusCode).toBe(200);
    expect((await findings(agencyA, '&subject=websites&overdue=true')).items.map((r) => r.finding.id)).toContain(
      xss.finding.id,
    );

    expect((await detail()).actions.changes).toContainEqual({ status: 'fixed', direct: true });
    const fix = () =>
      agencyA.request('POST', `/api/vulnerabilities/findings/${xss.finding.id}/status`, {
        status: 'fixed',
        reason: 'Đã lọc tham số q',
      });
    expect((await fix()).json()).toMatchObject({ status: 'fixed' });
    expect(
      (await viewer.request('POST', `/api/vulnerabilities/findings/${xss.finding.id}/status`, { status: 'open' }))
        .statusCode,
    ).toBe(403);

    // A scan after the fix still reports it: open again. Scans are dated after the fix, which happened now (the
    // files' own times are replaced by the given one and only make each file new).
    const later = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
    const still = await upload(zap(REPORT, 'Mon, 01 Jan 2024 00:00:01'), 'zap-after-fix.xml', later(1));
    expect(still.json()).toMatchObject({ reopened: 1, resolved: 0 });
    expect((await detail()).finding).toMatchObject({ status: 'open', reopenedCount: 1 });

    // Fixed again, and the next scan no longer reports it: resolved, and only it.
    expect((await fix()).statusCode).toBe(200);
    const fixed = REPORT.map((s) =>
      s.origin === PORTAL
        ? {
            ...s,
            alerts: s.alerts.map((a) =>
              a.plugin === XSS.plugin ? { ...a, at: a.at.filter((p) => p.path !== '/search') } : a,
            ),
          }
        : s,
    );
    const confirmed = later(2);
    const res = await upload(zap(fixed, 'Mon, 01 Jan 2024 00:00:02'), 'zap-confirmed.xml', confirmed);
    expect(res.json()).toMatchObject({ resolved: 1, reopened: 0 });
    const done = await detail();
    expect(done.finding).toMatchObject({ status: 'resolved', resolvedAt: new Date(confirmed).toISOString() });
    expect(done.history.map((h) => h.kind)).toEqual(
      expect.arrayContaining(['firstSeen', 'status', 'reopened', 'resolved']),
    );
    expect((await finding(PORTAL, '40012', '/news')).finding.status).toBe('open');
  });

  it('a website registered after its first scan goes, with all its findings, to the agency at the next scan', async () => {
    const NEW = 'https://new.b.example.vn';
    const first = await upload(
      zap([{ origin: NEW, alerts: [FRAME('/'), COOKIE('/', 'sid')] }], 'Mon, 01 Apr 2024 09:00:00'),
      'zap-new-1.xml',
      '2024-04-01T02:00:00Z',
    );
    expect(first.json()).toMatchObject({ websites: 1, unattributedWebsites: 1, opened: 2 });
    const registered = await admin.request('POST', '/api/sites', {
      organisationId: org.B,
      url: `${NEW}/`,
      validFrom: '2024-05-01',
      validTo: null,
    });
    expect(registered.statusCode, registered.body).toBe(201);
    // The later report no longer has the cookie finding: resolved, and still B's like the one it reports.
    const next = await upload(
      zap([{ origin: NEW, alerts: [FRAME('/')] }], 'Fri, 10 May 2024 09:00:00'),
      'zap-new-2.xml',
      '2024-05-10T02:00:00Z',
    );
    expect(next.json()).toMatchObject({ websites: 1, unattributedWebsites: 0, resolved: 1 });
    const w = await website(NEW);
    expect(w).toMatchObject({ organisationId: org.B, attribution: 'site', siteId: registered.json().id });
    const owners = await rows<{ organisation_id: string | null; status: string }>(
      `select organisation_id, status::text as status from vuln_findings where website_id = '${w.id}' order by status`,
    );
    expect(owners).toEqual([
      { organisation_id: org.B, status: 'open' },
      { organisation_id: org.B, status: 'resolved' },
    ]);
  });
});
