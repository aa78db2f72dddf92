import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../src/cli/context.ts';
import type { Database } from '../../src/core/db/client.ts';
import { provinceDay } from '../../src/core/time.ts';
import type { Role } from '../../src/modules/auth/auth.schema.ts';
import { addAttachment, createDossier, transitionDossier } from '../../src/modules/systems/dossiers.service.ts';
import { type Client, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';
import { attachComponents, createSystem, createTree, DECISION, dossierIn, type Tree } from './systems-support.ts';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

describe.each(TEST_DATABASES)('information systems and level dossiers on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  let ids: Tree;
  const as = {} as Record<Role | 'agency141', Client>;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database);
    as.admin = await t.userWithRole('sys-admin', 'admin');
    ids = await createTree(as.admin);
    as.department = await t.userWithRole('sys-dept', 'department');
    as.soc = await t.userWithRole('sys-soc', 'soc');
    as.viewer = await t.userWithRole('sys-viewer-141', 'viewer', ids['141']);
    as.agency = await t.userWithRole('sys-agency-137', 'agency', ids['137']);
    as.agency141 = await t.userWithRole('sys-agency-141', 'agency', ids['141']);
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it('registers a system with hosts and software, validates addresses, and suggests its level with the rule', async () => {
    const body = {
      organisationId: ids['137'],
      name: 'Cổng dịch vụ công huyện',
      purpose: 'Tiếp nhận hồ sơ trực tuyến',
      systemType: 'public_service',
      infoPersonal: true,
      userCount: 25_000,
      onlineServiceLevel: 4,
      ownerName: 'UBND huyện Mù Căng Chải',
      operatorName: 'Văn phòng HĐND-UBND huyện',
      hosts: [{ hostname: 'dvc01', address: '10.15.137.10' }, { address: '10.15.137.32/28' }],
      software: [
        {
          name: 'Apache HTTP Server',
          vendor: 'Apache',
          version: '2.4.57',
          cpe: 'cpe:2.3:a:apache:http_server:2.4.57:*:*:*:*:*:*:*',
        },
      ],
    };
    const bad = await as.agency.request('POST', '/api/systems', {
      ...body,
      hosts: [{ address: '10.15.137.300' }],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('10.15.137.300');
    expect(bad.json().error).toMatchObject({ key: 'systems.invalidHosts', params: { values: '10.15.137.300' } });
    const res = await as.agency.request('POST', '/api/systems', body);
    expect(res.statusCode, res.body).toBe(201);
    const sys = res.json();
    expect(sys.hosts).toEqual([
      { hostname: 'dvc01', address: '10.15.137.10/32' },
      { hostname: null, address: '10.15.137.32/28' },
    ]);
    expect(sys.software[0]).toMatchObject({ name: 'Apache HTTP Server', version: '2.4.57' });
    expect(sys.suggestion).toMatchObject({ level: 3, ruleId: 'nd85-l3-online-service' });
    expect(sys.suggestion.legalBasis).toBe('NĐ 85/2016/NĐ-CP, Điều 9 khoản 2 điểm a');
    expect(sys.status).toMatchObject({ dossier: null, approvedLevel: null });
    const dup = await as.agency.request('POST', '/api/systems', body);
    expect([dup.statusCode, dup.json().error.key, dup.json().error.details]).toEqual([
      409,
      'systems.duplicateName',
      { field: 'name' },
    ]);
    const preview = await as.viewer.request('POST', '/api/systems/classify', { systemType: 'internal' });
    expect(preview.json()).toMatchObject({ level: 1, ruleId: 'nd85-l1-internal-public' });
  });

  it('isolates agencies: another agency’s systems, dossiers and documents are not found, lists exclude them', async () => {
    const mine = await createSystem(as.agency, ids['04402'] as string, 2);
    const theirs = await createSystem(as.agency141, ids['141'] as string, 2);
    const dossier = await dossierIn(as.agency141, as.admin, theirs.id, 'draft', 2);
    const doc = await as.agency141.request('POST', `/api/dossiers/${dossier}/attachments?filename=so-do.pdf`, PDF);
    expect(doc.statusCode, doc.body).toBe(201);
    const docId = doc.json().id;

    const names = (await as.agency.request('GET', '/api/systems')).json().items.map((s: { name: string }) => s.name);
    expect(names).toContain(mine.name); // a commune of the district is in its scope
    expect(names).not.toContain(theirs.name);
    expect(
      (await as.agency.request('GET', '/api/dossiers')).json().items.map((d: { id: string }) => d.id),
    ).not.toContain(dossier);
    expect((await as.agency.request('GET', `/api/systems/${theirs.id}`)).statusCode).toBe(404);
    expect((await as.agency.request('GET', `/api/dossiers/${dossier}`)).statusCode).toBe(404);
    expect((await as.agency.request('GET', `/api/attachments/${docId}`)).statusCode).toBe(404);
    // Writes on another agency's records are refused as "not found", and nothing changes.
    const put = await as.agency.request('PUT', `/api/systems/${theirs.id}`, {
      organisationId: ids['141'],
      name: 'Hijacked',
      systemType: 'internal',
    });
    expect(put.statusCode).toBe(404);
    expect((await as.agency.request('DELETE', `/api/systems/${theirs.id}`)).statusCode).toBe(404);
    expect((await as.agency.request('POST', `/api/systems/${theirs.id}/dossiers`, {})).statusCode).toBe(404);
    expect(
      (await as.agency.request('POST', `/api/dossiers/${dossier}/transitions`, { action: 'submit' })).statusCode,
    ).toBe(404);
    expect(
      (await as.agency.request('POST', `/api/dossiers/${dossier}/attachments?filename=x.pdf`, PDF)).statusCode,
    ).toBe(404);
    // Nor can an agency register a system under another organisation.
    const foreign = await as.agency.request('POST', '/api/systems', {
      organisationId: ids['141'],
      name: 'Planted',
      systemType: 'internal',
    });
    expect(foreign.statusCode).toBe(400);
    expect((await as.admin.request('GET', `/api/systems/${theirs.id}`)).json().name).toBe(theirs.name);
    // A scoped leader sees only its district; the SOC sees everything, read-only.
    const viewerNames = (await as.viewer.request('GET', '/api/systems'))
      .json()
      .items.map((s: { name: string }) => s.name);
    expect(viewerNames).toContain(theirs.name);
    expect(viewerNames).not.toContain(mine.name);
    expect((await as.soc.request('GET', `/api/dossiers/${dossier}`)).statusCode).toBe(200);
    expect(
      (
        await as.soc.request('POST', '/api/systems', {
          organisationId: ids['141'],
          name: 'Cổng thử',
          systemType: 'internal',
        })
      ).statusCode,
    ).toBe(403);
  });

  /**
   * The lifecycle table: [level, state the dossier is in, action, role, expected status, state afterwards].
   * Written out by hand (not derived from the rules data) so it checks the data.
   */
  const TRANSITIONS: [number, string, string, Role, number, string][] = [
    [2, 'draft', 'submit', 'agency', 200, 'submitted'],
    [2, 'draft', 'submit', 'department', 403, 'draft'],
    [2, 'draft', 'submit', 'soc', 403, 'draft'],
    [2, 'draft', 'submit', 'viewer', 403, 'draft'],
    [2, 'draft', 'submit', 'admin', 200, 'submitted'],
    [2, 'draft', 'accept', 'department', 409, 'draft'],
    [2, 'draft', 'approve', 'department', 409, 'draft'],
    [2, 'draft', 'resubmit', 'agency', 409, 'draft'],
    [2, 'submitted', 'accept', 'agency', 403, 'submitted'],
    [2, 'submitted', 'accept', 'department', 200, 'under_appraisal'],
    [2, 'submitted', 'submit', 'agency', 409, 'submitted'],
    [2, 'submitted', 'approve', 'department', 409, 'submitted'],
    [2, 'submitted', 'return', 'department', 200, 'returned'],
    [2, 'under_appraisal', 'return', 'agency', 403, 'under_appraisal'],
    [2, 'under_appraisal', 'return', 'department', 200, 'returned'],
    [2, 'under_appraisal', 'approve', 'agency', 403, 'under_appraisal'],
    [2, 'under_appraisal', 'approve', 'department', 200, 'approved'],
    [2, 'under_appraisal', 'approve', 'admin', 200, 'approved'],
    [2, 'under_appraisal', 'record_appraisal', 'department', 409, 'under_appraisal'],
    [2, 'returned', 'resubmit', 'agency', 200, 'submitted'],
    [2, 'returned', 'resubmit', 'department', 403, 'returned'],
    [2, 'returned', 'submit', 'agency', 409, 'returned'],
    [2, 'returned', 'accept', 'department', 409, 'returned'],
    [2, 'approved', 'return', 'department', 409, 'approved'],
    [2, 'approved', 'submit', 'agency', 409, 'approved'],
    [2, 'approved', 'approve', 'admin', 409, 'approved'],
    [3, 'under_appraisal', 'approve', 'department', 409, 'under_appraisal'],
    [3, 'under_appraisal', 'record_appraisal', 'department', 200, 'under_appraisal'],
    [4, 'under_appraisal', 'approve', 'department', 409, 'under_appraisal'],
    [4, 'under_appraisal', 'record_appraisal', 'agency', 403, 'under_appraisal'],
    [4, 'under_appraisal', 'record_appraisal', 'department', 200, 'under_appraisal'],
    [5, 'under_appraisal', 'approve', 'admin', 409, 'under_appraisal'],
    [5, 'approved', 'return', 'admin', 409, 'approved'],
  ];
  const FIELDS: Record<string, Record<string, string>> = {
    return: { comment: 'Bổ sung phương án sao lưu' },
    approve: DECISION,
    record_appraisal: { appraisalRef: '789/CATTT-ATHTTT' },
  };

  it.each(TRANSITIONS)('level %i, %s: %s by %s → %i (%s)', async (level, from, action, role, status, after) => {
    const system = await createSystem(as.agency, ids['137'] as string, level);
    const id = await dossierIn(as.agency, as.admin, system.id, from, level);
    const res = await as[role].request('POST', `/api/dossiers/${id}/transitions`, { action, ...FIELDS[action] });
    expect(res.statusCode, res.body).toBe(status);
    if (status !== 200) expect(res.json().error.message.length).toBeGreaterThan(10);
    // Refusals a user can meet are translatable: the UI shows errors.<key> in the reader's language.
    if (status === 409) expect(res.json().error.key).toMatch(/^systems\./);
    expect((await as.admin.request('GET', `/api/dossiers/${id}`)).json().state).toBe(after);
  });

  it('needs the comment to return, the decision to approve, and the appraisal opinion first from level 3', async () => {
    const s2 = await createSystem(as.agency, ids['137'] as string, 2);
    const d2 = await dossierIn(as.agency, as.admin, s2.id, 'under_appraisal', 2);
    const noComment = await as.department.request('POST', `/api/dossiers/${d2}/transitions`, { action: 'return' });
    expect([noComment.statusCode, noComment.json().error.details.fields]).toEqual([400, ['comment']]);
    const noDecision = await as.department.request('POST', `/api/dossiers/${d2}/transitions`, { action: 'approve' });
    expect(noDecision.json().error.details.fields).toEqual(['decisionNumber', 'decisionDate']);

    const s4 = await createSystem(as.agency, ids['137'] as string, 4);
    const d4 = await dossierIn(as.agency, as.admin, s4.id, 'under_appraisal', 4);
    const early = await as.department.request('POST', `/api/dossiers/${d4}/transitions`, {
      action: 'approve',
      ...DECISION,
    });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.message).toContain('NĐ 85/2016/NĐ-CP');
    const view = (await as.agency.request('GET', `/api/dossiers/${d4}`)).json();
    expect(view.authority).toMatchObject({
      level: 4,
      appraisalRequired: true,
      specialisedOpinionRequired: true,
      appraisalDays: 30,
      legalBasis: 'NĐ 85/2016/NĐ-CP, Điều 12 khoản 3 điểm a, d',
    });
    expect(view.authority.appraisers[0].role).toBe('ministry_security_authority');
    // Level 4 also needs the specialised unit's opinion among the documents submitted (NĐ 85 Art. 14.1.d).
    expect(view.components.find((c: { component: string }) => c.component === 'specialised_opinion')).toMatchObject({
      requiredAt: 'submission',
      attached: true,
    });
    // A decision dated before the dossier's acceptance, or in the future, is refused.
    await as.department.request('POST', `/api/dossiers/${d4}/transitions`, {
      action: 'record_appraisal',
      appraisalRef: '1/BC',
    });
    await attachComponents(as.department, d4, 'approval');
    for (const decisionDate of ['2020-01-01', '2999-01-01']) {
      const bad = await as.department.request('POST', `/api/dossiers/${d4}/transitions`, {
        action: 'approve',
        decisionNumber: '9/QĐ',
        decisionDate,
      });
      expect([bad.statusCode, bad.json().error.details?.field], bad.body).toEqual([400, 'decisionDate']);
    }
  });

  it('records who did what and why; the agency sees the return comments; due dates follow the level', async () => {
    const sys = await createSystem(as.agency, ids['137'] as string, 3);
    const id = await dossierIn(as.agency, as.admin, sys.id, 'submitted', 3);
    const accepted = (
      await as.department.request('POST', `/api/dossiers/${id}/transitions`, { action: 'accept' })
    ).json();
    const acceptedDay = new Date(accepted.acceptedAt);
    const expectDue = new Date(acceptedDay.getTime() + 15 * 86_400_000).toLocaleDateString('en-CA', {
      timeZone: 'Asia/Ho_Chi_Minh',
    });
    expect(accepted.appraisalDue).toBe(expectDue);
    expect(accepted.approvalDue > accepted.appraisalDue).toBe(true);
    await as.department.request('POST', `/api/dossiers/${id}/transitions`, {
      action: 'return',
      comment: 'Bổ sung sơ đồ kết nối mạng',
    });
    const seen = (await as.agency.request('GET', `/api/dossiers/${id}`)).json();
    expect(seen.state).toBe('returned');
    expect(seen.returnComment).toBe('Bổ sung sơ đồ kết nối mạng');
    const steps = seen.history.filter((h: { action: string }) => h.action !== 'attach');
    expect(steps.map((h: { action: string; actorName: string }) => [h.action, h.actorName])).toEqual([
      ['create', 'sys-agency-137'],
      ['submit', 'sys-admin'],
      ['accept', 'sys-dept'],
      ['return', 'sys-dept'],
    ]);
    expect(steps[3].comment).toBe('Bổ sung sơ đồ kết nối mạng');
    // A returned dossier may be revised: the change of proposal is part of its history.
    const revised = await as.agency.request('PUT', `/api/dossiers/${id}`, { level: 3, reason: 'Giữ cấp độ 3' });
    expect(revised.statusCode, revised.body).toBe(200);
    const after = (await as.agency.request('GET', `/api/dossiers/${id}`)).json();
    expect(after.history.at(-1)).toMatchObject({ action: 'update', fromState: 'returned', toState: 'returned' });
    const audit = (await as.admin.request('GET', `/api/audit?entityId=${id}`)).json();
    const actions = audit.items.map((a: { action: string }) => a.action);
    expect(actions.filter((a: string) => a === 'dossier.attachment.add')).toHaveLength(4);
    expect(actions.filter((a: string) => a !== 'dossier.attachment.add')).toEqual([
      'dossier.update',
      'dossier.return',
      'dossier.accept',
      'dossier.submit',
      'dossier.create',
    ]);
  });

  it('requires a written reason when the proposed level differs from the suggestion', async () => {
    const sys = await createSystem(as.agency, ids['137'] as string, 2);
    const noReason = await as.agency.request('POST', `/api/systems/${sys.id}/dossiers`, { level: 3 });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.details.field).toBe('reason');
    const ok = await as.agency.request('POST', `/api/systems/${sys.id}/dossiers`, {
      level: 3,
      reason: 'Hệ thống sẽ mở dịch vụ công toàn trình trong năm 2024',
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({
      level: 3,
      suggestedLevel: 2,
      suggestedRuleId: 'nd85-l2-internal-private',
      state: 'draft',
    });
    expect((await as.agency.request('POST', `/api/systems/${sys.id}/dossiers`, {})).statusCode).toBe(409);
  });

  it('stores documents by content type and hash, refuses disguised or oversized files', async () => {
    const sys = await createSystem(as.agency, ids['137'] as string, 2);
    const created = await as.agency.request('POST', `/api/systems/${sys.id}/dossiers`, {});
    const id = created.json().id as string;
    const up = (body: Buffer, name: string) =>
      as.agency.request('POST', `/api/dossiers/${id}/attachments?filename=${encodeURIComponent(name)}`, body);
    const pdf = await up(PDF, 'Hồ sơ đề xuất cấp độ.pdf');
    expect(pdf.statusCode, pdf.body).toBe(201);
    expect(pdf.json()).toMatchObject({
      filename: 'Hồ sơ đề xuất cấp độ.pdf',
      mediaType: 'application/pdf',
      size: PDF.length,
      sha256: createHash('sha256').update(PDF).digest('hex'),
    });
    expect((await up(PNG, 'scan.png')).statusCode).toBe(201);
    const disguised = await up(PNG, 'quyet-dinh.pdf');
    expect(disguised.statusCode).toBe(400);
    expect(disguised.json().error.message).toContain('PNG');
    expect((await up(Buffer.from('MZ\x90\x00 this is a program'), 'setup.pdf')).statusCode).toBe(400);
    const huge = Buffer.concat([PDF, Buffer.alloc(20 * 1024 * 1024)]);
    expect([400, 413]).toContain((await up(huge, 'big.pdf')).statusCode);

    const download = await as.viewer.request('GET', `/api/attachments/${pdf.json().id}`);
    expect(download.statusCode).toBe(404); // the district leader of Yên Bình cannot see Mù Căng Chải's dossier
    const mine = await as.agency.request('GET', `/api/attachments/${pdf.json().id}`);
    expect(mine.rawPayload.equals(PDF)).toBe(true);
    expect(mine.headers['content-type']).toBe('application/pdf');
    const listed = (await as.agency.request('GET', `/api/dossiers/${id}`)).json().attachments;
    expect(listed.map((a: { filename: string }) => a.filename)).toEqual(['Hồ sơ đề xuất cấp độ.pdf', 'scan.png']);
    // Submission waits for every document the rules require, and says which are missing.
    const early = await as.agency.request('POST', `/api/dossiers/${id}/transitions`, { action: 'submit' });
    expect([early.statusCode, early.json().error.details.components]).toEqual([
      400,
      ['overview', 'design', 'level_justification', 'plan_justification'],
    ]);
    const unknown = await as.agency.request(
      'POST',
      `/api/dossiers/${id}/attachments?filename=x.pdf&component=no_such_part`,
      PDF,
    );
    expect([unknown.statusCode, unknown.json().error.details.field]).toEqual([400, 'component']);
    // Once submitted, the agency can no longer change the file set.
    await attachComponents(as.agency, id, 'submission');
    expect((await as.agency.request('POST', `/api/dossiers/${id}/transitions`, { action: 'submit' })).statusCode).toBe(
      200,
    );
    expect((await up(PDF, 'late.pdf')).statusCode).toBe(409);
  });

  it('refuses deleting a system whose dossier was filed', async () => {
    const sys = await createSystem(as.agency, ids['137'] as string, 2);
    await dossierIn(as.agency, as.admin, sys.id, 'submitted', 2);
    expect((await as.agency.request('DELETE', `/api/systems/${sys.id}`)).statusCode).toBe(409);
    const fresh = await createSystem(as.agency, ids['137'] as string, 1);
    expect((await as.agency.request('DELETE', `/api/systems/${fresh.id}`)).statusCode).toBe(204);
  });
  it('pages the registry: sorted by a known key, searched by name or code, filtered, with the total they match', async () => {
    const created = await as.admin.request('POST', '/api/organisations', {
      code: '04490',
      name: 'Xã Thử Danh Sách',
      type: 'commune',
      parentId: ids['141'],
      ipRanges: [],
    });
    expect(created.statusCode, created.body).toBe(201);
    const org = created.json().id as string;
    const clerk = await t.userWithRole('sys-list-clerk', 'agency', org);
    // Two approved systems (levels 2 and 1), one submitted, one draft, one without a dossier.
    const plan: [string, string | null, number, string | null][] = [
      ['Cổng thông tin xã', 'XA-CTT', 2, 'approved'],
      ['Thư điện tử xã', 'XA-MAIL', 1, 'approved'],
      ['Quản lý văn bản xã', null, 2, 'submitted'],
      ['Một cửa điện tử xã', 'XA-1CUA', 2, 'draft'],
      ['Wi-Fi_công cộng 100%', 'XA-WIFI', 1, null],
    ];
    for (const [name, code, level, state] of plan) {
      const sys = await createSystem(clerk, org, level, { name, code });
      if (state) await dossierIn(clerk, as.admin, sys.id, state, level);
    }
    await createSystem(as.admin, ids['141'] as string, 1, { name: 'Cổng thông tin huyện thử' });
    type Page = { items: { name: string; code: string | null; organisationName: string }[]; total: number };
    const list = async (who: Client, query: string) => {
      const res = await who.request('GET', `/api/systems?${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as Page;
    };
    const names = (p: Page) => p.items.map((i) => i.name);
    const all = plan.map(([name]) => name);

    // The clerk's scope is the commune: without any filter the page and the total are its five systems.
    const mine = await list(clerk, '');
    expect([names(mine), mine.total]).toEqual([[...all].sort(), 5]);
    const first = await list(clerk, 'limit=2');
    expect([names(first), first.total]).toEqual([['Cổng thông tin xã', 'Một cửa điện tử xã'], 5]);
    const last = await list(clerk, 'limit=2&offset=4');
    expect([names(last), last.total]).toEqual([['Wi-Fi_công cộng 100%'], 5]);
    expect(names(await list(clerk, 'sort=name&dir=desc'))[0]).toBe('Wi-Fi_công cộng 100%');
    // Codes sort with the systems that have none last, either way.
    expect((await list(clerk, 'sort=code')).items.map((i) => i.code)).toEqual([
      'XA-1CUA',
      'XA-CTT',
      'XA-MAIL',
      'XA-WIFI',
      null,
    ]);
    expect((await list(clerk, 'sort=code&dir=desc')).items.map((i) => i.code)).toEqual([
      'XA-WIFI',
      'XA-MAIL',
      'XA-CTT',
      'XA-1CUA',
      null,
    ]);
    // The approved level, then the systems without one (by name); the dossier state in the lifecycle's order.
    expect(names(await list(clerk, 'sort=level&dir=desc'))).toEqual([
      'Cổng thông tin xã',
      'Thư điện tử xã',
      'Một cửa điện tử xã',
      'Quản lý văn bản xã',
      'Wi-Fi_công cộng 100%',
    ]);
    expect(names(await list(clerk, 'sort=state'))).toEqual([
      'Wi-Fi_công cộng 100%',
      'Một cửa điện tử xã',
      'Quản lý văn bản xã',
      'Cổng thông tin xã',
      'Thư điện tử xã',
    ]);
    // Search by name or by code; % and _ are letters, not wildcards.
    expect(names(await list(clerk, `q=${encodeURIComponent('văn bản')}`))).toEqual(['Quản lý văn bản xã']);
    expect(names(await list(clerk, 'q=xa-mail'))).toEqual(['Thư điện tử xã']);
    expect(names(await list(clerk, 'q=_'))).toEqual(['Wi-Fi_công cộng 100%']);
    expect(names(await list(clerk, `q=${encodeURIComponent('100%')}`))).toEqual(['Wi-Fi_công cộng 100%']);
    // Filters: the approved level, the latest dossier's state (none: not filed yet), and their total.
    expect(names(await list(clerk, 'level=2'))).toEqual(['Cổng thông tin xã']);
    const approved = await list(clerk, 'state=approved');
    expect([names(approved), approved.total]).toEqual([['Cổng thông tin xã', 'Thư điện tử xã'], 2]);
    expect(names(await list(clerk, 'state=none'))).toEqual(['Wi-Fi_công cộng 100%']);
    expect(names(await list(clerk, 'state=submitted&level=2'))).toEqual([]);
    // The organisation filter takes the subtree, and never widens the scope.
    const district = await list(as.viewer, `organisationId=${ids['141']}&q=${encodeURIComponent('thông tin')}`);
    expect([names(district), district.total]).toEqual([['Cổng thông tin huyện thử', 'Cổng thông tin xã'], 2]);
    expect(names(await list(as.viewer, `q=${encodeURIComponent('thông tin')}&sort=organisation&dir=desc`))).toEqual([
      'Cổng thông tin xã',
      'Cổng thông tin huyện thử',
    ]);
    const foreign = await list(as.agency, `organisationId=${org}`);
    expect([foreign.items, foreign.total]).toEqual([[], 0]);
    expect((await list(clerk, `q=${encodeURIComponent('huyện thử')}`)).total).toBe(0);
    expect((await list(as.admin, `organisationId=${org}`)).total).toBe(5);
    // Unknown sort keys and out-of-range pages are refused, not interpolated.
    for (const bad of ['sort=name;drop', 'limit=0', 'limit=501', 'offset=-1', 'level=6', 'state=lost'])
      expect((await clerk.request('GET', `/api/systems?${bad}`)).statusCode, bad).toBe(400);

    // The dossier list pages the same way: the worklist of pending dossiers, searched and counted.
    type Dossiers = { items: { systemName: string; state: string }[]; total: number };
    const dossiers = async (who: Client, query: string) =>
      (await who.request('GET', `/api/dossiers?organisationId=${org}&${query}`)).json() as Dossiers;
    const pending = await dossiers(as.department, 'state=pending');
    expect([pending.items.map((d) => d.systemName), pending.total]).toEqual([['Quản lý văn bản xã'], 1]);
    const byName = await dossiers(clerk, 'sort=name&limit=2');
    expect([byName.items.map((d) => d.systemName), byName.total]).toEqual([
      ['Cổng thông tin xã', 'Một cửa điện tử xã'],
      4,
    ]);
    expect((await dossiers(clerk, 'q=xa-ctt')).items.map((d) => d.systemName)).toEqual(['Cổng thông tin xã']);
    expect((await dossiers(as.agency, '')).total).toBe(0);
  });

  it('refuses an approval dated before the appraisal it rests on, or an impossible date, on the field', async () => {
    const sys = await createSystem(as.agency, ids['137'] as string, 3);
    const ALL = { all: true } as const;
    const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);
    const dossier = await createDossier(database.db, CLI_ACTOR, ALL, sys.id, {}, { at: daysAgo(20) });
    const attach = async (stage: string, n: number) => {
      for (const c of dossier.components.filter((x) => x.requiredAt === stage))
        await addAttachment(database.db, CLI_ACTOR, ALL, dossier.id, `${c.component}.pdf`, PDF, c.component, {
          at: daysAgo(n),
        });
    };
    await attach('submission', 20);
    await transitionDossier(database.db, CLI_ACTOR, ALL, dossier.id, { action: 'submit' }, { at: daysAgo(20) });
    await transitionDossier(database.db, CLI_ACTOR, ALL, dossier.id, { action: 'accept' }, { at: daysAgo(18) });
    await transitionDossier(
      database.db,
      CLI_ACTOR,
      ALL,
      dossier.id,
      { action: 'record_appraisal', appraisalRef: '7/BC-ATTT' },
      { at: daysAgo(10) },
    );
    await attach('approval', 10);
    const approve = (decisionDate: string) =>
      as.department.request('POST', `/api/dossiers/${dossier.id}/transitions`, {
        action: 'approve',
        decisionNumber: '77/QĐ-UBND',
        decisionDate,
      });
    // Accepted 18 days ago, appraised 10 days ago: a decision of 14 days ago predates the appraisal opinion.
    const early = await approve(provinceDay(daysAgo(14)));
    expect(early.statusCode, early.body).toBe(400);
    expect(early.json().error).toMatchObject({
      code: 'VALIDATION',
      key: 'systems.decisionBeforeAppraisal',
      params: { date: provinceDay(daysAgo(10)) },
      details: { field: 'decisionDate' },
    });
    // 31 February does not exist: refused as an invalid date of that field, not as a missing one.
    const impossible = await approve('2025-02-31');
    expect(impossible.statusCode).toBe(400);
    expect(impossible.json().error.details).toEqual([
      expect.objectContaining({ path: expect.stringContaining('decisionDate'), message: 'systems.invalidDate' }),
    ]);
    expect((await as.admin.request('GET', `/api/dossiers/${dossier.id}`)).json().state).toBe('under_appraisal');
    // The day of the appraisal itself is fine.
    const ok = await approve(provinceDay(daysAgo(10)));
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ state: 'approved', decisionDate: provinceDay(daysAgo(10)) });
  });

  it('has a Vietnamese and an English text for every message key the module sends', () => {
    const dir = new URL('../../src/modules/systems/', import.meta.url);
    const sent = new Set<string>();
    // A key the module sends, not a group of the UI's labels an export reads (`uiLabel('systems.state')`).
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')))
      for (const m of readFileSync(new URL(file, dir), 'utf8').matchAll(/(?<!uiLabel\()'systems\.([A-Za-z]+)'/g))
        sent.add(m[1] as string);
    expect(sent.size).toBeGreaterThan(30);
    for (const lang of ['vi', 'en']) {
      const texts = JSON.parse(
        readFileSync(new URL(`../../src/web/i18n/systems/${lang}.json`, import.meta.url), 'utf8'),
      ).errors.systems as Record<string, string>;
      expect(
        [...sent].filter((k) => !texts[k]),
        lang,
      ).toEqual([]);
    }
  });
});
