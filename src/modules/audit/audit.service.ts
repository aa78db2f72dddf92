import { createHash } from 'node:crypto';
import { asc, desc, gt, sql } from 'drizzle-orm';
import type { AuditActor } from '../../core/actor.ts';
import type { Db } from '../../core/db/client.ts';
import { auditLog } from './audit.schema.ts';

export type AuditEntry = {
  action: string; // e.g. "organisation.update", "auth.login.failure"
  entityType: string;
  entityId?: string | null;
  organisationId?: string | null;
  before?: unknown;
  after?: unknown;
};

const GENESIS = '0'.repeat(64);
// Serialises appends so two concurrent writers cannot both chain onto the same previous hash.
const CHAIN_LOCK = 0x6b6869656e; // "khien"

/** JSON with object keys sorted at every depth: jsonb reorders keys, the hash must not depend on order. */
function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Plain JSON (Dates become ISO strings) — exactly what jsonb will give back when the chain is verified. */
const toJson = (v: unknown) => (v === undefined ? null : (JSON.parse(JSON.stringify(v)) as unknown));

type HashedFields = {
  at: Date;
  actorId: string | null;
  actorName: string;
  action: string;
  entityType: string;
  entityId: string | null;
  organisationId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  prevHash: string;
};

function entryHash(f: HashedFields): string {
  return createHash('sha256')
    .update(
      canonicalJson([
        f.prevHash,
        f.at.toISOString(),
        f.actorId,
        f.actorName,
        f.action,
        f.entityType,
        f.entityId,
        f.organisationId,
        f.before,
        f.after,
        f.ip,
      ]),
    )
    .digest('hex');
}

/**
 * Appends one entry. Call it with the same transaction that makes the change, so a change and its audit
 * record are written together or not at all.
 */
export async function recordAudit(db: Db, actor: AuditActor, entry: AuditEntry): Promise<void> {
  const write = async (tx: Db) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${CHAIN_LOCK})`);
    const [last] = await tx.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1);
    const fields: HashedFields = {
      at: new Date(),
      actorId: actor.id,
      actorName: actor.name,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId ?? null,
      organisationId: entry.organisationId ?? null,
      before: toJson(entry.before),
      after: toJson(entry.after),
      ip: actor.ip ?? null,
      prevHash: last?.hash ?? GENESIS,
    };
    await tx.insert(auditLog).values({ ...fields, hash: entryHash(fields) });
  };
  // Inside a caller's transaction the advisory lock lives until it commits; standalone we open our own.
  if (isTransaction(db)) await write(db);
  else await db.transaction((tx) => write(tx));
}

const isTransaction = (db: Db) => 'rollback' in db;

export type AuditVerification = {
  ok: boolean;
  entries: number;
  /** First entry whose content or link does not match, if any. */
  brokenAt?: { seq: number; reason: 'content-changed' | 'chain-broken' };
  /** Hash of the newest entry: keep it outside the database to detect removal of the newest rows too. */
  headHash?: string;
  /**
   * With a head kept earlier: whether the chain still holds it. A chain cut after its newest rows were deleted
   * is otherwise intact, so only a head recorded outside the database shows the cut.
   */
  keptHead?: 'present' | 'missing';
};

/**
 * Re-computes every hash in order. Detects edited rows (content) and deleted or re-ordered rows (chain); with
 * `keptHead` (a `headHash` reported earlier and kept outside the database), deleted newest rows too.
 */
export async function verifyAuditChain(db: Db, keptHead?: string): Promise<AuditVerification> {
  // The empty chain's head (GENESIS) is part of every chain.
  let keptHeadSeen = keptHead === GENESIS;
  let prevHash = GENESIS;
  let prevSeq = 0;
  let entries = 0;
  const pageSize = 1000;
  for (;;) {
    const rows = await db
      .select()
      .from(auditLog)
      .where(gt(auditLog.seq, prevSeq))
      .orderBy(asc(auditLog.seq))
      .limit(pageSize);
    for (const row of rows) {
      entries++;
      if (row.prevHash !== prevHash) return { ok: false, entries, brokenAt: { seq: row.seq, reason: 'chain-broken' } };
      if (entryHash({ ...row, prevHash: row.prevHash }) !== row.hash)
        return { ok: false, entries, brokenAt: { seq: row.seq, reason: 'content-changed' } };
      if (row.hash === keptHead) keptHeadSeen = true;
      prevHash = row.hash;
      prevSeq = row.seq;
    }
    if (rows.length < pageSize) {
      if (keptHead === undefined) return { ok: true, entries, headHash: prevHash };
      return { ok: keptHeadSeen, entries, headHash: prevHash, keptHead: keptHeadSeen ? 'present' : 'missing' };
    }
  }
}

/** The newest entry's number and hash (GENESIS for an empty log): what to keep outside the database. */
export async function auditHead(db: Db): Promise<{ seq: number; hash: string }> {
  const [last] = await db
    .select({ seq: auditLog.seq, hash: auditLog.hash })
    .from(auditLog)
    .orderBy(desc(auditLog.seq))
    .limit(1);
  return last ?? { seq: 0, hash: GENESIS };
}
