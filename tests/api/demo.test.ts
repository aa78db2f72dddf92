import { count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../demo/load-demo.ts';
import { demoVulnerableOrigins } from '../../demo/yen-bai-2024/web-scans.ts';
import { CLI_ACTOR } from '../../src/cli/context.ts';
import { type Database, queryRows } from '../../src/core/db/client.ts';
import { listAdvisories } from '../../src/modules/advisories/advisories.service.ts';
import { verifyAuditChain } from '../../src/modules/audit/audit.service.ts';
import { users } from '../../src/modules/auth/index.ts';
import { getIncident, listIncidents } from '../../src/modules/incidents/incidents.service.ts';
import { teamOverview } from '../../src/modules/incidents/team.service.ts';
import { notifications } from '../../src/modules/notifications/index.ts';
import { socSummary } from '../../src/modules/soc/soc.service.ts';
import { listSystems } from '../../src/modules/systems/systems.service.ts';
import { listTargets } from '../../src/modules/systems/targets.service.ts';
import { vulnerabilitySummary } from '../../src/modules/vulnerabilities/vulnerabilities.service.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';

describe.each(TEST_DATABASES)('Yên Bái demo data on %s', (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await loadDemo(database.db, CLI_ACTOR);
  });
  afterAll(() => database.close());

  it('gives a newcomer a realistic mix of systems, dossier states, plans and the two 2024 targets', async () => {
    const systems = await listSystems(database.db, { all: true });
    expect(systems).toHaveLength(60);
    const states = new Map<string, number>();
    for (const s of systems)
      states.set(s.status.dossier?.state ?? 'none', (states.get(s.status.dossier?.state ?? 'none') ?? 0) + 1);
    for (const st of ['none', 'draft', 'submitted', 'under_appraisal', 'returned', 'approved'])
      expect(states.get(st), st).toBeGreaterThan(0);
    expect(new Set(systems.map((s) => s.status.approvedLevel)).size).toBeGreaterThan(2); // levels 1, 2, 3
    expect(systems.some((s) => s.status.plan.fullyImplemented)).toBe(true);
    expect(systems.some((s) => s.status.plan.percent > 0 && !s.status.plan.fullyImplemented)).toBe(true);
    const targets = await listTargets(database.db, { all: true });
    expect(targets.map((t) => [t.kind, t.deadline])).toEqual([
      ['dossier_approved', '2024-08-31'],
      ['plan_implemented', '2024-12-31'],
    ]);
    expect(targets[0]?.percent).toBeGreaterThan(40);
    expect(targets[0]?.percent).toBeLessThan(80);
  });

  const firstHalf2024 = { from: '2024-01-01', to: '2024-06-30' };

  it('reproduces the six-month statement of the article (617 vulnerable computers, >84 scanners, 2 C2 contacts)', async () => {
    const vulns = await vulnerabilitySummary(database.db, { all: true }, firstHalf2024);
    expect(vulns.vulnerableComputers).toBe(617);
    expect(vulns.withCritical).toBeGreaterThan(50);
    expect(vulns.unattributedVulnerableComputers).toBe(0);
    const soc = await socSummary(database.db, { all: true }, firstHalf2024);
    expect(soc).toMatchObject({ scanningIps: 86, maliciousContactIps: 2 });
  });

  it('has web-scanner findings on the agencies’ sites: the summary equals the reports’ model and a plain count', async () => {
    const plain = async (where: string) =>
      (
        await queryRows<{ n: number }>(
          database.db,
          sql.raw(`select count(distinct website_id)::int as n from vuln_findings
            where website_id is not null and severity <> 'info' and ${where}`),
        )
      )[0]?.n;
    // Every 2024 web finding was reported by a scan of the first half of 2024, so it was open then.
    const h1 = await vulnerabilitySummary(database.db, { all: true }, firstHalf2024);
    expect(h1.vulnerableWebsites).toBe(demoVulnerableOrigins(['zap2403', 'nuclei2403', 'zap2406']).length);
    expect(h1.vulnerableWebsites).toBe(await plain(`first_seen < '2024-07-01T00:00:00+07:00'`));
    expect([h1.vulnerableWebsites, h1.scannedWebsites, h1.unattributedVulnerableWebsites]).toEqual([9, 9, 1]);
    expect(h1.websitesWithHigh).toBe(3); // SQL injection, reflected XSS, Tomcat's default login
    // In 2026 only what the 2026 scans reported counts: older sightings are beyond the evidence window.
    const q1 = await vulnerabilitySummary(database.db, { all: true }, { from: '2026-01-01', to: '2026-03-31' });
    expect(q1.vulnerableWebsites).toBe(demoVulnerableOrigins(['zap2603', 'nuclei2603']).length);
    expect(q1.vulnerableWebsites).toBe(await plain(`last_seen >= '2026-01-01T00:00:00+07:00'`));
    expect(q1.vulnerableWebsites).toBe(7);
    // Registered sites, the systems' host names, and one host nobody registered.
    const matched = await queryRows<{ attribution: string; n: number }>(
      database.db,
      sql`select attribution, count(*)::int as n from websites group by 1 order by 1`,
    );
    expect(matched).toEqual([
      { attribution: 'none', n: 1 },
      { attribution: 'site', n: 6 },
      { attribution: 'system', n: 2 },
    ]);
    // The anti-clickjacking header of the health department's site: fixed in June 2024, back in 2026.
    const [back] = await queryRows<{ status: string; reopened: number }>(
      database.db,
      sql`select f.status::text as status, f.reopened_count as reopened from vuln_findings f
        join websites w on w.id = f.website_id where w.host = 'soyte.yenbai.gov.vn' and f.scanner_id = '10020'`,
    );
    expect(back).toEqual({ status: 'open', reopened: 1 });
  });

  const ALL = { all: true } as const;
  const incidents = async () =>
    (await listIncidents(database.db, ALL, { sort: 'detectedAt', dir: 'asc', limit: 500, offset: 0 })).items;

  it('keeps a response team in time: Yên Bái’s until the merger, Lào Cai’s since, one member on call now', async () => {
    const team = await teamOverview(database.db, { days: 7 });
    expect(team.members).toHaveLength(15);
    const active = team.members.filter((m) => m.active);
    expect(active.map((m) => m.fullName).sort()).toEqual([
      'Hà Văn Dũng',
      'Lê Minh Tuấn',
      'Nguyễn Thị Mai',
      'Phạm Thị Thu Hà',
      'Trần Quốc Khánh',
      'Vũ Đức Mạnh',
      'Đỗ Thị Lan Anh',
    ]);
    for (const m of active) expect(m.validFrom).toBe('2025-07-01');
    // Ended members served until the Department's merger (28/02/2025) or the province's (30/06/2025).
    expect(new Set(team.members.filter((m) => !m.active).map((m) => m.validTo))).toEqual(
      new Set(['2025-02-28', '2025-06-30']),
    );
    expect(team.members.find((m) => m.teamRole === 'lead' && m.active)?.organisationName).toBe('Công an tỉnh');
    for (const m of team.members) {
      expect(m.phone).toMatch(/^0912 000 1\d\d$/);
      expect(m.email).toMatch(/@(yenbai|laocai)\.example\.vn$/);
    }
    // One contact changed (and reported): the 24-hour clock was started and stopped.
    const changed = team.members.filter((m) => m.contactChangedAt);
    expect(changed.map((m) => [m.fullName, m.contactClock?.state])).toEqual([['Nguyễn Thị Mai', 'done']]);
    expect(team.onCallNow).toHaveLength(1);
    expect(team.shifts.length).toBeGreaterThanOrEqual(1);
  });

  it('has incidents in every state, each dated in its year, with the severity the rule gives', async () => {
    const list = await incidents();
    expect(list.map((i) => [i.state, i.detectedAt.getUTCFullYear(), i.source, i.severity])).toEqual([
      ['closed', 2024, 'soc', 'normal'],
      ['responded', 2025, 'manual', 'normal'],
      ['responding', 2026, 'manual', 'normal'],
      ['open', expect.any(Number), 'manual', 'normal'],
    ]);
    const [closed, defaced, phishing] = list;
    // The SOC's 2024 finding led to it; it closed only with its closing report, sent to the bodies of 2024.
    const c = await getIncident(database.db, CLI_ACTOR, ALL, closed?.id ?? '');
    expect(c.socFindingIds).toHaveLength(1);
    expect(c.reports.map((r) => r.form)).toEqual(['04']);
    expect(c.reports[0]?.recipients.join(' ')).toContain('VNCERT/CC');
    expect(c.clocks.map((k) => [k.clock, k.state])).toEqual([
      ['notification', 'done'],
      ['closing_report', 'done'],
    ]);
    expect(c.steps.map((s) => s.step)).toContain('lessons');
    // The 2025 defacement of a level-3 system: normal by the rule (serious needs level 4 or 5), reported to A05.
    const d = await getIncident(database.db, CLI_ACTOR, ALL, defaced?.id ?? '');
    expect([d.type, d.severityBasis?.systems.map((s) => [s.level, s.qualifies])]).toEqual(['defacement', [[3, false]]]);
    expect(d.reports[0]?.recipients.join(' ')).toContain('Bộ Công an');
    expect(d.organisationName).toBe('Sở Khoa học và Công nghệ');
    // The 2026 case under way: a timeline and tasks for the team, some done.
    const p = await getIncident(database.db, CLI_ACTOR, ALL, phishing?.id ?? '');
    expect(p.steps.length).toBeGreaterThanOrEqual(4);
    expect(p.tasks.length).toBe(5);
    expect(p.tasks.filter((t) => t.doneAt)).toHaveLength(3);
    expect(p.tasks.every((t) => t.memberName)).toBe(true);
    expect(p.affectedOrganisations.map((o) => o.name).sort()).toEqual(['Sở Y tế', 'Xã Mù Cang Chải']);
  });

  it('has a published advisory on the portals’ web server, acknowledged by some of its agencies', async () => {
    const { items } = await listAdvisories(database.db, ALL, { sort: 'createdAt', limit: 50, offset: 0 });
    expect(items).toHaveLength(1);
    const [a] = items;
    expect([a?.state, a?.source, a?.severity]).toEqual(['published', 'manual', 'critical']);
    expect(a?.progress.organisations).toBeGreaterThan(10);
    expect(a?.progress.acknowledged).toBe(2);
    expect(a?.progress.acknowledgedPercent).toBeLessThan(50);
    // The two answered for their own targets (a patched computer waits for a scan); the rest are still open.
    expect((a?.progress.remediated ?? 0) + (a?.progress.awaitingScan ?? 0)).toBeGreaterThan(0);
    expect(a?.progress.remediatedPercent).toBeLessThan(100);
  });

  it('rings the bell of every demo account that has something to act on', async () => {
    const rows = await database.db
      .select({ username: users.username, n: count(notifications.id) })
      .from(users)
      .leftJoin(notifications, eq(notifications.userId, users.id))
      .where(sql`${users.username} like 'demo.%'`)
      .groupBy(users.username);
    const bell = Object.fromEntries(rows.map((r) => [r.username, r.n]));
    for (const u of ['demo.admin', 'demo.department', 'demo.soc', 'demo.mucangchai', 'demo.soyte', 'demo.xamucangchai'])
      expect(bell[u], u).toBeGreaterThan(0);
  });

  it('loads twice without changing anything', async () => {
    const response = async () => {
      const team = await teamOverview(database.db, { days: 35 });
      const list = await incidents();
      return {
        members: team.members.map((m) => [m.id, m.phone, m.contactChangedAt]),
        shifts: team.shifts.map((s) => [s.id, s.startsAt]),
        incidents: await Promise.all(
          list.map(async (i) => {
            const d = await getIncident(database.db, CLI_ACTOR, ALL, i.id);
            return [d.id, d.code, d.state, d.steps.length, d.tasks.length, d.reports.length, d.updatedAt];
          }),
        ),
        advisories: (await listAdvisories(database.db, ALL, { sort: 'createdAt', limit: 50, offset: 0 })).items.map(
          (a) => [a.id, a.state, a.progress.organisations, a.progress.acknowledged],
        ),
        notifications: (await database.db.select({ n: count() }).from(notifications))[0]?.n,
      };
    };
    const figures = async () => [
      await vulnerabilitySummary(database.db, { all: true }, firstHalf2024),
      await socSummary(database.db, { all: true }, firstHalf2024),
      await response(),
    ];
    const beforeFigures = await figures();
    const before = await listSystems(database.db, { all: true });
    await loadDemo(database.db, CLI_ACTOR);
    const after = await listSystems(database.db, { all: true });
    expect(after.map((s) => [s.id, s.status.dossier?.id, s.status.plan.done])).toEqual(
      before.map((s) => [s.id, s.status.dossier?.id, s.status.plan.done]),
    );
    expect(await listTargets(database.db, { all: true })).toHaveLength(2);
    expect(await figures()).toEqual(beforeFigures);
    expect((await verifyAuditChain(database.db)).ok).toBe(true);
  });
});
