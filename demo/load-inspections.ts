// The Department's 2024 inspection plan as demo data: four agencies, one inspection concluded with two findings (one
// remediated and closed, one still open past its deadline), one closed without findings, one concluded late with
// a late notice, one still planned. Team names are invented. Loading twice changes nothing.
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../src/core/db/client.ts';
import type { Actor } from '../src/modules/auth/index.ts';
import {
  addFinding,
  answerFinding,
  createInspection,
  createPlan,
  decideFinding,
  inspectionPlans,
  recordChecks,
  transitionInspection,
} from '../src/modules/inspections/index.ts';
import { organisationByCodeOn } from '../src/modules/organisations/index.ts';
import { informationSystems, systemStatuses } from '../src/modules/systems/index.ts';

const ALL = { all: true } as const;
const YEAR = 2024;
const TITLE = 'Kế hoạch kiểm tra, đánh giá an toàn thông tin năm 2024';
const ISSUER = 'SO-TTTT';
const TEAM = [
  { name: 'Hoàng Minh Tuấn', role: 'lead' as const },
  { name: 'Lò Thị Hương', role: 'member' as const },
  { name: 'Đặng Quang Vinh', role: 'member' as const },
];

type Step = { to: 'notified' | 'in_progress' | 'concluded' | 'closed'; on: string; endedOn?: string; summary?: string };
type DemoFinding = {
  severity: 'critical' | 'high' | 'medium' | 'low';
  title: string;
  dueOn: string;
  foundOn: string;
  answer?: { on: string; text: string; evidence?: string };
  accepted?: string;
};
type DemoInspection = {
  code: string;
  plannedStart: string;
  plannedEnd: string;
  steps: Step[];
  /** Items found lacking (by item code) — the rest are compliant. */
  lacking?: string[];
  findings?: DemoFinding[];
};

const INSPECTIONS: DemoInspection[] = [
  {
    code: 'VP-UBND',
    plannedStart: '2024-10-14',
    plannedEnd: '2024-10-16',
    steps: [
      { to: 'notified', on: '2024-09-30' },
      { to: 'in_progress', on: '2024-10-14' },
      {
        to: 'concluded',
        on: '2024-11-08',
        endedOn: '2024-10-16',
        summary:
          'Văn phòng UBND tỉnh đã xác định cấp độ và triển khai phương án bảo đảm an toàn thông tin; còn thiếu quy chế và nhật ký hệ thống chưa được lưu đủ thời gian theo quy định.',
      },
    ],
    lacking: ['L6', 'M1.1'],
    findings: [
      {
        severity: 'high',
        title: 'Nhật ký máy chủ ứng dụng chưa được lưu trữ tối thiểu 30 ngày',
        dueOn: '2024-12-15',
        foundOn: '2024-10-15',
        answer: {
          on: '2024-12-05',
          text: 'Đã cấu hình chuyển nhật ký về hệ thống giám sát tập trung, lưu trữ 90 ngày.',
          evidence: 'Báo cáo số 215/BC-VPUBND ngày 05/12/2024',
        },
        accepted: '2024-12-10',
      },
      {
        severity: 'medium',
        title: 'Chưa ban hành quy chế bảo đảm an toàn thông tin của cơ quan',
        dueOn: '2024-12-20',
        foundOn: '2024-10-16',
      },
    ],
  },
  {
    code: '137',
    plannedStart: '2024-09-10',
    plannedEnd: '2024-09-11',
    steps: [
      { to: 'notified', on: '2024-08-26' },
      { to: 'in_progress', on: '2024-09-10' },
      {
        to: 'concluded',
        on: '2024-10-08',
        endedOn: '2024-09-11',
        summary: 'Đơn vị tuân thủ các quy định về bảo đảm an toàn hệ thống thông tin theo cấp độ.',
      },
      { to: 'closed', on: '2024-10-10' },
    ],
  },
  {
    code: 'SO-YTE',
    plannedStart: '2024-11-12',
    plannedEnd: '2024-11-13',
    steps: [
      { to: 'notified', on: '2024-11-05' },
      { to: 'in_progress', on: '2024-11-12' },
      { to: 'concluded', on: '2024-12-20', endedOn: '2024-11-13' },
    ],
    lacking: ['S1'],
    findings: [
      {
        severity: 'critical',
        title: 'Máy chủ của hệ thống quản lý bệnh viện còn lỗ hổng nghiêm trọng chưa được vá',
        dueOn: '2024-12-15',
        foundOn: '2024-11-13',
        answer: { on: '2024-12-12', text: 'Đã cập nhật bản vá và rà quét lại, không còn lỗ hổng nghiêm trọng.' },
        accepted: '2024-12-18',
      },
    ],
  },
  {
    code: 'SO-GDDT',
    plannedStart: '2024-12-10',
    plannedEnd: '2024-12-11',
    steps: [],
  },
];

/** Loads the plan and its inspections; returns how many inspections it added (0 when the plan is there already). */
export async function loadInspectionsDemo(db: Db, actor: Actor): Promise<number> {
  const [known] = await db
    .select({ id: inspectionPlans.id })
    .from(inspectionPlans)
    .where(and(eq(inspectionPlans.year, YEAR), eq(inspectionPlans.title, TITLE)));
  if (known) return 0;
  const issuer = await organisationByCodeOn(db, ISSUER, '2024-03-15');
  if (!issuer) return 0;
  const plan = await createPlan(db, actor, ALL, {
    year: YEAR,
    organisationId: issuer.id,
    title: TITLE,
    decisionRef: '125/KH-STTTT',
    decisionDate: '2024-03-15',
    team: TEAM,
  });
  let added = 0;
  for (const spec of INSPECTIONS) {
    const agency = await organisationByCodeOn(db, spec.code, spec.plannedStart);
    if (!agency) continue;
    // One system keeps the demo's checklist short: the agency's highest approved level on the start day.
    const systems = await db
      .select({ id: informationSystems.id })
      .from(informationSystems)
      .where(eq(informationSystems.organisationId, agency.id))
      .orderBy(asc(informationSystems.name));
    const levels = await systemStatuses(
      db,
      systems.map((s) => s.id),
      spec.plannedStart,
    );
    const level = (id: string) => levels.get(id)?.approvedLevel ?? 0;
    const chosen = [...systems].sort((a, b) => level(b.id) - level(a.id)).slice(0, 1);
    let d = await createInspection(db, actor, ALL, {
      planId: plan.id,
      kind: 'periodic',
      title: `Kiểm tra, đánh giá an toàn thông tin tại ${agency.name}`,
      organisationId: agency.id,
      plannedStart: spec.plannedStart,
      plannedEnd: spec.plannedEnd,
      systemIds: chosen.map((s) => s.id),
    });
    added++;
    for (const step of spec.steps) {
      if (step.to === 'concluded') {
        for (const f of spec.findings ?? [])
          d = await addFinding(db, actor, ALL, d.id, {
            severity: f.severity,
            organisationId: agency.id,
            title: f.title,
            dueOn: f.dueOn,
            foundOn: f.foundOn,
          });
        d = await recordChecks(
          db,
          actor,
          ALL,
          d.id,
          d.checklist.map((c) => ({
            checkId: c.id,
            result: spec.lacking?.includes(c.itemCode) ? ('partly' as const) : ('compliant' as const),
          })),
        );
      }
      d = await transitionInspection(db, actor, ALL, d.id, step);
    }
    for (const f of spec.findings ?? []) {
      const found = d.findingList.find((x) => x.title === f.title);
      if (!found) continue;
      if (f.answer) await answerFinding(db, actor, ALL, d.id, found.id, f.answer);
      if (f.accepted) d = await decideFinding(db, actor, ALL, d.id, found.id, { accept: true, on: f.accepted });
    }
  }
  return added;
}
