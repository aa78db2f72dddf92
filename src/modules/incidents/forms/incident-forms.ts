import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../core/db/client.ts';
import {
  type Block,
  field,
  formatDateTime,
  formatDayTime,
  formatInstantDay,
  NO_COLUMN,
  type OfficialDocument,
  para,
  type Section,
  table,
} from '../../../core/documents/index.ts';
import { provinceDay } from '../../../core/time.ts';
import type { Scope } from '../../auth/index.ts';
import { organisations } from '../../organisations/index.ts';
import type { RuleBook } from '../../rules/index.ts';
import { informationSystems, systemStatuses } from '../../systems/index.ts';
import type { IncidentType, ResponseStep, SeverityFactor } from '../incidents.input.ts';
import {
  incidentEvidence,
  incidentOrganisations,
  incidentReports,
  incidentSteps,
  incidentSystems,
  incidents,
} from '../incidents.schema.ts';
import { incidentNotFound, incidentScopeFilter } from '../incidents.service.ts';
import { FACTOR_VI, SEVERITY_VI, STEP_VI, TYPE_VI } from './labels.ts';
import { clockRecipients, documentFrame, issuerOf, type Recipient, recipientsOn } from './parties.ts';

export type IncidentRow = typeof incidents.$inferSelect;
export type FormResult = { doc: OfficialDocument; recipients: Recipient[]; fileStem: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An incident the scope may read, by id or by its code (SC-2026-0007); another agency's is "not found". */
export async function visibleIncident(db: Db, scope: Scope, idOrCode: string): Promise<IncidentRow> {
  const key = UUID.test(idOrCode) ? eq(incidents.id, idOrCode) : eq(incidents.code, idOrCode);
  const [row] = await db
    .select()
    .from(incidents)
    .where(and(key, incidentScopeFilter(scope)));
  if (!row) throw incidentNotFound();
  return row;
}

/** The latest issue of a form for an incident, if any. */
async function lastIssue(db: Db, incidentId: string, form: '03' | '04') {
  const [row] = await db
    .select()
    .from(incidentReports)
    .where(and(eq(incidentReports.incidentId, incidentId), eq(incidentReports.form, form)))
    .orderBy(desc(incidentReports.issuedAt))
    .limit(1);
  return row ?? null;
}

/**
 * The day a form is dated when the caller names none: the day it was last issued, else its statutory day — the
 * initial report's is the detection (it is due at once), the closing report's the end of the response (today while
 * it goes on). Recipients are those in force on that day. (When the operator found the incident beyond its capability
 * is when Khiên recorded it, which for an incident entered afterwards is not the day the report was due.)
 */
export async function defaultFormDay(db: Db, row: IncidentRow, form: '03' | '04'): Promise<string> {
  const issued = await lastIssue(db, row.id, form);
  if (issued) return provinceDay(issued.issuedAt);
  if (form === '03') return provinceDay(row.detectedAt);
  return provinceDay(row.responseEndedAt ?? new Date());
}

const text = (v: string | null | undefined): Block[] =>
  v?.trim()
    ? v
        .split(/\n+/)
        .map((l) => l.trim())
        .filter(Boolean)
        .map((l) => para(l))
    : [para('……')];
const levelText = (level: number | null | undefined) => (level ? `cấp độ ${level}` : 'chưa được phê duyệt cấp độ');

/** What both reports say about the incident: its systems with their level on the detection day, the agencies hit. */
async function facts(db: Db, row: IncidentRow) {
  const linked = await db
    .select({ id: incidentSystems.systemId })
    .from(incidentSystems)
    .where(eq(incidentSystems.incidentId, row.id));
  const ids = [...new Set([...(row.systemId ? [row.systemId] : []), ...linked.map((s) => s.id)])];
  const day = provinceDay(row.detectedAt);
  const [systems, statuses, affected] = await Promise.all([
    ids.length
      ? db
          .select({ id: informationSystems.id, name: informationSystems.name })
          .from(informationSystems)
          .where(inArray(informationSystems.id, ids))
          .orderBy(asc(informationSystems.name))
      : [],
    systemStatuses(db, ids, day),
    db
      .select({ name: organisations.name })
      .from(incidentOrganisations)
      .innerJoin(organisations, eq(organisations.id, incidentOrganisations.organisationId))
      .where(eq(incidentOrganisations.incidentId, row.id))
      .orderBy(asc(organisations.name)),
  ]);
  return {
    systems: systems.map((s) => ({ ...s, level: statuses.get(s.id)?.approvedLevel ?? null })),
    affected: affected.map((a) => a.name),
  };
}

const typeText = (t: string) => TYPE_VI[t as IncidentType] ?? t;

/** Biểu mẫu 03 (TT 20/2017): the initial report, with the fields of QĐ 05/2017 Art. 11 cl. 4. */
export async function initialReport(db: Db, book: RuleBook, row: IncidentRow, day: string): Promise<FormResult> {
  const [issuer, f] = await Promise.all([issuerOf(db, book, row.organisationId, day), facts(db, row)]);
  const ownerOf = { ownerBodyCode: issuer.unit.ownerBodyCode, ownerName: row.ownerName };
  const recipients = clockRecipients(book, 'initial_report', day, ownerOf);
  const owner = recipientsOn(book, ['owner'], day, ownerOf)[0]?.name;
  const factors = row.severityFactors.map((x) => FACTOR_VI[x as SeverityFactor] ?? x);
  const sections: Section[] = [
    {
      heading: 'Thông tin về đơn vị báo cáo sự cố',
      blocks: [
        field('Tên đơn vị vận hành hệ thống thông tin', issuer.body),
        field('Cơ quan chủ quản', owner),
        field('Địa chỉ', issuer.unit.address),
        field('Điện thoại', issuer.unit.phone),
        field('Thư điện tử', issuer.unit.email),
      ],
    },
    {
      heading: 'Người liên hệ',
      blocks: [
        field('Họ và tên', row.contactName),
        field('Chức vụ', row.contactPosition),
        field('Điện thoại', row.contactPhone),
        field('Thư điện tử', row.contactEmail),
      ],
    },
    {
      heading: 'Hệ thống thông tin bị sự cố',
      blocks: [
        ...(f.systems.length
          ? f.systems.map((s) => field(s.name, levelText(s.level)))
          : [para('Chưa xác định hệ thống thông tin bị sự cố.')]),
        ...(f.affected.length ? [field('Cơ quan, đơn vị khác bị ảnh hưởng', f.affected.join('; '))] : []),
        field('Nhà cung cấp dịch vụ hạ tầng (kết nối, lưu trữ)', row.provider),
      ],
    },
    {
      heading: 'Thông tin về sự cố',
      blocks: [
        field('Mã sự cố', `${row.code} — ${row.title}`),
        field('Thời điểm phát hiện', formatDateTime(row.detectedAt)),
        field('Loại sự cố', typeText(row.type)),
        field('Phân loại', SEVERITY_VI[row.severity]),
        ...(factors.length ? [field('Hậu quả', factors.join('; '))] : []),
        field(
          'Khả năng tự xử lý',
          row.beyondCapability ? 'Vượt quá khả năng tự xử lý của đơn vị' : 'Đơn vị tự xử lý được',
        ),
        field('Mô tả sự cố', row.description),
        field('Mức độ thiệt hại', row.damage),
        field('Phạm vi, khả năng lan rộng', row.spread),
      ],
    },
    { heading: 'Các biện pháp đã triển khai ban đầu', blocks: text(row.actionsTaken) },
    {
      heading: 'Kết quả xử lý ban đầu',
      blocks: [field('Tổ chức, cá nhân đã hỗ trợ', row.helpers), field('Kết quả', row.results)],
    },
    { heading: 'Đề xuất, kiến nghị', blocks: text(row.proposals) },
  ];
  return {
    recipients,
    fileStem: `mau-03-${row.code}`,
    doc: {
      ...documentFrame(issuer, day),
      symbol: `BC-${issuer.unit.code}`,
      formLabel: 'Biểu mẫu 03 — Thông tư 20/2017/TT-BTTTT',
      kind: 'Báo cáo',
      excerpt: 'Ban đầu sự cố an toàn thông tin mạng',
      addressees: recipients.map((r) => r.name),
      sections,
      closing: [para(`Trên đây là báo cáo ban đầu về sự cố ${row.code} của ${issuer.body}./.`)],
      signature: issuer.signature,
    },
  };
}

/** Biểu mẫu 04 (TT 20/2017): the closing report — the timeline of the response, its results and lessons. */
export async function closingReport(db: Db, book: RuleBook, row: IncidentRow, day: string): Promise<FormResult> {
  const [issuer, f, steps, evidence, initial] = await Promise.all([
    issuerOf(db, book, row.organisationId, day),
    facts(db, row),
    db
      .select({ step: incidentSteps.step, at: incidentSteps.at, note: incidentSteps.note })
      .from(incidentSteps)
      .where(eq(incidentSteps.incidentId, row.id))
      .orderBy(asc(incidentSteps.at), asc(incidentSteps.createdAt)),
    db
      .select({ fileName: incidentEvidence.fileName, sha256: incidentEvidence.sha256 })
      .from(incidentEvidence)
      .where(eq(incidentEvidence.incidentId, row.id))
      .orderBy(asc(incidentEvidence.uploadedAt)),
    lastIssue(db, row.id, '03'),
  ]);
  const ownerOf = { ownerBodyCode: issuer.unit.ownerBodyCode, ownerName: row.ownerName };
  const recipients = clockRecipients(book, 'closing_report', day, ownerOf);
  const owner = recipientsOn(book, ['owner'], day, ownerOf)[0]?.name;
  const lessons = steps.filter((s) => s.step === 'lessons').map((s) => para(s.note));
  const sections: Section[] = [
    {
      heading: 'Thông tin về tổ chức báo cáo sự cố',
      blocks: [
        field('Tên tổ chức', issuer.body),
        field('Địa chỉ', issuer.unit.address),
        field('Điện thoại', issuer.unit.phone),
        field('Thư điện tử', issuer.unit.email),
        field(
          'Báo cáo ban đầu sự cố',
          initial ? `đã gửi ngày ${formatInstantDay(initial.issuedAt)}` : 'không lập (đơn vị tự xử lý được sự cố)',
        ),
      ],
    },
    {
      heading: 'Thông tin về hệ thống bị sự cố',
      blocks: [
        field('Tên đơn vị vận hành hệ thống thông tin', issuer.body),
        field('Cơ quan chủ quản', owner),
        ...(f.systems.length
          ? f.systems.map((s) => field(`Hệ thống ${s.name}`, levelText(s.level)))
          : [field('Hệ thống bị sự cố', null)]),
      ],
    },
    {
      heading: 'Thông tin về sự cố',
      blocks: [
        field('Tên, mô tả sự cố', `${row.code} — ${row.title}`),
        ...(row.description ? text(row.description) : []),
        field('Loại sự cố', typeText(row.type)),
        field('Phân loại', SEVERITY_VI[row.severity]),
        field('Thời điểm phát hiện', formatDateTime(row.detectedAt)),
        field('Thời điểm kết thúc ứng cứu', row.responseEndedAt ? formatDateTime(row.responseEndedAt) : null),
      ],
    },
    {
      heading: 'Diễn biến quá trình ứng cứu',
      blocks: steps.length
        ? [
            table(
              [
                NO_COLUMN,
                { header: 'Thời gian', mm: 30, align: 'center' },
                { header: 'Bước ứng cứu', width: 4 },
                { header: 'Nội dung thực hiện', width: 7 },
              ],
              steps.map((s, i) => [i + 1, formatDayTime(s.at), STEP_VI[s.step as ResponseStep] ?? s.step, s.note]),
            ),
          ]
        : [para('Chưa ghi nhận bước ứng cứu nào.')],
    },
    { heading: 'Kết quả xử lý sự cố', blocks: text(row.results) },
    {
      heading: 'Bài học kinh nghiệm và đề xuất',
      blocks: [
        ...lessons,
        ...(row.proposals ? text(row.proposals) : []),
        ...(lessons.length || row.proposals ? [] : [para('……')]),
      ],
    },
    {
      heading: 'Các tài liệu kèm theo',
      blocks: evidence.length
        ? evidence.map((e) => ({
            paragraph: { runs: [`- ${e.fileName} (SHA-256: ${e.sha256})`], align: 'left' as const },
          }))
        : [para('Không có.')],
    },
  ];
  return {
    recipients,
    fileStem: `mau-04-${row.code}`,
    doc: {
      ...documentFrame(issuer, day),
      symbol: `BC-${issuer.unit.code}`,
      formLabel: 'Biểu mẫu 04 — Thông tư 20/2017/TT-BTTTT',
      kind: 'Báo cáo',
      excerpt: 'Kết thúc ứng phó sự cố an toàn thông tin mạng',
      addressees: recipients.map((r) => r.name),
      sections,
      closing: [para(`Trên đây là báo cáo kết thúc ứng phó sự cố ${row.code} của ${issuer.body}./.`)],
      signature: issuer.signature,
    },
  };
}
