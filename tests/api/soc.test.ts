import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db/client.ts';
import { createUser } from '../../src/modules/auth/auth.service.ts';
import { loadAttributor } from '../../src/modules/organisations/attribution.ts';
import { zeekConnLine, zeekHeader } from '../../src/modules/soc/generator/writers.ts';
import { startLiveIngestion } from '../../src/modules/soc/live-ingest.ts';
import { socSummary } from '../../src/modules/soc/soc.service.ts';
import { type Client, PASSWORD, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';

// 10/05/2024 10:00 in Asia/Ho_Chi_Minh.
const T0 = Date.parse('2024-05-10T10:00:00+07:00') / 1000;
const conn = (ts: number, src: string, dst: string, dstPort: number, state: 'S0' | 'SF') =>
  zeekConnLine(
    { ts, src, srcPort: 40000, dst, dstPort, proto: 'tcp', state, origBytes: 0, respBytes: 0 },
    'C1',
  ).trimEnd();

/**
 * A small, fully known conn.log: 203.0.113.5 sweeps port 445 across 30 hosts of Sở A (no answer: a scanner);
 * 10.15.1.10 (Sở A) talks to the listed malicious server 198.51.100.66; the rest is ordinary traffic.
 */
function connLog() {
  const lines = [zeekHeader('conn', T0).trimEnd()];
  for (let i = 0; i < 30; i++) {
    lines.push(conn(T0 + i, '203.0.113.5', `10.15.1.${100 + i}`, 445, 'S0'));
    // Right after it is detected (the evidence samples) it also probes two hosts of Sở B: Sở B sees the scanner
    // too, with only those two samples, and Sở A does not see them.
    if (i === 9)
      for (let j = 0; j < 2; j++)
        lines.push(conn(T0 + i + 0.1 * (j + 1), '203.0.113.5', `10.15.2.${200 + j}`, 445, 'S0'));
  }
  for (let i = 0; i < 5; i++) lines.push(conn(T0 + 60 + i, '10.15.1.10', '198.51.100.66', 443, 'SF'));
  for (let i = 0; i < 40; i++) lines.push(conn(T0 + 100 + i, `10.15.2.${10 + (i % 5)}`, '93.184.216.34', 443, 'SF'));
  lines.push('this line is not a zeek record');
  return `${lines.join('\n')}\n`;
}

describe.each(TEST_DATABASES)('SOC findings on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  let soc: Client;
  let agencyA: Client;
  let agencyB: Client;
  let agencyC: Client;
  const org: Record<string, string> = {};
  const summary = async (c: Client, from: string, to: string) =>
    (await c.request('GET', `/api/soc/summary?from=${from}&to=${to}`)).json();

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database);
    const admin = await t.userWithRole('socadmin', 'admin');
    for (const [code, ranges] of [
      ['A', ['10.15.1.0/24']],
      ['B', ['10.15.2.0/24']],
      ['C', ['10.15.3.0/24']],
    ] as const) {
      org[code] = (
        await admin.request('POST', '/api/organisations', {
          code,
          name: `Sở ${code}`,
          type: 'department',
          ipRanges: ranges,
        })
      ).json().id;
    }
    soc = await t.userWithRole('analyst', 'soc');
    agencyA = await t.userWithRole('soc-agency-a', 'agency', org.A ?? null);
    agencyB = await t.userWithRole('soc-agency-b', 'agency', org.B ?? null);
    agencyC = await t.userWithRole('soc-agency-c', 'agency', org.C ?? null);
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it('says that nothing was ingested yet on a fresh install', async () => {
    expect(await summary(soc, '2024-05-01', '2024-05-31')).toMatchObject({ ingested: false, scanningIps: 0 });
    expect((await soc.request('GET', '/api/soc/findings?kind=scanner')).json()).toEqual({ items: [], total: 0 });
  });

  it('loads threat intelligence, reporting bad lines by number', async () => {
    const feed = '# demo feed\n198.51.100.66\nnot an indicator!\nevil.example.com\n';
    const res = await soc.request('POST', '/api/soc/intel?source=cert-demo', Buffer.from(feed));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ added: 2, updated: 0, rejected: [{ line: 3, kind: 'not_indicator' }] });
    const again = (await soc.request('POST', '/api/soc/intel?source=cert-demo', Buffer.from(feed))).json();
    expect(again).toMatchObject({ added: 0, updated: 2 });
    expect((await soc.request('GET', '/api/soc/intel')).json()).toEqual([
      expect.objectContaining({ source: 'cert-demo', indicators: 2 }),
    ]);
  });

  it('finds the scanner and the malicious contact in an uploaded log, once', async () => {
    const res = await soc.request('POST', '/api/soc/logs?fileName=conn.log', Buffer.from(connLog()));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      format: 'zeek-tsv',
      events: 77,
      rejected: 1,
      scanners: 1,
      maliciousContacts: 1,
      errors: [{ line: 86, kind: 'field_count' }],
    });
    const again = await soc.request('POST', '/api/soc/logs?fileName=conn-copy.log', Buffer.from(connLog()));
    expect(again.json()).toMatchObject({ duplicate: true });
    const s = await summary(soc, '2024-05-01', '2024-05-31');
    expect(s).toMatchObject({ scanningIps: 1, internalScanningIps: 0, maliciousContactIps: 1, ingested: true });
    const [ingest] = (await soc.request('GET', '/api/soc/ingests')).json();
    expect(ingest).toMatchObject({ source: 'conn.log', errors: [{ line: 86, kind: 'field_count' }] });
    expect(ingest.startedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(await summary(soc, '2024-06-01', '2024-06-30')).toMatchObject({ scanningIps: 0, maliciousContactIps: 0 });
  });

  it('explains each finding with its rule, numbers and evidence lines', async () => {
    const [scanner] = (await soc.request('GET', '/api/soc/findings?kind=scanner')).json().items as {
      id: string;
      ip: string;
      organisationId: string;
      attribution: string;
    }[];
    expect(scanner).toMatchObject({ ip: '203.0.113.5', organisationId: org.A, attribution: 'target-range' });
    const detail = (await soc.request('GET', `/api/soc/findings/${scanner?.id}`)).json();
    const horizontal = detail.rules.find((r: { rule: string }) => r.rule === 'horizontal');
    expect(horizontal).toMatchObject({ port: 445, threshold: 25 });
    expect(horizontal.observed).toBeGreaterThanOrEqual(25);
    expect(horizontal.explanation).toMatch(/445/);
    expect(detail.evidence[0]).toMatchObject({ input: 'conn.log', src: '203.0.113.5' });
    expect(detail.evidence[0].line).toBeGreaterThan(7);
    expect(detail.sightings).toHaveLength(1);
    const [contact] = (await soc.request('GET', '/api/soc/findings?kind=malicious_contact')).json().items;
    expect(contact).toMatchObject({
      ip: '10.15.1.10',
      indicator: '198.51.100.66',
      indicatorSource: 'cert-demo',
      direction: 'outbound',
      count: 5,
    });
  });

  it('shows a scanner to every agency it swept, each with only its own samples, and lets only the SOC triage', async () => {
    const [scanner] = (await soc.request('GET', '/api/soc/findings?kind=scanner')).json().items;
    expect(scanner).toMatchObject({
      organisationId: org.A,
      organisations: [
        { id: org.A, name: 'Sở A' },
        { id: org.B, name: 'Sở B' },
      ],
    });
    const province = await summary(soc, '2024-05-01', '2024-05-31');
    expect(province.scanningIps).toBe(1);
    expect(province.byOrganisation).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ organisationId: org.A, scanningIps: 1, maliciousContactIps: 1 }),
        expect.objectContaining({ organisationId: org.B, scanningIps: 1, maliciousContactIps: 0 }),
      ]),
    );
    expect(province.byOrganisation).toHaveLength(2);
    const underB = await soc.request('GET', `/api/soc/summary?from=2024-05-01&to=2024-05-31&organisationId=${org.B}`);
    expect(underB.json()).toMatchObject({ scanningIps: 1, maliciousContactIps: 0 });

    expect((await summary(agencyA, '2024-05-01', '2024-05-31')).scanningIps).toBe(1);
    expect(await summary(agencyB, '2024-05-01', '2024-05-31')).toMatchObject({
      scanningIps: 1,
      maliciousContactIps: 0,
    });
    // B sees the scanner but not A's contact, nor that A was swept as well.
    const pageForB = (await agencyB.request('GET', '/api/soc/findings')).json();
    expect(pageForB.total).toBe(1);
    const seenByB = pageForB.items;
    expect(seenByB).toEqual([
      expect.objectContaining({
        id: scanner.id,
        organisationId: null,
        organisationName: null,
        organisations: [{ id: org.B, name: 'Sở B' }],
      }),
    ]);
    const detailForB = (await agencyB.request('GET', `/api/soc/findings/${scanner.id}`)).json();
    expect(detailForB).toMatchObject({ organisationId: null, organisations: [{ id: org.B, name: 'Sở B' }] });
    // Its figures are its own share, the 2 failed attempts on its hosts; not the scanner's totals (24 attempts since
    // it was detected, on about 32 hosts, an estimate).
    expect(scanner).toMatchObject({ sweptOnly: false, count: 24 });
    expect(scanner.distinctTargets).toBeGreaterThanOrEqual(30);
    const ownerRow = (await agencyA.request('GET', '/api/soc/findings?kind=scanner')).json().items[0];
    expect(ownerRow).toMatchObject({ sweptOnly: false, count: 24, distinctTargets: scanner.distinctTargets });
    expect(seenByB[0]).toMatchObject({
      sweptOnly: true,
      count: 2,
      distinctTargets: null,
      distinctPorts: null,
      // Not 'target-range', which would say another agency was swept more.
      attribution: null,
    });
    expect(detailForB.attribution).toBeNull();
    expect(scanner.attribution).toBe('target-range');
    expect(detailForB.sweptOnly).toBe(true);
    // The horizontal and TRW hits count the attempts on Sở A too (25 targets): the SOC and Sở A see them, Sở B not.
    expect(detailForB.rules).toEqual([]);
    expect(detailForB.sightings).toEqual([
      expect.objectContaining({ count: 2, distinctTargets: null, distinctPorts: null }),
    ]);
    expect(detailForB.sightings[0]).not.toHaveProperty('organisationAttempts');
    const forSoc = (await soc.request('GET', `/api/soc/findings/${scanner.id}`)).json();
    expect(forSoc.sightings[0]).toMatchObject({
      count: 24,
      organisationAttempts: { [org.A as string]: 30, [org.B as string]: 2 },
    });
    const forA = (await agencyA.request('GET', `/api/soc/findings/${scanner.id}`)).json();
    expect(forA.rules.map((r: { rule: string }) => r.rule)).toContain('horizontal');
    expect(forA).toMatchObject({
      sweptOnly: false,
      sightings: [expect.objectContaining({ count: 24, distinctTargets: scanner.distinctTargets })],
    });
    expect(forA.sightings[0]).not.toHaveProperty('organisationAttempts');
    // Sở C was not touched: nothing, and the finding itself is "not found".
    expect(await summary(agencyC, '2024-05-01', '2024-05-31')).toMatchObject({
      scanningIps: 0,
      maliciousContactIps: 0,
    });
    expect((await agencyC.request('GET', '/api/soc/findings')).json()).toEqual({ items: [], total: 0 });
    expect((await agencyC.request('GET', `/api/soc/findings/${scanner.id}`)).statusCode).toBe(404);

    const dst = (c: Client) =>
      c
        .request('GET', `/api/soc/findings/${scanner.id}`)
        .then((r) => r.json().evidence.map((e: { dst: string }) => e.dst));
    const all = await dst(soc);
    expect(all.some((d: string) => d.startsWith('10.15.1.'))).toBe(true);
    expect(all.filter((d: string) => d.startsWith('10.15.2.'))).toEqual(['10.15.2.200', '10.15.2.201']);
    const seenByA = await dst(agencyA);
    expect(seenByA.length).toBeGreaterThan(0);
    expect(seenByA.every((d: string) => d.startsWith('10.15.1.'))).toBe(true);
    expect(await dst(agencyB)).toEqual(['10.15.2.200', '10.15.2.201']);

    for (const agency of [agencyA, agencyB])
      expect(
        (await agency.request('POST', `/api/soc/findings/${scanner.id}/triage`, { status: 'false_positive' }))
          .statusCode,
      ).toBe(403);
    const triaged = await soc.request('POST', `/api/soc/findings/${scanner.id}/triage`, {
      status: 'false_positive',
      note: 'Máy quét của Sở TT&TT',
    });
    expect(triaged.json()).toMatchObject({ status: 'false_positive' });
    // The SOC's note is for the scanner's owner, not for the other agencies it swept.
    const noteFor = async (c: Client) => ({
      row: (await c.request('GET', '/api/soc/findings?kind=scanner')).json().items[0]?.triageNote,
      detail: (await c.request('GET', `/api/soc/findings/${scanner.id}`)).json(),
    });
    const ownerNote = await noteFor(agencyA);
    expect([ownerNote.row, ownerNote.detail.triageNote]).toEqual(['Máy quét của Sở TT&TT', 'Máy quét của Sở TT&TT']);
    const sweptNote = await noteFor(agencyB);
    expect(sweptNote.row).toBeNull();
    expect(sweptNote.detail).toMatchObject({
      status: 'false_positive',
      triageNote: null,
      triagedBy: null,
      triagedAt: null,
    });
    expect(ownerNote.detail.triagedAt).not.toBeNull();
    expect((await summary(soc, '2024-05-01', '2024-05-31')).scanningIps).toBe(0);
    expect((await summary(agencyB, '2024-05-01', '2024-05-31')).scanningIps).toBe(0);
    await soc.request('POST', `/api/soc/findings/${scanner.id}/triage`, { status: 'confirmed' });
    expect((await summary(soc, '2024-05-01', '2024-05-31')).byTriage).toMatchObject({ confirmed: 1, new: 1 });
  });

  it('never shows a swept agency another agency’s host, even in a rule hit (a vertical scan names its target)', async () => {
    const lines = [zeekHeader('conn', T0).trimEnd()];
    // 203.0.113.7 scans 20 ports of one host of Sở A, then fails 3 times on a host of Sở B.
    for (let p = 0; p < 20; p++) lines.push(conn(T0 + 3600 + p, '203.0.113.7', '10.15.1.5', 1000 + p, 'S0'));
    for (let j = 0; j < 3; j++) lines.push(conn(T0 + 3630 + j, '203.0.113.7', '10.15.2.9', 2000 + j, 'S0'));
    const res = await soc.request('POST', '/api/soc/logs?fileName=vertical.log', Buffer.from(`${lines.join('\n')}\n`));
    expect(res.statusCode, res.body).toBe(201);
    const [mine] = (await agencyB.request('GET', '/api/soc/findings?kind=scanner')).json().items;
    expect(mine).toMatchObject({ ip: '203.0.113.7', organisationId: null, organisationName: null });
    const forB = (await agencyB.request('GET', `/api/soc/findings/${mine.id}`)).json();
    // Swept after the first samples were taken, Sở B still gets one of its own.
    expect(forB.evidence.map((e: { dst: string }) => e.dst)).toEqual(['10.15.2.9']);
    expect(JSON.stringify(forB)).not.toContain('10.15.1.');
    expect(JSON.stringify(forB)).not.toContain('Sở A');
    // The SOC sees the vertical hit on Sở A's host.
    const forSoc = (await soc.request('GET', `/api/soc/findings/${mine.id}`)).json();
    expect(forSoc.rules).toEqual(
      expect.arrayContaining([expect.objectContaining({ rule: 'vertical', target: '10.15.1.5' })]),
    );
  });

  it('a host of Sở A scanning Sở B: Sở B gets its own attempts and samples, not that the host is Sở A’s', async () => {
    const lines = [zeekHeader('conn', T0).trimEnd()];
    for (let i = 0; i < 20; i++) lines.push(conn(T0 + 7200 + i, '10.15.1.77', `10.15.2.${50 + i}`, 22, 'S0'));
    const res = await soc.request('POST', '/api/soc/logs?fileName=lateral.log', Buffer.from(`${lines.join('\n')}\n`));
    expect(res.statusCode, res.body).toBe(201);
    const mine = (await agencyB.request('GET', '/api/soc/findings?kind=scanner')).json().items;
    const lateral = mine.find((f: { ip: string }) => f.ip === '10.15.1.77');
    expect(lateral).toMatchObject({ organisationId: null, attribution: 'source-range', sweptOnly: true, count: 20 });
    const forB = (await agencyB.request('GET', `/api/soc/findings/${lateral.id}`)).json();
    expect(forB.evidence.length).toBeGreaterThan(0);
    expect(
      forB.evidence.every((e: { src: string; dst: string }) => e.src === '10.15.1.77' && e.dst.startsWith('10.15.2.')),
    ).toBe(true);
    expect(JSON.stringify(forB)).not.toContain('Sở A');
    // Sở A owns the host and sees the finding as its own: what its host did, Sở B's hosts masked.
    const forA = (await agencyA.request('GET', `/api/soc/findings/${lateral.id}`)).json();
    expect(forA).toMatchObject({ organisationId: org.A, sweptOnly: false });
    expect(forA.evidence.length).toBeGreaterThan(0);
    expect(forA.evidence).toEqual(
      forA.evidence.map(() => expect.objectContaining({ src: '10.15.1.77', dst: '', dstOtherOrganisation: true })),
    );
    expect(JSON.stringify(forA)).not.toContain('10.15.2.');
    expect(JSON.stringify(forA)).not.toContain('Sở B');
  });

  it('the server’s syslog collector feeds the same engine and stores its findings', async () => {
    const live = await startLiveIngestion(database.db, {
      syslogPort: 0,
      host: '127.0.0.1',
      flushSeconds: 3600,
      log: { info() {}, error() {} },
    });
    const sock = createSocket('udp4');
    const now = new Date();
    for (let port = 1; port <= 40; port++) {
      const line = `<4>1 ${now.toISOString()} fw01 kernel - - - DROP IN=eth0 OUT= SRC=198.18.7.7 DST=10.15.2.20 LEN=44 PROTO=TCP SPT=51000 DPT=${port} SYN`;
      await new Promise<void>((resolve) => sock.send(line, live.syslogUdpPort as number, '127.0.0.1', () => resolve()));
    }
    sock.close();
    await new Promise((r) => setTimeout(r, 300));
    await live.close();
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(now);
    const s = await socSummary(database.db, { all: true }, { from: today, to: today });
    expect(s.scanningIps).toBe(1);
    expect(s.byOrganisation).toEqual([expect.objectContaining({ organisationId: org.B, scanningIps: 1 })]);
    expect((await loadAttributor(database.db))('10.15.2.20')).toBe(org.B);
  });
  it('pages, sorts, searches and filters the finding lists, with the total the filters match in the viewer’s scope', async () => {
    type Row = { id: string; ip: string; count: number | null; organisationName: string | null; status: string };
    const list = async (c: Client, query: string) => {
      const res = await c.request('GET', `/api/soc/findings?${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { items: Row[]; total: number };
    };
    const ips = (p: { items: Row[] }) => p.items.map((f) => f.ip);
    // Four scanners so far: two external ones of May (Sở A and B), Sở A's host sweeping Sở B, and today's syslog one.
    const all = await list(soc, 'kind=scanner&sort=ip&dir=asc');
    expect(all.total).toBe(4);
    // By address, not by text: 10.x before 198.x before 203.x.
    expect(ips(all)).toEqual(['10.15.1.77', '198.18.7.7', '203.0.113.5', '203.0.113.7']);
    expect(ips(await list(soc, 'kind=scanner&sort=ip&dir=desc'))).toEqual([...ips(all)].reverse());
    // Pages of two, each with the whole total.
    const first = await list(soc, 'kind=scanner&sort=ip&dir=asc&limit=2');
    const second = await list(soc, 'kind=scanner&sort=ip&dir=asc&limit=2&offset=2');
    expect([first.total, second.total]).toEqual([4, 4]);
    expect([...ips(first), ...ips(second)]).toEqual(ips(all));
    expect(await list(soc, 'kind=scanner&limit=2&offset=10')).toEqual({ items: [], total: 4 });
    // Sorted by attempts (the scanner's totals for the SOC), largest first, unknown last.
    const byCount = (await list(soc, 'kind=scanner&sort=count&dir=desc')).items.map((f) => f.count ?? -1);
    expect(byCount).toEqual([...byCount].sort((a, b) => b - a));
    const byOrganisation = (await list(soc, 'kind=scanner&sort=organisation&dir=asc')).items.map(
      (f) => f.organisationName,
    );
    expect(byOrganisation.filter((n) => n !== null)).toEqual(['Sở A', 'Sở A', 'Sở A', 'Sở B']);
    // Search: part of an address; for contacts also the indicator; LIKE wildcards are plain characters.
    expect(ips(await list(soc, 'kind=scanner&q=203.0.113&sort=ip&dir=asc'))).toEqual(['203.0.113.5', '203.0.113.7']);
    expect((await list(soc, 'kind=scanner&q=203.0.113')).total).toBe(2);
    expect(ips(await list(soc, 'kind=malicious_contact&q=198.51.100'))).toEqual(['10.15.1.10']);
    expect((await list(soc, 'kind=scanner&q=%25')).total).toBe(0);
    expect((await list(soc, 'kind=scanner&q=10_15')).total).toBe(0);
    // Filters: inside or outside the province's networks, triage status, organisation subtree, period.
    expect(ips(await list(soc, 'kind=scanner&origin=internal'))).toEqual(['10.15.1.77']);
    expect((await list(soc, 'kind=scanner&origin=external')).total).toBe(3);
    expect(ips(await list(soc, 'kind=scanner&status=confirmed'))).toEqual(['203.0.113.5']);
    expect((await list(soc, `kind=scanner&organisationId=${org.A}`)).total).toBe(3);
    expect((await list(soc, `kind=scanner&organisationId=${org.B}`)).total).toBe(4);
    expect((await list(soc, `kind=scanner&organisationId=${org.C}`)).total).toBe(0);
    expect((await list(soc, 'kind=scanner&from=2024-05-01&to=2024-05-31')).total).toBe(3);
    expect((await list(soc, 'kind=scanner&from=2024-05-01&to=2024-05-31&origin=external&q=.7')).total).toBe(1);
    // Unknown sort keys and directions are refused, not passed to SQL.
    expect((await soc.request('GET', '/api/soc/findings?sort=ip;drop')).statusCode).toBe(400);
    expect((await soc.request('GET', '/api/soc/findings?sort=ip&dir=sideways')).statusCode).toBe(400);

    // An agency counts only the findings that concern it, whatever the page, search or filter.
    expect((await list(agencyA, 'kind=scanner&limit=1')).total).toBe(3);
    expect(ips(await list(agencyA, 'kind=scanner&sort=ip&dir=asc'))).toEqual([
      '10.15.1.77',
      '203.0.113.5',
      '203.0.113.7',
    ]);
    const forB = await list(agencyB, 'kind=scanner&sort=count&dir=desc&limit=2');
    expect(forB.total).toBe(4);
    expect(forB.items).toHaveLength(2);
    // Its own failed attempts, not the scanners' totals, are what it sorts by.
    const ownCounts = (await list(agencyB, 'kind=scanner&sort=count&dir=desc')).items.map((f) => f.count ?? -1);
    expect(ownCounts).toEqual([...ownCounts].sort((a, b) => b - a));
    expect(ownCounts).toContain(2);
    expect((await list(agencyB, 'kind=scanner&q=203.0.113')).total).toBe(2);
    expect((await list(agencyB, 'kind=malicious_contact')).total).toBe(0);
    expect((await list(agencyB, 'kind=malicious_contact&q=198.51.100')).total).toBe(0);
    // Sorting by organisation does not reveal that Sở A was swept by the external scanners.
    expect(JSON.stringify(await list(agencyB, 'kind=scanner&sort=organisation'))).not.toContain('Sở A');
    // An organisation outside its scope narrows to nothing rather than widening it.
    expect((await list(agencyB, `kind=scanner&organisationId=${org.A}`)).total).toBe(0);
    expect(await list(agencyC, 'kind=scanner&sort=ip')).toEqual({ items: [], total: 0 });
  });

  it('answers times as instants, the same in the list and the detail', async () => {
    const { items } = (await soc.request('GET', '/api/soc/findings?kind=scanner&sort=ip&dir=asc')).json();
    for (const row of items) {
      const detail = (await soc.request('GET', `/api/soc/findings/${row.id}`)).json();
      expect(row.firstSeen).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect([row.firstSeen, row.lastSeen]).toEqual([detail.firstSeen, detail.lastSeen]);
    }
    expect(items.find((f: { ip: string }) => f.ip === '203.0.113.5').firstSeen).toBe(new Date(T0 * 1000).toISOString());
    const [source] = (await soc.request('GET', '/api/soc/intel')).json();
    expect(Number.isNaN(Date.parse(source.updatedAt))).toBe(false);
    expect(source.updatedAt).toMatch(/Z$/);
  });

  it('names who triaged a finding, requires a reason for a false positive, and says what was not found', async () => {
    await createUser(database.db, null, {
      username: 'soc-lead',
      displayName: 'Nguyễn Văn An',
      role: 'soc',
      password: PASSWORD,
    });
    const lead = await t.login('soc-lead');
    const [scanner] = (await lead.request('GET', '/api/soc/findings?kind=scanner&q=203.0.113.5')).json().items;
    const refused = await lead.request('POST', `/api/soc/findings/${scanner.id}/triage`, {
      status: 'false_positive',
      note: ' no ',
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatchObject({
      code: 'VALIDATION',
      details: [expect.objectContaining({ path: '/note', message: 'socTriageReasonRequired' })],
    });
    const escalated = await lead.request('POST', `/api/soc/findings/${scanner.id}/triage`, {
      status: 'escalated',
      note: '  Chuyển đội ứng cứu  ',
    });
    expect(escalated.statusCode, escalated.body).toBe(200);
    expect(escalated.json()).toMatchObject({ status: 'escalated', triageNote: 'Chuyển đội ứng cứu' });
    const detail = (await soc.request('GET', `/api/soc/findings/${scanner.id}`)).json();
    expect(detail.organisationName).toBe('Sở A');
    expect(detail.triageHistory[0]).toMatchObject({
      actorName: 'Nguyễn Văn An',
      from: 'confirmed',
      to: 'escalated',
      note: 'Chuyển đội ứng cứu',
    });
    expect(detail.triageHistory.map((e: { to: string }) => e.to)).toEqual(['escalated', 'confirmed', 'false_positive']);
    expect(detail.triageHistory[2]).toMatchObject({ actorName: 'analyst', note: 'Máy quét của Sở TT&TT' });
    expect(Date.parse(detail.triageHistory[0].at)).toBeGreaterThan(Date.parse(detail.triageHistory[1].at) - 1);
    // The owner sees who decided; an agency the scanner only swept sees neither the notes nor who wrote them.
    expect((await agencyA.request('GET', `/api/soc/findings/${scanner.id}`)).json().triageHistory).toHaveLength(3);
    const forB = (await agencyB.request('GET', `/api/soc/findings/${scanner.id}`)).json();
    expect(forB).toMatchObject({ triageHistory: [], organisationName: null });
    expect(JSON.stringify(forB)).not.toContain('Nguyễn Văn An');
    // The evidence carries the outcome word the UI translates.
    expect(detail.evidence[0]).toMatchObject({ outcome: 'failed' });

    const missing = await soc.request('GET', '/api/soc/findings/00000000-0000-4000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toMatchObject({ code: 'NOT_FOUND', key: 'socFindingNotFound' });
    const noSource = await soc.request('DELETE', '/api/soc/intel/no-such-feed');
    expect(noSource.json().error).toMatchObject({
      code: 'NOT_FOUND',
      key: 'socIntelSourceNotFound',
      params: { source: 'no-such-feed' },
    });
    const noIndicator = await soc.request('POST', '/api/soc/intel?source=junk', Buffer.from('not an indicator!\n'));
    expect(noIndicator.json().error).toMatchObject({
      code: 'VALIDATION',
      key: 'socIntelNoIndicator',
      params: { source: 'junk', line: 1 },
    });
    const unreadable = await soc.request('POST', '/api/soc/logs?fileName=junk.log&format=eve', Buffer.from('{oops\n'));
    expect(unreadable.json().error).toMatchObject({
      code: 'VALIDATION',
      key: 'socLogUnreadable',
      params: { file: 'junk.log', rejected: 1 },
    });
    expect((await soc.request('POST', '/api/soc/intel?source=%20%20', Buffer.from('198.51.100.1\n'))).statusCode).toBe(
      400,
    );
  });
});
