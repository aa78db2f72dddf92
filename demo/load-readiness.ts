// Demo staff register and drills for the province in time: one or two officials in charge per unit of the 2024 tree
// (until the merger of 01/07/2025) and of the merged province's tree after it, a live attack–defence drill in
// October 2024 on the province's level-3+ systems with the 2024 response team (attendance, scores, findings, a
// remediation task, lessons) and a tabletop drill in September 2025. Names and e-mail
// addresses are invented. Loading twice changes nothing.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../src/core/db/client.ts';
import { seededRandom } from '../src/core/random.ts';
import type { Actor } from '../src/modules/auth/index.ts';
import {
  addFinding,
  addParticipant,
  addTeam,
  createDrill,
  createTask,
  drills,
  transitionDrill,
  updateDrill,
  updateParticipant,
  updateTeam,
} from '../src/modules/drills/index.ts';
import { responseTeamMembers } from '../src/modules/incidents/index.ts';
import { inForceOn, organisations } from '../src/modules/organisations/index.ts';
import { createStaff, staffMembers } from '../src/modules/staff/index.ts';
import { informationSystems, systemStatuses } from '../src/modules/systems/index.ts';

const ALL = { all: true } as const;
const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Hà', 'Lò', 'Giàng', 'Sùng'];
const MIDDLE = ['Văn', 'Thị', 'Đức', 'Minh', 'Thu', 'Quang', 'Ngọc', 'A'];
const GIVEN = [
  'An',
  'Bình',
  'Cường',
  'Dũng',
  'Giang',
  'Hà',
  'Hải',
  'Hùng',
  'Lan',
  'Linh',
  'Mai',
  'Nam',
  'Phong',
  'Sơn',
  'Thảo',
  'Tú',
];
const POSITIONS = ['Phó Giám đốc', 'Trưởng phòng', 'Chuyên viên', 'Phó Chủ tịch UBND', 'Công chức văn phòng'];
const ASCII = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z]/g, '');

/** Periods of the register: the 2024 tree until the merger's eve, then the merged province's tree. */
const PERIODS = [
  { from: '2024-01-01', to: '2025-06-30', seed: 2024 },
  { from: '2025-07-01', to: null, seed: 2025 },
] as const;

async function loadRegister(db: Db, actor: Actor, only2024: boolean) {
  for (const period of PERIODS) {
    if (only2024 && period.from > '2024-12-31') continue;
    const units = await db
      .select({ id: organisations.id, code: organisations.code, type: organisations.type })
      .from(organisations)
      .where(
        and(
          inForceOn(organisations, period.from),
          inArray(organisations.type, ['province', 'department', 'district', 'commune']),
        ),
      )
      .orderBy(asc(organisations.code));
    const random = seededRandom(period.seed);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)] as T;
    for (const u of units) {
      // Departments name one official for each duty; communes and districts one for both.
      const duties =
        u.type === 'department' ? (['digital_transformation', 'information_security'] as const) : (['both'] as const);
      for (const duty of duties) {
        const fullName = `${pick(FAMILY)} ${pick(MIDDLE)} ${pick(GIVEN)}`;
        const email = `${ASCII(fullName.split(' ').at(-1) ?? 'cb')}.${u.code.toLowerCase()}.${duty === 'information_security' ? 'attt' : 'cds'}@demo.khien.vn`;
        await createStaff(db, actor, ALL, {
          organisationId: u.id,
          fullName,
          position: pick(POSITIONS),
          duty,
          email,
          phone: `09${String(Math.floor(random() * 1e8)).padStart(8, '0')}`,
          validFrom: period.from,
          validTo: period.to,
        });
      }
    }
  }
}

/** Systems whose approved level on `day` is at least `min`. */
async function systemsOfLevel(db: Db, day: string, min: number) {
  const all = await db
    .select({ id: informationSystems.id })
    .from(informationSystems)
    .orderBy(asc(informationSystems.name));
  const statuses = await systemStatuses(
    db,
    all.map((s) => s.id),
    day,
  );
  return all.filter((s) => (statuses.get(s.id)?.approvedLevel ?? 0) >= min).map((s) => s.id);
}

const at = (day: string, time: string) => `${day}T${time}:00+07:00`;

/**
 * One drill held on `day`: `share` of the officials in force that day and every response-team member serving then
 * take part; most attend.
 */
async function heldDrill(
  db: Db,
  actor: Actor,
  spec: {
    title: string;
    kind: 'live' | 'tabletop';
    day: string;
    days: number;
    share: number;
    seed: number;
    systems: string[];
  },
) {
  const [organiser] = await db
    .select({ id: organisations.id })
    .from(organisations)
    .where(and(inForceOn(organisations, spec.day), eq(organisations.type, 'province')))
    .limit(1);
  if (!organiser) return null;
  const end = new Date(Date.parse(`${spec.day}T00:00:00Z`) + (spec.days - 1) * 86_400_000).toISOString().slice(0, 10);
  let d = await createDrill(db, actor, ALL, {
    title: spec.title,
    kind: spec.kind,
    organiserId: organiser.id,
    startsAt: at(spec.day, '08:00'),
    endsAt: at(end, '17:00'),
    systemIds: spec.systems,
    ...(spec.kind === 'live'
      ? {
          description:
            'Đội tấn công thử xâm nhập các hệ thống mục tiêu; đội phòng thủ của các đơn vị vận hành phát hiện, ngăn chặn và duy trì dịch vụ.',
          tools: 'Nmap, Burp Suite, Metasploit (không dùng mã độc phá huỷ dữ liệu)',
          exploitationDepth: 'privilege_escalation' as const,
          windowStartsAt: at(spec.day, '08:30'),
          windowEndsAt: at(end, '16:30'),
        }
      : { description: 'Diễn tập trên bàn theo kịch bản tấn công mã hoá dữ liệu đòi tiền chuộc.' }),
  });
  const attack = await addTeam(db, actor, ALL, d.id, { name: 'Đội tấn công', side: 'attack' });
  d = await addTeam(db, actor, ALL, d.id, { name: 'Đội phòng thủ', side: 'defence' });
  const attackId = attack.teams.find((t) => t.side === 'attack')?.id ?? null;
  const defenceId = d.teams.find((t) => t.side === 'defence')?.id ?? null;
  const random = seededRandom(spec.seed);
  const officials = await db
    .select({ id: staffMembers.id })
    .from(staffMembers)
    .where(inForceOn(staffMembers, spec.day))
    .orderBy(asc(staffMembers.email));
  const team = await db
    .select({ id: responseTeamMembers.id, email: responseTeamMembers.email })
    .from(responseTeamMembers)
    .where(inForceOn(responseTeamMembers, spec.day))
    .orderBy(asc(responseTeamMembers.fullName));
  const teamEmails = new Set(team.map((m) => m.email.toLowerCase()));
  for (const m of team)
    d = await addParticipant(db, actor, ALL, d.id, { teamMemberId: m.id, teamId: attackId, role: 'member' });
  for (const o of officials)
    if (random() < spec.share) {
      const [row] = await db.select({ email: staffMembers.email }).from(staffMembers).where(eq(staffMembers.id, o.id));
      if (row && !teamEmails.has(row.email))
        d = await addParticipant(db, actor, ALL, d.id, { staffMemberId: o.id, teamId: defenceId, role: 'member' });
    }
  d = await transitionDrill(db, actor, ALL, d.id, { to: 'running' });
  for (const p of d.participantList)
    if (random() < 0.9) await updateParticipant(db, actor, ALL, d.id, p.id, { attended: true });
  if (attackId) await updateTeam(db, actor, ALL, d.id, attackId, { attackPoints: 640 });
  if (defenceId) await updateTeam(db, actor, ALL, d.id, defenceId, { defencePoints: 410, availabilityPoints: 275 });
  return d;
}

export async function loadReadinessDemo(db: Db, actor: Actor, { only2024 = false }: { only2024?: boolean } = {}) {
  const [{ n } = { n: 0 }] = await db.select({ n: sql<number>`count(*)::int` }).from(staffMembers);
  if (n > 0) return;
  await loadRegister(db, actor, only2024);
  const [{ d } = { d: 0 }] = await db.select({ d: sql<number>`count(*)::int` }).from(drills);
  if (d > 0) return;
  const level3 = await systemsOfLevel(db, '2024-10-15', 3);
  const live = await heldDrill(db, actor, {
    title: 'Diễn tập thực chiến an toàn thông tin năm 2024',
    kind: 'live',
    day: '2024-10-15',
    days: 3,
    share: 0.55,
    seed: 60,
    systems: level3.slice(0, 3),
  });
  if (live) {
    let after = await addFinding(db, actor, ALL, live.id, {
      severity: 'critical',
      systemId: live.systems[0]?.id ?? null,
      description: 'Trang tra cứu hồ sơ cho phép chèn mã SQL, lộ danh sách tài khoản quản trị.',
    });
    after = await addFinding(db, actor, ALL, live.id, {
      severity: 'medium',
      systemId: live.systems[1]?.id ?? null,
      description: 'Máy chủ còn mở cổng quản trị từ xa ra Internet.',
    });
    const [first] = after.findingList;
    const owner = first?.systemId
      ? (
          await db
            .select({ organisationId: informationSystems.organisationId })
            .from(informationSystems)
            .where(eq(informationSystems.id, first.systemId))
        )[0]
      : undefined;
    if (first && owner)
      await createTask(db, actor, ALL, live.id, first.id, {
        organisationId: owner.organisationId,
        dueOn: '2024-11-15',
      });
    await transitionDrill(db, actor, ALL, live.id, { to: 'completed' });
    await updateDrill(db, actor, ALL, live.id, {
      lessons:
        'Cần rà soát lỗ hổng ứng dụng web trước khi đưa vào vận hành; đóng các cổng quản trị, chỉ truy cập qua VPN.',
    });
  }
  if (only2024) return;
  const tabletop = await heldDrill(db, actor, {
    title: 'Diễn tập trên bàn ứng phó mã độc mã hoá dữ liệu 2025',
    kind: 'tabletop',
    day: '2025-09-18',
    days: 1,
    share: 0.35,
    seed: 61,
    systems: [],
  });
  if (tabletop) await transitionDrill(db, actor, ALL, tabletop.id, { to: 'completed' });
}
