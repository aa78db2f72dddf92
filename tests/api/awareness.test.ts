import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db/client.ts';
import { writeTable } from '../../src/core/tabular.ts';
import { auditLog } from '../../src/modules/audit/audit.schema.ts';
import { awarenessActivities, communePopulation } from '../../src/modules/awareness/awareness.schema.ts';
import { type Client, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';

const POPULATION = readFileSync(new URL('../fixtures/awareness/population.csv', import.meta.url));

type Commune = {
  code: string;
  population: number | null;
  reached: number;
  reachedCapped: number;
  percent: number | null;
  rawPercent: number | null;
  met: boolean | null;
  activities: number;
  byChannel: { channel: string; reached: number }[];
};
type Group = Omit<Commune, 'code' | 'byChannel' | 'activities'> & {
  name: string | null;
  communes: number;
  communesMet: number;
  communesWithoutPopulation: number;
};
type Coverage = {
  on: string;
  from: string;
  rule: { target: number; legalBasis: string } | null;
  total: Group;
  groups: Group[];
  communes: Commune[];
};

describe.each(TEST_DATABASES)('awareness on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  let admin: Client;
  let dept: Client;
  let viewer: Client;
  let agencyH1: Client;
  let agencyH2: Client;
  const org: Record<string, string> = {};
  let campaignId: string;
  const activity: Record<string, string> = {};

  const mkOrg = async (code: string, name: string, type: string, parent?: string, extra = {}) => {
    const res = await admin.request('POST', '/api/organisations', {
      code,
      name,
      type,
      parentId: parent ? org[parent] : null,
      ipRanges: [],
      ...extra,
    });
    expect(res.statusCode, res.body).toBe(201);
    org[code] = res.json().id;
  };
  const coverage = async (c: Client, query: string): Promise<Coverage> => {
    const res = await c.request('GET', `/api/awareness/coverage?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const record = async (c: Client, commune: string, day: string, channel: string, peopleReached: number) => {
    const res = await c.request('POST', '/api/awareness/activities', {
      campaignId,
      organisationId: org[commune],
      day,
      channel,
      peopleReached,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const byCode = (cov: Coverage) => Object.fromEntries(cov.communes.map((c) => [c.code, c]));

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database);
    admin = await t.userWithRole('aw-admin', 'admin');
    await mkOrg('T15', 'Tỉnh Thử', 'province');
    await mkOrg('H1', 'Huyện Một', 'district', 'T15');
    await mkOrg('H2', 'Huyện Hai', 'district', 'T15');
    await mkOrg('00001', 'Xã Một', 'commune', 'H1');
    await mkOrg('00002', 'Xã Hai', 'commune', 'H1');
    // Xã Ba merges into Xã Hai on 01/01/2025: its 2024 activities then count under Xã Hai.
    await mkOrg('00003', 'Xã Ba', 'commune', 'H1', { validTo: '2024-12-31', successorId: org['00002'] });
    await mkOrg('00004', 'Xã Bốn', 'commune', 'H2');
    await mkOrg('00005', 'Xã Năm', 'commune', 'H2');
    dept = await t.userWithRole('aw-dept', 'department');
    viewer = await t.userWithRole('aw-viewer', 'viewer');
    agencyH1 = await t.userWithRole('aw-h1', 'agency', org.H1 ?? null);
    agencyH2 = await t.userWithRole('aw-h2', 'agency', org.H2 ?? null);
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it('imports population per commune, naming each bad row and column, and re-imports without adding', async () => {
    expect((await agencyH1.request('POST', '/api/awareness/population/import', POPULATION)).statusCode).toBe(403);
    const res = await dept.request('POST', '/api/awareness/population/import', POPULATION);
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    expect({ created: report.created, updated: report.updated, unchanged: report.unchanged }).toEqual({
      created: 5,
      updated: 0,
      unchanged: 0,
    });
    expect(report.errors.map((e: { row: number; column: string; key: string }) => [e.row, e.column, e.key])).toEqual([
      [6, 'commune_code', 'awareness.import.unknownCommune'],
      [7, 'population', 'awareness.import.badPopulation'],
      [8, 'aged_15_69', 'awareness.import.badAged'],
      [9, 'commune_code', 'awareness.import.unknownCommune'],
      [10, 'as_of', 'awareness.import.badDay'],
      [11, 'commune_code', 'awareness.import.duplicate'],
      [12, 'population', 'awareness.import.badPopulation'],
    ]);
    const stored = await database.db
      .select()
      .from(communePopulation)
      .where(eq(communePopulation.organisationId, org['00001'] as string));
    expect(stored).toEqual([expect.objectContaining({ validFrom: '2024-01-01', population: 4000, aged15To69: 2900 })]);

    // The same figures as XLSX: nothing new; one changed figure: one update.
    const rows = [
      { code: '00001', population: 4000, aged: 2900, day: '01/01/2024' },
      { code: '00002', population: 2500, aged: null, day: '01/01/2024' },
      { code: '00003', population: 1200, aged: 800, day: '01/01/2024' },
      { code: '00004', population: 3000, aged: 2000, day: '01/01/2024' },
      { code: '00002', population: 3700, aged: null, day: '01/01/2025' },
    ];
    const xlsx = await writeTable(
      'xlsx',
      'Dân số',
      [
        { key: 'code', header: 'Mã xã', value: (r: (typeof rows)[number]) => r.code },
        { key: 'pop', header: 'Dân số', value: (r) => r.population },
        { key: 'aged', header: 'Dân số từ 15 đến 69 tuổi', value: (r) => r.aged },
        { key: 'day', header: 'Tính đến ngày', value: (r) => r.day },
      ],
      rows,
    );
    const again = await dept.request('POST', '/api/awareness/population/import', xlsx);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toEqual({ created: 0, updated: 0, unchanged: 5, errors: [] });
    const changed = await dept.request(
      'POST',
      '/api/awareness/population/import',
      Buffer.from('Commune code,Population,Year\n00004,3000,2024\n00002,3700,2025\n00001,4000,2024\n00003,1200,2024\n'),
    );
    // No aged 15–69 column: the stored figure is replaced by none for the rows that had one.
    expect(changed.json()).toEqual({ created: 0, updated: 3, unchanged: 1, errors: [] });
    const restore = await dept.request('POST', '/api/awareness/population/import', POPULATION);
    expect(restore.json()).toMatchObject({ created: 0, updated: 3, unchanged: 2 });
    const audits = await database.db.select().from(auditLog).where(eq(auditLog.action, 'awareness.population.import'));
    expect(audits).toHaveLength(4);
  });

  it('keeps campaigns for the Department with their channels and period', async () => {
    const body = {
      title: 'Chiến dịch tuyên truyền "quy tắc 6 không"',
      startsOn: '2024-10-10',
      endsOn: '2024-11-20',
      legalBasis: 'CV 1607/BTTTT-CATTT',
      channels: ['meeting', 'loudspeaker', 'zalo_oa', 'poster', 'loudspeaker'],
    };
    expect((await agencyH1.request('POST', '/api/awareness/campaigns', body)).statusCode).toBe(403);
    expect((await viewer.request('POST', '/api/awareness/campaigns', body)).statusCode).toBe(403);
    const backwards = await dept.request('POST', '/api/awareness/campaigns', { ...body, endsOn: '2024-10-01' });
    expect(backwards.statusCode).toBe(400);
    const res = await dept.request('POST', '/api/awareness/campaigns', body);
    expect(res.statusCode, res.body).toBe(201);
    campaignId = res.json().id;
    expect(res.json().channels).toEqual(['loudspeaker', 'zalo_oa', 'poster', 'meeting']);
  });

  it('records activities for the communes in scope only, within the campaign', async () => {
    activity.c1a = await record(agencyH1, '00001', '2024-10-15', 'loudspeaker', 3000);
    activity.c1b = await record(agencyH1, '00001', '2024-11-01', 'meeting', 1500);
    activity.c2 = await record(agencyH1, '00002', '2024-10-20', 'zalo_oa', 1000);
    activity.c3 = await record(agencyH1, '00003', '2024-10-25', 'poster', 600);
    activity.c4 = await record(agencyH2, '00004', '2024-11-05', 'meeting', 750);
    activity.c5 = await record(dept, '00005', '2024-11-10', 'loudspeaker', 500);
    const base = { campaignId, organisationId: org['00001'], day: '2024-10-16', channel: 'meeting', peopleReached: 5 };
    const refused = async (c: Client, body: Record<string, unknown>) => {
      const res = await c.request('POST', '/api/awareness/activities', { ...base, ...body });
      return [res.statusCode, res.json().error?.key];
    };
    expect(await refused(agencyH2, {})).toEqual([404, 'awareness.communeNotFound']);
    expect(await refused(agencyH1, { day: '2024-11-21' })).toEqual([400, 'awareness.outsideCampaign']);
    expect(await refused(agencyH1, { channel: 'sms' })).toEqual([400, 'awareness.channelNotInCampaign']);
    expect(await refused(agencyH1, { organisationId: org.H1 })).toEqual([400, 'awareness.notACommune']);
    expect(await refused(agencyH1, { peopleReached: -1 })).toEqual([400, undefined]);
    expect((await viewer.request('POST', '/api/awareness/activities', base)).statusCode).toBe(403);

    const h2 = await agencyH2.request('GET', '/api/awareness/activities');
    expect(h2.json().total).toBe(2);
    const all = await viewer.request('GET', `/api/awareness/activities?campaignId=${campaignId}&limit=2`);
    expect(all.json().total).toBe(6);
    expect(all.json().items.map((a: { day: string }) => a.day)).toEqual(['2024-11-10', '2024-11-05']);
    const campaigns = await agencyH2.request('GET', '/api/awareness/campaigns');
    expect(campaigns.json()).toEqual([expect.objectContaining({ activities: 2, peopleReached: 1250 })]);
  });

  it('keeps evidence with its SHA-256, for the activity’s scope only', async () => {
    const photo = Buffer.from('\x89PNG\r\n\x1a\n ảnh buổi họp thôn');
    const up = await agencyH1.request(
      'POST',
      `/api/awareness/activities/${activity.c1b}/evidence?fileName=hop-thon.png&note=Bu%E1%BB%95i%20h%E1%BB%8Dp`,
      photo,
    );
    expect(up.statusCode, up.body).toBe(201);
    const sha = createHash('sha256').update(photo).digest('hex');
    expect(up.json()).toMatchObject({
      fileName: 'hop-thon.png',
      mediaType: 'image/png',
      sha256: sha,
      note: 'Buổi họp',
    });
    const down = await viewer.request('GET', `/api/awareness/activities/${activity.c1b}/evidence/${up.json().id}`);
    expect(down.statusCode).toBe(200);
    expect(down.rawPayload.equals(photo)).toBe(true);
    expect(down.headers['x-content-sha256']).toBe(sha);
    expect(down.headers['content-type']).toBe('application/octet-stream');
    const other = await agencyH2.request('GET', `/api/awareness/activities/${activity.c1b}/evidence/${up.json().id}`);
    expect(other.statusCode).toBe(404);
    const foreign = await agencyH2.request(
      'POST',
      `/api/awareness/activities/${activity.c1b}/evidence?fileName=x.png`,
      photo,
    );
    expect(foreign.statusCode).toBe(404);
    const empty = await agencyH1.request(
      'POST',
      `/api/awareness/activities/${activity.c1b}/evidence?fileName=x.png`,
      Buffer.alloc(0),
    );
    expect(empty.statusCode).toBe(400);
    const huge = await agencyH1.request(
      'POST',
      `/api/awareness/activities/${activity.c1b}/evidence?fileName=big.jpg`,
      Buffer.alloc(10 * 1024 * 1024 + 2048, 1),
    );
    expect(huge.statusCode).toBe(413);
    const list = await agencyH1.request('GET', '/api/awareness/activities?channel=meeting');
    expect(list.json().items[0].evidence).toEqual([expect.objectContaining({ sha256: sha })]);
  });

  it('gives coverage per commune exactly from the imported population, capped per commune, rolled up', async () => {
    const cov = await coverage(viewer, 'on=2024-11-20');
    expect(cov.from).toBe('2024-01-01');
    expect(cov.rule).toMatchObject({ target: 100 });
    expect(cov.rule?.legalBasis).toContain('CV 1607/BTTTT-CATTT');
    const c = byCode(cov);
    expect(Object.keys(c)).toEqual(['00001', '00002', '00003', '00004', '00005']);
    const pick = (x: Commune | undefined) =>
      x && [x.population, x.reached, x.reachedCapped, x.percent, x.rawPercent, x.met, x.activities];
    expect(pick(c['00001'])).toEqual([4000, 4500, 4000, 100, 112.5, true, 2]);
    expect(pick(c['00002'])).toEqual([2500, 1000, 1000, 40, 40, false, 1]);
    expect(pick(c['00003'])).toEqual([1200, 600, 600, 50, 50, false, 1]);
    expect(pick(c['00004'])).toEqual([3000, 750, 750, 25, 25, false, 1]);
    expect(pick(c['00005'])).toEqual([null, 500, 0, null, null, null, 1]);
    expect(c['00001']?.byChannel).toEqual([
      { channel: 'loudspeaker', reached: 3000 },
      { channel: 'meeting', reached: 1500 },
    ]);
    const g = Object.fromEntries(cov.groups.map((x) => [x.name, x]));
    expect(g['Huyện Một']).toMatchObject({
      communes: 3,
      communesMet: 1,
      population: 7700,
      reached: 6100,
      reachedCapped: 5600,
      percent: 72.73,
      rawPercent: 79.22,
      met: false,
    });
    expect(g['Huyện Hai']).toMatchObject({
      communes: 2,
      communesWithoutPopulation: 1,
      population: 3000,
      reached: 1250,
      reachedCapped: 750,
      percent: 25,
      rawPercent: 25,
    });
    expect(cov.total).toMatchObject({ communes: 5, population: 10700, reached: 7350, reachedCapped: 6350 });
    expect(cov.total.percent).toBe(59.35);

    // Earlier in the campaign: only what was done by then.
    const mid = byCode(await coverage(viewer, 'on=2024-10-31'));
    expect(pick(mid['00001'])).toEqual([4000, 3000, 3000, 75, 75, false, 1]);
    expect(mid['00004']?.reached).toBe(0);

    // An agency sees its own communes and their roll-up only.
    const h2 = await coverage(agencyH2, 'on=2024-11-20');
    expect(h2.communes.map((x) => x.code)).toEqual(['00004', '00005']);
    expect(h2.total).toMatchObject({ population: 3000, reachedCapped: 750, percent: 25 });
    const narrowed = await coverage(dept, `on=2024-11-20&organisationId=${org.H1}`);
    expect(narrowed.communes.map((x) => x.code)).toEqual(['00001', '00002', '00003']);
  });

  it('counts the communes, population and rule of the day asked for', async () => {
    // Before the rule's first day there is no target to meet.
    const before = await coverage(viewer, 'on=2024-03-01');
    expect(before.rule).toBeNull();
    expect(before.communes.every((x) => x.met === null)).toBe(true);
    expect(byCode(before)['00002']?.population).toBe(2500);
    // A new year starts from zero, on the communes of that day (Xã Ba has merged) and their 2025 population.
    const next = await coverage(viewer, 'on=2025-03-01');
    expect(next.from).toBe('2025-01-01');
    expect(next.communes.map((x) => x.code)).toEqual(['00001', '00002', '00004', '00005']);
    expect(next.total.reached).toBe(0);
    expect(byCode(next)['00002']?.population).toBe(3700);
    // The 2024 campaign seen from 2025: Xã Ba's reach counts under Xã Hai, which carries it.
    const campaign = await coverage(viewer, `on=2025-03-01&campaignId=${campaignId}`);
    expect(campaign.from).toBe('2024-10-10');
    expect(byCode(campaign)['00002']).toMatchObject({ reached: 1600, population: 3700, percent: 43.24 });
  });

  it('refuses to move a campaign away from its activities, removes a mistaken activity, and audits', async () => {
    const moved = await dept.request('PUT', `/api/awareness/campaigns/${campaignId}`, {
      title: 'Chiến dịch',
      startsOn: '2024-10-20',
      endsOn: '2024-11-20',
      channels: ['loudspeaker', 'zalo_oa', 'poster', 'meeting'],
    });
    expect([moved.statusCode, moved.json().error?.key]).toEqual([409, 'awareness.activitiesOutsidePeriod']);
    // Nor away from a channel its activities were recorded on (the meetings of 16/10 and the loudspeakers).
    const narrowed = await dept.request('PUT', `/api/awareness/campaigns/${campaignId}`, {
      title: 'Chiến dịch',
      startsOn: '2024-10-10',
      endsOn: '2024-11-20',
      channels: ['zalo_oa', 'poster'],
    });
    expect([narrowed.statusCode, narrowed.json().error?.key]).toEqual([409, 'awareness.channelsInUse']);
    expect(narrowed.json().error?.params).toEqual({ n: 2, channels: 'loudspeaker, meeting' });
    expect((await agencyH2.request('DELETE', `/api/awareness/activities/${activity.c2}`)).statusCode).toBe(404);
    expect((await agencyH1.request('DELETE', `/api/awareness/activities/${activity.c2}`)).statusCode).toBe(200);
    const c = byCode(await coverage(viewer, 'on=2024-11-20'));
    expect(c['00002']?.reached).toBe(0);
    const actions = (await database.db.select().from(auditLog).where(like(auditLog.action, 'awareness.%'))).map(
      (a) => a.action,
    );
    for (const a of [
      'awareness.campaign.create',
      'awareness.activity.create',
      'awareness.evidence',
      'awareness.activity.delete',
      'awareness.population.import',
    ])
      expect(actions).toContain(a);
  });

  it('adds up reach beyond 2^31 people without a 500 (what 250 activities at the per-activity maximum give)', async () => {
    // The API accepts up to 10,000,000 people per activity: an agency recording 215 of them must not break the
    // campaign list for the whole province (sums were cast to int4).
    await database.db.insert(awarenessActivities).values(
      Array.from({ length: 250 }, () => ({
        campaignId,
        organisationId: org['00004'] as string,
        day: '2024-10-15',
        channel: 'loudspeaker' as const,
        peopleReached: 10_000_000,
      })),
    );
    const list = await viewer.request('GET', '/api/awareness/campaigns');
    expect(list.statusCode, list.body).toBe(200);
    const c = list.json().find((x: { id: string }) => x.id === campaignId);
    expect(c.peopleReached).toBeGreaterThanOrEqual(2_500_000_000);
    const moved = await dept.request('PUT', `/api/awareness/campaigns/${campaignId}`, {
      title: 'Chiến dịch',
      startsOn: '2024-10-10',
      endsOn: '2024-11-20',
      channels: ['loudspeaker', 'zalo_oa', 'poster', 'meeting'],
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().peopleReached).toBeGreaterThanOrEqual(2_500_000_000);
    const cov = await coverage(viewer, 'on=2024-11-20');
    expect(byCode(cov)['00004']).toMatchObject({ population: 3000, reachedCapped: 3000, percent: 100 });
  });
});
