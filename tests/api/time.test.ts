import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../demo/load-demo.ts';
import { CLI_ACTOR } from '../../src/cli/context.ts';
import type { Database } from '../../src/core/db/client.ts';
import { provinceDay } from '../../src/core/time.ts';
import { organisationByCodeOn } from '../../src/modules/organisations/index.ts';
import { socSummary } from '../../src/modules/soc/soc.service.ts';
import { addAttachment, createDossier, transitionDossier } from '../../src/modules/systems/dossiers.service.ts';
import { createSystem } from '../../src/modules/systems/systems.service.ts';
import { getTargetProgress, listTargets } from '../../src/modules/systems/targets.service.ts';
import { vulnerabilitySummary } from '../../src/modules/vulnerabilities/vulnerabilities.service.ts';
import { type Client, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';

const ALL = { all: true } as const;
const H1_2024 = { from: '2024-01-01', to: '2024-06-30' };
const PDF = Buffer.from('%PDF-1.4\n% test\n%%EOF\n');

/** Every 2024 figure a report would quote: SOC and vulnerability statements, both targets as of their deadlines. */
async function figures2024(db: Database['db']) {
  const targets = await listTargets(db, ALL, { asOf: '2024-12-31' });
  return {
    vulnerabilities: await vulnerabilitySummary(db, ALL, H1_2024),
    soc: await socSummary(db, ALL, H1_2024),
    targets: await Promise.all(
      targets.flatMap((t) => [
        getTargetProgress(db, ALL, t.id, { asOf: t.deadline }),
        getTargetProgress(db, ALL, t.id, { asOf: '2024-12-31' }),
      ]),
    ),
  };
}

describe.each(TEST_DATABASES)('the time dimension on %s (demo province: Yên Bái 2024 → Lào Cai 2025)', (kind) => {
  let database: Database;
  let before: Awaited<ReturnType<typeof figures2024>>;
  let t: Awaited<ReturnType<typeof startApp>>;
  let admin: Client;
  let agency: Client;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await loadDemo(database.db, CLI_ACTOR, { only2024: true });
    before = await figures2024(database.db);
    // Then the 2025 reorganisations (communes, departments, the merger into Lào Cai) and a 2026 scan.
    await loadDemo(database.db, CLI_ACTOR);
    t = await startApp(database);
    admin = await t.userWithRole('time-admin', 'admin');
    const commune = await organisationByCodeOn(database.db, '04456', '2026-01-01');
    agency = await t.userWithRole('time-agency', 'agency', commune?.id ?? null);
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it('counts a target as of a day by what was done by the deadline; September approvals are late, not done', async () => {
    const [dossiers] = await listTargets(database.db, ALL, { asOf: '2024-08-31' });
    expect([dossiers?.kind, dossiers?.met, dossiers?.late, dossiers?.total]).toEqual(['dossier_approved', 28, 0, 60]);
    const [now] = await listTargets(database.db, ALL);
    expect([now?.met, now?.late, now?.notMet, now?.total]).toEqual([28, 6, 26, 60]);
    const res = await admin.request('GET', '/api/targets?asOf=2024-09-30');
    expect(res.json()[0]).toMatchObject({ asOf: '2024-09-30', met: 28, late: 6 });
  });

  it('leaves every 2024 figure identical after the 2025 reorganisations and a 2026 scan', async () => {
    const after = await figures2024(database.db);
    expect(after).toEqual(before);
    expect([after.vulnerabilities.vulnerableComputers, after.soc.scanningIps, after.soc.maliciousContactIps]).toEqual([
      617, 86, 2,
    ]);
  });

  it('rolls a 2026 figure up under Lào Cai, and keeps 2024 under Yên Bái', async () => {
    const yenBai = await organisationByCodeOn(database.db, '15', '2024-06-30');
    const laoCai = await organisationByCodeOn(database.db, '15', '2026-03-31');
    expect([yenBai?.name, laoCai?.name]).toEqual(['Tỉnh Yên Bái', 'Tỉnh Lào Cai']);
    const q1 = { from: '2026-01-01', to: '2026-03-31' };
    const province = await vulnerabilitySummary(database.db, ALL, q1);
    expect(province.vulnerableComputers).toBeGreaterThan(100);
    const underLaoCai = await vulnerabilitySummary(database.db, ALL, { ...q1, organisationId: laoCai?.id });
    // Merged units report under their successor, so the 2026 breakdown under Lào Cai names only units in force in
    // 2026. The five communes removed on 01/01/2025 have no recorded successor: they keep their own name and count
    // province-wide only, until an administrator records where they went.
    const units = await database.db.query.organisations.findMany();
    const inForce = new Set(units.filter((o) => !o.validTo).map((o) => o.id));
    const orphans = new Set(units.filter((o) => o.validTo && !o.successorId).map((o) => o.id));
    expect(orphans.size).toBe(5);
    for (const o of underLaoCai.byOrganisation)
      expect(inForce.has(o.organisationId as string), o.name ?? '').toBe(true);
    expect(underLaoCai.byOrganisation.some((o) => o.name === 'Xã Mù Cang Chải')).toBe(true);
    const orphaned = province.byOrganisation
      .filter((o) => orphans.has(o.organisationId as string))
      .reduce((n, o) => n + o.vulnerableComputers, 0);
    expect(underLaoCai.vulnerableComputers).toBe(province.vulnerableComputers - orphaned);
    const h1 = await vulnerabilitySummary(database.db, ALL, { ...H1_2024, organisationId: yenBai?.id });
    expect(h1.vulnerableComputers).toBe(617);
    const laoCai2024 = await vulnerabilitySummary(database.db, ALL, { ...H1_2024, organisationId: laoCai?.id });
    expect(laoCai2024.vulnerableComputers).toBe(0);
  });

  it('resolves a reused code by date: the tree of 2024 and the tree of 2025 side by side', async () => {
    const on = async (day: string) =>
      (await admin.request('GET', `/api/organisations?asOf=${day}`)).json() as {
        code: string;
        name: string;
        type: string;
      }[];
    const tree2024 = await on('2024-06-30');
    const tree2025 = await on('2025-07-01');
    expect(tree2024).toHaveLength(209);
    expect(tree2024.find((o) => o.code === '04456')?.name).toBe('Thị trấn Mù Căng Chải');
    expect(tree2025.find((o) => o.code === '04456')?.name).toBe('Xã Mù Cang Chải');
    expect(tree2025.filter((o) => o.type === 'commune')).toHaveLength(99);
    expect(tree2025.filter((o) => o.type === 'district')).toHaveLength(0);
    // Between the January changes and the July merger: 168 communes, Sở TT&TT merged into Sở KH&CN on 01/03/2025.
    const march = await on('2025-03-01');
    expect(march.filter((o) => o.type === 'commune')).toHaveLength(168);
    expect(march.some((o) => o.code === 'SO-TTTT')).toBe(false);
    expect((await on('2025-02-28')).some((o) => o.code === 'SO-TTTT')).toBe(true);
  });

  it('gives the successor commune the history of the units it was formed from, and nothing of other communes', async () => {
    type Listed = { items: { id: string; name: string; organisationCode: string }[]; total: number };
    const seen = (await agency.request('GET', '/api/systems')).json() as Listed;
    expect(seen.items.map((s) => s.name)).toEqual(['Trang thông tin điện tử thị trấn Mù Căng Chải']);
    expect(seen.total).toBe(1);
    const other = ((await admin.request('GET', '/api/systems?limit=500')).json() as Listed).items;
    const foreign = other.find((s) => s.organisationCode === '04249');
    expect((await agency.request('GET', `/api/systems/${foreign?.id}`)).statusCode).toBe(404);
  });

  it('names the authority of a level-3 dossier as of its day, each with its legal basis', async () => {
    const at = async (on: string) => (await agency.request('GET', `/api/rules/authority?level=3&on=${on}`)).json();
    const y2024 = await at('2024-06-10');
    const y2026 = await at('2026-01-10');
    expect(y2024.legalBasis).toBe('NĐ 85/2016/NĐ-CP, Điều 12 khoản 2');
    expect(y2024.appraisers[0].body.name).toBe('Sở Thông tin và Truyền thông tỉnh Yên Bái');
    expect(y2024.approver.body.name).toBe('Ủy ban nhân dân tỉnh Yên Bái');
    expect(y2026.appraisers[0].body.name).not.toBe(y2024.appraisers[0].body.name);
    expect(y2026.approver.body.name).toBe('Ủy ban nhân dân tỉnh Lào Cai');
    for (const p of [y2024.appraisers[0], y2024.approver, y2026.appraisers[0], y2026.approver])
      expect(p.body.legalBasis.length).toBeGreaterThan(10);
    // Level 4 for a vertical body (the treasury): the ministry's security authority appraises, its ministry approves.
    const treasury = await organisationByCodeOn(database.db, 'KBNN-LC', '2026-01-10');
    const l4 = (
      await admin.request('GET', `/api/rules/authority?level=4&on=2026-01-10&organisationId=${treasury?.id}`)
    ).json();
    expect([l4.ownerKind, l4.approver.body.code, l4.appraisers[0].role]).toEqual([
      'ministry',
      'BO-TAI-CHINH',
      'ministry_security_authority',
    ]);
  });

  it('applies a rule an administrator supersedes from its date only, with its own basis, audited', async () => {
    const rule = {
      kind: 'dossier_authority',
      key: 'nd85-authority-l3',
      validFrom: '2026-09-01',
      basis: { document: 'QĐ 99/QĐ-UBND tỉnh (thử)', article: '2' },
      vi: 'Cấp độ 3: phê duyệt trong 5 ngày làm việc (quy định của tỉnh)',
      en: 'Level 3: approval within 5 working days (province rule)',
      data: {
        levels: [3],
        appraiser: ['security_unit'],
        approver: 'owner',
        appraisalDays: 15,
        approvalWorkingDays: 5,
        appraisalRequired: true,
        specialisedOpinionRequired: false,
      },
    };
    expect((await agency.request('POST', '/api/rules', rule)).statusCode).toBe(403);
    const bad = await admin.request('POST', '/api/rules', { ...rule, data: { levels: [3] } });
    expect([bad.statusCode, bad.json().error.details.field]).toEqual([400, 'data']);
    const added = await admin.request('POST', '/api/rules', rule);
    expect(added.statusCode, added.body).toBe(201);
    const on = async (day: string) => (await agency.request('GET', `/api/rules/authority?level=3&on=${day}`)).json();
    expect((await on('2026-08-31')).approvalWorkingDays).toBe(7);
    expect(await on('2026-09-01')).toMatchObject({
      approvalWorkingDays: 5,
      legalBasis: 'QĐ 99/QĐ-UBND tỉnh (thử), Điều 2',
    });
    const audit = (await admin.request('GET', `/api/audit?entityId=${added.json().id}`)).json();
    expect(audit.items.map((a: { action: string }) => a.action)).toEqual(['rule.add']);
    const listed = (await admin.request('GET', '/api/rules?kind=dossier_authority&on=2026-09-01')).json();
    expect(
      listed.filter((r: { key: string; appliesOn: boolean }) => r.key === 'nd85-authority-l3' && r.appliesOn),
    ).toMatchObject([{ origin: 'province', validFrom: '2026-09-01' }]);
  });

  it('counts 7 working days across Tết: accepted on 23/01/2025, the approval is due on 10/02/2025', async () => {
    const org = await organisationByCodeOn(database.db, 'SO-YTE', '2025-01-20');
    const sys = await createSystem(database.db, CLI_ACTOR, ALL, {
      organisationId: org?.id as string,
      name: 'Hệ thống thử đồng hồ Tết',
      systemType: 'internal',
      infoPrivate: true,
    });
    const at = (iso: string) => ({ at: new Date(iso) });
    const d = await createDossier(database.db, CLI_ACTOR, ALL, sys.id, {}, at('2025-01-20T09:00:00+07:00'));
    for (const c of d.components.filter((x) => x.requiredAt === 'submission'))
      await addAttachment(
        database.db,
        CLI_ACTOR,
        ALL,
        d.id,
        `${c.component}.pdf`,
        PDF,
        c.component,
        at('2025-01-20T10:00:00+07:00'),
      );
    await transitionDossier(database.db, CLI_ACTOR, ALL, d.id, { action: 'submit' }, at('2025-01-21T09:00:00+07:00'));
    const accepted = await transitionDossier(
      database.db,
      CLI_ACTOR,
      ALL,
      d.id,
      { action: 'accept' },
      at('2025-01-23T09:00:00+07:00'),
    );
    expect(accepted.approvalDue).toBe('2025-02-10');
    const calendar = (await agency.request('GET', '/api/calendar?year=2025')).json();
    expect(calendar.days.some((x: { date: string }) => x.date === '2025-01-29')).toBe(true);
  });

  it('previews a reorganisation, refuses it whole on a bad row, and applies it once', async () => {
    const effective = provinceDay(new Date(Date.now() + 30 * 86_400_000));
    const file = (rows: string[]) =>
      Buffer.from(['effective,old_code,new_code,new_name,new_type,new_parent_code,legal_basis', ...rows].join('\n'));
    const good = [`${effective},04465,04465,Xã Khao Mang (đổi tên thử),commune,15,NQ thử`];
    const preview = await admin.request('POST', '/api/organisations/reorganise?dryRun=true', file(good));
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json()).toMatchObject({ applied: false, created: [{ code: '04465' }], closed: [{ code: '04465' }] });
    const bad = await admin.request(
      'POST',
      '/api/organisations/reorganise',
      file([...good, `${effective},99999,04465,,,,`]),
    );
    expect(bad.statusCode).toBe(200);
    expect(bad.json()).toMatchObject({ applied: false, errors: [{ row: 3, column: 'old_code' }] });
    const unchanged = (await admin.request('GET', `/api/organisations?asOf=${effective}`)).json();
    expect(unchanged.find((o: { code: string }) => o.code === '04465').name).toBe('Xã Khao Mang');
    expect((await agency.request('POST', '/api/organisations/reorganise', file(good))).statusCode).toBe(403);
    const applied = await admin.request('POST', '/api/organisations/reorganise', file(good));
    expect(applied.json()).toMatchObject({ applied: true });
    const again = await admin.request('POST', '/api/organisations/reorganise', file(good));
    expect(again.json()).toMatchObject({ applied: false, alreadyApplied: true });
    const renamed = (await admin.request('GET', `/api/organisations?asOf=${effective}`)).json();
    expect(renamed.find((o: { code: string }) => o.code === '04465').name).toBe('Xã Khao Mang (đổi tên thử)');
  });
});
