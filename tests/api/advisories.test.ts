import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, queryRows } from '../../src/core/db/client.ts';
import { type Client, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';

const FIXTURES = new URL('../fixtures/advisories/', import.meta.url);
const raw = (name: string) => readFileSync(new URL(name, FIXTURES));
const json = (name: string) => JSON.parse(raw(name).toString('utf8'));

// ——— What the files say, read independently of the product's parser ———————————————————————————————————————

type Expected = { ref: string | null; vendor: string | null; product: string; status: string; cves: string[] };
const key = (p: Expected) => `${p.ref}|${p.vendor}|${p.product}|${p.status}|${p.cves.join(',')}`;

/** CSAF 2.0 §3.2.3.11: the product_status groups and the status each means for targeting. */
const CSAF_GROUPS: Record<string, string> = {
  first_affected: 'known_affected',
  known_affected: 'known_affected',
  last_affected: 'known_affected',
  first_fixed: 'fixed',
  fixed: 'fixed',
  recommended: 'fixed',
  known_not_affected: 'not_affected',
  under_investigation: 'under_investigation',
};

type Branch = { category: string; name: string; branches?: Branch[]; product?: { name: string; product_id: string } };

/** product_id → vendor and product name, from the vendor and product_name (or product_family) branches above it. */
function csafProducts(doc: {
  product_tree: {
    branches?: Branch[];
    relationships?: { product_reference: string; full_product_name: { product_id: string } }[];
  };
}) {
  const out = new Map<string, { vendor: string | null; product: string }>();
  const walk = (bs: Branch[], vendor: string | null, product: string | null) => {
    for (const b of bs) {
      const v = b.category === 'vendor' ? b.name : vendor;
      const p = b.category === 'product_name' || (b.category === 'product_family' && !product) ? b.name : product;
      if (b.branches) walk(b.branches, v, p);
      if (b.product) out.set(b.product.product_id, { vendor: v, product: p ?? b.product.name });
    }
  };
  walk(doc.product_tree.branches ?? [], null, null);
  for (const r of doc.product_tree.relationships ?? []) {
    const base = out.get(r.product_reference);
    if (base) out.set(r.full_product_name.product_id, base);
  }
  return out;
}

function expectedCsaf(name: string): Expected[] {
  const doc = json(name);
  const products = csafProducts(doc);
  const statuses = new Map<string, Map<string, Set<string>>>();
  for (const v of doc.vulnerabilities as { cve?: string; product_status?: Record<string, string[]> }[])
    for (const [group, ids] of Object.entries(v.product_status ?? {}))
      for (const id of ids) {
        const status = CSAF_GROUPS[group] as string;
        const m = statuses.get(id) ?? new Map<string, Set<string>>();
        const set = m.get(status) ?? new Set<string>();
        if (v.cve) set.add(v.cve);
        m.set(status, set);
        statuses.set(id, m);
      }
  return [...statuses].flatMap(([id, m]) =>
    [...m].map(([status, cves]) => ({
      ref: id,
      vendor: products.get(id)?.vendor ?? null,
      product: products.get(id)?.product ?? '',
      status,
      cves: [...cves].sort(),
    })),
  );
}

function expectedCve(name: string): Expected[] {
  const rec = json(name);
  const id = rec.cveMetadata.cveId;
  const status: Record<string, string> = {
    affected: 'known_affected',
    unaffected: 'not_affected',
    unknown: 'under_investigation',
  };
  return (rec.containers.cna.affected as { vendor: string; product: string; versions: { status: string }[] }[]).flatMap(
    (a) =>
      a.versions.map((v) => ({
        ref: null,
        vendor: a.vendor,
        product: a.product,
        status: status[v.status] as string,
        cves: [id],
      })),
  );
}

// ——— A small Nessus report, to give computers software and findings as scans do ————————————————————————————

type Host = { ip: string; name: string; cpes?: string[]; cves?: string[] };
const nessus = (hosts: Host[], at: string) =>
  `<?xml version="1.0"?><NessusClientData_v2><Report name="advisories">${hosts
    .map(
      (h) => `<ReportHost name="${h.name}"><HostProperties>
<tag name="host-ip">${h.ip}</tag><tag name="hostname">${h.name}</tag><tag name="HOST_START_TIMESTAMP">${Math.floor(Date.parse(at) / 1000)}</tag>
${(h.cpes ?? []).map((c, i) => `<tag name="cpe-${i}">${c}</tag>`).join('\n')}
</HostProperties>${(h.cves ?? [])
        .map(
          (c) =>
            `<ReportItem port="443" svc_name="https" protocol="tcp" severity="4" pluginID="190000" pluginName="Palo Alto PAN-OS GlobalProtect ${c}"><risk_factor>Critical</risk_factor><cve>${c}</cve><cvss3_base_score>10.0</cvss3_base_score></ReportItem>`,
        )
        .join(
          '',
        )}<ReportItem port="0" svc_name="general" protocol="tcp" severity="0" pluginID="19506" pluginName="Nessus Scan Information"></ReportItem></ReportHost>`,
    )
    .join('')}</Report></NessusClientData_v2>`;

type Target = {
  id: string;
  targetKey: string;
  reason: string;
  organisationId: string | null;
  systemName: string | null;
  computerIp: string | null;
  response: string;
  remediated: boolean;
  awaitingScan: boolean;
  confirmedAt: string | null;
  riskDecision: string | null;
  matchDetail: {
    matches: {
      via: string;
      item?: { name: string; version: string | null };
      product?: { range: string };
      finding?: { cves: string[] };
      addedFor?: string;
    }[];
  };
};
type Detail = {
  advisory: {
    id: string;
    state: string;
    knownExploited: string[];
    progress: Record<string, number>;
    actBy: string | null;
  };
  products: {
    productRef: string | null;
    vendor: string | null;
    product: string;
    status: string;
    cves: string[];
    range: string;
  }[];
  organisations: {
    organisationId: string;
    name: string;
    acknowledgeBy: string | null;
    acknowledgedAt: string | null;
    late: string | null;
    escalatedTo: string | null;
  }[];
  targets: Target[];
  actions: { acknowledge: string[]; respond: boolean; decideRisk: boolean; publish: boolean };
};

describe.each(TEST_DATABASES)('advisories on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  let admin: Client;
  let dept: Client;
  let soc: Client;
  let agencyA: Client;
  let agencyB: Client;
  let agencyC: Client;
  let viewer: Client;
  const org: Record<string, string> = {};
  const systems: Record<string, string> = {};

  const importFile = (client: Client, body: Buffer, fileName: string, dryRun = false) =>
    client.request('POST', `/api/advisories/import?fileName=${fileName}&dryRun=${dryRun}`, body);
  const detail = async (client: Client, id: string) => {
    const res = await client.request('GET', `/api/advisories/${id}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Detail;
  };
  const scan = (body: string, fileName: string) =>
    soc.request('POST', `/api/vulnerabilities/scans?fileName=${fileName}`, Buffer.from(body));
  const notifications = async (username: string) =>
    queryRows<{ kind: string; title: string; body: string; urgent: boolean; link: string }>(
      database.db,
      sql`select n.kind, n.title, n.body, n.urgent, n.link from notifications n join users u on u.id = n.user_id
        where u.username = ${username} order by n.created_at`,
    );

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database);
    admin = await t.userWithRole('adm', 'admin');
    for (const [code, name, parent, ranges, head] of [
      ['P', 'UBND tỉnh', null, [], null],
      ['A', 'Sở Tài chính', 'P', ['10.1.0.0/16'], ['Nguyễn Văn An', 'Giám đốc']],
      ['B', 'Sở Y tế', 'P', ['10.2.0.0/16'], ['Trần Thị Bình', 'Giám đốc']],
      ['C', 'Sở Xây dựng', 'P', ['10.3.0.0/16'], null],
    ] as const) {
      const res = await admin.request('POST', '/api/organisations', {
        code,
        name,
        type: 'department',
        parentId: parent ? org[parent] : null,
        ipRanges: ranges,
        headName: head?.[0] ?? null,
        headTitle: head?.[1] ?? null,
      });
      expect(res.statusCode, res.body).toBe(201);
      org[code] = res.json().id;
    }
    dept = await t.userWithRole('dept', 'department');
    soc = await t.userWithRole('soc', 'soc');
    agencyA = await t.userWithRole('agency-a', 'agency', org.A ?? null);
    agencyB = await t.userWithRole('agency-b', 'agency', org.B ?? null);
    agencyC = await t.userWithRole('agency-c', 'agency', org.C ?? null);
    viewer = await t.userWithRole('viewer', 'viewer');
    // The constructed inventory: systems with components, computers (by a scan) with software and findings.
    for (const [name, o, software] of [
      ['Cổng dịch vụ công', 'A', [{ name: 'PAN-OS', vendor: 'Palo Alto Networks', version: '10.2.4' }]],
      ['Tường lửa đã vá', 'A', [{ name: 'PAN-OS', vendor: 'Palo Alto Networks', version: '10.2.9-h1' }]],
      [
        'Chuyển đổi tài liệu',
        'A',
        [{ name: 'CVRF-CSAF-Converter', cpe: 'cpe:/a:csaf-tools:cvrf-csaf-converter:1.0.0-rc1', version: '1.0.0-rc1' }],
      ],
      [
        'Chuyển đổi mới',
        'B',
        [{ name: 'CVRF-CSAF-Converter', cpe: 'cpe:/a:csaf-tools:cvrf-csaf-converter:1.0.0-rc2', version: '1.0.0-rc2' }],
      ],
      ['Giám sát an ninh', 'B', [{ name: 'SINEC Security Monitor', vendor: 'Siemens', version: 'V4.8.1' }]],
      ['Giám sát an ninh mới', 'C', [{ name: 'SINEC Security Monitor', vendor: 'Siemens', version: 'V4.9.0' }]],
    ] as const) {
      const res = await dept.request('POST', '/api/systems', {
        organisationId: org[o],
        name,
        systemType: 'internal',
        software,
      });
      expect(res.statusCode, res.body).toBe(201);
      systems[name] = res.json().id;
    }
    const first = await scan(
      nessus(
        [
          { ip: '10.1.0.5', name: 'fw-a', cpes: ['cpe:/o:paloaltonetworks:pan-os:11.1.2'] },
          { ip: '10.2.0.7', name: 'fw-b', cves: ['CVE-2024-3400'] },
          { ip: '10.2.0.8', name: 'fw-b-old', cpes: ['cpe:/o:paloaltonetworks:pan-os:9.1.0'] },
        ],
        '2024-04-15T02:00:00Z',
      ),
      'first.nessus',
    );
    expect(first.statusCode, first.body).toBe(201);
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it.each([
    'icsa-23-243-04.json',
    'icsa-24-284-06.json',
    'va-24-262-01.json',
    'bsi-2022-0001.json',
    'rhsa-2021_5186.json',
  ])('reads the products and statuses of the CSAF advisory %s exactly as the file states them', async (name) => {
    const res = await importFile(dept, raw(name), name, true);
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json();
    const doc = json(name);
    expect(r).toMatchObject({ format: 'csaf', dryRun: true, outcome: 'created' });
    expect(r.advisory).toMatchObject({
      sourceNumber: doc.document.tracking.id,
      revision: doc.document.tracking.version,
      sourceBody: doc.document.publisher.name,
      title: doc.document.title,
    });
    expect(r.advisory.cves).toEqual(
      [...new Set((doc.vulnerabilities as { cve?: string }[]).flatMap((v) => (v.cve ? [v.cve] : [])))].sort(),
    );
    const got = (
      r.advisory.products as { productRef: string; vendor: string; product: string; status: string; cves: string[] }[]
    )
      .map((p) => key({ ref: p.productRef, vendor: p.vendor, product: p.product, status: p.status, cves: p.cves }))
      .sort();
    expect(got).toEqual(expectedCsaf(name).map(key).sort());
    // Nothing was written by a dry run.
    const [n] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from advisories`);
    expect(n?.n).toBe(0);
  });

  it('reads a CVE JSON 5 record: products, ranges, the CPE from CISA’s enrichment, CVSS', async () => {
    const res = await importFile(dept, raw('CVE-2024-3400.json'), 'CVE-2024-3400.json', true);
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json();
    expect(r.advisory).toMatchObject({
      externalId: 'cve:CVE-2024-3400',
      revision: '2025-07-28T19:43:22.839Z',
      severity: 'critical',
      cvssScore: 10,
      cves: ['CVE-2024-3400'],
    });
    const products = r.advisory.products as {
      vendor: string;
      product: string;
      status: string;
      range: string;
      cpe: string | null;
      cves: string[];
    }[];
    expect(products.map((p) => key({ ref: null, ...p })).sort()).toEqual(
      expectedCve('CVE-2024-3400.json').map(key).sort(),
    );
    const affected = products.filter((p) => p.status === 'known_affected');
    expect(affected.map((p) => p.range)).toEqual([
      '>= 10.2.0, < 10.2.9-h1',
      '>= 11.0.0, < 11.0.4-h1',
      '>= 11.1.0, < 11.1.2-h3',
    ]);
    expect(new Set(affected.map((p) => p.cpe))).toEqual(new Set(['cpe:2.3:o:paloaltonetworks:pan-os:*:*:*:*:*:*:*:*']));
  });

  it('refuses a bad file with the JSON path of the problem', async () => {
    const doc = json('bsi-2022-0001.json');
    delete doc.product_tree.branches[0].branches[0].branches[2].product.product_id;
    const res = await importFile(dept, Buffer.from(JSON.stringify(doc)), 'broken.json');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toMatchObject({
      file: 'broken.json',
      path: '/product_tree/branches/0/branches/0/branches/2/product/product_id',
    });
    const unknownId = json('va-24-262-01.json');
    unknownId.vulnerabilities[0].product_status.known_affected = ['CSAFPID-9999'];
    const res2 = await importFile(dept, Buffer.from(JSON.stringify(unknownId)), 'unknown.json');
    expect(res2.statusCode).toBe(400);
    expect(res2.json().error.details.path).toBe('/vulnerabilities/0/product_status/known_affected/0');
    const notJson = await importFile(dept, Buffer.from('{"document": {\n  "title": }'), 'x.json');
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.details).toMatchObject({ line: 2 });
    const other = await importFile(dept, Buffer.from('{"vulnerabilities": []}'), 'kev.json');
    expect(other.statusCode).toBe(400);
    expect(other.json().error.details.path).toBe('/');
    const cve = json('CVE-2024-3400.json');
    cve.cveMetadata.state = 'REJECTED';
    const rejected = await importFile(dept, Buffer.from(JSON.stringify(cve)), 'rejected.json');
    expect(rejected.json().error.details.path).toBe('/cveMetadata/state');
  });

  let cveId: string;

  it('targets exactly the constructed inventory, explaining each match', async () => {
    const res = await importFile(dept, raw('CVE-2024-3400.json'), 'CVE-2024-3400.json');
    expect(res.statusCode, res.body).toBe(201);
    const r = res.json();
    cveId = r.advisory.id;
    expect(r.outcome).toBe('created');
    expect(r.targetedOrganisations.map((o: { name: string; targets: number }) => [o.name, o.targets])).toEqual([
      ['Sở Tài chính', 2],
      ['Sở Y tế', 1],
    ]);
    const d = await detail(dept, cveId);
    expect(d.advisory.state).toBe('draft');
    const byKey = Object.fromEntries(d.targets.map((x) => [x.systemName ?? x.computerIp, x]));
    expect(Object.keys(byKey).sort()).toEqual(['10.1.0.5', '10.2.0.7', 'Cổng dịch vụ công']);
    // The component matched by vendor/product name and range; the scanned computer by CPE; the other by its finding.
    expect(byKey['Cổng dịch vụ công']).toMatchObject({ reason: 'component', organisationId: org.A });
    expect(byKey['Cổng dịch vụ công']?.matchDetail.matches).toEqual([
      expect.objectContaining({
        via: 'name',
        item: expect.objectContaining({ name: 'PAN-OS', version: '10.2.4' }),
        product: expect.objectContaining({ range: '>= 10.2.0, < 10.2.9-h1' }),
      }),
    ]);
    expect(byKey['10.1.0.5']).toMatchObject({ reason: 'software', organisationId: org.A });
    expect(byKey['10.1.0.5']?.matchDetail.matches).toEqual([
      expect.objectContaining({ via: 'cpe', product: expect.objectContaining({ range: '>= 11.1.0, < 11.1.2-h3' }) }),
    ]);
    expect(byKey['10.2.0.7']).toMatchObject({ reason: 'finding', organisationId: org.B });
    expect(byKey['10.2.0.7']?.matchDetail.matches).toEqual([
      expect.objectContaining({ via: 'cve', finding: expect.objectContaining({ cves: ['CVE-2024-3400'] }) }),
    ]);
    // The fixed firewall (10.2.9-h1) and the 9.1.0 computer (not affected) are not targets.
    expect(d.organisations.map((o) => o.name).sort()).toEqual(['Sở Tài chính', 'Sở Y tế']);
  });

  it('targets by CPE only products known affected, never fixed ones', async () => {
    const res = await importFile(dept, raw('bsi-2022-0001.json'), 'bsi-2022-0001.json');
    expect(res.statusCode, res.body).toBe(201);
    const d = await detail(dept, res.json().advisory.id);
    expect(d.targets.map((x) => [x.systemName, x.matchDetail.matches[0]?.via])).toEqual([
      ['Chuyển đổi tài liệu', 'cpe'],
    ]);
    const siemens = await importFile(dept, raw('icsa-24-284-06.json'), 'icsa-24-284-06.json');
    const s = await detail(dept, siemens.json().advisory.id);
    // "Siemens SINEC Security Monitor" < V4.9.0: the V4.8.1 system (Sở Y tế), not the V4.9.0 one.
    expect(s.targets.map((x) => [x.systemName, x.organisationId])).toEqual([['Giám sát an ninh', org.B]]);
  });

  it('re-importing the same revision changes nothing', async () => {
    const before = await detail(dept, cveId);
    const res = await importFile(dept, raw('CVE-2024-3400.json'), 'CVE-2024-3400.json');
    expect(res.statusCode).toBe(200);
    expect(res.json().outcome).toBe('unchanged');
    const after = await detail(dept, cveId);
    expect(after.targets.map((x) => x.id).sort()).toEqual(before.targets.map((x) => x.id).sort());
    const [n] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from advisories`);
    expect(n?.n).toBe(3);
  });

  it('marks CVEs known exploited when the KEV catalogue is loaded after the advisory', async () => {
    expect((await detail(dept, cveId)).advisory.knownExploited).toEqual([]);
    const kev = await soc.request('POST', '/api/vulnerabilities/kev', {
      vulnerabilities: [
        { cveID: 'CVE-2024-3400', vendorProject: 'Palo Alto Networks', product: 'PAN-OS', dateAdded: '2024-04-12' },
      ],
    });
    expect(kev.statusCode, kev.body).toBe(200);
    expect((await detail(dept, cveId)).advisory.knownExploited).toEqual(['CVE-2024-3400']);
    const list = await dept.request('GET', '/api/advisories?knownExploited=true');
    expect(list.json().items.map((a: { id: string }) => a.id)).toEqual([cveId]);
  });

  it('keeps drafts from agencies, and an agency from advisories that do not concern it', async () => {
    expect((await agencyA.request('GET', `/api/advisories/${cveId}`)).statusCode).toBe(404);
    expect((await agencyA.request('GET', '/api/advisories')).json()).toEqual({ items: [], total: 0 });
    expect((await viewer.request('POST', '/api/advisories', { title: 'Cảnh báo', severity: 'high' })).statusCode).toBe(
      403,
    );
    expect((await agencyA.request('POST', `/api/advisories/${cveId}/publish`)).statusCode).toBe(403);
  });

  it('publishing notifies each targeted agency, urgently when critical or exploited, with its deadline', async () => {
    const res = await dept.request('POST', `/api/advisories/${cveId}/publish`);
    expect(res.statusCode, res.body).toBe(200);
    const d = res.json() as Detail;
    expect(d.advisory.state).toBe('published');
    // The dated rule for known exploited advisories: 7 days to act, 1 working day to acknowledge.
    expect(d.advisory.actBy).not.toBeNull();
    for (const o of d.organisations) expect(o.acknowledgeBy).not.toBeNull();
    const a = await notifications('agency-a');
    expect(a).toEqual([
      expect.objectContaining({ kind: 'advisory', urgent: true, link: `/advisories/view?id=${cveId}` }),
    ]);
    expect(a[0]?.body).toContain('2 đối tượng');
    expect((await notifications('agency-b')).length).toBe(1);
    expect(await notifications('agency-c')).toEqual([]);
    expect((await dept.request('POST', `/api/advisories/${cveId}/publish`)).statusCode).toBe(409);
  });

  it('an agency sees only its own part and cannot act for another', async () => {
    const b = await detail(agencyB, cveId);
    expect(b.organisations.map((o) => o.organisationId)).toEqual([org.B]);
    expect(b.targets.map((x) => x.computerIp)).toEqual(['10.2.0.7']);
    expect(b.advisory.progress).toMatchObject({ organisations: 1, targets: 1 });
    expect(b.actions.acknowledge).toEqual([org.B]);
    expect((await agencyC.request('GET', `/api/advisories/${cveId}`)).statusCode).toBe(404);
    expect((await agencyC.request('GET', '/api/advisories')).json().total).toBe(0);
    // B acknowledging for A, answering A's target: not found.
    const ack = await agencyB.request('POST', `/api/advisories/${cveId}/acknowledge`, { organisationId: org.A });
    expect(ack.statusCode).toBe(404);
    const aTarget = (await detail(dept, cveId)).targets.find((x) => x.organisationId === org.A) as Target;
    const answer = await agencyB.request('POST', `/api/advisories/${cveId}/targets/${aTarget.id}/response`, {
      response: 'patched',
    });
    expect(answer.statusCode).toBe(404);
    const [row] = await queryRows<{ response: string }>(
      database.db,
      sql`select response from advisory_targets where id = ${aTarget.id}`,
    );
    expect(row?.response).toBe('pending');
  });

  it('runs the loop: acknowledge, answer per target, scan confirmation, risk decision, 100%', async () => {
    const a = await detail(agencyA, cveId);
    const system = a.targets.find((x) => x.systemName) as Target;
    const computer = a.targets.find((x) => x.computerIp) as Target;
    // Answers wait for the acknowledgement.
    const early = await agencyA.request('POST', `/api/advisories/${cveId}/targets/${system.id}/response`, {
      response: 'patched',
    });
    expect(early.statusCode).toBe(409);
    expect((await agencyA.request('POST', `/api/advisories/${cveId}/acknowledge`, {})).statusCode).toBe(200);
    // Mitigated needs a note saying how.
    const bare = await agencyA.request('POST', `/api/advisories/${cveId}/targets/${system.id}/response`, {
      response: 'mitigated',
    });
    expect(bare.statusCode).toBe(400);
    for (const target of [system, computer]) {
      const res = await agencyA.request('POST', `/api/advisories/${cveId}/targets/${target.id}/response`, {
        response: 'patched',
        note: 'Đã nâng cấp lên bản vá của hãng',
      });
      expect(res.statusCode, res.body).toBe(200);
    }
    let now = await detail(agencyA, cveId);
    expect(now.targets.find((x) => x.id === system.id)).toMatchObject({ remediated: true });
    // A computer reported patched waits for a scan.
    expect(now.targets.find((x) => x.id === computer.id)).toMatchObject({ remediated: false, awaitingScan: true });
    expect(now.advisory.progress).toMatchObject({
      acknowledgedPercent: 100,
      remediated: 1,
      targets: 2,
      awaitingScan: 1,
    });
    const rescan = await scan(
      nessus(
        [{ ip: '10.1.0.5', name: 'fw-a', cpes: ['cpe:/o:paloaltonetworks:pan-os:11.1.2:h3'] }],
        new Date(Date.now() + 60_000).toISOString(),
      ),
      'rescan.nessus',
    );
    expect(rescan.statusCode, rescan.body).toBe(201);
    now = await detail(agencyA, cveId);
    expect(now.targets.find((x) => x.id === computer.id)).toMatchObject({ remediated: true, awaitingScan: false });
    expect(now.targets.find((x) => x.id === computer.id)?.confirmedAt).not.toBeNull();
    expect(now.advisory.progress.remediatedPercent).toBe(100);

    // Sở Y tế accepts the risk; only the Department decides.
    const b = await detail(agencyB, cveId);
    const finding = b.targets[0] as Target;
    expect((await agencyB.request('POST', `/api/advisories/${cveId}/acknowledge`, {})).statusCode).toBe(200);
    const risk = await agencyB.request('POST', `/api/advisories/${cveId}/targets/${finding.id}/response`, {
      response: 'risk_accepted',
      note: 'Thiết bị sẽ thay thế trong tháng sau, đã chặn truy cập từ Internet',
    });
    expect(risk.statusCode, risk.body).toBe(200);
    expect((await notifications('dept')).map((n) => n.kind)).toContain('advisory_risk');
    expect(
      (await agencyB.request('POST', `/api/advisories/${cveId}/targets/${finding.id}/risk-decision`, { approve: true }))
        .statusCode,
    ).toBe(403);
    expect(
      (await soc.request('POST', `/api/advisories/${cveId}/targets/${finding.id}/risk-decision`, { approve: true }))
        .statusCode,
    ).toBe(403);
    expect((await detail(dept, cveId)).advisory.progress).toMatchObject({ pendingRisk: 1, remediatedPercent: 66 });
    const ok = await dept.request('POST', `/api/advisories/${cveId}/targets/${finding.id}/risk-decision`, {
      approve: true,
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await notifications('agency-b')).map((n) => n.kind)).toEqual(['advisory', 'advisory_risk_decision']);
    const final = await detail(dept, cveId);
    expect(final.advisory.progress).toMatchObject({
      organisations: 2,
      acknowledged: 2,
      acknowledgedPercent: 100,
      targets: 3,
      remediated: 3,
      remediatedPercent: 100,
      late: 0,
    });
    const audit = await queryRows<{ action: string }>(
      database.db,
      sql`select action from audit_log where action like 'advisory.%' order by seq`,
    );
    expect(audit.map((x) => x.action)).toEqual(
      expect.arrayContaining([
        'advisory.import',
        'advisory.publish',
        'advisory.acknowledge',
        'advisory.target.respond',
        'advisory.target.confirm',
        'advisory.target.risk',
      ]),
    );
  });

  it('a newer revision replaces the products and keeps the answers', async () => {
    const doc = json('CVE-2024-3400.json');
    doc.cveMetadata.dateUpdated = '2026-01-01T00:00:00.000Z';
    // The vendor now says 11.1 is not affected: its automatic target goes only if nobody answered it.
    doc.containers.cna.affected[0].versions[6].status = 'unaffected';
    const res = await importFile(dept, Buffer.from(JSON.stringify(doc)), 'CVE-2024-3400-v2.json');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().outcome).toBe('updated');
    const d = await detail(dept, cveId);
    expect(d.products.filter((p) => p.status === 'known_affected')).toHaveLength(2);
    // 10.1.0.5 (11.1.2) was answered and confirmed: it stays with its answer.
    expect(d.targets.find((x) => x.computerIp === '10.1.0.5')).toMatchObject({ response: 'patched', remediated: true });
    expect(d.targets.find((x) => x.computerIp === '10.2.0.7')).toMatchObject({
      response: 'risk_accepted',
      riskDecision: 'approved',
    });
    const older = await importFile(dept, raw('CVE-2024-3400.json'), 'CVE-2024-3400.json');
    expect(older.json().outcome).toBe('older');
  });

  let manualId: string;

  it('enters an advisory by hand with its letter, adds targets by organisation and range, escalates the late', async () => {
    const res = await dept.request('POST', '/api/advisories', {
      title: 'Cảnh báo lỗ hổng trong Siemens SINEC',
      summary: 'Cục An toàn thông tin cảnh báo lỗ hổng nghiêm trọng.',
      severity: 'high',
      cves: ['cve-2024-47553'],
      sourceBody: 'Cục An toàn thông tin',
      sourceNumber: '123/CATTT-NCSC',
      issuedOn: '2024-10-11',
      acknowledgeBy: '2024-10-15',
      actBy: '2024-10-30',
      products: [{ vendor: 'Siemens', product: 'SINEC Security Monitor', versionEndExcluding: 'V4.9.0' }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const d = res.json() as Detail;
    manualId = d.advisory.id;
    expect(d.targets.map((x) => x.systemName)).toEqual(['Giám sát an ninh']);
    const letter = Buffer.from('%PDF-1.7\nCông văn 123/CATTT-NCSC\n');
    const up = await dept.request('POST', `/api/advisories/${manualId}/attachments?filename=cong-van-123.pdf`, letter);
    expect(up.statusCode, up.body).toBe(201);
    expect(up.json().sha256).toBe(createHash('sha256').update(letter).digest('hex'));
    const byOrg = await dept.request('POST', `/api/advisories/${manualId}/targets`, {
      kind: 'organisation',
      organisationId: org.A,
      includeChildren: true,
    });
    expect(byOrg.json()).toMatchObject({ targetsAdded: 1 });
    const byRange = await dept.request('POST', `/api/advisories/${manualId}/targets`, {
      kind: 'cidr',
      cidr: '10.2.0.0/24',
    });
    expect(byRange.json()).toMatchObject({ targetsAdded: 2 });
    const none = await dept.request('POST', `/api/advisories/${manualId}/targets`, {
      kind: 'cidr',
      cidr: '192.0.2.0/24',
    });
    expect(none.statusCode).toBe(400);
    expect((await dept.request('POST', `/api/advisories/${manualId}/publish`)).statusCode).toBe(200);
    const pub = await detail(dept, manualId);
    expect(pub.targets.find((x) => x.reason === 'cidr')?.matchDetail.matches).toEqual([
      { via: 'cidr', addedFor: '10.2.0.0/24' },
    ]);
    expect(pub.organisations.map((o) => [o.name, o.acknowledgeBy, o.late])).toEqual([
      ['Sở Tài chính', '2024-10-15', 'acknowledge'],
      ['Sở Y tế', '2024-10-15', 'acknowledge'],
    ]);
    const letterBack = await agencyB.request('GET', `/api/advisories/${manualId}/attachments/${up.json().id}`);
    expect(letterBack.statusCode).toBe(200);
    expect(letterBack.rawPayload.equals(letter)).toBe(true);
    expect((await agencyC.request('GET', `/api/advisories/${manualId}/attachments/${up.json().id}`)).statusCode).toBe(
      404,
    );

    const esc = await dept.request('POST', '/api/advisories/escalate');
    expect(esc.statusCode, esc.body).toBe(200);
    expect(esc.json().escalated).toBe(2);
    const after = await detail(dept, manualId);
    expect(after.organisations.map((o) => [o.name, o.escalatedTo])).toEqual([
      ['Sở Tài chính', 'Nguyễn Văn An, Giám đốc'],
      ['Sở Y tế', 'Trần Thị Bình, Giám đốc'],
    ]);
    expect((await notifications('agency-a')).find((n) => n.kind === 'advisory_overdue')?.body).toContain(
      'Nguyễn Văn An',
    );
    expect((await notifications('dept')).filter((n) => n.kind === 'advisory_overdue')).toHaveLength(2);
    // Once only.
    expect((await dept.request('POST', '/api/advisories/escalate')).json().escalated).toBe(0);
    const late = await dept.request('GET', '/api/advisories?late=true');
    expect(late.json().items.map((a: { id: string }) => a.id)).toEqual([manualId]);
    // An agency's late list is its own.
    const lateB = (await agencyB.request('GET', '/api/advisories?late=true')).json();
    expect(lateB.items[0].progress).toMatchObject({ organisations: 1, late: 1 });
  });

  it('lets only the Department edit drafts and close advisories', async () => {
    expect(
      (await dept.request('PUT', `/api/advisories/${manualId}`, { title: 'Sửa', severity: 'low' })).statusCode,
    ).toBe(409);
    // A risk acceptance still waiting when the advisory closes can no longer be decided.
    const [pending] = (await detail(agencyB, manualId)).targets;
    expect((await agencyB.request('POST', `/api/advisories/${manualId}/acknowledge`, {})).statusCode).toBe(200);
    const risk = await agencyB.request('POST', `/api/advisories/${manualId}/targets/${pending?.id}/response`, {
      response: 'risk_accepted',
      note: 'Thiết bị chờ thay thế, đã chặn truy cập từ Internet',
    });
    expect(risk.statusCode, risk.body).toBe(200);
    expect((await agencyA.request('POST', `/api/advisories/${manualId}/close`)).statusCode).toBe(403);
    expect((await dept.request('POST', `/api/advisories/${manualId}/close`)).statusCode).toBe(200);
    const closed = await agencyA.request('POST', `/api/advisories/${manualId}/acknowledge`, {});
    expect(closed.statusCode).toBe(409);
    const decided = await dept.request('POST', `/api/advisories/${manualId}/targets/${pending?.id}/risk-decision`, {
      approve: true,
    });
    expect(decided.statusCode).toBe(409);
    expect(decided.json().error.key).toBe('advisories.notPublished');
  });
});
