import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db/client.ts';
import type { Role } from '../../src/modules/auth/auth.schema.ts';
import { type Client, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';
import { ALL, type PolicyPart, PUBLIC, UNKNOWN_ID } from './policy/types.ts';

/**
 * Every API route × every role. The table below is the written policy; the test fails when a route exists that the
 * table does not list, so no route can be added without deciding who may call it.
 */
const CORE_POLICY: Record<string, Role[] | typeof PUBLIC> = {
  'GET /api/health': PUBLIC,
  'GET /api/setup': PUBLIC,
  'POST /api/setup': PUBLIC,
  'POST /api/auth/login': PUBLIC,
  'POST /api/auth/logout': ALL,
  'GET /api/auth/me': ALL,
  'POST /api/auth/password': ALL,
  'POST /api/auth/totp/setup': ALL,
  'POST /api/auth/totp/confirm': ALL,
  'POST /api/auth/totp/disable': ALL,
  'GET /api/auth/tokens': ALL,
  'POST /api/auth/tokens': ALL,
  'DELETE /api/auth/tokens/{id}': ALL,
  'GET /api/users': ['admin'],
  'GET /api/users/{id}': ['admin'],
  'POST /api/users': ['admin'],
  'PATCH /api/users/{id}': ['admin'],
  'GET /api/organisations': ALL,
  'GET /api/organisations/{id}': ALL,
  'GET /api/getting-started': ALL,
  'POST /api/organisations': ['admin', 'department'],
  'PUT /api/organisations/{id}': ['admin', 'department'],
  'DELETE /api/organisations/{id}': ['admin', 'department'],
  'GET /api/organisations/export': ['admin', 'department'],
  'POST /api/organisations/import': ['admin', 'department'],
  'POST /api/organisations/reorganise': ['admin', 'department'],
  'GET /api/rules': ALL,
  'POST /api/rules': ['admin'],
  'GET /api/rules/authority': ALL,
  'GET /api/bodies': ALL,
  'PUT /api/bodies': ['admin'],
  'GET /api/calendar': ALL,
  'POST /api/calendar': ['admin'],
  'GET /api/vulnerabilities/summary': ALL,
  'GET /api/vulnerabilities/computers': ALL,
  'PUT /api/vulnerabilities/computers/{id}/organisation': ['admin', 'soc'],
  'GET /api/vulnerabilities/findings': ALL,
  'GET /api/vulnerabilities/findings/{id}': ALL,
  'POST /api/vulnerabilities/findings/{id}/status': ['admin', 'department', 'soc', 'agency'],
  'POST /api/vulnerabilities/findings/{id}/decision': ['admin', 'department', 'soc', 'agency'],
  'GET /api/vulnerabilities/scans': ['admin', 'soc'],
  'POST /api/vulnerabilities/scans': ['admin', 'soc'],
  'GET /api/vulnerabilities/policy': ALL,
  'PUT /api/vulnerabilities/policy': ['admin', 'department'],
  'GET /api/vulnerabilities/kev': ALL,
  'GET /api/inventory': ALL,
  'POST /api/vulnerabilities/kev': ['admin', 'soc'],
  'GET /api/advisories': ALL,
  'POST /api/advisories': ['admin', 'department', 'soc'],
  'POST /api/advisories/import': ['admin', 'department', 'soc'],
  'POST /api/advisories/escalate': ['admin', 'department', 'soc'],
  'GET /api/advisories/{id}': ALL,
  'PUT /api/advisories/{id}': ['admin', 'department', 'soc'],
  'POST /api/advisories/{id}/publish': ['admin', 'department', 'soc'],
  'POST /api/advisories/{id}/close': ['admin', 'department', 'soc'],
  'POST /api/advisories/{id}/targets': ['admin', 'department', 'soc'],
  'POST /api/advisories/{id}/acknowledge': ['admin', 'department', 'agency'],
  'POST /api/advisories/{id}/targets/{targetId}/response': ['admin', 'department', 'agency'],
  'POST /api/advisories/{id}/targets/{targetId}/risk-decision': ['admin', 'department', 'soc'],
  'POST /api/advisories/{id}/attachments': ['admin', 'department', 'soc'],
  'GET /api/advisories/{id}/attachments/{attachmentId}': ALL,
  'GET /api/soc/summary': ALL,
  'GET /api/soc/findings': ALL,
  'GET /api/soc/findings/{id}': ALL,
  'POST /api/soc/findings/{id}/triage': ['admin', 'soc'],
  'GET /api/soc/ingests': ['admin', 'soc'],
  'GET /api/soc/intel': ['admin', 'soc'],
  'POST /api/soc/intel': ['admin', 'soc'],
  'DELETE /api/soc/intel/{source}': ['admin', 'soc'],
  'POST /api/soc/logs': ['admin', 'soc'],
  'GET /api/audit': ['admin'],
  'GET /api/audit/facets': ['admin'],
  'GET /api/audit/verify': ['admin'],
  'GET /api/systems': ALL,
  'GET /api/systems/level-criteria': ALL,
  'POST /api/systems/classify': ALL,
  'GET /api/systems/{id}': ALL,
  'GET /api/systems/export': ALL,
  'GET /api/systems/template': ALL,
  'POST /api/systems/import': ['admin', 'department', 'agency'],
  'POST /api/systems': ['admin', 'department', 'agency'],
  'PUT /api/systems/{id}': ['admin', 'department', 'agency'],
  'DELETE /api/systems/{id}': ['admin', 'department', 'agency'],
  'GET /api/dossiers': ALL,
  'GET /api/dossiers/rules': ALL,
  'GET /api/dossiers/{id}': ALL,
  'POST /api/systems/{id}/dossiers': ['admin', 'agency'],
  'PUT /api/dossiers/{id}': ['admin', 'agency'],
  'POST /api/dossiers/{id}/transitions': ['admin', 'department', 'agency'],
  'POST /api/dossiers/{id}/attachments': ['admin', 'department', 'agency'],
  'GET /api/attachments/{id}': ALL,
  'GET /api/systems/{id}/plan': ALL,
  'PUT /api/systems/{id}/plan': ['admin', 'department', 'agency'],
  'GET /api/systems/{id}/layers': ALL,
  'PUT /api/systems/{id}/layers': ['admin', 'department', 'agency'],
  'GET /api/layers/gaps': ALL,
  'GET /api/targets': ALL,
  'GET /api/targets/{id}': ALL,
  'POST /api/targets': ['admin', 'department'],
  'PUT /api/targets/{id}': ['admin', 'department'],
  'DELETE /api/targets/{id}': ['admin', 'department'],
  'GET /api/incidents': ALL,
  'GET /api/incidents/rules': ALL,
  'POST /api/incidents': ['admin', 'department', 'soc', 'agency'],
  'GET /api/incidents/{id}': ALL,
  'PATCH /api/incidents/{id}': ['admin', 'department', 'soc', 'agency'],
  'POST /api/incidents/{id}/transitions': ['admin', 'department', 'soc', 'agency'],
  'POST /api/incidents/{id}/steps': ['admin', 'department', 'soc', 'agency'],
  'GET /api/incidents/{id}/assignees': ['admin', 'department', 'soc', 'agency'],
  'POST /api/incidents/{id}/tasks': ['admin', 'department', 'soc', 'agency'],
  'PATCH /api/incidents/{id}/tasks/{taskId}': ['admin', 'department', 'soc', 'agency'],
  'POST /api/incidents/{id}/evidence': ['admin', 'department', 'soc', 'agency'],
  'GET /api/incidents/{id}/evidence/{evidenceId}': ALL,
  'GET /api/team': ALL,
  'POST /api/team/members': ['admin', 'department'],
  'PUT /api/team/members/{id}': ['admin', 'department'],
  'DELETE /api/team/members/{id}': ['admin', 'department'],
  'POST /api/team/members/{id}/contact-reported': ['admin', 'department'],
  'POST /api/team/shifts': ['admin', 'department'],
  'DELETE /api/team/shifts/{id}': ['admin', 'department'],
  'GET /api/incidents/{id}/forms/{form}': ALL,
  'POST /api/incidents/{id}/forms/{form}/issue': ['admin', 'department', 'soc', 'agency'],
  'GET /api/incidents/forms/05': ALL,
  'GET /api/team/members/{id}/forms/01': ALL,
  'GET /api/team/forms/02': ALL,
  'GET /api/notifications': ALL,
  'POST /api/notifications/{id}/read': ALL,
  'POST /api/notifications/read-all': ALL,
};

// Requests that pass validation, so a refusal can only come from authentication or authorisation.
const CORE_BODIES: Record<string, unknown> = {
  'POST /api/auth/password': { currentPassword: 'wrong-password-x', newPassword: 'another long passphrase' },
  'POST /api/auth/totp/confirm': { code: '000000' },
  'POST /api/auth/totp/disable': { password: 'wrong-password-x' },
  'POST /api/auth/tokens': { name: 'matrix' },
  'POST /api/users': {
    username: 'matrix-user',
    displayName: 'Matrix',
    role: 'viewer',
    password: 'matrix passphrase 123',
  },
  'PATCH /api/users/{id}': { displayName: 'Renamed' },
  'POST /api/organisations': { code: 'MATRIX', name: 'Matrix org', type: 'other', ipRanges: [] },
  'PUT /api/organisations/{id}': { code: 'MATRIX2', name: 'Matrix org', type: 'other', ipRanges: [] },
  'POST /api/organisations/import': Buffer.from('code,name,type\n'),
  'POST /api/organisations/reorganise': Buffer.from('effective,old_code,new_code,new_name,new_type,new_parent_code\n'),
  'POST /api/rules': {
    kind: 'inspection_period',
    key: 'matrix-rule',
    validFrom: '2030-01-01',
    basis: { document: 'QĐ 1/QĐ-UBND' },
    vi: 'Quy định thử',
    en: 'Test rule',
    data: { levels: [1], months: 12 },
  },
  'PUT /api/bodies': [
    {
      code: 'MATRIX-BODY',
      role: 'provincial_police',
      name: 'Cơ quan thử',
      shortName: 'Thử',
      validFrom: '2030-01-01',
      legalBasis: 'QĐ 1/QĐ-UBND',
    },
  ],
  'POST /api/calendar': [{ date: '2030-01-02', kind: 'day_off', name: 'Nghỉ thử', legalBasis: 'QĐ 1/QĐ-UBND' }],
  'PUT /api/vulnerabilities/computers/{id}/organisation': { organisationId: null },
  'POST /api/vulnerabilities/findings/{id}/status': { status: 'fixed' },
  'POST /api/vulnerabilities/findings/{id}/decision': { approve: true },
  'POST /api/vulnerabilities/scans': Buffer.from('<?xml version="1.0"?><NessusClientData_v2></NessusClientData_v2>'),
  'PUT /api/vulnerabilities/policy': { critical: 7 },
  'POST /api/soc/findings/{id}/triage': { status: 'confirmed' },
  'POST /api/soc/intel': Buffer.from('198.51.100.1\n'),
  'POST /api/soc/logs': Buffer.from('#fields\tts\n'),
  'POST /api/systems/classify': { systemType: 'internal' },
  'POST /api/systems': { organisationId: UNKNOWN_ID, name: 'Matrix system', systemType: 'internal' },
  'PUT /api/systems/{id}': { organisationId: UNKNOWN_ID, name: 'Matrix system', systemType: 'internal' },
  'POST /api/systems/{id}/dossiers': {},
  'PUT /api/dossiers/{id}': {},
  'POST /api/dossiers/{id}/transitions': { action: 'submit' },
  'POST /api/dossiers/{id}/attachments': Buffer.from('%PDF-1.7\n'),
  'POST /api/systems/import': Buffer.from('organisation_code,name,system_type\n'),
  'PUT /api/systems/{id}/plan': { items: [{ code: 'M1.1', status: 'done' }] },
  'PUT /api/systems/{id}/layers': { layers: [{ layer: 1, status: 'in_place' }] },
  'POST /api/targets': { title: 'Matrix target', kind: 'dossier_approved', deadline: '2024-08-31' },
  'PUT /api/targets/{id}': { title: 'Matrix target', kind: 'dossier_approved', deadline: '2024-08-31' },
  'POST /api/vulnerabilities/kev': { vulnerabilities: [] },
  'POST /api/advisories': { title: 'Matrix advisory', severity: 'high' },
  'POST /api/advisories/import': Buffer.from('{}'),
  'PUT /api/advisories/{id}': { title: 'Matrix advisory', severity: 'high' },
  'POST /api/advisories/{id}/targets': { kind: 'match' },
  'POST /api/advisories/{id}/acknowledge': {},
  'POST /api/advisories/{id}/targets/{targetId}/response': { response: 'patched' },
  'POST /api/advisories/{id}/targets/{targetId}/risk-decision': { approve: true },
  'POST /api/advisories/{id}/attachments': Buffer.from('%PDF-1.7\n'),
  'POST /api/incidents': {
    title: 'Sự cố thử',
    organisationId: UNKNOWN_ID,
    detectedAt: '2026-01-05T08:00:00+07:00',
    type: 'other',
  },
  'PATCH /api/incidents/{id}': { title: 'Sự cố thử' },
  'POST /api/incidents/{id}/transitions': { to: 'responding' },
  'POST /api/incidents/{id}/steps': { step: 'receive_verify', at: '2026-01-05T09:00:00+07:00', note: 'Tiếp nhận' },
  'POST /api/incidents/{id}/tasks': { title: 'Nhiệm vụ thử' },
  'PATCH /api/incidents/{id}/tasks/{taskId}': { done: true },
  'POST /api/incidents/{id}/evidence': Buffer.from('log line\n'),
  'POST /api/team/members': {
    fullName: 'Thành viên thử',
    organisationId: UNKNOWN_ID,
    phone: '0912345678',
    email: 'thu@example.vn',
    validFrom: '2026-01-01',
  },
  'PUT /api/team/members/{id}': {
    fullName: 'Thành viên thử',
    organisationId: UNKNOWN_ID,
    phone: '0912345678',
    email: 'thu@example.vn',
    validFrom: '2026-01-01',
  },
  'POST /api/team/members/{id}/contact-reported': {},
  'POST /api/team/shifts': {
    memberId: UNKNOWN_ID,
    startsAt: '2026-01-05T08:00:00+07:00',
    endsAt: '2026-01-05T20:00:00+07:00',
  },
};
const CORE_QUERIES: Record<string, string> = {
  'GET /api/soc/summary': '?from=2024-01-01&to=2024-06-30',
  'POST /api/soc/intel': '?source=matrix',
  'GET /api/vulnerabilities/summary': '?from=2024-01-01&to=2024-06-30',
  'GET /api/rules/authority': '?level=3&on=2024-06-10',
  'GET /api/calendar': '?year=2025',
  'POST /api/incidents/{id}/evidence': '?fileName=matrix.log',
};

// Each later capability keeps its part in policy/<capability>.policy.ts.
const policyDir = new URL('./policy/', import.meta.url);
const PARTS: PolicyPart[] = await Promise.all(
  readdirSync(policyDir)
    .filter((f) => f.endsWith('.policy.ts'))
    .map(async (f) => ((await import(new URL(f, policyDir).href)) as { part: PolicyPart }).part),
);
const POLICY = Object.assign({}, CORE_POLICY, ...PARTS.map((p) => p.policy)) as typeof CORE_POLICY;
const BODIES = Object.assign({}, CORE_BODIES, ...PARTS.map((p) => p.bodies ?? {})) as typeof CORE_BODIES;
const QUERIES = Object.assign({}, CORE_QUERIES, ...PARTS.map((p) => p.queries ?? {})) as typeof CORE_QUERIES;

describe.each(TEST_DATABASES)('authorisation matrix on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  const clients = {} as Record<Role, Client>;
  let orgId: string;
  let routes: string[];

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database);
    const admin = await t.userWithRole('admin1', 'admin');
    const org = await admin.request('POST', '/api/organisations', {
      code: 'A',
      name: 'Sở A',
      type: 'department',
      ipRanges: [],
    });
    orgId = org.json().id;
    clients.admin = admin;
    clients.department = await t.userWithRole('dept1', 'department');
    clients.soc = await t.userWithRole('soc1', 'soc');
    clients.agency = await t.userWithRole('agency1', 'agency', orgId);
    clients.viewer = await t.userWithRole('viewer1', 'viewer');
    const spec = t.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    routes = Object.entries(spec.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => m !== 'head')
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it('lists every API route in the policy table', () => {
    expect(routes.filter((r) => !(r in POLICY))).toEqual([]);
    expect(Object.keys(POLICY).filter((r) => !routes.includes(r))).toEqual([]);
  });

  const url = (route: string) => (route.split(' ')[1]?.replace(/\{\w+\}/g, UNKNOWN_ID) ?? '') + (QUERIES[route] ?? '');

  it('refuses every non-public route without a session (401)', async () => {
    for (const [route, allowed] of Object.entries(POLICY)) {
      if (allowed === PUBLIC) continue;
      const [method] = route.split(' ');
      const body = BODIES[route];
      const res = await t.app.inject({
        method: method as 'GET',
        url: url(route),
        ...(body === undefined
          ? {}
          : Buffer.isBuffer(body)
            ? { payload: body, headers: { 'content-type': 'text/csv' } }
            : { payload: body as object }),
      });
      expect(res.statusCode, route).toBe(401);
    }
  });

  it.each(ALL)('applies the policy to role %s on every route', async (role) => {
    for (const [route, allowed] of Object.entries(POLICY)) {
      // Logout ends the session the loop relies on; it is exercised in auth.test.ts.
      if (allowed === PUBLIC || route === 'POST /api/auth/logout') continue;
      const [method] = route.split(' ');
      const res = await clients[role].request(method as string, url(route), BODIES[route]);
      if (allowed.includes(role))
        expect([401, 403], `${role} ${route} → ${res.statusCode} ${res.body}`).not.toContain(res.statusCode);
      else expect(res.statusCode, `${role} ${route}`).toBe(403);
    }
  });
});
