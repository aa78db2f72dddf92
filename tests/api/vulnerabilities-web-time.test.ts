import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, queryRows } from '../../src/core/db/client.ts';
import { type Client, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';

/**
 * Website figures as of a date: a period keeps the figures it had when a later scan arrives (what it resolves and what
 * it reopens included), and a website registered for an agency that later merged counts under its own unit as of a
 * day before the merger and under the successor as of a day after. ZAP reports (XML, dated by their own `generated`
 * time) are written from a small model; every expectation comes from the model or a plain SQL count.
 */

const PORTAL = 'https://portal.a.example.gov.vn'; // registered for Sở A, which merges into Sở B on 01/03/2025
const WEB_B = 'https://web.b.example.gov.vn'; // registered for Sở B
const MERGER = '2025-03-01';

type Alert = { plugin: string; name: string; risk: 1 | 2 | 3; cwe: number; path: string; param?: string };
const CSP: Alert = {
  plugin: '10038',
  name: 'Content Security Policy (CSP) Header Not Set',
  risk: 2,
  cwe: 693,
  path: '/',
};
const HSTS: Alert = { plugin: '10035', name: 'Strict-Transport-Security Header Not Set', risk: 1, cwe: 319, path: '/' };
const XSS: Alert = {
  plugin: '40012',
  name: 'Cross Site Scripting (Reflected)',
  risk: 3,
  cwe: 79,
  path: '/search',
  param: 'q',
};
const FRAME: Alert = { plugin: '10020', name: 'Missing Anti-clickjacking Header', risk: 2, cwe: 1021, path: '/' };

/** The scans in the order they ran: June fixes the XSS and B's header; 2026 fixes HSTS and B's header is back. */
const SCANS: { name: string; generated: string; sites: [string, Alert[]][] }[] = [
  {
    name: 'zap-2024-03.xml',
    generated: 'Sun, 10 Mar 2024 09:00:00',
    sites: [
      [PORTAL, [CSP, HSTS, XSS]],
      [WEB_B, [FRAME]],
    ],
  },
  {
    name: 'zap-2024-06.xml',
    generated: 'Fri, 14 Jun 2024 09:00:00',
    sites: [
      [PORTAL, [CSP, HSTS]],
      [WEB_B, []],
    ],
  },
  {
    name: 'zap-2026-03.xml',
    generated: 'Fri, 20 Mar 2026 09:00:00',
    sites: [
      [PORTAL, [CSP]],
      [WEB_B, [FRAME]],
    ],
  },
];

/** A ZAP XML report (the layout of shared/fixtures/scans/zap/0_zap_sample.xml). */
const zap = (scan: (typeof SCANS)[number]) =>
  `<?xml version="1.0"?><OWASPZAPReport version="2.14.0" generated="${scan.generated}">\n${scan.sites
    .map(
      ([origin, alerts]) =>
        `<site name="${origin}" host="${new URL(origin).hostname}" port="443" ssl="true"><alerts>${alerts
          .map(
            (a) => `<alertitem>
    <pluginid>${a.plugin}</pluginid>
    <alert>${a.name}</alert>
    <name>${a.name}</name>
    <riskcode>${a.risk}</riskcode>
    <confidence>2</confidence>
    <riskdesc>${['', 'Low', 'Medium', 'High'][a.risk]} (Medium)</riskdesc>
    <desc>${a.name}.</desc>
    <instances><instance><uri>${origin}${a.path}</uri><method>GET</method>${a.param ? `<param>${a.param}</param>` : ''}</instance></instances>
    <count>1</count>
    <solution>Fix it.</solution>
    <cweid>${a.cwe}</cweid>
    <wascid>15</wascid>
    <sourceid>3</sourceid>
  </alertitem>`,
          )
          .join('')}</alerts></site>`,
    )
    .join('\n')}\n</OWASPZAPReport>`;

const H1_2024 = { from: '2024-01-01', to: '2024-06-30' };
const H2_2024 = { from: '2024-07-01', to: '2024-12-31' };
const H1_2025 = { from: '2025-01-01', to: '2025-06-30' };
const Q1_2026 = { from: '2026-01-01', to: '2026-03-31' };

type Summary = {
  vulnerableWebsites: number;
  websitesWithHigh: number;
  scannedWebsites: number;
  lastWebScannedAt: string | null;
  byOrganisation: { organisationId: string | null; name: string | null; vulnerableWebsites: number }[];
  byMonth: { month: string; vulnerableWebsites: number }[];
};

describe.each(TEST_DATABASES)('website figures as of a date on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  let soc: Client;
  let agencyB: Client;
  const org: Record<string, string> = {};
  const imported: Record<string, unknown>[] = [];

  const summary = async (
    client: Client,
    p: { from: string; to: string; asOf?: string; organisationId?: string },
  ): Promise<Summary> => {
    const q = new URLSearchParams(Object.entries(p).filter((e): e is [string, string] => e[1] !== undefined));
    const res = await client.request('GET', `/api/vulnerabilities/summary?${q}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const upload = async (scan: (typeof SCANS)[number]) => {
    const res = await soc.request('POST', `/api/vulnerabilities/scans?fileName=${scan.name}`, Buffer.from(zap(scan)));
    expect(res.statusCode, res.body).toBe(201);
    imported.push(res.json());
    return res.json();
  };
  /** Websites with a finding open in [from, to] by the plain reading of the rows (no evidence rule needed here). */
  const plainCount = async (where: string) =>
    (
      await queryRows<{ n: number }>(
        database.db,
        sql.raw(`select count(distinct f.website_id)::int as n from vuln_findings f
          join websites w on w.id = f.website_id join organisations o on o.id = w.organisation_id
          where f.severity <> 'info' and ${where}`),
      )
    )[0]?.n;
  const byOrg = (s: Summary) =>
    Object.fromEntries(s.byOrganisation.map((o) => [o.name ?? 'none', o.vulnerableWebsites]));

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database);
    const admin = await t.userWithRole('wt-admin', 'admin');
    for (const [code, name, type, parent] of [
      ['P', 'Tỉnh thử', 'province', null],
      ['A', 'Sở A', 'department', 'P'],
      ['B', 'Sở B', 'department', 'P'],
    ] as const) {
      const res = await admin.request('POST', '/api/organisations', {
        code,
        name,
        type,
        parentId: parent ? org[parent] : null,
        validFrom: '2024-01-01',
      });
      expect(res.statusCode, res.body).toBe(201);
      org[code] = res.json().id;
    }
    for (const [code, url] of [
      ['A', PORTAL],
      ['B', WEB_B],
    ] as const) {
      const res = await admin.request('POST', '/api/sites', {
        organisationId: org[code],
        url: `${url}/`,
        validFrom: '2024-01-01',
        validTo: null,
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    // Sở A merges into Sở B: A ends on 28/02/2025 with B as its successor; its registered site stays A's record.
    const merger = await admin.request(
      'POST',
      '/api/organisations/reorganise',
      Buffer.from(
        `effective,old_code,new_code,new_name,new_type,new_parent_code,legal_basis\n${MERGER},A,B,,,,QĐ thử\n`,
      ),
    );
    expect(merger.statusCode, merger.body).toBe(200);
    expect(merger.json()).toMatchObject({ applied: true, errors: [] });
    soc = await t.userWithRole('wt-soc', 'soc');
    agencyB = await t.userWithRole('wt-agency-b', 'agency', org.B ?? null);
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it('keeps every past period’s website figures when a later scan resolves one finding and reopens another', async () => {
    await upload(SCANS[0] as (typeof SCANS)[number]);
    await upload(SCANS[1] as (typeof SCANS)[number]);
    const periods = [H1_2024, H2_2024, H1_2025, { from: '2024-01-01', to: '2025-12-31' }];
    const before = await Promise.all(periods.map((p) => summary(soc, p)));
    // The model: both sites vulnerable in H1 2024 (the XSS the only high), then only the portal (B fixed in June); no
    // scan after June 2024, so the portal's open findings stand for a year (to June 2025) and nothing was scanned in
    // those periods.
    expect(before.map((s) => [s.vulnerableWebsites, s.websitesWithHigh, s.scannedWebsites])).toEqual([
      [2, 1, 2],
      [1, 0, 0],
      [1, 0, 0],
      [2, 1, 2],
    ]);
    // The reports' zone-less times are the province's (UTC+7): the June scan is the latest by the end of each period.
    expect(before.map((s) => s.lastWebScannedAt)).toEqual(Array(4).fill('2024-06-14T02:00:00.000Z'));
    expect(before[3]?.byMonth.map((m) => m.vulnerableWebsites)).toEqual([
      0, 0, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
    ]);

    // March 2026: HSTS fixed on the portal; B's anti-clickjacking header, fixed in June 2024, is missing again.
    const later = await upload(SCANS[2] as (typeof SCANS)[number]);
    expect(later).toMatchObject({ format: 'zap', websites: 2, opened: 0, resolved: 1, reopened: 1 });
    const after = await Promise.all(periods.map((p) => summary(soc, p)));
    expect(after).toEqual(before);
    // Neither B's span without the header nor the portal's year and more without a sighting counts now: only the
    // figures of 2026, from the month of the scan, moved.
    const q1 = await summary(soc, Q1_2026);
    expect([q1.vulnerableWebsites, q1.scannedWebsites, q1.lastWebScannedAt]).toEqual([
      2,
      2,
      '2026-03-20T02:00:00.000Z',
    ]);
    expect(q1.byMonth.map((m) => m.vulnerableWebsites)).toEqual([0, 0, 2]);
  });

  it('counts a merged agency’s website under its own unit before the merger and under the successor after', async () => {
    // As of 30/06/2024 (the period's end): each site under its own agency, and each agency's subtree has its own.
    const then = await summary(soc, H1_2024);
    expect(byOrg(then)).toEqual({ 'Sở A': 1, 'Sở B': 1 });
    expect((await summary(soc, { ...H1_2024, organisationId: org.A })).vulnerableWebsites).toBe(1);
    expect((await summary(soc, { ...H1_2024, organisationId: org.B })).vulnerableWebsites).toBe(1);
    // The same period as of a day after the merger: A's website rolls up to B, the total does not change.
    const now = await summary(soc, { ...H1_2024, asOf: '2025-06-30' });
    expect(byOrg(now)).toEqual({ 'Sở B': 2 });
    expect(now.vulnerableWebsites).toBe(then.vulnerableWebsites);
    expect((await summary(soc, { ...H1_2024, asOf: '2025-06-30', organisationId: org.B })).vulnerableWebsites).toBe(2);
    // And the day before the merger, A is still itself.
    const eve = await summary(soc, { ...H1_2024, asOf: '2025-02-28' });
    expect(byOrg(eve)).toEqual({ 'Sở A': 1, 'Sở B': 1 });
    // 2026: the portal, matched to A's registration on the scan day, counts under B; B's agency sees both.
    const q1 = await summary(soc, Q1_2026);
    expect(byOrg(q1)).toEqual({ 'Sở B': 2 });
    expect((await summary(agencyB, Q1_2026)).vulnerableWebsites).toBe(2);
    const [portal] = await queryRows<{ organisationId: string; attribution: string }>(
      database.db,
      sql`select organisation_id as "organisationId", attribution from websites where host = 'portal.a.example.gov.vn'`,
    );
    expect(portal).toEqual({ organisationId: org.A, attribution: 'site' });
  });

  it('gives the same website figures as a plain SQL count of the stored findings', async () => {
    // H1 2024: every finding first seen then was open then (the first scan of each site was in March 2024).
    const h1 = await summary(soc, H1_2024);
    expect(h1.vulnerableWebsites).toBe(await plainCount(`f.first_seen < '2024-07-01T00:00:00+07:00'`));
    expect(byOrg(h1)['Sở A']).toBe(await plainCount(`f.first_seen < '2024-07-01T00:00:00+07:00' and o.code = 'A'`));
    // Q1 2026: what the March 2026 scan reported (older sightings are beyond the evidence window), under A or B.
    const q1 = await summary(soc, { ...Q1_2026, organisationId: org.B });
    expect(q1.vulnerableWebsites).toBe(
      await plainCount(`f.last_seen >= '2026-01-01T00:00:00+07:00' and o.code in ('A', 'B')`),
    );
  });
});
