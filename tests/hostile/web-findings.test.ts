// Websites and web findings under attack: an agency user combining every filter, sort and id of another agency's
// website (or an unattributed one) must see nothing of it, through any route; hostile query values and bodies answer
// 4xx (or an ordinary empty page), never 500; URLs a web scanner wrote (credentials, javascript:, data:, CR LF,
// homographs, very long) are stored only as http(s) URLs without credentials, bounded, and never matched to a site
// they merely resemble.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, queryRows } from '../../src/core/db/client.ts';
import { type Client, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';

const A_SITE = 'https://portal.a.example.gov.vn'; // registered site of A
const A1_SITE = 'https://xa.a1.example.gov.vn'; // registered site of A1, a unit under A
const B_SITE = 'https://portal.b.example.gov.vn'; // registered site of B
const NOBODY = 'https://nobody.example.com'; // nobody's
const SECRET = 'S3cretPassw0rd';

type Instance = { uri: string; param?: string };
type Alert = { plugin: string; name: string; risk: 1 | 2 | 3; at: Instance[] };

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** A ZAP XML report (the layout of shared/fixtures/scans/zap/0_zap_sample.xml). */
const zap = (sites: { name: string; alerts: Alert[] }[]) =>
  `<?xml version="1.0"?><OWASPZAPReport version="2.9.0" generated="Sun, 10 Mar 2024 09:00:00">\n${sites
    .map(
      (s) =>
        `<site name="${xml(s.name)}"><alerts>${s.alerts
          .map(
            (a) =>
              `<alertitem><pluginid>${a.plugin}</pluginid><alert>${a.name}</alert><name>${a.name}</name>
<riskcode>${a.risk}</riskcode><confidence>2</confidence><desc>${a.name}.</desc><instances>${a.at
                .map(
                  (i) =>
                    `<instance><uri>${xml(i.uri)}</uri><method>GET</method>${i.param ? `<param>${xml(i.param)}</param>` : ''}</instance>`,
                )
                .join('\n')}</instances><solution>Fix it.</solution><cweid>79</cweid></alertitem>`,
          )
          .join('\n')}</alerts></site>`,
    )
    .join('\n')}\n</OWASPZAPReport>\n`;

const XSS = (origin: string): Alert => ({
  plugin: '40012',
  name: 'Cross Site Scripting (Reflected)',
  risk: 3,
  at: [{ uri: `${origin}/search`, param: 'q' }],
});
const FRAME = (origin: string): Alert => ({
  plugin: '10020',
  name: 'X-Frame-Options Header Not Set',
  risk: 2,
  at: [{ uri: `${origin}/` }],
});

type Row = {
  finding: { id: string; websiteId: string | null; organisationId: string | null; url: string | null };
  website: string | null;
};
type Website = { id: string; siteKey: string; host: string; organisationId: string | null };

describe.each(TEST_DATABASES)('websites and web findings under attack on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  let admin: Client;
  let soc: Client;
  let agencyA: Client;
  let viewerA: Client;
  const org: Record<string, string> = {};
  const site: Record<string, Website> = {};
  const finding: Record<string, string> = {};
  let mine: Set<string>;

  const get = (client: Client, url: string) => client.request('GET', url);
  const json = async <T>(client: Client, url: string) => {
    const res = await get(client, url);
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    return res.json() as T;
  };
  const rows = <T>(query: string) => queryRows<T>(database.db, sql.raw(query));

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database);
    admin = await t.userWithRole('hw-admin', 'admin');
    for (const [code, parent, ranges] of [
      ['P', null, []],
      ['A', 'P', ['10.61.0.0/24']],
      ['A1', 'A', []],
      ['B', 'P', ['10.62.0.0/24']],
    ] as const) {
      const res = await admin.request('POST', '/api/organisations', {
        code,
        name: `Đơn vị ${code}`,
        type: 'department',
        parentId: parent ? org[parent] : null,
        ipRanges: ranges,
      });
      expect(res.statusCode, res.body).toBe(201);
      org[code] = res.json().id;
    }
    for (const [owner, url] of [
      ['A', A_SITE],
      ['A1', A1_SITE],
      ['B', B_SITE],
    ] as const) {
      const res = await admin.request('POST', '/api/sites', {
        organisationId: org[owner],
        url: `${url}/`,
        validFrom: '2024-01-01',
        validTo: null,
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    soc = await t.userWithRole('hw-soc', 'soc');
    agencyA = await t.userWithRole('hw-agency-a', 'agency', org.A ?? null);
    viewerA = await t.userWithRole('hw-viewer-a', 'viewer', org.A ?? null);
    const res = await soc.request(
      'POST',
      '/api/vulnerabilities/scans?fileName=attack.xml&scannedAt=2024-03-10T09:00:00%2B07:00',
      Buffer.from(zap([A_SITE, A1_SITE, B_SITE, NOBODY].map((name) => ({ name, alerts: [XSS(name), FRAME(name)] })))),
    );
    expect(res.statusCode, res.body).toBe(201);
    const all = await json<{ items: Website[] }>(soc, '/api/vulnerabilities/websites?limit=1000');
    for (const w of all.items) site[`https://${w.host}`] = w;
    const findings = await json<{ items: Row[] }>(soc, '/api/vulnerabilities/findings?limit=1000&subject=websites');
    for (const r of findings.items) finding[r.finding.url ?? ''] = r.finding.id;
    mine = new Set([site[A_SITE]?.id, site[A1_SITE]?.id].filter((id): id is string => !!id));
    expect(mine.size).toBe(2);
    expect(site[NOBODY]?.organisationId).toBeNull();
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it('an agency never sees another agency’s or an unattributed website’s findings, whatever the filters and sort', async () => {
    const others = [site[B_SITE]?.id, site[NOBODY]?.id] as string[];
    const sorts = ['severity', 'cvss', 'cve', 'name', 'ip', 'hostname', 'organisation', 'status', 'dueAt', 'lastSeen'];
    const queries = [
      '',
      '&subject=websites',
      `&organisationId=${org.B}`,
      `&organisationId=${org.P}`,
      `&organisationId=${org.A1}`,
      ...others.flatMap((id) => [
        `&websiteId=${id}`,
        `&websiteId=${id}&organisationId=${org.B}`,
        `&websiteId=${id}&subject=websites&status=active`,
      ]),
      `&q=${encodeURIComponent('portal.b.example')}`,
      `&q=${encodeURIComponent('nobody')}`,
      `&q=${encodeURIComponent('%')}`,
      `&q=${encodeURIComponent('/search')}`,
      '&severity=high&overdue=true',
      ...sorts.flatMap((s) => [`&sort=${s}&dir=asc`, `&sort=${s}&dir=desc`]),
    ];
    for (const client of [agencyA, viewerA])
      for (const query of queries) {
        const page = await json<{ items: Row[]; total: number }>(
          client,
          `/api/vulnerabilities/findings?limit=1000${query}`,
        );
        const web = page.items.filter((r) => r.finding.websiteId);
        expect(
          web.every((r) => mine.has(r.finding.websiteId as string)),
          `${client.username} ${query}`,
        ).toBe(true);
        expect(page.total, `${client.username} ${query}`).toBe(page.items.length);
      }
    // The other sites' findings, named by id: not found, and not changeable.
    for (const origin of [B_SITE, NOBODY]) {
      const id = finding[`${origin}/search`] as string;
      expect((await get(agencyA, `/api/vulnerabilities/findings/${id}`)).statusCode).toBe(404);
      for (const [path, body] of [
        ['status', { status: 'fixed' }],
        ['status', { status: 'false_positive', reason: 'Không phải lỗi' }],
        ['decision', { approve: true }],
      ] as const) {
        const res = await agencyA.request('POST', `/api/vulnerabilities/findings/${id}/${path}`, body);
        expect(res.statusCode, `${origin} ${path}`).toBe(404);
      }
      const incident = await agencyA.request('POST', '/api/incidents', {
        title: 'Lỗ hổng XSS',
        organisationId: org.A,
        detectedAt: '2024-03-12T10:00:00+07:00',
        type: 'unauthorised_access',
        description: 'Từ lỗ hổng',
        vulnFindingId: id,
      });
      expect(incident.statusCode, incident.body).toBe(404);
    }
    const [untouched] = await rows<{ n: number }>(
      `select count(*)::int as n from vuln_findings where status <> 'open' or requested_status is not null`,
    );
    expect(untouched?.n).toBe(0);
    expect((await rows<{ n: number }>(`select count(*)::int as n from incidents`))[0]?.n).toBe(0);
  });

  it('an agency lists only its own websites, whatever the sort, search and filters', async () => {
    const sorts = ['site', 'organisation', 'lastSeen', 'open', 'critical', 'high'];
    const queries = [
      '',
      '?unattributed=true',
      '?unattributed=false',
      `?organisationId=${org.B}`,
      `?organisationId=${org.B}&unattributed=true`,
      `?organisationId=${org.P}`,
      `?q=${encodeURIComponent('b.example')}`,
      `?q=${encodeURIComponent('nobody.example.com')}`,
      `?q=${encodeURIComponent('_')}`,
      '?severity=high',
      ...sorts.flatMap((s) => [`?sort=${s}&dir=asc`, `?sort=${s}&dir=desc`]),
    ];
    for (const client of [agencyA, viewerA])
      for (const query of queries) {
        const page = await json<{ items: Website[]; total: number }>(client, `/api/vulnerabilities/websites${query}`);
        expect(
          page.items.every((w) => mine.has(w.id)),
          `${client.username} ${query}`,
        ).toBe(true);
        expect(page.total, `${client.username} ${query}`).toBe(page.items.length);
      }
    expect((await json<{ total: number }>(agencyA, '/api/vulnerabilities/websites')).total).toBe(2);
  });

  it('an agency’s figures count only its own websites, even for a subtree outside its scope', async () => {
    const period = 'from=2024-03-01&to=2024-03-31';
    type Summary = {
      vulnerableWebsites: number;
      scannedWebsites: number;
      unattributedVulnerableWebsites: number;
      topWebVulnerabilities: { websites: number }[];
      byOrganisation: { organisationId: string | null; vulnerableWebsites: number }[];
      byMonth: { vulnerableWebsites: number }[];
    };
    const own = await json<Summary>(agencyA, `/api/vulnerabilities/summary?${period}`);
    expect(own).toMatchObject({ vulnerableWebsites: 2, scannedWebsites: 2, unattributedVulnerableWebsites: 0 });
    expect(own.topWebVulnerabilities.map((v) => v.websites)).toEqual([2, 2]);
    expect(own.byMonth).toEqual([expect.objectContaining({ vulnerableWebsites: 2 })]);
    expect(new Set(own.byOrganisation.map((o) => o.organisationId))).toEqual(new Set([org.A, org.A1]));
    for (const root of [org.B, org.P]) {
      const s = await json<Summary>(agencyA, `/api/vulnerabilities/summary?${period}&organisationId=${root}`);
      const expected = root === org.B ? 0 : 2;
      expect(s, root).toMatchObject({
        vulnerableWebsites: expected,
        scannedWebsites: expected,
        unattributedVulnerableWebsites: 0,
      });
      expect(
        s.byOrganisation.every((o) => o.organisationId === org.A || o.organisationId === org.A1),
        root,
      ).toBe(true);
    }
    // The SOC sees the province: four websites, one of them nobody's.
    expect(await json<Summary>(soc, `/api/vulnerabilities/summary?${period}`)).toMatchObject({
      vulnerableWebsites: 4,
      scannedWebsites: 4,
      unattributedVulnerableWebsites: 1,
    });
  });

  it('answers hostile query values with 400 or an ordinary page, never a 500', async () => {
    const bad = [
      '/api/vulnerabilities/findings?limit=1001',
      '/api/vulnerabilities/findings?limit=-1',
      '/api/vulnerabilities/findings?limit=1.5',
      '/api/vulnerabilities/findings?offset=-1',
      '/api/vulnerabilities/findings?offset=99999999999999999999',
      '/api/vulnerabilities/findings?offset=1e400',
      '/api/vulnerabilities/findings?sort=__proto__',
      '/api/vulnerabilities/findings?sort=constructor',
      `/api/vulnerabilities/findings?sort=${encodeURIComponent('severity; drop table vuln_findings')}`,
      `/api/vulnerabilities/findings?dir=${encodeURIComponent('asc nulls first, (select 1)')}`,
      '/api/vulnerabilities/findings?websiteId=00000000-0000-0000-0000-00000000000g',
      `/api/vulnerabilities/findings?websiteId=${encodeURIComponent("' or 1=1 --")}`,
      '/api/vulnerabilities/findings?subject=websites&subject=computers',
      '/api/vulnerabilities/findings?knownExploited=1',
      '/api/vulnerabilities/websites?sort=host',
      '/api/vulnerabilities/websites?sort=site&dir=sideways',
      '/api/vulnerabilities/websites?offset=abc',
      '/api/vulnerabilities/websites?severity=CRITICAL',
      `/api/vulnerabilities/websites?q=${'%'.repeat(201)}`,
      '/api/vulnerabilities/summary?from=2024-02-30&to=2024-03-31',
      '/api/vulnerabilities/summary?from=0001-01-01&to=9999-12-31',
      '/api/vulnerabilities/summary?from=2024-03-31&to=2024-03-01',
      '/api/vulnerabilities/summary?from=2024-03-01&to=2024-03-31&organisationId=A',
    ];
    for (const url of bad) {
      const res = await get(agencyA, url);
      expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
      expect(res.json().error.message, url).toBeTruthy();
    }
    const empty = [
      '/api/vulnerabilities/findings?offset=9007199254740991',
      '/api/vulnerabilities/websites?offset=9007199254740991&sort=open',
      '/api/vulnerabilities/findings?websiteId=00000000-0000-4000-8000-000000000000',
      '/api/vulnerabilities/findings?organisationId=00000000-0000-4000-8000-000000000000',
    ];
    for (const url of empty) {
      const started = performance.now();
      const res = await get(soc, url);
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
      expect(res.json().items, url).toEqual([]);
      expect(performance.now() - started, url).toBeLessThan(5_000);
    }
    // LIKE's wildcards and escape, quotes, SQL and odd addresses are searched as text: they match nothing here.
    const searches = [
      '%',
      '_',
      '\\',
      '\\%',
      '%_%',
      "'",
      "' or '1'='1",
      "'); drop table websites; --",
      '[a-z]*',
      '::',
      '::/0',
      '0.0.0.0/0',
      '10.61.0.0/33',
      'fe80::1/129',
      '1.2.3.4/24',
      'ǅ\u0301\u200b',
      '\ud83d\ude00',
      ' '.repeat(150),
    ];
    for (const q of searches)
      for (const path of ['/api/vulnerabilities/findings', '/api/vulnerabilities/websites']) {
        const url = `${path}?q=${encodeURIComponent(q)}`;
        const res = await get(agencyA, url);
        expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
        const page = res.json() as { items: { id?: string; finding?: { websiteId: string | null } }[] };
        // The catch-all ranges are searches too, within the agency's own records only.
        for (const item of page.items) {
          const websiteId = item.finding ? item.finding.websiteId : (item.id ?? null);
          if (websiteId) expect(mine.has(websiteId), url).toBe(true);
        }
      }
    // `%` and `_` are literal: no host or URL has one.
    expect((await json<{ total: number }>(soc, '/api/vulnerabilities/websites?q=%25')).total).toBe(0);
    expect((await json<{ total: number }>(soc, '/api/vulnerabilities/findings?q=_')).total).toBe(0);
    expect((await json<{ total: number }>(soc, '/api/vulnerabilities/findings?q=%5C')).total).toBe(0);
  });

  it('refuses odd assignment bodies with 400 and changes nothing, audits what it changes', async () => {
    const target = site[NOBODY] as Website;
    const url = `/api/vulnerabilities/websites/${target.id}/organisation`;
    const audits = async () =>
      (await rows<{ n: number }>(`select count(*)::int as n from audit_log where action = 'vuln.website.assign'`))[0]
        ?.n;
    const before = await audits();
    for (const body of [
      { organisationId: 'not-a-uuid' },
      { organisationId: 42 },
      { organisationId: [org.B] },
      { organisationId: { $ne: null } },
      { organisationId: `${org.B}' or '1'='1` },
      {},
      [],
    ]) {
      const res = await soc.request('PUT', url, body);
      expect(res.statusCode, `${JSON.stringify(body)}: ${res.body}`).toBe(400);
    }
    expect((await soc.request('PUT', url, 'null')).statusCode).toBe(415);
    for (const id of ['42', '00000000-0000-0000-0000-00000000000g', '..%2F..%2Fcomputers'])
      expect(
        (await soc.request('PUT', `/api/vulnerabilities/websites/${id}/organisation`, { organisationId: null }))
          .statusCode,
        id,
      ).toBe(400);
    expect(await audits()).toBe(before);
    const [unchanged] = await rows<{ organisation_id: string | null }>(
      `select organisation_id from websites where id = '${target.id}'`,
    );
    expect(unchanged?.organisation_id).toBeNull();
    // A sound assignment is audited with what it changed.
    expect((await soc.request('PUT', url, { organisationId: org.B })).statusCode).toBe(200);
    expect(await audits()).toBe((before ?? 0) + 1);
    expect((await soc.request('PUT', url, { organisationId: null })).statusCode).toBe(200);
    expect(await audits()).toBe((before ?? 0) + 2);
  });

  it('stores web scanners’ URLs as http(s) only, without credentials, bounded, and never on a look-alike site', async () => {
    // Cyrillic "о" in place of the Latin "o" of A's registered portal.
    const homograph = 'https://p\u043ertal.a.example.gov.vn';
    const long = `${A_SITE}/${'a'.repeat(20_000)}`;
    const report = zap([
      {
        name: A_SITE,
        alerts: [
          {
            plugin: '90020',
            name: 'Remote OS Command Injection',
            risk: 3,
            at: [
              { uri: `https://admin:${SECRET}@portal.a.example.gov.vn/admin?token=1`, param: 'cmd' },
              { uri: `https://operator:${SECRET}@portal.a.example.gov.vn:443/ops` },
              { uri: `https://${SECRET}@portal.a.example.gov.vn/only-user` },
              { uri: 'javascript:alert(document.cookie)' },
              { uri: 'data:text/html,<script>alert(1)</script>' },
              { uri: 'vbscript:msgbox(1)' },
              { uri: `ftp://admin:${SECRET}@portal.a.example.gov.vn/` },
              { uri: `${A_SITE}/crlf\r\nSet-Cookie: injected=1` },
              { uri: `${A_SITE}/enc%0d%0aSet-Cookie:%20injected=1` },
              { uri: long },
            ],
          },
        ],
      },
      { name: `https://user:${SECRET}@${new URL(homograph).host}`, alerts: [FRAME(homograph)] },
    ]);
    const res = await soc.request(
      'POST',
      '/api/vulnerabilities/scans?fileName=urls.xml&scannedAt=2024-03-11T09:00:00%2B07:00',
      Buffer.from(report),
    );
    expect(res.statusCode, res.body).toBe(201);
    const answer = res.json();
    // The four non-http(s) instances are refused with their position; everything else is kept.
    const refused = answer.issues.filter((i: { code: string }) => i.code === 'invalid-url');
    expect(refused).toHaveLength(4);
    for (const issue of refused) expect(issue.line).toBeGreaterThan(1);
    // The password is nowhere: not in a finding, a website, the import's record, its answer or the audit log.
    expect(res.body).not.toContain(SECRET);
    const leaks = await rows<{ n: number }>(
      `select (select count(*) from vuln_findings f where concat_ws(' ', f.url, f.location, f.output, f.synopsis, f.name)
          like '%${SECRET}%')::int
        + (select count(*) from websites w where concat_ws(' ', w.site_key, w.host) like '%${SECRET}%')::int
        + (select count(*) from scan_imports s where s.issues::text like '%${SECRET}%' or s.summary::text like '%${SECRET}%')::int
        + (select count(*) from audit_log a where a.after::text like '%${SECRET}%')::int as n`,
    );
    expect(leaks[0]?.n).toBe(0);
    const stored = await json<{ items: Row[] }>(
      soc,
      `/api/vulnerabilities/findings?limit=1000&websiteId=${site[A_SITE]?.id}&q=${encodeURIComponent('Command Injection')}`,
    );
    expect(JSON.stringify(stored)).not.toContain(SECRET);
    const urls = stored.items.map((r) => r.finding.url as string);
    expect(urls).toContain('https://portal.a.example.gov.vn/admin?token=1');
    expect(urls).toContain('https://portal.a.example.gov.vn/ops');
    expect(urls).toContain('https://portal.a.example.gov.vn/only-user');
    for (const u of urls) {
      expect(u).toMatch(/^https?:\/\//);
      expect(u).not.toMatch(/[\r\n\t]/);
      expect(u.length).toBeLessThanOrEqual(2_000);
    }
    // The look-alike host is stored as punycode and matched to nobody, not to A's portal.
    const lookAlike = (await json<{ items: Website[] }>(soc, '/api/vulnerabilities/websites?q=xn--')).items;
    expect(lookAlike.map((w) => w.host)).toEqual([new URL(homograph).hostname]);
    expect(lookAlike[0]?.host).toMatch(/^xn--/);
    expect(lookAlike[0]?.organisationId).toBeNull();
  });
});
