import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../core/db/client.ts';
import {
  type Block,
  field,
  formatDay,
  NO_COLUMN,
  type OfficialDocument,
  para,
  type Section,
  table,
} from '../../core/documents/index.ts';
import { AppError } from '../../core/errors.ts';
import { provinceDay } from '../../core/time.ts';
import { inScope, type Scope } from '../auth/index.ts';
import { documentFrame, issuerOf } from '../incidents/index.ts';
import { organisations } from '../organisations/index.ts';
import { type InspectionContent, ruleBook } from '../rules/index.ts';
import { informationSystems } from '../systems/index.ts';
import type { CheckResult } from './inspections.input.ts';
import { inspectionFindings, inspectionPlans } from './inspections.schema.ts';
import {
  checklistOf,
  findingStateOn,
  inspectedSystems,
  SEVERITY_FIRST,
  visibleInspection,
} from './inspections.service.ts';

// The words of the conclusion (a Vietnamese administrative document).
const CONTENT_VI: Record<InspectionContent, string> = {
  legal: 'Việc tuân thủ các quy định của pháp luật về bảo đảm an toàn hệ thống thông tin',
  effectiveness: 'Hiệu quả của các biện pháp bảo đảm an toàn hệ thống thông tin',
  scan: 'Kết quả rà quét lỗ hổng, điểm yếu, mã độc và kiểm tra xâm nhập',
  other: 'Các nội dung khác',
};
const RESULT_VI: Record<CheckResult, string> = {
  compliant: 'Đạt',
  partly: 'Đạt một phần',
  not_compliant: 'Không đạt',
  not_applicable: 'Không áp dụng',
};
const SEVERITY_VI = { critical: 'Nghiêm trọng', high: 'Cao', medium: 'Trung bình', low: 'Thấp' } as const;
const STATE_VI: Record<string, string> = {
  open: 'Chưa khắc phục',
  answered: 'Đã báo cáo khắc phục',
  closed: 'Đã khắc phục',
};

/**
 * Kết luận kiểm tra: the inspection's conclusion as an official document of the inspecting unit, dated `day` (default:
 * the day it was concluded, else today): general information, results per content, the findings with their
 * deadlines and their state on that day, and the requests. Field work must have started (the checklist exists).
 */
export async function inspectionConclusion(
  db: Db,
  scope: Scope,
  inspectionId: string,
  day?: string,
): Promise<{ doc: OfficialDocument; fileStem: string; organisationId: string }> {
  const i = await visibleInspection(db, scope, inspectionId);
  // A unit that sees the inspection only through a finding it must remediate does not read the agency's others.
  if (!inScope(scope, i.organisationId) && !inScope(scope, i.inspectorOrganisationId))
    throw new AppError('NOT_FOUND', 'Inspection not found', undefined, { key: 'inspections.notFound' });
  if (i.state === 'planned' || i.state === 'notified')
    throw new AppError('CONFLICT', 'Field work has not started', undefined, {
      key: 'inspections.notStarted',
    });
  const on = day ?? i.concludedOn ?? provinceDay();
  const book = await ruleBook(db);
  const issuer = await issuerOf(db, book, i.inspectorOrganisationId, on);
  const [agency] = await db
    .select({ name: organisations.name, code: organisations.code })
    .from(organisations)
    .where(eq(organisations.id, i.organisationId));
  const [plan] = i.planId ? await db.select().from(inspectionPlans).where(eq(inspectionPlans.id, i.planId)) : [];
  const [systems, checks] = await Promise.all([
    inspectedSystems(db, book, i.id, i.startedOn ?? on),
    checklistOf(db, i.id),
  ]);
  const findings = await db
    .select({
      f: inspectionFindings,
      organisationName: organisations.name,
      systemName: informationSystems.name,
      stateOn: findingStateOn(on),
    })
    .from(inspectionFindings)
    .innerJoin(organisations, eq(organisations.id, inspectionFindings.organisationId))
    .leftJoin(informationSystems, eq(informationSystems.id, inspectionFindings.systemId))
    .where(and(eq(inspectionFindings.inspectionId, i.id), sql`${inspectionFindings.foundOn} <= ${on}::date`))
    .orderBy(SEVERITY_FIRST, asc(inspectionFindings.createdAt));

  const agencyName = agency?.name ?? '';
  const period =
    i.startedOn && i.endedOn
      ? `từ ngày ${formatDay(i.startedOn)} đến ngày ${formatDay(i.endedOn)}`
      : i.startedOn
        ? `từ ngày ${formatDay(i.startedOn)}`
        : null;
  const general: Block[] = [
    field('Đơn vị được kiểm tra', agencyName),
    field('Hình thức kiểm tra', i.kind === 'periodic' ? 'Định kỳ' : 'Đột xuất'),
    field(
      'Căn cứ',
      plan
        ? [
            plan.title,
            plan.decisionRef &&
              `(${plan.decisionRef}${plan.decisionDate ? ` ngày ${formatDay(plan.decisionDate)}` : ''})`,
          ]
            .filter(Boolean)
            .join(' ')
        : null,
    ),
    field('Thời gian kiểm tra', period),
    field(
      'Đoàn kiểm tra',
      i.team.map((m) => `${m.name}${m.role === 'lead' ? ' (Trưởng đoàn)' : ''}`).join('; ') || null,
    ),
  ];
  if (systems.length)
    general.push(
      para('Hệ thống thông tin được kiểm tra:'),
      table(
        [NO_COLUMN, { header: 'Hệ thống thông tin', width: 4 }, { header: 'Cấp độ', mm: 22, align: 'center' }],
        systems.map((s, n) => [n + 1, s.name, s.level ?? 'Chưa phê duyệt']),
      ),
    );

  const results: Section[] = (['legal', 'effectiveness', 'scan', 'other'] as const)
    .map((content) => ({ content, rows: checks.filter((c) => c.c.content === content) }))
    .filter((g) => g.rows.length)
    .map((g) => ({
      heading: CONTENT_VI[g.content],
      blocks: [
        table(
          [
            NO_COLUMN,
            { header: 'Nội dung kiểm tra', width: 4 },
            // With one system every row would repeat its name (section 1 names it).
            ...(systems.length > 1 ? [{ header: 'Hệ thống', width: 2 }] : []),
            { header: 'Kết quả', mm: 28, align: 'center' },
            { header: 'Ghi chú', width: 3 },
          ],
          g.rows.map(({ c, systemName }, n) => [
            n + 1,
            c.textVi,
            ...(systems.length > 1 ? [systemName ?? '—'] : []),
            c.result ? RESULT_VI[c.result] : 'Chưa đánh giá',
            [c.evidence, c.note].filter(Boolean).join(' ') || null,
          ]),
        ),
      ],
    }));

  const findingBlocks: Block[] = findings.length
    ? [
        table(
          [
            NO_COLUMN,
            { header: 'Tồn tại, hạn chế', width: 4 },
            { header: 'Mức độ', mm: 26, align: 'center' },
            { header: 'Đơn vị khắc phục', width: 2 },
            { header: 'Thời hạn', mm: 26, align: 'center' },
            { header: 'Tình trạng', mm: 32, align: 'center' },
          ],
          findings.map(({ f, organisationName, systemName, stateOn }, n) => [
            n + 1,
            [f.title, systemName && `(${systemName})`, f.description].filter(Boolean).join(' '),
            SEVERITY_VI[f.severity],
            organisationName,
            formatDay(f.dueOn),
            STATE_VI[stateOn] ?? stateOn,
          ]),
        ),
      ]
    : [para('Không phát hiện tồn tại, hạn chế.')];

  const conclusion: Block[] = [
    ...(i.summary?.trim()
      ? i.summary
          .split(/\n+/)
          .map((l) => l.trim())
          .filter(Boolean)
          .map((l) => para(l))
      : []),
    para(
      findings.length
        ? `Đề nghị ${agencyName} khắc phục các tồn tại, hạn chế nêu tại Mục 3 trong thời hạn nêu trên và báo cáo kết quả khắc phục về ${issuer.body}.`
        : `Đề nghị ${agencyName} tiếp tục duy trì các biện pháp bảo đảm an toàn hệ thống thông tin theo quy định.`,
    ),
  ];

  const doc: OfficialDocument = {
    ...documentFrame(issuer, on),
    symbol: `KL-${issuer.unit.code}`,
    kind: 'Kết luận',
    excerpt: `Kiểm tra, đánh giá an toàn thông tin tại ${agencyName}`,
    sections: [
      { heading: 'Thông tin chung', blocks: general },
      { heading: 'Kết quả kiểm tra', blocks: [], subsections: results },
      { heading: 'Tồn tại, hạn chế và yêu cầu khắc phục', blocks: findingBlocks },
      { heading: 'Kết luận và kiến nghị', blocks: conclusion },
    ],
    signature: issuer.signature,
    recipients: [agencyName, 'Lưu: VT'],
  };
  return { doc, fileStem: `ket-luan-kiem-tra-${agency?.code ?? 'don-vi'}-${on}`, organisationId: i.organisationId };
}
