// Backup and restore of the whole database as one gzip file of JSON lines, the same on PGlite and PostgreSQL.
// The format is described in docs/backup.md; the rows are written and read by the database itself (row_to_json,
// json_populate_recordset), so every type round-trips exactly and nothing holds more than one batch in memory.

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { isNotNull, type SQL, sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { SecretBox } from '../../core/crypto/secret-box.ts';
import { type Database, type DatabaseKind, type Db, queryRows } from '../../core/db/client.ts';
import { fromRoot } from '../../core/paths.ts';
import { verifyAuditChain } from '../audit/index.ts';
import { users } from '../auth/index.ts';

export const BACKUP_FORMAT = 'khien-backup';
export const BACKUP_FORMAT_VERSION = 1;

export type BackupMigration = { tag: string; hash: string; createdAt: number };
export type BackupTable = { name: string; columns: string[]; rows: number };
export type BackupHeader = {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  source: DatabaseKind;
  khienVersion: string;
  /** The schema: the migrations applied to the source, oldest first. */
  migrations: BackupMigration[];
  audit: { entries: number; head: string };
  /** Values sealed with the secret key (TOTP seeds): how many, and one to check a key against at restore. */
  sealed: { count: number; sample: string | null };
  /** In foreign-key order: the rows follow in this order. */
  tables: BackupTable[];
};

/** A backup that cannot be restored here, or a target that cannot take it: one line for the user (vi / en). */
export class BackupRefused extends Error {
  constructor(vi: string, en: string) {
    super(`${vi} / ${en}`);
  }
}

const MIGRATIONS_FOLDER = fromRoot('drizzle');
const BATCH_ROWS = 1000;
const BATCH_BYTES = 4 << 20;

export const khienVersion = (): string =>
  (JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { version: string }).version;

/** This build's migrations, oldest first, with the SQL to apply them. */
function knownMigrations() {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as {
    entries: { tag: string; when: number }[];
  };
  return readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }).map((m, i) => ({
    tag: journal.entries[i]?.tag ?? String(m.folderMillis),
    hash: m.hash,
    createdAt: m.folderMillis,
    sql: m.sql,
  }));
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

type Catalog = {
  /** Table names in an order where every table comes after the tables it references. */
  order: string[];
  columns: Map<string, string[]>;
  primaryKey: Map<string, string[]>;
  /** Columns referencing the same table's primary key (a tree: organisations' parent and successor). */
  selfRefs: Map<string, string[]>;
};

async function readCatalog(db: Db): Promise<Catalog> {
  const tables = await queryRows<{ name: string }>(
    db,
    sql`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'r' order by c.relname`,
  );
  const cols = await queryRows<{ table: string; column: string }>(
    db,
    sql`select table_name as "table", column_name as "column" from information_schema.columns
        where table_schema = 'public' and is_generated = 'NEVER' order by table_name, ordinal_position`,
  );
  const pks = await queryRows<{ table: string; column: string }>(
    db,
    sql`select c.relname as "table", a.attname as "column"
        from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
        join pg_attribute a on a.attrelid = c.oid and a.attnum = any(i.indkey)
        where i.indisprimary and n.nspname = 'public'
        order by c.relname, array_position(i.indkey::int2[], a.attnum)`,
  );
  const fks = await queryRows<{ child: string; parent: string; columns: string[] }>(
    db,
    sql`select c.relname as child, p.relname as parent,
          array(select a.attname::text from unnest(k.conkey) as u(n) join pg_attribute a on a.attrelid = c.oid and a.attnum = u.n) as columns
        from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid
        join pg_namespace n on n.oid = c.relnamespace
        where k.contype = 'f' and n.nspname = 'public'`,
  );
  const group = (rows: { table: string; column: string }[]) => {
    const m = new Map<string, string[]>();
    for (const r of rows) m.set(r.table, [...(m.get(r.table) ?? []), r.column]);
    return m;
  };
  const selfRefs = new Map<string, string[]>();
  const needs = new Map<string, Set<string>>(tables.map((t) => [t.name, new Set<string>()]));
  for (const fk of fks) {
    if (fk.child === fk.parent) {
      if (fk.columns.length !== 1) throw new Error(`${fk.child}: a multi-column self reference is not supported`);
      selfRefs.set(fk.child, [...(selfRefs.get(fk.child) ?? []), fk.columns[0] as string]);
    } else needs.get(fk.child)?.add(fk.parent);
  }
  // Kahn's order, alphabetical among equals so two backups of the same schema list tables alike.
  const order: string[] = [];
  const left = new Set(needs.keys());
  while (left.size) {
    const ready = [...left].filter((t) => [...(needs.get(t) ?? [])].every((p) => !left.has(p)));
    if (!ready.length) throw new Error(`foreign keys form a cycle among ${[...left].join(', ')}`);
    for (const t of ready) {
      order.push(t);
      left.delete(t);
    }
  }
  return { order, columns: group(cols), primaryKey: group(pks), selfRefs };
}

/** The query listing a table's rows as JSON text, by primary key; a tree's rows parents (and successors) first. */
function rowsQuery(cat: Catalog, table: string): string {
  const t = ident(table);
  const pk = cat.primaryKey.get(table) ?? [];
  const byPk = pk.length ? pk.map((c) => `t.${ident(c)}`).join(', ') : 't.ctid';
  const refs = cat.selfRefs.get(table);
  if (!refs) return `select row_to_json(t)::text as j from ${t} t order by ${byPk}`;
  if (pk.length !== 1) throw new Error(`${table}: a self reference needs a one-column primary key`);
  const id = ident(pk[0] as string);
  // Each row's generation: one more than the deepest row it references, so referenced rows are inserted first.
  return `with recursive g(id, n) as (
      select ${id}, 0 from ${t} where ${refs.map((r) => `${ident(r)} is null`).join(' and ')}
      union all
      select c.${id}, g.n + 1 from ${t} c join g on ${refs.map((r) => `c.${ident(r)} = g.id`).join(' or ')} where g.n < 10000
    )
    select row_to_json(t)::text as j from ${t} t join (select id, max(n) as n from g group by id) d on d.id = t.${id}
    order by d.n, ${byPk}`;
}

/** Writes lines to a gzip file, hashing them; the trailer line carries the hash of everything before it. */
class LineWriter {
  private readonly hash = createHash('sha256');
  private readonly gzip = createGzip();
  private readonly done: Promise<void>;
  constructor(path: string) {
    this.done = pipeline(this.gzip, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
    this.done.catch(() => {}); // reported by finish()
  }
  async line(text: string) {
    const chunk = `${text}\n`;
    this.hash.update(chunk);
    if (!this.gzip.write(chunk)) await new Promise((r) => this.gzip.once('drain', r));
  }
  async finish() {
    this.gzip.end(`${JSON.stringify({ sha256: this.hash.digest('hex') })}\n`);
    await this.done;
  }
  abort() {
    this.gzip.destroy();
  }
}

export type BackupSummary = { file: string; bytes: number; rows: number; header: BackupHeader };

/**
 * Writes a backup of the whole database to `out`, from one consistent snapshot (a read-only repeatable-read
 * transaction). The file appears complete or not at all: it is written under a temporary name, then renamed.
 */
export async function backupDatabase(database: Pick<Database, 'db' | 'kind'>, out: string): Promise<BackupSummary> {
  const tmp = join(dirname(out), `.${basename(out)}.partial`);
  rmSync(tmp, { force: true });
  const writer = new LineWriter(tmp);
  try {
    const header = await database.db.transaction(
      async (tx) => {
        const db = tx as unknown as Db;
        const cat = await readCatalog(db);
        const tables: BackupTable[] = [];
        for (const name of cat.order) {
          const [c] = await queryRows<{ n: number }>(db, sql.raw(`select count(*)::int as n from ${ident(name)}`));
          tables.push({ name, columns: cat.columns.get(name) ?? [], rows: c?.n ?? 0 });
        }
        const known = new Map(knownMigrations().map((m) => [m.hash, m.tag]));
        const applied = await queryRows<{ hash: string; created_at: string | number }>(
          db,
          sql`select hash, created_at from drizzle.__drizzle_migrations order by created_at, id`,
        );
        const audit = await verifyAuditChain(db);
        if (!audit.ok) throw new Error(`the audit log is broken at entry #${audit.brokenAt?.seq}: not backed up`);
        const secrets = (await db.select({ s: users.totpSecret }).from(users).where(isNotNull(users.totpSecret)))
          .map((r) => r.s as string)
          .filter(SecretBox.isSealed);
        const header: BackupHeader = {
          format: BACKUP_FORMAT,
          version: BACKUP_FORMAT_VERSION,
          createdAt: new Date().toISOString(),
          source: database.kind,
          khienVersion: khienVersion(),
          migrations: applied.map((m) => ({
            tag: known.get(m.hash) ?? `unknown-${m.created_at}`,
            hash: m.hash,
            createdAt: Number(m.created_at),
          })),
          audit: { entries: audit.entries, head: audit.headHash as string },
          sealed: { count: secrets.length, sample: secrets[0] ?? null },
          tables,
        };
        await writer.line(JSON.stringify(header));
        for (const t of tables) {
          if (!t.rows) continue;
          await tx.execute(sql.raw(`declare backup_rows no scroll cursor for ${rowsQuery(cat, t.name)}`));
          let written = 0;
          for (;;) {
            const batch = await queryRows<{ j: string }>(db, sql.raw(`fetch ${BATCH_ROWS} from backup_rows`));
            for (const r of batch) await writer.line(r.j);
            written += batch.length;
            if (batch.length < BATCH_ROWS) break;
          }
          await tx.execute(sql.raw('close backup_rows'));
          if (written !== t.rows) throw new Error(`${t.name}: ${written} rows written, ${t.rows} counted`);
        }
        return header;
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
    await writer.finish();
    renameSync(tmp, out);
    return { file: out, bytes: statSync(out).size, rows: header.tables.reduce((s, t) => s + t.rows, 0), header };
  } catch (e) {
    writer.abort();
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** The lines of a backup file after the header, with the running hash; refuses a file that is not gzip. */
async function* backupLines(file: string): AsyncGenerator<string> {
  const gunzip = createGunzip();
  const input = createReadStream(file);
  input.on('error', (e) => gunzip.destroy(e));
  const lines = createInterface({ input: input.pipe(gunzip), crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) yield line;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new BackupRefused('không tìm thấy tệp', `no such file: ${file}`);
    throw new BackupRefused(
      'tệp bị cắt cụt hoặc hỏng, không khôi phục gì',
      `${file} is cut short or corrupted (${err.code === 'Z_BUF_ERROR' ? 'the file ends early' : err.message}): nothing restored`,
    );
  }
}

/** Reads the whole file once, checking its structure and its SHA-256, without touching any database. */
export async function checkBackupFile(file: string): Promise<BackupHeader> {
  let header: BackupHeader | null = null;
  const hash = createHash('sha256');
  let previous: string | null = null;
  let lines = 0;
  for await (const line of backupLines(file)) {
    if (previous !== null) hash.update(`${previous}\n`);
    previous = line;
    if (lines++ === 0) header = parseHeader(file, line);
  }
  if (!header || previous === null || lines < 2)
    throw new BackupRefused(
      'tệp trống hoặc bị cắt cụt, không khôi phục gì',
      `${file} is empty or cut short: nothing restored`,
    );
  let trailer: { sha256?: unknown };
  try {
    trailer = JSON.parse(previous) as { sha256?: unknown };
  } catch {
    trailer = {};
  }
  if (typeof trailer.sha256 !== 'string')
    throw new BackupRefused(
      'tệp bị cắt cụt, không khôi phục gì',
      `${file} is cut short (no closing checksum): nothing restored`,
    );
  if (trailer.sha256 !== hash.digest('hex'))
    throw new BackupRefused(
      'tệp bị hỏng, không khôi phục gì',
      `${file} is corrupted (its SHA-256 does not match its content): nothing restored`,
    );
  const rows = header.tables.reduce((s, t) => s + t.rows, 0);
  if (lines - 2 !== rows)
    throw new BackupRefused(
      'số dòng không khớp, không khôi phục gì',
      `${file} holds ${lines - 2} rows where its header announces ${rows}: nothing restored`,
    );
  return header;
}

function parseHeader(file: string, line: string): BackupHeader {
  let h: Partial<BackupHeader>;
  try {
    h = JSON.parse(line) as Partial<BackupHeader>;
  } catch {
    h = {};
  }
  if (h.format !== BACKUP_FORMAT)
    throw new BackupRefused('không phải bản sao lưu Khiên', `${file} is not a Khiên backup`);
  if (h.version !== BACKUP_FORMAT_VERSION)
    throw new BackupRefused(
      'phiên bản định dạng không đọc được',
      `${file} is a Khiên backup of format version ${h.version}; this version reads version ${BACKUP_FORMAT_VERSION}`,
    );
  return h as BackupHeader;
}

/** The migrations to apply to an empty database to give it the backup's schema; refuses a newer schema. */
function schemaFor(header: BackupHeader) {
  const ours = knownMigrations();
  header.migrations.forEach((m, i) => {
    if (!ours.some((o) => o.hash === m.hash))
      throw new BackupRefused(
        'bản sao lưu có lược đồ CSDL mới hơn phiên bản này',
        `the backup comes from a newer schema (migration ${m.tag}, Khiên ${header.khienVersion}) than this ` +
          `version knows: restore it with Khiên ${header.khienVersion} or later`,
      );
    if (ours[i]?.hash !== m.hash)
      throw new BackupRefused(
        'các bản chuyển đổi CSDL khác phiên bản này',
        `the backup's migrations differ from this version's at ${m.tag}: it cannot be restored here`,
      );
  });
  return ours.slice(0, header.migrations.length);
}

export type SecretKeyUse = {
  /** The key restore will run with (KHIEN_SECRET_KEY or the key file), undefined when there is none yet. */
  key: Buffer | undefined;
  /** Where that key comes from, for the messages. */
  source: string;
  /** Restore even though the key does not open the backup's sealed values (those seeds are then unreadable). */
  ignore?: boolean;
};

export type RestoreSummary = {
  header: BackupHeader;
  rows: number;
  audit: { entries: number; head: string };
  /** Migrations of this version newer than the backup's, applied after the rows. */
  upgradedWith: string[];
  /** Sealed values the key in use cannot open (only with `ignore`). */
  unreadableSeeds: number;
};

/**
 * Restores a backup into an empty database (never initialised: the restore creates the schema the backup was made
 * with, inserts the rows, then brings the schema up to this version). The file is checked whole first; the schema
 * and rows go in one transaction, so a failure at any row leaves the target as it was.
 */
export async function restoreDatabase(database: Database, file: string, key: SecretKeyUse): Promise<RestoreSummary> {
  const header = await checkBackupFile(file);
  const migrations = schemaFor(header);
  const unreadableSeeds = checkSecretKey(header, key);
  await refuseNonEmptyTarget(database.db);
  const hash = createHash('sha256');
  let rows = 0;
  await database.db.transaction(async (tx) => {
    const db = tx as unknown as Db;
    await tx.execute(sql`create schema if not exists drizzle`);
    await tx.execute(
      sql`create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`,
    );
    for (const m of migrations) {
      for (const statement of m.sql) await tx.execute(sql.raw(statement));
      await tx.execute(
        sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${m.hash}, ${m.createdAt})`,
      );
    }
    // The rows go in exactly as they were: no trigger runs on them (figure-version counters would count the
    // restore itself), and rows a migration seeds give way to the backup's. Re-enabled before commit.
    const triggers = await queryRows<{ tbl: string; name: string }>(
      db,
      sql`select c.relname as tbl, t.tgname as name from pg_trigger t join pg_class c on c.oid = t.tgrelid
          join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and not t.tgisinternal and c.relname <> 'audit_log'`,
    );
    const triggerSwitch = async (on: boolean) => {
      for (const t of triggers)
        await tx.execute(sql.raw(`alter table ${ident(t.tbl)} ${on ? 'enable' : 'disable'} trigger ${ident(t.name)}`));
    };
    await triggerSwitch(false);
    for (const t of [...header.tables].reverse()) {
      const [seeded] = await queryRows<{ e: boolean }>(
        db,
        sql.raw(`select exists (select 1 from ${ident(t.name)}) as e`),
      );
      if (seeded?.e) await tx.execute(sql.raw(`delete from ${ident(t.name)}`));
    }
    const lines = backupLines(file)[Symbol.asyncIterator]();
    const next = async () => {
      const r = await lines.next();
      if (r.done)
        throw new BackupRefused(
          'tệp đã thay đổi trong khi khôi phục, không khôi phục gì',
          `${file} changed while being restored: nothing restored`,
        );
      hash.update(`${r.value}\n`);
      return r.value;
    };
    await next(); // the header, checked above
    for (const t of header.tables) {
      const cols = t.columns.map(ident).join(', ');
      const insert = (json: string) =>
        tx.execute(
          sql`${sql.raw(`insert into ${ident(t.name)} (${cols}) select ${cols} from json_populate_recordset(null::${ident(t.name)}, `)}${json}::json)`,
        );
      let batch: string[] = [];
      let bytes = 0;
      for (let i = 0; i < t.rows; i++) {
        const line = await next();
        batch.push(line);
        bytes += line.length;
        if (batch.length >= BATCH_ROWS || bytes >= BATCH_BYTES) {
          await insertBatch(insert, t.name, batch, rows);
          rows += batch.length;
          batch = [];
          bytes = 0;
        }
      }
      if (batch.length) await insertBatch(insert, t.name, batch, rows);
      rows += batch.length;
    }
    const trailer = (await lines.next()).value as string | undefined;
    if (!trailer || JSON.parse(trailer).sha256 !== hash.digest('hex'))
      throw new BackupRefused(
        'tệp đã thay đổi trong khi khôi phục, không khôi phục gì',
        `${file} changed while being restored: nothing restored`,
      );
    await triggerSwitch(true);
    await resetSequences(db);
    const audit = await verifyAuditChain(db);
    if (!audit.ok || audit.headHash !== header.audit.head || audit.entries !== header.audit.entries)
      throw new BackupRefused(
        'nhật ký kiểm toán khôi phục khác bản sao lưu, không khôi phục gì',
        `the restored audit log (${audit.entries} entries, head ${audit.headHash}) differs from the backup's ` +
          `(${header.audit.entries}, ${header.audit.head}): nothing restored`,
      );
  });
  // This version's newer migrations, and the law files it ships, applied as at any start.
  const upgradedWith = knownMigrations()
    .slice(migrations.length)
    .map((m) => m.tag);
  await database.migrate();
  const audit = await verifyAuditChain(database.db);
  return {
    header,
    rows,
    audit: { entries: audit.entries, head: audit.headHash as string },
    upgradedWith,
    unreadableSeeds,
  };
}

async function insertBatch(insert: (json: string) => Promise<unknown>, table: string, batch: string[], before: number) {
  try {
    await insert(`[${batch.join(',')}]`);
  } catch (e) {
    throw new BackupRefused(
      'có dòng không khôi phục được, không khôi phục gì',
      `row ${before + 1}–${before + batch.length} of the backup (table ${table}) cannot be restored ` +
        `(${(e as Error).message}): nothing restored`,
    );
  }
}

/** The number of sealed values the key cannot open (0 when it opens them); refuses unless told to ignore. */
function checkSecretKey(header: BackupHeader, key: SecretKeyUse): number {
  const { count, sample } = header.sealed;
  if (!count || !sample) return 0;
  if (key.key && SecretBox.fromKey(key.key).open(sample) !== null) return 0;
  if (key.ignore) return count;
  throw new BackupRefused(
    'khoá bí mật không mở được các mã TOTP đã niêm phong',
    `${key.key ? `the secret key in use (${key.source}) does not open` : `no secret key (${key.source}) to open`} ` +
      `the backup's ${count} sealed TOTP seeds: put the original key in place (KHIEN_SECRET_KEY or ` +
      `<data dir>/secret.key), or restore with --ignore-secret-key (those users then set up two-step sign-in again)`,
  );
}

/** The target must never have held data: the audit log cannot be emptied, and the backup brings its own. */
async function refuseNonEmptyTarget(db: Db) {
  const [exists] = await queryRows<{ e: boolean }>(
    db,
    sql`select to_regclass('drizzle.__drizzle_migrations') is not null as e`,
  );
  const [m] = exists?.e
    ? await queryRows<{ n: number }>(db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`)
    : [];
  const tables = await queryRows<{ name: string }>(
    db,
    sql`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'S') order by c.relname`,
  );
  if (m?.n || tables.length)
    throw new BackupRefused(
      'CSDL đích không trống',
      `the target database is not empty (${m?.n ? `${m.n} migrations applied, ` : ''}${tables.length} tables` +
        `${
          tables.length
            ? `: ${tables
                .slice(0, 3)
                .map((t) => t.name)
                .join(', ')}${tables.length > 3 ? ', …' : ''}`
            : ''
        }): ` +
        'restore into a new, empty database (a new KHIEN_DATA_DIR, or a new PostgreSQL database: createdb)',
    );
}

/** Every sequence owned by a column restarts after the restored maximum (the audit log's numbering). */
async function resetSequences(db: Db) {
  const owned = await queryRows<{ seq: string; tbl: string; col: string }>(
    db,
    sql`select s.relname as seq, c.relname as tbl, a.attname as col
        from pg_depend d join pg_class s on s.oid = d.objid and s.relkind = 'S'
        join pg_class c on c.oid = d.refobjid join pg_namespace n on n.oid = c.relnamespace
        join pg_attribute a on a.attrelid = c.oid and a.attnum = d.refobjsubid
        where n.nspname = 'public' and d.deptype in ('a', 'i')`,
  );
  for (const o of owned) {
    const q: SQL = sql.raw(
      `select setval('${ident(o.seq).replaceAll("'", "''")}', coalesce(max(${ident(o.col)}), 0) + 1, false) from ${ident(o.tbl)}`,
    );
    await db.execute(q);
  }
}
