import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, queryRows } from '../../src/core/db/client.ts';
import { type Client, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';

/** Defects found in review: bounded target additions, and targets that follow their computer to its new agency. */

const nessus = (hosts: { ip: string; name: string; cve: string }[]) =>
  `<?xml version="1.0"?><NessusClientData_v2><Report name="review">${hosts
    .map(
      (h) => `<ReportHost name="${h.name}"><HostProperties>
<tag name="host-ip">${h.ip}</tag><tag name="hostname">${h.name}</tag><tag name="HOST_START_TIMESTAMP">1713146400</tag>
</HostProperties><ReportItem port="443" svc_name="https" protocol="tcp" severity="4" pluginID="190000" pluginName="PAN-OS ${h.cve}"><risk_factor>Critical</risk_factor><cve>${h.cve}</cve><cvss3_base_score>10.0</cvss3_base_score></ReportItem></ReportHost>`,
    )
    .join('')}</Report></NessusClientData_v2>`;

type Detail = { targets: { id: string; computerIp: string | null; organisationId: string | null }[] };

describe.each(TEST_DATABASES)('advisories review on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  let dept: Client;
  let soc: Client;
  let agencyA: Client;
  let agencyB: Client;
  const org: Record<string, string> = {};

  const draft = async (cves: string[]) => {
    const res = await dept.request('POST', '/api/advisories', { title: 'Cảnh báo PAN-OS', severity: 'critical', cves });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().advisory.id as string;
  };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database);
    const admin = await t.userWithRole('adm', 'admin');
    for (const [code, range] of [
      ['A', '10.1.0.0/16'],
      ['B', '10.2.0.0/16'],
    ] as const) {
      const res = await admin.request('POST', '/api/organisations', {
        code,
        name: `Sở ${code}`,
        type: 'department',
        parentId: null,
        ipRanges: [range],
      });
      expect(res.statusCode, res.body).toBe(201);
      org[code] = res.json().id;
    }
    dept = await t.userWithRole('dept', 'department');
    soc = await t.userWithRole('soc', 'soc');
    agencyA = await t.userWithRole('agency-a', 'agency', org.A ?? null);
    agencyB = await t.userWithRole('agency-b', 'agency', org.B ?? null);
    const res = await soc.request(
      'POST',
      '/api/vulnerabilities/scans?fileName=review.nessus',
      Buffer.from(nessus([{ ip: '10.1.0.5', name: 'fw-a', cve: 'CVE-2024-3400' }])),
    );
    expect(res.statusCode, res.body).toBe(201);
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it('refuses an address range that would add more computers than a target list can hold', async () => {
    await database.db.execute(
      sql`insert into computers (host_key, ip, first_seen, last_seen)
        select 'bulk-' || g, ('10.9.0.0'::inet + g), now(), now() from generate_series(1, 5001) g`,
    );
    const id = await draft([]);
    const res = await dept.request('POST', `/api/advisories/${id}/targets`, { kind: 'cidr', cidr: '0.0.0.0/0' });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.details).toMatchObject({ field: 'cidr' });
    const [n] = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from advisory_targets where advisory_id = ${id}`,
    );
    expect(n?.n).toBe(0);
    // A range of reasonable size still works.
    const ok = await dept.request('POST', `/api/advisories/${id}/targets`, { kind: 'cidr', cidr: '10.9.0.0/24' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().targetsAdded).toBe(255);
  });

  it('a computer moved to another agency takes its advisory targets along', async () => {
    const id = await draft(['CVE-2024-3400']);
    expect((await dept.request('POST', `/api/advisories/${id}/publish`)).statusCode).toBe(200);
    const before = (await agencyA.request('GET', `/api/advisories/${id}`)).json() as Detail;
    const target = before.targets.find((x) => x.computerIp === '10.1.0.5');
    expect(target?.organisationId).toBe(org.A);
    const [computer] = await queryRows<{ id: string }>(
      database.db,
      sql`select id from computers where host(ip) = '10.1.0.5'`,
    );
    const moved = await soc.request('PUT', `/api/vulnerabilities/computers/${computer?.id}/organisation`, {
      organisationId: org.B,
    });
    expect(moved.statusCode, moved.body).toBe(200);

    // Agency A no longer sees, nor answers for, a computer that is not its own.
    const a = await agencyA.request('GET', `/api/advisories/${id}`);
    expect(a.statusCode).toBe(200);
    expect((a.json() as Detail).targets.map((x) => x.computerIp)).not.toContain('10.1.0.5');
    const ack = await agencyA.request('POST', `/api/advisories/${id}/acknowledge`, {});
    expect(ack.statusCode).toBe(200);
    const answer = await agencyA.request('POST', `/api/advisories/${id}/targets/${target?.id}/response`, {
      response: 'not_affected',
      note: 'Không phải máy của chúng tôi',
    });
    expect(answer.statusCode).toBe(404);
    // Agency B, its owner now, sees it and was told.
    const b = await agencyB.request('GET', `/api/advisories/${id}`);
    expect(b.statusCode, b.body).toBe(200);
    expect((b.json() as Detail).targets.find((x) => x.computerIp === '10.1.0.5')?.organisationId).toBe(org.B);
    const told = await queryRows<{ kind: string }>(
      database.db,
      sql`select n.kind from notifications n join users u on u.id = n.user_id
        where u.username = 'agency-b' and n.link = ${`/advisories/view?id=${id}`}`,
    );
    expect(told.map((n) => n.kind)).toEqual(['advisory']);
  });
});
