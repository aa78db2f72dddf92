import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../../core/db/client.ts';
import type { Body, BodyRole, IncidentClock, RuleBook } from '../../rules/index.ts';
import { roleLabel } from '../../rules/index.ts';
import { clockRule } from '../clocks.ts';

/**
 * Who issues a form and who receives it, from data of the form's day: the organisation tree (issuing body, its
 * parent, the province whose name is the place) and the competent bodies holding each recipient role that day.
 */

type Unit = {
  id: string;
  code: string;
  name: string;
  type: string;
  address: string | null;
  phone: string | null;
  email: string | null;
  headName: string | null;
  headTitle: string | null;
  ownerBodyCode: string | null;
};

export type Issuer = {
  unit: Unit;
  /** The header's upper line: the body governing the parent unit that day (e.g. its People's Committee). */
  parentBody: string | null;
  /** The issuing body: the unit, or for a unit without a parent (the province) the body governing it that day. */
  body: string;
  place: string | null;
  signature: { title: string; signer: string | null };
};

const applies = (b: Body, day: string) => b.validFrom <= day && (b.validTo === null || day <= b.validTo);

/** "Giám đốc Sở Tư pháp" signs as "Giám đốc" under a header that already names the Sở. */
function signerTitle(unit: Unit): string {
  const title = unit.headTitle?.trim();
  if (!title) return 'Thủ trưởng cơ quan, đơn vị';
  const own = title.toLocaleLowerCase('vi').lastIndexOf(unit.name.toLocaleLowerCase('vi'));
  return own > 0 && own + unit.name.length === title.length ? title.slice(0, own).trim() : title;
}

/** The place name of a province unit: "Tỉnh Lào Cai" → "Lào Cai", "Thành phố Hà Nội" → "Hà Nội". */
const placeOf = (provinceName: string) => provinceName.replace(/^(tỉnh|thành phố)\s+/iu, '');

export async function issuerOf(db: Db, book: RuleBook, organisationId: string, day: string): Promise<Issuer> {
  // The unit and its ancestors, nearest first (each unit version names its own parent).
  const chain = await queryRows<Unit & { depth: number }>(
    db,
    sql`with recursive up(id, parent_id, depth) as (
          select id, parent_id, 0 from organisations where id = ${organisationId}
          union all
          select o.id, o.parent_id, up.depth + 1 from organisations o join up on o.id = up.parent_id where up.depth < 12
        )
        select o.id, o.code, o.name, o.type, o.address, o.phone, o.email, o.head_name as "headName",
          o.head_title as "headTitle", o.owner_body_code as "ownerBodyCode", up.depth
        from up join organisations o on o.id = up.id order by up.depth`,
  );
  const [unit, parent] = chain;
  if (!unit) throw new Error(`organisation ${organisationId} not found`);
  const province = chain.find((u) => u.type === 'province');
  // A body linked to a unit's code speaks for it (the province's People's Committee for the province).
  const governing = (u: Unit) => book.allBodies().find((b) => b.organisationCode === u.code && applies(b, day));
  return {
    unit,
    parentBody: parent ? (governing(parent)?.shortName ?? parent.name) : null,
    body: parent ? unit.name : (governing(unit)?.name ?? unit.name),
    place: province ? placeOf(province.name) : null,
    signature: { title: signerTitle(unit), signer: unit.headName },
  };
}

export type Recipient = { role: BodyRole; name: string; body: Body | null };

/**
 * The bodies holding `roles` on `day`. The owner is the ministry of a vertical body (its `ownerBodyCode`), else the
 * body of the owner rule's role (the province's committee); a role with no body on record is named in words, the
 * owner by the name the report gives.
 */
export function recipientsOn(
  book: RuleBook,
  roles: readonly BodyRole[],
  day: string,
  owner: { ownerBodyCode: string | null; ownerName?: string | null },
): Recipient[] {
  const out: Recipient[] = [];
  for (const role of roles) {
    let body: Body | null;
    if (role === 'owner') {
      const ownerRole = book.on('owner_rule', day)[0]?.data.defaultOwnerRole;
      body = owner.ownerBodyCode
        ? book.bodyByCode(owner.ownerBodyCode, day)
        : ownerRole
          ? book.body(ownerRole, day)
          : null;
    } else body = book.body(role, day);
    const name = body?.name ?? (role === 'owner' && owner.ownerName ? owner.ownerName : roleLabel(role).vi);
    if (!out.some((r) => r.name === name)) out.push({ role, name, body });
  }
  return out;
}

/** The recipients a clock's rule names on `day` (none when no rule is in force then). */
export const clockRecipients = (
  book: RuleBook,
  clock: IncidentClock,
  day: string,
  owner: { ownerBodyCode: string | null; ownerName?: string | null },
) => recipientsOn(book, clockRule(book, clock, day)?.data.recipients ?? [], day, owner);

/**
 * What every form shares around its content: the issuing body under its parent, an unnumbered document (the number
 * is given when it is registered), place and date, the author, and "Nơi nhận" with the addressees and the archive.
 */
export function documentFrame(issuer: Issuer, day: string) {
  return {
    parentBody: issuer.parentBody,
    body: issuer.body,
    number: null,
    place: issuer.place,
    date: day,
    author: issuer.body,
    recipients: ['Như trên', 'Lưu: VT'],
  };
}
