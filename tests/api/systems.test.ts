import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db/client.ts';
import type { Role } from '../../src/modules/auth/auth.schema.ts';
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
    expect(dup.statusCode).toBe(409);
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

    const names = (await as.agency.request('GET', '/api/systems')).json().map((s: { name: string }) => s.name);
    expect(names).toContain(mine.name); // a commune of the district is in its scope
    expect(names).not.toContain(theirs.name);
    expect((await as.agency.request('GET', '/api/dossiers')).json().map((d: { id: string }) => d.id)).not.toContain(
      dossier,
    );
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
    const viewerNames = (await as.viewer.request('GET', '/api/systems')).json().map((s: { name: string }) => s.name);
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
    const actions = audit.map((a: { action: string }) => a.action);
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
});
