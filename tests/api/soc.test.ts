import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db/client.ts';
import { loadAttributor } from '../../src/modules/organisations/attribution.ts';
import { zeekConnLine, zeekHeader } from '../../src/modules/soc/generator/writers.ts';
import { startLiveIngestion } from '../../src/modules/soc/live-ingest.ts';
import { socSummary } from '../../src/modules/soc/soc.service.ts';
import { type Client, startApp } from '../support/app.ts';
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

  it('loads threat intelligence, reporting bad lines by number', async () => {
    const feed = '# demo feed\n198.51.100.66\nnot an indicator!\nevil.example.com\n';
    const res = await soc.request('POST', '/api/soc/intel?source=cert-demo', Buffer.from(feed));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ added: 2, updated: 0, rejected: [{ line: 3 }] });
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
      errors: [{ line: 86 }],
    });
    const again = await soc.request('POST', '/api/soc/logs?fileName=conn-copy.log', Buffer.from(connLog()));
    expect(again.json()).toMatchObject({ duplicate: true });
    const s = await summary(soc, '2024-05-01', '2024-05-31');
    expect(s).toMatchObject({ scanningIps: 1, internalScanningIps: 0, maliciousContactIps: 1 });
    expect(await summary(soc, '2024-06-01', '2024-06-30')).toMatchObject({ scanningIps: 0, maliciousContactIps: 0 });
  });

  it('explains each finding with its rule, numbers and evidence lines', async () => {
    const [scanner] = (await soc.request('GET', '/api/soc/findings?kind=scanner')).json() as {
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
    const [contact] = (await soc.request('GET', '/api/soc/findings?kind=malicious_contact')).json();
    expect(contact).toMatchObject({
      ip: '10.15.1.10',
      indicator: '198.51.100.66',
      indicatorSource: 'cert-demo',
      direction: 'outbound',
      count: 5,
    });
  });

  it('shows a scanner to every agency it swept, each with only its own samples, and lets only the SOC triage', async () => {
    const [scanner] = (await soc.request('GET', '/api/soc/findings?kind=scanner')).json();
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
    const seenByB = (await agencyB.request('GET', '/api/soc/findings')).json();
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
    const ownerRow = (await agencyA.request('GET', '/api/soc/findings?kind=scanner')).json()[0];
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
    expect((await agencyC.request('GET', '/api/soc/findings')).json()).toEqual([]);
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
      row: (await c.request('GET', '/api/soc/findings?kind=scanner')).json()[0]?.triageNote,
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
    const [mine] = (await agencyB.request('GET', '/api/soc/findings?kind=scanner')).json();
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
    const mine = (await agencyB.request('GET', '/api/soc/findings?kind=scanner')).json();
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
});
