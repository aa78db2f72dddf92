import { expect } from 'vitest';
import { provinceDay } from '../../src/core/time.ts';
import type { Client } from '../support/app.ts';

/** Shared fixtures of the systems API tests: a small tree and systems of a known level. */
export type Tree = Record<string, string>;

export async function createTree(admin: Client): Promise<Tree> {
  const ids: Tree = {};
  const orgs: [string, string, string, string | null][] = [
    ['15', 'Tỉnh Yên Bái', 'province', null],
    ['SO-TTTT', 'Sở Thông tin và Truyền thông', 'department', '15'],
    ['137', 'Huyện Mù Căng Chải', 'district', '15'],
    ['04402', 'Thị trấn Mù Căng Chải', 'commune', '137'],
    ['04405', 'Xã Hồ Bốn', 'commune', '137'],
    ['141', 'Huyện Yên Bình', 'district', '15'],
  ];
  for (const [code, name, type, parent] of orgs) {
    const res = await admin.request('POST', '/api/organisations', {
      code,
      name,
      type,
      parentId: parent ? ids[parent] : null,
      headName: `Head of ${code}`,
      email: `head-${code.toLowerCase()}@example.vn`,
      ipRanges: [],
    });
    expect(res.statusCode, res.body).toBe(201);
    ids[code] = res.json().id;
  }
  return ids;
}

/** Classification answers that make the aid suggest the given level. */
export const ANSWERS_FOR_LEVEL: Record<number, Record<string, unknown>> = {
  1: { systemType: 'internal' },
  2: { systemType: 'internal', infoPrivate: true },
  3: { systemType: 'public_service', onlineServiceLevel: 4, infoPersonal: true, userCount: 20_000 },
  4: { systemType: 'internal', stateSecretGrade: 'toi_mat', securityHarm: 'serious' },
  5: { systemType: 'internal', stateSecretGrade: 'tuyet_mat', securityHarm: 'especially_serious' },
};

let counter = 0;
export async function createSystem(
  client: Client,
  organisationId: string,
  level: number,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; name: string }> {
  const name = `Hệ thống ${++counter}`;
  const res = await client.request('POST', '/api/systems', {
    organisationId,
    name,
    ...ANSWERS_FOR_LEVEL[level],
    ...extra,
  });
  expect(res.statusCode, res.body).toBe(201);
  return { id: res.json().id, name };
}

/** An approval decision signed today (a decision may not predate the dossier's acceptance, nor be in the future). */
export const DECISION = { decisionNumber: '123/QĐ-UBND', decisionDate: provinceDay() };

const PDF = Buffer.from('%PDF-1.4\n% test\n%%EOF\n');

/** Attaches the documents the rules require at `stage` that the dossier still lacks (as `client`). */
export async function attachComponents(client: Client, dossierId: string, stage: 'submission' | 'approval') {
  const dossier = (await client.request('GET', `/api/dossiers/${dossierId}`)).json();
  for (const c of dossier.components as { component: string; requiredAt: string; attached: boolean }[]) {
    if (c.attached || c.requiredAt !== stage) continue;
    const res = await client.request(
      'POST',
      `/api/dossiers/${dossierId}/attachments?filename=${c.component}.pdf&component=${c.component}`,
      PDF,
    );
    expect(res.statusCode, res.body).toBe(201);
  }
}

/** Creates a dossier (by the agency) and drives it to `state` (by the admin). Returns its id. */
export async function dossierIn(
  agency: Client,
  admin: Client,
  systemId: string,
  state: string,
  level: number,
): Promise<string> {
  const created = await agency.request('POST', `/api/systems/${systemId}/dossiers`, {});
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json().id as string;
  const step = async (action: string, extra: Record<string, unknown> = {}) => {
    const res = await admin.request('POST', `/api/dossiers/${id}/transitions`, { action, ...extra });
    expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
  };
  await attachComponents(agency, id, 'submission');
  if (state === 'draft') return id;
  await step('submit');
  if (state === 'submitted') return id;
  await step('accept');
  if (state === 'under_appraisal') return id;
  if (state === 'returned') {
    await step('return', { comment: 'Thiếu sơ đồ mạng' });
    return id;
  }
  if (level >= 3) {
    await attachComponents(admin, id, 'approval');
    await step('record_appraisal', { appraisalRef: '456/CATTT-ATHTTT' });
  }
  await step('approve', DECISION);
  return id;
}
