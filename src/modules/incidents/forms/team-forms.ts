import { and, asc, eq, gt, inArray, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../../core/db/client.ts';
import {
  field,
  formatDay,
  formatDayTime,
  formatInstantDay,
  NO_COLUMN,
  para,
  type Section,
  table,
} from '../../../core/documents/index.ts';
import { AppError } from '../../../core/errors.ts';
import { dayEnd, dayStart } from '../../../core/time.ts';
import { inScope, type Scope } from '../../auth/index.ts';
import type { RuleBook } from '../../rules/index.ts';
import { informationSystems, systemStatuses } from '../../systems/index.ts';
import type { TeamRole } from '../incidents.input.ts';
import { onCallShifts, responseTeamMembers } from '../incidents.schema.ts';
import type { FormResult } from './incident-forms.ts';
import { TEAM_ROLE_VI } from './labels.ts';
import { clockRecipients, documentFrame, type Issuer, issuerOf, recipientsOn } from './parties.ts';

type Member = typeof responseTeamMembers.$inferSelect;

const memberNotFound = () =>
  new AppError('NOT_FOUND', 'Response team member not found', undefined, { key: 'incidents.memberNotFound' });
const organisationNotFound = () =>
  new AppError('NOT_FOUND', 'Organisation not found', undefined, { key: 'incidents.organisationNotFound' });

/** A roster entry the scope may read (its organisation in scope); another agency's is "not found". */
export async function visibleMember(db: Db, scope: Scope, id: string): Promise<Member> {
  const [row] = await db
    .select()
    .from(responseTeamMembers)
    .where(
      and(
        eq(responseTeamMembers.id, id),
        scope.all
          ? undefined
          : scope.organisationIds.length
            ? inArray(responseTeamMembers.organisationId, scope.organisationIds)
            : sql`false`,
      ),
    );
  if (!row) throw memberNotFound();
  return row;
}

export function assertOrganisationVisible(scope: Scope, organisationId: string) {
  if (!inScope(scope, organisationId)) throw organisationNotFound();
}

/** The organisation's roster on `day`: team role order, then name. */
async function rosterOn(db: Db, organisationId: string, day: string): Promise<Member[]> {
  const rows = await db
    .select()
    .from(responseTeamMembers)
    .where(
      and(
        eq(responseTeamMembers.organisationId, organisationId),
        sql`${responseTeamMembers.validFrom} <= ${day}::date`,
        or(sql`${responseTeamMembers.validTo} is null`, sql`${responseTeamMembers.validTo} >= ${day}::date`),
      ),
    )
    .orderBy(asc(responseTeamMembers.fullName));
  const rank = (r: string) => Object.keys(TEAM_ROLE_VI).indexOf(r);
  return rows.sort((a, b) => rank(a.teamRole) - rank(b.teamRole));
}

const roleText = (r: string) => TEAM_ROLE_VI[r as TeamRole] ?? r;

const rosterTable = (members: Member[]) =>
  table(
    [
      NO_COLUMN,
      { header: 'Họ và tên, chức vụ' },
      { header: 'Vai trò', mm: 28 },
      { header: 'Điện thoại (24/7)', mm: 29 },
      { header: 'Thư điện tử', mm: 52 },
    ],
    members.map((m, i) => [
      i + 1,
      [m.fullName, m.position].filter(Boolean).join('\n'),
      roleText(m.teamRole),
      m.phone,
      m.email,
    ]),
  );

const organisationFields = (issuer: Issuer) => [
  field('Tên tổ chức', issuer.body),
  field('Địa chỉ', issuer.unit.address),
  field('Điện thoại', issuer.unit.phone),
  field('Thư điện tử', issuer.unit.email),
];

/**
 * Biểu mẫu 01 (TT 20/2017): the member's profile in the response network — the organisation, the member as its main
 * incident-response contact, its other contacts, the systems in its charge and its response staff. Sent, like every
 * change of contact, to the bodies of the contact-change rule (the national coordinating body).
 */
export async function memberProfile(db: Db, book: RuleBook, member: Member, day: string): Promise<FormResult> {
  const issuer = await issuerOf(db, book, member.organisationId, day);
  const [roster, systems] = await Promise.all([
    rosterOn(db, member.organisationId, day),
    db
      .select({ id: informationSystems.id, name: informationSystems.name })
      .from(informationSystems)
      .where(eq(informationSystems.organisationId, member.organisationId))
      .orderBy(asc(informationSystems.name)),
  ]);
  const statuses = await systemStatuses(
    db,
    systems.map((s) => s.id),
    day,
    book,
  );
  const owner = { ownerBodyCode: issuer.unit.ownerBodyCode };
  const recipients = clockRecipients(book, 'contact_change', day, owner);
  const others = roster.filter((m) => m.id !== member.id);
  const sections: Section[] = [
    {
      heading: 'Thông tin chung về tổ chức',
      blocks: [
        ...organisationFields(issuer),
        field('Cơ quan chủ quản', recipientsOn(book, ['owner'], day, owner)[0]?.name),
        field(
          'Lãnh đạo phụ trách an toàn thông tin',
          issuer.unit.headName ? [issuer.unit.headName, issuer.unit.headTitle].filter(Boolean).join(', ') : null,
        ),
      ],
    },
    {
      heading: 'Thông tin tiếp nhận thông báo sự cố',
      blocks: [
        field('Địa chỉ', issuer.unit.address),
        field('Điện thoại trực (24/7)', member.phone),
        field('Thư điện tử', member.email),
      ],
    },
    {
      heading: 'Đầu mối ứng cứu sự cố',
      blocks: [],
      subsections: [
        {
          heading: 'Đầu mối ứng cứu sự cố chính',
          blocks: [
            field('Họ và tên', member.fullName),
            field('Chức vụ', member.position),
            field('Vai trò trong đội ứng cứu sự cố', roleText(member.teamRole)),
            field('Điện thoại di động', member.phone),
            field('Thư điện tử', member.email),
            field('Tham gia từ ngày', formatDay(member.validFrom)),
          ],
        },
        {
          heading: 'Đầu mối ứng cứu sự cố khác',
          blocks: others.length ? [rosterTable(others)] : [para('Không có.')],
        },
      ],
    },
    { heading: 'Năng lực ứng cứu sự cố', blocks: [field('Chuyên môn, kinh nghiệm của đầu mối', member.expertise)] },
    {
      heading: 'Các hệ thống thông tin thuộc phạm vi phụ trách',
      blocks: systems.length
        ? [
            table(
              [NO_COLUMN, { header: 'Tên hệ thống thông tin' }, { header: 'Cấp độ', mm: 35, align: 'center' }],
              systems.map((s, i) => [i + 1, s.name, statuses.get(s.id)?.approvedLevel ?? 'Chưa phê duyệt']),
            ),
          ]
        : [para('Chưa có hệ thống thông tin nào được ghi nhận.')],
    },
    {
      heading: 'Danh sách nhân lực ứng cứu sự cố',
      blocks: roster.length ? [rosterTable(roster)] : [para('Không có.')],
    },
  ];
  return {
    recipients,
    fileStem: `mau-01-${issuer.unit.code}`,
    doc: {
      ...documentFrame(issuer, day),
      symbol: `HS-${issuer.unit.code}`,
      formLabel: 'Biểu mẫu 01 — Thông tư 20/2017/TT-BTTTT',
      kind: 'Bản khai',
      excerpt: 'Hồ sơ thành viên mạng lưới ứng cứu sự cố',
      addressees: recipients.map((r) => r.name),
      sections,
      closing: [
        para({
          text:
            'Chúng tôi cam kết thông tin khai báo trong hồ sơ là chính xác và tuân thủ trách nhiệm, quyền hạn của ' +
            'thành viên mạng lưới, các quy định về hoạt động điều phối ứng cứu sự cố theo quy định của pháp luật và ' +
            'hướng dẫn của Cơ quan điều phối quốc gia./.',
          italic: true,
        }),
      ],
      signature: { ...issuer.signature, hint: '(Ký, ghi rõ họ tên, đóng dấu)' },
    },
  };
}

/**
 * Biểu mẫu 02 (TT 20/2017): registration of the organisation's incident-response contacts in force on the day, with
 * each contact change and the on-call rota of the next 31 days.
 */
export async function contactRegistration(
  db: Db,
  book: RuleBook,
  organisationId: string,
  day: string,
): Promise<FormResult> {
  const issuer = await issuerOf(db, book, organisationId, day);
  const roster = await rosterOn(db, organisationId, day);
  const from = dayStart(day);
  const until = dayEnd(day);
  until.setTime(until.getTime() + 30 * 86_400_000);
  const shifts = roster.length
    ? await db
        .select({ memberId: onCallShifts.memberId, startsAt: onCallShifts.startsAt, endsAt: onCallShifts.endsAt })
        .from(onCallShifts)
        .where(
          and(
            inArray(
              onCallShifts.memberId,
              roster.map((m) => m.id),
            ),
            lt(onCallShifts.startsAt, until),
            gt(onCallShifts.endsAt, from),
          ),
        )
        .orderBy(asc(onCallShifts.startsAt))
    : [];
  const recipients = clockRecipients(book, 'contact_change', day, { ownerBodyCode: issuer.unit.ownerBodyCode });
  const changed = roster.filter((m) => m.contactChangedAt);
  const name = new Map(roster.map((m) => [m.id, m.fullName]));
  const sections: Section[] = [
    { heading: 'Tổ chức đăng ký', blocks: organisationFields(issuer) },
    {
      heading: 'Đầu mối ứng cứu sự cố',
      blocks: roster.length
        ? [rosterTable(roster)]
        : [para('Tổ chức chưa có đầu mối ứng cứu sự cố trong danh sách đội ứng cứu sự cố tại ngày lập phiếu.')],
    },
    ...(changed.length
      ? [
          {
            heading: 'Thay đổi thông tin liên hệ',
            blocks: changed.map((m) =>
              para(
                `${m.fullName}: thay đổi số điện thoại hoặc thư điện tử ngày ${formatInstantDay(m.contactChangedAt as Date)}` +
                  (m.contactReportedAt && m.contactReportedAt >= (m.contactChangedAt as Date)
                    ? `, đã thông báo ngày ${formatInstantDay(m.contactReportedAt)}.`
                    : ', chưa thông báo.'),
              ),
            ),
          },
        ]
      : []),
    {
      heading: 'Lịch trực ứng cứu sự cố 24/7',
      blocks: shifts.length
        ? [
            table(
              [
                NO_COLUMN,
                { header: 'Người trực' },
                { header: 'Từ', mm: 38, align: 'center' },
                { header: 'Đến', mm: 38, align: 'center' },
              ],
              shifts.map((s, i) => [
                i + 1,
                name.get(s.memberId) ?? '',
                formatDayTime(s.startsAt),
                formatDayTime(s.endsAt),
              ]),
            ),
          ]
        : [para('Chưa có lịch trực trong 31 ngày kể từ ngày lập phiếu.')],
    },
  ];
  return {
    recipients,
    fileStem: `mau-02-${issuer.unit.code}`,
    doc: {
      ...documentFrame(issuer, day),
      symbol: `ĐK-${issuer.unit.code}`,
      formLabel: 'Biểu mẫu 02 — Thông tư 20/2017/TT-BTTTT',
      kind: 'Phiếu đăng ký',
      excerpt: 'Thông tin đầu mối ứng cứu sự cố an toàn thông tin mạng',
      addressees: recipients.map((r) => r.name),
      sections,
      closing: [para(`${issuer.body} đăng ký thông tin đầu mối ứng cứu sự cố như trên./.`)],
      signature: { ...issuer.signature, hint: '(Ký, ghi rõ họ tên, đóng dấu)' },
    },
  };
}
