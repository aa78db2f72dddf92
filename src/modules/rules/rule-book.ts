import { WorkCalendar } from '../../core/calendar.ts';
import type { Db } from '../../core/db/client.ts';
import { type BodyRole, citation, type LegalBasis, parseRuleData, type RuleData, type RuleKind } from './kinds.ts';
import { calendarDays, competentBodies, legalRules } from './rules.schema.ts';

type RuleRow = typeof legalRules.$inferSelect;

/** One rule as it applies on a date, with what a user is shown: its text and its legal basis. */
export type AppliedRule<K extends RuleKind = RuleKind> = {
  id: string;
  kind: K;
  key: string;
  validFrom: string;
  validTo: string | null;
  basis: LegalBasis;
  /** The citation as officials write it, e.g. "NĐ 85/2016/NĐ-CP, Điều 9 khoản 2 điểm c". */
  legalBasis: string;
  vi: string;
  en: string;
  confirmed: boolean;
  note: string | null;
  origin: 'national' | 'province';
  data: RuleData<K>;
};

export type Body = {
  code: string;
  role: BodyRole;
  name: string;
  shortName: string;
  organisationCode: string | null;
  validFrom: string;
  validTo: string | null;
  legalBasis: string;
  confirmed: boolean;
  note: string | null;
};

const applies = (r: { validFrom: string; validTo: string | null }, day: string) =>
  r.validFrom <= day && (r.validTo === null || day <= r.validTo);

/**
 * Every rule, body and calendar day, resolved by date. For each rule key the version that applies on a day is the
 * province's own row when one applies, else the national row; among rows of one origin the latest `validFrom`
 * (a newer version supersedes an older one from its date, without rewriting it).
 */
export class RuleBook {
  readonly calendar: WorkCalendar;
  private readonly byKind = new Map<string, AppliedRule[]>();

  constructor(
    rules: RuleRow[],
    private readonly bodies: Body[],
    days: ConstructorParameters<typeof WorkCalendar>[0],
  ) {
    for (const r of rules) {
      const basis: LegalBasis = {
        document: r.document,
        ...(r.article ? { article: r.article } : {}),
        ...(r.clause ? { clause: r.clause } : {}),
        ...(r.point ? { point: r.point } : {}),
      };
      const applied: AppliedRule = {
        id: r.id,
        kind: r.kind as RuleKind,
        key: r.key,
        validFrom: r.validFrom,
        validTo: r.validTo,
        basis,
        legalBasis: citation(basis),
        vi: r.textVi,
        en: r.textEn,
        confirmed: r.confirmed,
        note: r.note,
        origin: r.origin,
        data: parseRuleData(r.kind as RuleKind, r.data, `rule ${r.kind}/${r.key} from ${r.validFrom}`),
      };
      this.byKind.set(r.kind, [...(this.byKind.get(r.kind) ?? []), applied]);
    }
    this.calendar = new WorkCalendar(days);
  }

  /** The rules of a kind that apply on `day` (yyyy-mm-dd), one version per key, in data order. */
  on<K extends RuleKind>(kind: K, day: string): AppliedRule<K>[] {
    const best = new Map<string, AppliedRule>();
    for (const r of this.byKind.get(kind) ?? []) {
      if (!applies(r, day)) continue;
      const cur = best.get(r.key);
      const wins =
        !cur ||
        (r.origin === 'province' && cur.origin === 'national') ||
        (r.origin === cur.origin && r.validFrom > cur.validFrom);
      if (wins) best.set(r.key, r);
    }
    const order = (r: AppliedRule) => ('order' in (r.data as object) ? (r.data as { order: number }).order : 0);
    return ([...best.values()] as AppliedRule<K>[]).sort((a, b) => order(a) - order(b));
  }

  /** Every version of every rule of a kind (or all kinds), for the rules page. */
  history(kind?: RuleKind): AppliedRule[] {
    const all = kind ? (this.byKind.get(kind) ?? []) : [...this.byKind.values()].flat();
    return [...all].sort(
      (a, b) => a.kind.localeCompare(b.kind) || a.key.localeCompare(b.key) || a.validFrom.localeCompare(b.validFrom),
    );
  }

  /** The body holding a role on `day`; a `code` narrows to one place (a ministry owning vertical bodies). */
  body(role: BodyRole, day: string, code?: string | null): Body | null {
    const found = this.bodies.filter((b) => b.role === role && applies(b, day) && (!code || b.code === code));
    return found.sort((a, b) => b.validFrom.localeCompare(a.validFrom))[0] ?? null;
  }

  /** A body by its code on `day` (any role). */
  bodyByCode(code: string, day: string): Body | null {
    return (
      this.bodies
        .filter((b) => b.code === code && applies(b, day))
        .sort((a, b) => b.validFrom.localeCompare(a.validFrom))[0] ?? null
    );
  }

  allBodies(): Body[] {
    return [...this.bodies];
  }
}

/**
 * The rule book of a database, cached per connection for a short time: rules change rarely (an administrator's
 * edit calls `forgetRuleBook`), while a dashboard asks for them many times per request.
 */
const cache = new WeakMap<Db, { book: Promise<RuleBook>; at: number }>();
const CACHE_MS = 30_000;

export function ruleBook(db: Db): Promise<RuleBook> {
  const hit = cache.get(db);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.book;
  const book = loadRuleBook(db);
  cache.set(db, { book, at: Date.now() });
  book.catch(() => cache.delete(db));
  return book;
}

export const forgetRuleBook = (db: Db) => cache.delete(db);

async function loadRuleBook(db: Db): Promise<RuleBook> {
  // One after another: `db` may be a transaction, whose queries share one connection.
  const rules = await db.select().from(legalRules);
  const bodies = await db.select().from(competentBodies);
  const days = await db.select().from(calendarDays);
  return new RuleBook(
    rules,
    bodies.map(({ id: _, origin: __, createdAt: ___, ...b }) => ({ ...b, role: b.role as BodyRole })),
    days.map((d) => ({ date: d.day, kind: d.kind, name: d.name, legalBasis: d.legalBasis, confirmed: d.confirmed })),
  );
}
