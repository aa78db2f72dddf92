import type { Db } from '../../core/db/client.ts';
import {
  type Block,
  formatDay,
  formatNumber,
  NO_COLUMN,
  type OfficialDocument,
  para,
  type Section,
  type TableColumn,
  table,
} from '../../core/documents/index.ts';
import type { Scope } from '../auth/index.ts';
import { documentFrame, type Issuer, issuerOf, recipientsOn } from '../incidents/index.ts';
import type { AppliedRule, RuleBook } from '../rules/index.ts';
import {
  type AnnualFigures,
  annualFigures,
  type MonitoringFigures,
  monitoringFigures,
  type SixMonthFigures,
  sixMonthFigures,
} from './figures.ts';
import { type PeriodicKind, type ReportPeriod, scheduleRule } from './periods.ts';

/** What a periodic report is about: its kind, year (and half), the issuing unit and whether it speaks for all. */
export type PeriodicSubject = {
  kind: PeriodicKind;
  year: number;
  half: 1 | 2 | null;
  period: ReportPeriod;
  /** The issuing unit. */
  organisationId: string;
  /** Figures over the caller's whole scope (the province's own report) rather than the unit's subtree. */
  wholeScope: boolean;
  /** The document's day, its number (null until issued) and symbol. */
  day: string;
  number: string | null;
  symbol: string | null;
};

export type BuiltReport = {
  doc: OfficialDocument;
  fileStem: string;
  title: string;
  /** The figures printed; none for a conclusion (its content is the inspection record). */
  figures: SixMonthFigures | AnnualFigures | MonitoringFigures | Record<string, never>;
};

const n = formatNumber;
const pct = (p: number | null) => (p === null ? '—' : `${n(p)}%`);
const halfText = (half: 1 | 2 | null) => (half === 2 ? '6 tháng cuối năm' : '6 tháng đầu năm');

const TRIAGE_VI = {
  new: 'Mới phát hiện, chưa xử lý',
  confirmed: 'Đã xác nhận',
  false_positive: 'Cảnh báo nhầm (không tính vào số liệu)',
  escalated: 'Đã chuyển xử lý sự cố',
} as const;

const DOCUMENT_TYPES: Record<string, string> = {
  TT: 'Thông tư',
  TTLT: 'Thông tư liên tịch',
  NĐ: 'Nghị định',
  QĐ: 'Quyết định',
  CT: 'Chỉ thị',
  NQ: 'Nghị quyết',
};

/**
 * A provision as the body of a document cites it: "điểm c khoản 2 Điều 13 Thông tư số 12/2022/TT-BTTTT" — the
 * provision first, then the document by its type in words (the rules' short "TT 12/2022/TT-BTTTT, Điều 13" is for
 * lists, not for a sentence of an official document).
 */
export function citedInText(b: AppliedRule['basis']): string {
  const [, type, rest] = /^(\p{L}+)\s+(\d.*)$/u.exec(b.document.trim()) ?? [];
  const document = type && rest && DOCUMENT_TYPES[type] ? `${DOCUMENT_TYPES[type]} số ${rest}` : b.document;
  const article = b.article && (/^\d/.test(b.article) ? `Điều ${b.article}` : b.article);
  return [b.point && `điểm ${b.point}`, b.clause && `khoản ${b.clause}`, article, document].filter(Boolean).join(' ');
}

/** The "Nơi nhận"/"Kính gửi" of a report: the schedule rule's step for a unit, or for the owner (a unit with no parent). */
function addressees(book: RuleBook, s: PeriodicSubject, issuer: Issuer) {
  const rule = scheduleRule(book, s.kind, s.period.to);
  const step = rule?.data.steps.find((x) => x.sender === (issuer.parentBody === null ? 'owner' : 'unit'));
  const recipients = recipientsOn(book, step?.recipients ?? [], s.day, { ownerBodyCode: issuer.unit.ownerBodyCode });
  return {
    names: recipients.map((r) => r.name),
    due: step?.dueBefore ? `${s.year}-${step.dueBefore}` : null,
    basis: rule ? citedInText(rule.basis) : null,
  };
}

function socSection(f: SixMonthFigures['soc'], lead: string): Section {
  const blocks: Block[] = [
    para(
      `${lead}, hệ thống giám sát an toàn không gian mạng đã phát hiện ${n(f.scanningIps)} địa chỉ IP có hành vi ` +
        `thực hiện rà quét mạng (trong đó ${n(f.internalScanningIps)} địa chỉ trong mạng nội bộ); ` +
        `${n(f.maliciousContactIps)} địa chỉ IP có hành vi kết nối đến máy chủ độc hại.`,
    ),
    table(
      [{ header: 'Tình trạng xử lý các phát hiện' }, { header: 'Số phát hiện', mm: 35 }],
      (Object.keys(TRIAGE_VI) as (keyof typeof TRIAGE_VI)[]).map((k) => [TRIAGE_VI[k], f.byTriage[k]]),
    ),
  ];
  if (f.byOrganisation.length)
    blocks.push(
      para('Các cơ quan, đơn vị có nhiều phát hiện nhất:'),
      table(
        [
          NO_COLUMN,
          { header: 'Cơ quan, đơn vị' },
          { header: 'Địa chỉ IP rà quét', mm: 32 },
          { header: 'Địa chỉ IP kết nối độc hại', mm: 38 },
        ],
        f.byOrganisation.map((o, i) => [i + 1, o.name ?? 'Chưa xác định đơn vị', o.scanningIps, o.maliciousContactIps]),
      ),
    );
  return { heading: 'Kết quả giám sát an toàn không gian mạng', blocks };
}

function vulnerabilitySection(v: SixMonthFigures['vulnerabilities'], lead: string): Section {
  return {
    heading: 'Lỗ hổng bảo mật trên máy tính và trang web',
    blocks: [
      para(
        `${lead}, qua kết quả rà quét phát hiện ${n(v.vulnerableComputers)} máy tính có lỗ hổng tại các cơ quan, ` +
          `đơn vị, địa phương, trong đó ${n(v.withCritical)} máy tính có lỗ hổng mức nghiêm trọng và ` +
          `${n(v.withHigh)} máy tính có lỗ hổng mức cao; ${n(v.vulnerableWebsites)} trang web có lỗ hổng ` +
          `(${n(v.websitesWithCritical)} trang web có lỗ hổng mức nghiêm trọng).`,
      ),
      table(
        [{ header: 'Chỉ tiêu' }, { header: 'Máy tính', mm: 30 }, { header: 'Trang web', mm: 30 }],
        [
          ['Được rà quét trong kỳ', v.scannedComputers, v.scannedWebsites],
          ['Có lỗ hổng', v.vulnerableComputers, v.vulnerableWebsites],
          ['Có lỗ hổng mức nghiêm trọng', v.withCritical, v.websitesWithCritical],
        ],
      ),
    ],
  };
}

function targetSection(targets: SixMonthFigures['targets'], asOf: string): Section {
  return {
    heading: 'Xác định cấp độ và triển khai phương án bảo đảm an toàn hệ thống thông tin',
    blocks: targets.length
      ? [
          para(`Tiến độ thực hiện các chỉ tiêu tính đến ngày ${formatDay(asOf)}:`),
          table(
            [
              NO_COLUMN,
              { header: 'Chỉ tiêu', width: 3 },
              { header: 'Thời hạn', mm: 23, align: 'center' },
              { header: 'Số hệ thống', mm: 17 },
              { header: 'Đạt đúng hạn', mm: 17 },
              { header: 'Đạt sau hạn', mm: 16 },
              { header: 'Chưa đạt', mm: 16 },
              { header: 'Tỷ lệ đúng hạn', mm: 18 },
            ],
            targets.map((t, i) => [
              i + 1,
              t.title,
              formatDay(t.deadline),
              t.total,
              t.met,
              t.late,
              t.notMet,
              pct(t.percent),
            ]),
          ),
        ]
      : [para('Chưa có chỉ tiêu về xác định cấp độ, triển khai phương án trong phạm vi báo cáo.')],
  };
}

/**
 * The symbol of a report (Decree 30/2020, Phụ lục III): "BC-" and the issuing body's abbreviation — the initials of
 * its name before the place ("Ủy ban nhân dân tỉnh Yên Bái" → UBND, "Sở Lao động - Thương binh và Xã hội" → SLĐTBXH), else
 * the unit's code.
 */
export function reportSymbol(body: string, code: string): string {
  const words = body.normalize('NFD').replace(/\p{M}/gu, '').split(/\s+/);
  const end = words.findIndex((w, i) => i > 0 && /^(tinh|huyen|xa|thi|thanh|quan|phuong)$/.test(w));
  const initials = (end < 0 ? words : words.slice(0, end))
    .filter((w) => w.toLowerCase() !== 'va' && /^\p{L}/u.test(w))
    .map((w) => (w[0] ?? '').toUpperCase())
    .join('');
  return `BC-${initials.length >= 2 ? initials : code}`;
}

const TASK_STATE_VI = {
  done: 'Đã hoàn thành',
  on_track: 'Đang thực hiện',
  late: 'Chậm tiến độ',
  no_data: 'Chưa có số liệu',
} as const;

/** "≥ 100%", "≤ 0" — a task's target as the order states it. */
const targetText = (t: SixMonthFigures['tasks'][number]) =>
  `${t.comparison === 'at_most' ? '≤' : '≥'} ${n(t.target)}${t.unit === 'percent' ? '%' : ''}`;
const valueText = (t: SixMonthFigures['tasks'][number]) =>
  [t.value === null ? '—' : `${n(t.value)}${t.unit === 'percent' ? '%' : ''}`, t.detail].filter(Boolean).join('; ');

const TASK_COLUMNS = [
  NO_COLUMN,
  { header: 'Nhiệm vụ', width: 3 },
  { header: 'Chỉ tiêu', mm: 20, align: 'center' },
  { header: 'Kết quả', width: 2.2 },
  { header: 'Thời hạn', mm: 23, align: 'center' },
  { header: 'Tình trạng', mm: 24 },
] satisfies TableColumn[];

/** The tasks, one table per order: a task's number is its number in its own order, which restarts with each. */
function taskSection(tasks: SixMonthFigures['tasks'], asOf: string): Section {
  const orders = [...new Set(tasks.map((t) => t.order))];
  return {
    heading: 'Kết quả thực hiện các nhiệm vụ được giao',
    blocks: [
      para(
        tasks.length
          ? `Kết quả thực hiện các nhiệm vụ được giao, tính đến ngày ${formatDay(asOf)}:`
          : 'Chưa có nhiệm vụ được giao trong phạm vi báo cáo.',
      ),
    ],
    subsections: orders.map((order) => ({
      heading: order,
      blocks: [
        table(
          TASK_COLUMNS,
          tasks
            .filter((t) => t.order === order)
            .map((t) => [
              t.number,
              t.title,
              targetText(t),
              valueText(t),
              t.deadline ? formatDay(t.deadline) : 'Thường xuyên',
              TASK_STATE_VI[t.state as keyof typeof TASK_STATE_VI] ?? t.state,
            ]),
        ),
      ],
    })),
  };
}

function inspectionSection(f: AnnualFigures['inspections']): Section {
  return {
    heading: 'Kiểm tra, đánh giá an toàn thông tin',
    blocks: [
      para(
        `Trong kỳ, kế hoạch có ${n(f.planned)} cuộc kiểm tra, đã thực hiện ${n(f.done)} cuộc, ban hành kết luận ` +
          `${n(f.concluded)} cuộc; phát hiện ${n(f.findings)} tồn tại, hạn chế, trong đó đã khắc phục ` +
          `${n(f.findingsClosed)}, chưa khắc phục ${n(f.findingsOpen)} (${n(f.findingsOverdue)} quá hạn).`,
      ),
    ],
  };
}

function frame(issuer: Issuer, s: PeriodicSubject) {
  return {
    ...documentFrame(issuer, s.day),
    number: s.number,
    symbol: s.symbol ?? reportSymbol(issuer.body, issuer.unit.code),
    signature: issuer.signature,
  };
}

const stem = (s: PeriodicSubject, issuer: Issuer, name: string) =>
  `${name}-${issuer.unit.code}-${s.year}${s.half ? `-${s.half}` : ''}${s.number ? `-so-${s.number}` : ''}`;

/** "Nơi nhận": the bodies in "Kính gửi" are "Như trên" (Decree 30/2020, Phụ lục I), then the file copy. */
function recipientsBlock(a: ReturnType<typeof addressees>): string[] {
  return [...(a.names.length ? ['Như trên'] : []), 'Lưu: VT'];
}

async function sixMonth(db: Db, book: RuleBook, scope: Scope, s: PeriodicSubject, issuer: Issuer) {
  const figures = await sixMonthFigures(db, scope, {
    period: s.period,
    organisationId: s.wholeScope ? null : s.organisationId,
  });
  const a = addressees(book, s, issuer);
  const lead = `Trong ${halfText(s.half)} ${s.year}`;
  const excerpt = `Kết quả công tác bảo đảm an toàn thông tin mạng ${halfText(s.half)} ${s.year}`;
  const doc: OfficialDocument = {
    ...frame(issuer, s),
    kind: 'Báo cáo',
    excerpt,
    addressees: a.names,
    preamble: [
      para(
        `${issuer.body} báo cáo kết quả công tác bảo đảm an toàn thông tin mạng ${halfText(s.half)} ${s.year} ` +
          `(số liệu từ ngày ${formatDay(s.period.from)} đến ngày ${formatDay(s.period.to)}, ` +
          `tính đến ngày ${formatDay(s.period.asOf)}) như sau:`,
      ),
    ],
    sections: [
      socSection(figures.soc, lead),
      vulnerabilitySection(figures.vulnerabilities, lead),
      targetSection(figures.targets, s.period.asOf),
      taskSection(figures.tasks, s.period.asOf),
    ],
    closing: [
      para(
        `Trên đây là báo cáo kết quả công tác bảo đảm an toàn thông tin mạng ${halfText(s.half)} ${s.year} ` +
          `của ${issuer.body}./.`,
      ),
    ],
    recipients: recipientsBlock(a),
  };
  return { doc, figures, title: excerpt, fileStem: stem(s, issuer, 'bao-cao-6-thang') };
}

async function annual(db: Db, book: RuleBook, scope: Scope, s: PeriodicSubject, issuer: Issuer) {
  const figures = await annualFigures(db, scope, {
    period: s.period,
    organisationId: s.wholeScope ? null : s.organisationId,
  });
  const a = addressees(book, s, issuer);
  const lead = `Trong kỳ báo cáo`;
  const excerpt = `Tình hình bảo đảm an toàn hệ thống thông tin theo cấp độ năm ${s.year}`;
  const doc: OfficialDocument = {
    ...frame(issuer, s),
    kind: 'Báo cáo',
    excerpt,
    addressees: a.names,
    preamble: [
      para(
        `${a.basis ? `Thực hiện ${a.basis}, ` : ''}${issuer.body} báo cáo tình hình bảo đảm an toàn hệ thống thông ` +
          `tin theo cấp độ năm ${s.year} (số liệu từ ngày ${formatDay(s.period.from)} đến ngày ` +
          `${formatDay(s.period.to)}, tính đến ngày ${formatDay(s.period.asOf)})` +
          `${a.due ? `, gửi trước ngày ${formatDay(a.due)}` : ''} như sau:`,
      ),
    ],
    sections: [
      {
        heading: 'Hệ thống thông tin theo cấp độ',
        blocks: [
          para(
            `Tính đến ngày ${formatDay(s.period.asOf)}, có ${n(figures.systems)} hệ thống thông tin đang vận hành, ` +
              `trong đó ${n(figures.systems - figures.notApproved)} hệ thống đã được phê duyệt cấp độ; ` +
              `${n(figures.notApproved)} hệ thống chưa được phê duyệt (${n(figures.dossierUnderWay)} hồ sơ đang xử lý).`,
          ),
          table(
            [
              { header: 'Cấp độ', mm: 25, align: 'center' },
              { header: 'Số hệ thống' },
              { header: 'Phê duyệt trong kỳ' },
              { header: 'Đã triển khai đầy đủ phương án' },
            ],
            [
              ...figures.byLevel.map((l) => [
                `Cấp độ ${l.level}`,
                l.systems,
                l.approvedInPeriod,
                l.planFullyImplemented,
              ]),
              ['Chưa phê duyệt', figures.notApproved, null, null],
            ],
          ),
        ],
      },
      targetSection(figures.targets, s.period.asOf),
      socSection(figures.soc, lead),
      vulnerabilitySection(figures.vulnerabilities, lead),
      inspectionSection(figures.inspections),
      taskSection(figures.tasks, s.period.asOf),
    ],
    closing: [
      para(
        `Trên đây là báo cáo tình hình bảo đảm an toàn hệ thống thông tin theo cấp độ năm ${s.year} của ${issuer.body}./.`,
      ),
    ],
    recipients: recipientsBlock(a),
  };
  return { doc, figures, title: excerpt, fileStem: stem(s, issuer, 'bao-cao-nam') };
}

async function monitoring(db: Db, book: RuleBook, scope: Scope, s: PeriodicSubject, issuer: Issuer) {
  const figures = await monitoringFigures(db, scope, {
    period: s.period,
    organisationId: s.wholeScope ? null : s.organisationId,
  });
  const a = addressees(book, s, issuer);
  const excerpt = `Kết quả giám sát an toàn hệ thống thông tin ${halfText(s.half)} ${s.year}`;
  const sources = figures.sources;
  const doc: OfficialDocument = {
    ...frame(issuer, s),
    kind: 'Báo cáo',
    excerpt,
    addressees: a.names,
    preamble: [
      para(
        `${a.basis ? `Thực hiện ${a.basis}, ` : ''}${issuer.body} báo cáo kết quả giám sát an toàn hệ thống thông ` +
          `tin ${halfText(s.half)} ${s.year} (từ ngày ${formatDay(s.period.from)} đến ngày ` +
          `${formatDay(s.period.asOf)}) như sau:`,
      ),
    ],
    sections: [
      {
        heading: 'Hệ thống thông tin cấp độ 3 trở lên được giám sát',
        blocks: figures.monitoredSystems.length
          ? [
              table(
                [NO_COLUMN, { header: 'Hệ thống thông tin', width: 3 }, { header: 'Cấp độ', mm: 20, align: 'center' }],
                figures.monitoredSystems.map((x, i) => [i + 1, x.name, String(x.level)]),
              ),
            ]
          : [para('Không có hệ thống thông tin cấp độ 3 trở lên trong phạm vi báo cáo.')],
      },
      {
        heading: 'Nguồn dữ liệu giám sát',
        blocks: sources.length
          ? [
              para(
                `Trong kỳ, hệ thống giám sát đã tiếp nhận ${n(sources.reduce((t, x) => t + x.ingests, 0))} lượt dữ ` +
                  `liệu từ ${n(new Set(sources.map((x) => x.source)).size)} nguồn, gồm ` +
                  `${n(sources.reduce((t, x) => t + x.events, 0))} sự kiện.`,
              ),
              table(
                [
                  NO_COLUMN,
                  { header: 'Nguồn', width: 3 },
                  { header: 'Định dạng', width: 1.5 },
                  { header: 'Lượt tiếp nhận', mm: 26 },
                  { header: 'Số sự kiện', mm: 28 },
                ],
                sources.map((x, i) => [i + 1, x.source, x.format ?? '—', x.ingests, x.events]),
              ),
            ]
          : [para('Trong kỳ không có dữ liệu giám sát liên quan đến các cơ quan, đơn vị trong phạm vi báo cáo.')],
      },
      socSection(figures.soc, `Trong ${halfText(s.half)} ${s.year}`),
    ],
    closing: [para(`Trên đây là báo cáo kết quả giám sát ${halfText(s.half)} ${s.year} của ${issuer.body}./.`)],
    recipients: recipientsBlock(a),
  };
  return { doc, figures, title: excerpt, fileStem: stem(s, issuer, 'bao-cao-giam-sat') };
}

/** A periodic report as a document, with the figures it prints. */
export async function buildPeriodicReport(
  db: Db,
  book: RuleBook,
  scope: Scope,
  s: PeriodicSubject,
): Promise<BuiltReport> {
  const issuer = await issuerOf(db, book, s.organisationId, s.day);
  const build = { six_month: sixMonth, annual, monitoring }[s.kind];
  return build(db, book, scope, s, issuer);
}
