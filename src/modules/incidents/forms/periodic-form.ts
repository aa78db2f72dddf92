import { and, asc, gte, inArray, lt } from 'drizzle-orm';
import type { Db } from '../../../core/db/client.ts';
import {
  field,
  formatDay,
  formatInstantDay,
  NO_COLUMN,
  para,
  type Section,
  table,
} from '../../../core/documents/index.ts';
import { AppError } from '../../../core/errors.ts';
import { dayEnd, dayStart, provinceDay } from '../../../core/time.ts';
import { type Scope, scopedOrganisationIds } from '../../auth/index.ts';
import type { RuleBook } from '../../rules/index.ts';
import { clockRule } from '../clocks.ts';
import {
  INCIDENT_SEVERITIES,
  INCIDENT_STATES,
  INCIDENT_TYPES,
  type IncidentState,
  type IncidentType,
} from '../incidents.input.ts';
import { incidents } from '../incidents.schema.ts';
import type { FormResult } from './incident-forms.ts';
import { SEVERITY_VI, STATE_VI, TYPE_VI } from './labels.ts';
import { clockRecipients, documentFrame, issuerOf } from './parties.ts';

const DAY_MS = 86_400_000;
const previousDay = (isoDay: string) => new Date(Date.parse(`${isoDay}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);

/**
 * The period a member's periodic report covers. The report is due before each of the periodic rule's yearly dates
 * (TT 20/2017 Art. 6: before 20/06 and 15/12); each covers the days since the previous one up to the day before its
 * own due date, so no incident falls between two reports. Half 1 is the report due in January–June, half 2 the one
 * due in July–December. Without a rule (or dates) the calendar half-year is the period.
 */
export function periodicPeriod(book: RuleBook, year: number, half: 1 | 2) {
  const halfStart = `${year}-${half === 1 ? '01-01' : '07-01'}`;
  const halfEnd = `${year}-${half === 1 ? '06-30' : '12-31'}`;
  const dates = [...(clockRule(book, 'periodic_report', halfEnd)?.data.dates ?? [])].sort();
  const inHalf = (md: string) => Number(md.slice(0, 2)) <= 6 === (half === 1);
  const due = dates.find(inHalf);
  if (!due) return { from: halfStart, to: halfEnd, dueOn: null };
  const before = dates.filter((d) => d < due);
  const previous = before.length ? `${year}-${before[before.length - 1]}` : `${year - 1}-${dates[dates.length - 1]}`;
  return { from: previous, to: previousDay(`${year}-${due}`), dueOn: `${year}-${due}` };
}

/** An incident's state at the end of `cut`, from its own timestamps (closing, end of the response, current state). */
function stateOn(
  i: { state: IncidentState; responseEndedAt: Date | null; closedAt: Date | null },
  cut: Date,
): IncidentState {
  if (i.closedAt && i.closedAt < cut) return 'closed';
  if (i.responseEndedAt && i.responseEndedAt < cut) return 'responded';
  return i.state === 'open' ? 'open' : 'responding';
}

/**
 * Biểu mẫu 05 (TT 20/2017): a network member's periodic report — the incidents detected in the period in the
 * member's organisation and below it (the tree of the period's last day, within the caller's scope), counted by
 * type, severity and state, and listed. Dated the day before it is due (today while the period runs), with the
 * recipients of the periodic rule on that day.
 */
export async function periodicReport(
  db: Db,
  book: RuleBook,
  scope: Scope,
  organisationId: string,
  year: number,
  half: 1 | 2,
  now = new Date(),
): Promise<FormResult> {
  const period = periodicPeriod(book, year, half);
  const today = provinceDay(now);
  if (today < period.from)
    throw new AppError(
      'VALIDATION',
      `The period ${period.from} – ${period.to} has not begun`,
      { field: 'half' },
      {
        key: 'incidents.periodNotBegun',
        params: { from: period.from, to: period.to },
      },
    );
  // Days as yyyy-mm-dd compare as strings: the earlier of today and the period's last day.
  const day = [today, period.to].sort()[0] as string;
  const ids = (await scopedOrganisationIds(db, scope, organisationId, day)) ?? [];
  const [issuer, rows] = await Promise.all([
    issuerOf(db, book, organisationId, day),
    ids.length
      ? db
          .select({
            code: incidents.code,
            title: incidents.title,
            type: incidents.type,
            severity: incidents.severity,
            state: incidents.state,
            detectedAt: incidents.detectedAt,
            responseEndedAt: incidents.responseEndedAt,
            closedAt: incidents.closedAt,
          })
          .from(incidents)
          .where(
            and(
              inArray(incidents.organisationId, ids),
              gte(incidents.detectedAt, dayStart(period.from)),
              lt(incidents.detectedAt, dayEnd(day)),
            ),
          )
          .orderBy(asc(incidents.detectedAt), asc(incidents.code))
      : [],
  ]);
  const cut = dayEnd(day);
  const listed = rows.map((r) => ({ ...r, stateThen: stateOn(r, cut) }));
  const recipients = clockRecipients(book, 'periodic_report', day, { ownerBodyCode: issuer.unit.ownerBodyCode });
  const count = (pred: (r: (typeof listed)[number]) => boolean) => listed.filter(pred).length;
  const byType = INCIDENT_TYPES.filter((t) => listed.some((r) => r.type === t)).map((t, i) => [
    i + 1,
    TYPE_VI[t as IncidentType],
    count((r) => r.type === t),
    ...INCIDENT_SEVERITIES.map((s) => count((r) => r.type === t && r.severity === s)),
  ]);
  const halfText = half === 1 ? '6 tháng đầu năm' : '6 tháng cuối năm';
  const sections: Section[] = [
    {
      heading: 'Thông tin chung',
      blocks: [
        field('Thành viên mạng lưới', issuer.body),
        field('Kỳ báo cáo', `từ ngày ${formatDay(period.from)} đến ngày ${formatDay(period.to)}`),
        field('Số liệu tính đến ngày', formatDay(day)),
        field('Tổng số sự cố được phát hiện', String(listed.length)),
      ],
    },
    {
      heading: 'Số lượng sự cố theo loại và mức độ',
      blocks: byType.length
        ? [
            table(
              [
                NO_COLUMN,
                { header: 'Loại sự cố' },
                { header: 'Tổng số', mm: 22 },
                ...INCIDENT_SEVERITIES.map((s) => ({ header: SEVERITY_VI[s], mm: 28 })),
              ],
              [
                ...byType,
                ['', 'Tổng cộng', listed.length, ...INCIDENT_SEVERITIES.map((s) => count((r) => r.severity === s))],
              ],
            ),
          ]
        : [para('Trong kỳ báo cáo không phát hiện sự cố an toàn thông tin mạng.')],
    },
    {
      heading: 'Tình trạng xử lý',
      blocks: [
        table(
          [{ header: 'Tình trạng tại ngày báo cáo' }, { header: 'Số sự cố', mm: 30 }],
          INCIDENT_STATES.map((s) => [STATE_VI[s], count((r) => r.stateThen === s)]),
        ),
      ],
    },
    {
      heading: 'Danh sách sự cố',
      blocks: listed.length
        ? [
            table(
              [
                NO_COLUMN,
                { header: 'Sự cố', width: 6 },
                { header: 'Phát hiện', mm: 25, align: 'center' },
                { header: 'Loại', width: 4 },
                { header: 'Mức độ', mm: 25 },
                { header: 'Tình trạng', width: 3.4 },
              ],
              listed.map((r, i) => [
                i + 1,
                `${r.code} — ${r.title}`,
                formatInstantDay(r.detectedAt),
                TYPE_VI[r.type as IncidentType] ?? r.type,
                SEVERITY_VI[r.severity],
                STATE_VI[r.stateThen],
              ]),
            ),
          ]
        : [para('Không có.')],
    },
  ];
  return {
    recipients,
    fileStem: `mau-05-${issuer.unit.code}-${year}-${half}`,
    doc: {
      ...documentFrame(issuer, day),
      symbol: `BC-${issuer.unit.code}`,
      formLabel: 'Biểu mẫu 05 — Thông tư 20/2017/TT-BTTTT',
      kind: 'Báo cáo',
      excerpt: `Định kỳ công tác ứng cứu sự cố an toàn thông tin mạng ${halfText} ${year}`,
      addressees: recipients.map((r) => r.name),
      sections,
      closing: [
        para(`Trên đây là báo cáo định kỳ ${halfText} ${year} về công tác ứng cứu sự cố của ${issuer.body}./.`),
      ],
      signature: issuer.signature,
    },
  };
}
