import type { Db } from '../../../core/db/client.ts';
import type { Actor, Scope } from '../../auth/scope.ts';
import { createDossier, transitionDossier } from '../dossiers.service.ts';
import { updateLayers, updatePlan } from '../plan.service.ts';
import { CHECKLIST_ITEMS } from '../security-checklist.ts';
import { importSystems } from '../systems.io.ts';
import { listSystems } from '../systems.service.ts';
import { listTargets, saveTarget } from '../targets.service.ts';
import { DEMO_KINDS, DEMO_SYSTEMS, DEMO_TARGETS } from './yen-bai-systems.ts';

const ALL: Scope = { all: true };
const STEPS = {
  none: [],
  draft: [],
  submitted: ['submit'],
  under_appraisal: ['submit', 'accept'],
  returned: ['submit', 'accept', 'return'],
  approved: ['submit', 'accept', 'approve'],
} as const;

/**
 * Loads the demo systems (upserted by organisation + name), walks each new system's dossier through the
 * lifecycle to its demo state, fills part of the approved systems' plans and layers, and adds the two targets
 * of the 2024 article. Loading twice changes nothing: steps run only for systems that have no dossier yet.
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
          ...kind.cells,
        },
      };
    }),
  );
  const systems = await listSystems(db, ALL);
  let dossiers = 0;
  for (const [i, demo] of DEMO_SYSTEMS.entries()) {
    const s = systems.find((x) => x.organisationCode === demo.org && x.name === demo.name);
    if (!s || s.status.dossier || demo.state === 'none') continue;
    const d = await createDossier(db, actor, ALL, s.id, {});
    dossiers++;
    for (const action of STEPS[demo.state ?? 'none']) {
      const fields =
        action === 'return'
          ? { comment: 'Đề nghị bổ sung thuyết minh phương án sao lưu dự phòng và sơ đồ kết nối mạng' }
          : action === 'approve'
            ? {
                decisionNumber: `${100 + i}/QĐ-${d.level >= 3 ? 'UBND' : 'STTTT'}`,
                // Most decisions before the 31/08/2024 deadline, every seventh one late.
                decisionDate:
                  i % 7 === 6 ? '2024-09-16' : `2024-0${5 + (i % 4)}-${String(10 + (i % 18)).padStart(2, '0')}`,
              }
            : {};
      await transitionDossier(db, actor, ALL, d.id, { action, ...fields });
    }
    if (demo.state === 'approved') await fillPlanAndLayers(db, actor, s.id, d.level, i);
  }
  for (const t of DEMO_TARGETS)
    if (!(await listTargets(db, ALL)).some((x) => x.title === t.title)) await saveTarget(db, actor, null, t);
  return { created: report.created, unchanged: report.unchanged, errors: report.errors, dossiers };
}

/** A third of the approved systems fully implement their plan, a third half, a third not yet; layers vary too. */
async function fillPlanAndLayers(db: Db, actor: Actor, systemId: string, level: number, i: number) {
  const required = CHECKLIST_ITEMS.filter((it) => it.minLevel <= level);
  const share = [1, 0.5, 0][i % 3] ?? 0;
  const done = required.slice(0, Math.round(required.length * share));
  if (done.length)
    await updatePlan(db, actor, ALL, systemId, {
      items: done.map((it) => ({ code: it.code, status: 'done', evidence: 'Biên bản kiểm tra của Sở TT&TT năm 2024' })),
    });
  await updateLayers(db, actor, ALL, systemId, {
    layers: [
      { layer: 1, status: 'in_place', evidence: 'Quyết định phân công cán bộ phụ trách ATTT' },
      { layer: 2, status: i % 2 ? 'partial' : 'in_place', provider: 'SOC tỉnh Yên Bái' },
      {
        layer: 3,
        status: i % 4 === 3 ? 'missing' : 'in_place',
        lastInspectionDate: '2023-10-20',
        nextInspectionDate: i % 3 ? '2024-10-20' : '2026-10-20',
      },
      { layer: 4, status: i % 5 === 0 ? 'partial' : 'in_place', evidence: 'Kết nối NCSC, mã kết nối cấp 2023' },
    ],
  });
}
