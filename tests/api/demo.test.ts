import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../demo/load-demo.ts';
import { CLI_ACTOR } from '../../src/cli/context.ts';
import type { Database } from '../../src/core/db/client.ts';
import { verifyAuditChain } from '../../src/modules/audit/audit.service.ts';
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

  it('loads twice without changing anything', async () => {
    const figures = async () => [
      await vulnerabilitySummary(database.db, { all: true }, firstHalf2024),
      await socSummary(database.db, { all: true }, firstHalf2024),
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
