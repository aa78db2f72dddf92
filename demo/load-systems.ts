import type { Db } from '../src/core/db/client.ts';
import type { Actor, Scope } from '../src/modules/auth/index.ts';
import { ruleBook } from '../src/modules/rules/index.ts';
import {
  addAttachment,
  createDossier,
  importSystems,
  listSystems,
  listTargets,
  saveTarget,
  transitionDossier,
  updateLayers,
  updatePlan,
} from '../src/modules/systems/index.ts';
import { DEMO_KINDS, DEMO_SYSTEMS, DEMO_TARGETS } from './yen-bai-2024/systems.ts';

const ALL: Scope = { all: true };
/** A moment of a day in the province (9:00 unless told). */
const at = (day: string, hour = 9) => new Date(`${day}T${String(hour).padStart(2, '0')}:00:00+07:00`);
const plus = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
/** A one-page stand-in for each document of a dossier (the importer checks the PDF signature, not the content). */
const pdf = (title: string) => Buffer.from(`%PDF-1.4\n% ${title}\n%%EOF\n`);

/**
 * Loads the demo systems (upserted by organisation + name, in service since 2022) and gives each new one a 2024
 * history through the real services, each step on its own date: the dossier drafted with its required documents,
 * submitted, accepted, for level 3 appraised, then approved or returned; most decisions before the 31/08/2024
 * deadline, every seventh one on 16/09/2024 (late). Approved systems then implement part of their plan — some by
 * 31/12/2024, some only in 2025 — and record their 4 layers. Loading twice changes nothing.
 */
export async function loadSystemsDemo(db: Db, actor: Actor) {
  const report = await importSystems(
    db,
    actor,
    ALL,
    DEMO_SYSTEMS.map((s, i) => {
      const kind = DEMO_KINDS[s.kind];
      return {
        row: i + 1,
        cells: {
          organisation_code: s.org,
          name: s.name,
          purpose: kind.purpose,
          hosts: s.hosts ?? '',
          software: 'software' in kind ? kind.software : '',
          in_service_from: '2022-01-01',
          ...kind.cells,
        },
      };
    }),
    '2024-06-30',
  );
  const book = await ruleBook(db);
  const systems = await listSystems(db, ALL);
  let dossiers = 0;
  for (const [i, demo] of DEMO_SYSTEMS.entries()) {
    const s = systems.find((x) => x.organisationCode === demo.org && x.name === demo.name);
    if (!s || s.status.dossier || demo.state === 'none') continue;
    const decision = i % 7 === 6 ? '2024-09-16' : `2024-0${5 + (i % 4)}-${String(10 + (i % 18)).padStart(2, '0')}`;
    const start = plus(decision, -45);
    const d = await createDossier(db, actor, ALL, s.id, {}, { at: at(start) });
    dossiers++;
    const documents = book.on('dossier_component', start).filter((c) => c.data.levels.includes(d.level));
    for (const c of documents.filter((x) => x.data.requiredAt === 'submission'))
      await addAttachment(db, actor, ALL, d.id, `${c.data.component}.pdf`, pdf(c.vi), c.data.component, {
        at: at(start, 10),
      });
    const step = (action: Parameters<typeof transitionDossier>[4]['action'], day: string, fields = {}) =>
      transitionDossier(db, actor, ALL, d.id, { action, ...fields }, { at: at(day, 15) });
    if (demo.state === 'draft') continue;
    await step('submit', plus(start, 2));
    if (demo.state === 'submitted') continue;
    await step('accept', plus(start, 6));
    if (demo.state === 'returned')
      await step('return', plus(start, 20), {
        comment: 'Đề nghị bổ sung thuyết minh phương án sao lưu dự phòng và sơ đồ kết nối mạng',
      });
    if (demo.state !== 'approved') continue;
    if (d.level >= 3) {
      for (const c of documents.filter((x) => x.data.requiredAt === 'approval'))
        await addAttachment(db, actor, ALL, d.id, `${c.data.component}.pdf`, pdf(c.vi), c.data.component, {
          at: at(plus(start, 20), 10),
        });
      await step('record_appraisal', plus(start, 20), { appraisalRef: `${100 + i}/BC-TĐ` });
    }
    await step('approve', decision, {
      decisionNumber: `${100 + i}/QĐ-${d.level >= 3 ? 'UBND' : 'STTTT'}`,
      decisionDate: decision,
    });
    await fillPlanAndLayers(db, actor, s.id, d.level, i, decision);
  }
  for (const t of DEMO_TARGETS)
    if (!(await listTargets(db, ALL)).some((x) => x.title === t.title)) await saveTarget(db, actor, null, t);
  return { created: report.created, unchanged: report.unchanged, errors: report.errors, dossiers };
}

/**
 * A third of the approved systems fully implement their plan (every sixth only in March 2025, after the 31/12/2024
 * deadline), a third half of it, a third not yet; the layers vary too, each recorded on its date.
 */
async function fillPlanAndLayers(db: Db, actor: Actor, systemId: string, level: number, i: number, decision: string) {
  const book = await ruleBook(db);
  const required = book.on('checklist_item', decision).filter((it) => it.data.minLevel <= level);
  const share = [1, 0.5, 0][i % 3] ?? 0;
  const done = required.slice(0, Math.round(required.length * share));
  const when = share === 1 && i % 6 === 0 ? '2025-03-14' : plus(decision, 75);
  if (done.length)
    await updatePlan(
      db,
      actor,
      ALL,
      systemId,
      { items: done.map((it) => ({ code: it.data.code, status: 'done', evidence: 'Biên bản kiểm tra năm 2024' })) },
      { at: at(when, 16) },
    );
  await updateLayers(
    db,
    actor,
    ALL,
    systemId,
    {
      layers: [
        { layer: 1, status: 'in_place', evidence: 'Quyết định phân công cán bộ phụ trách ATTT' },
        { layer: 2, status: i % 2 ? 'partial' : 'in_place', provider: 'SOC tỉnh (demo)' },
        {
          layer: 3,
          status: i % 4 === 3 ? 'missing' : 'in_place',
          lastInspectionDate: i % 3 ? '2023-10-20' : '2024-10-20',
        },
        { layer: 4, status: i % 5 === 0 ? 'partial' : 'in_place', evidence: 'Kết nối NCSC, mã kết nối cấp 2023' },
      ],
    },
    { at: at(plus(decision, 30), 16) },
  );
}
