import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { eq, sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../demo/load-demo.ts';
import { CLI_ACTOR } from '../../src/cli/context.ts';
import { SecretBox } from '../../src/core/crypto/secret-box.ts';
import { type Database, type Db, openDatabase, queryRows } from '../../src/core/db/client.ts';
import { fromRoot } from '../../src/core/paths.ts';
import { recordAudit, verifyAuditChain } from '../../src/modules/audit/index.ts';
import { users } from '../../src/modules/auth/index.ts';
import { BackupRefused, backupDatabase, restoreDatabase, runNightlyBackup } from '../../src/modules/backup/index.ts';
import { openTestDatabase, TEST_DATABASES, TEST_SECRET_KEY, type TestDbKind } from '../support/db.ts';

/** A database that was never initialised (no migrations): what a restore needs. */
const openEmptyDatabase = (kind: TestDbKind) => openTestDatabase(kind, { migrate: false });

/** Each table's rows as text, ordered, hashed (UTC, so two servers print instants alike); the migrations too. */
async function fingerprint(db: Db): Promise<Record<string, string>> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local timezone = 'UTC'`);
    const tables = await queryRows<{ name: string }>(
      tx as unknown as Db,
      sql`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind = 'r' order by 1`,
    );
    const out: Record<string, string> = {};
    for (const { name } of tables) {
      const [r] = await queryRows<{ n: number; md5: string }>(
        tx as unknown as Db,
        sql.raw(
          `select count(*)::int as n, md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as md5 from "${name}" t`,
        ),
      );
      out[name] = `${r?.n} ${r?.md5}`;
    }
    const [m] = await queryRows<{ md5: string }>(
      tx as unknown as Db,
      sql`select md5(string_agg(hash || ' ' || created_at, ',' order by created_at)) as md5 from drizzle.__drizzle_migrations`,
    );
    out['drizzle.__drizzle_migrations'] = m?.md5 as string;
    return out;
  });
}

const tableCount = async (db: Db) =>
  (
    await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname in ('public', 'drizzle') and c.relkind = 'r'`,
    )
  )[0]?.n;

/** Rewrites a backup's lines (header first) with a valid checksum: a well-formed file with altered content. */
function rewrite(file: string, out: string, edit: (lines: string[]) => void) {
  const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n').slice(0, -2); // no trailer
  edit(lines);
  const body = lines.map((l) => `${l}\n`).join('');
  const sha256 = createHash('sha256').update(body).digest('hex');
  writeFileSync(out, gzipSync(`${body}${JSON.stringify({ sha256 })}\n`));
}

const key = { key: TEST_SECRET_KEY, source: 'test key' };

describe.each(TEST_DATABASES)('backup and restore on %s', (kind) => {
  let source: Database;
  let dir: string;
  let file: string;
  let before: Record<string, string>;
  let head: { entries: number; headHash?: string };

  beforeAll(async () => {
    source = await openTestDatabase(kind);
    await loadDemo(source.db, CLI_ACTOR, { only2024: true });
    // A user with two-step sign-in: the seed is sealed with the secret key, which the backup does not hold.
    await source.db
      .update(users)
      .set({ totpSecret: SecretBox.fromKey(TEST_SECRET_KEY).seal('JBSWY3DPEHPK3PXP'), totpEnabled: true })
      .where(eq(users.username, 'demo.admin'));
    dir = mkdtempSync(join(tmpdir(), 'khien-backup-'));
    file = join(dir, 'demo.backup.gz');
    const started = Date.now();
    const r = await backupDatabase(source, file);
    console.log(`${kind}: backup of ${r.rows} rows, ${r.bytes} bytes in ${Date.now() - started} ms`);
    before = await fingerprint(source.db);
    head = await verifyAuditChain(source.db);
  }, 900_000);
  afterAll(async () => {
    await source?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('restores into an empty database: every table identical, the audit chain intact with the same head', async () => {
    const target = await openEmptyDatabase(kind);
    try {
      const started = Date.now();
      const r = await restoreDatabase(target, file, key);
      console.log(`${kind}: restore of ${r.rows} rows in ${Date.now() - started} ms`);
      expect(r.header.source).toBe(kind);
      expect(r.header.sealed.count).toBe(1);
      expect(r.unreadableSeeds).toBe(0);
      expect(r.upgradedWith).toEqual([]);
      expect(r.audit).toEqual({ entries: head.entries, head: head.headHash });
      expect(r.header.audit).toEqual({ entries: head.entries, head: head.headHash });
      expect(await fingerprint(target.db)).toEqual(before);
      // The sequences continue after the restored rows: the next audit entry extends the same chain.
      await recordAudit(target.db, { id: null, name: 'test' } as never, { action: 'test.after', entityType: 'test' });
      const after = await verifyAuditChain(target.db);
      expect(after).toMatchObject({ ok: true, entries: head.entries + 1 });
    } finally {
      await target.close();
    }
  }, 900_000);

  it.runIf(kind === 'pglite' && TEST_DATABASES.includes('postgres'))(
    'moves an embedded database to PostgreSQL: the same tables and audit head',
    async () => {
      const target = await openEmptyDatabase('postgres');
      try {
        const r = await restoreDatabase(target, file, key);
        expect(r.audit.head).toBe(head.headHash);
        expect(await fingerprint(target.db)).toEqual(before);
      } finally {
        await target.close();
      }
    },
    900_000,
  );

  /** Restores `f` into a new empty database, expecting a refusal matching `message` and nothing written. */
  async function refused(f: string, message: RegExp, keyUse = key) {
    const target = await openEmptyDatabase(kind);
    try {
      const err = await restoreDatabase(target, f, keyUse).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BackupRefused);
      expect((err as Error).message).toMatch(message);
      expect(await tableCount(target.db)).toBe(0);
    } finally {
      await target.close();
    }
  }

  it('refuses a target that already holds data, and leaves it as it was', async () => {
    const target = await openTestDatabase(kind); // migrated and started once: rules loaded, audit entries written
    try {
      const fp = await fingerprint(target.db);
      const err = await restoreDatabase(target, file, key).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BackupRefused);
      expect((err as Error).message).toMatch(/target database is not empty/);
      expect(await fingerprint(target.db)).toEqual(fp);
    } finally {
      await target.close();
    }
  }, 300_000);

  it('refuses a backup from a newer schema, naming the migration', async () => {
    const f = join(dir, 'newer.gz');
    rewrite(file, f, (lines) => {
      const h = JSON.parse(lines[0] as string);
      h.migrations.push({ tag: '9999_from_the_future', hash: 'f'.repeat(64), createdAt: 4_000_000_000_000 });
      lines[0] = JSON.stringify(h);
    });
    await refused(f, /newer schema \(migration 9999_from_the_future/);
  }, 300_000);

  it('refuses a file cut short, and one with a corrupted byte, before writing anything', async () => {
    const cut = join(dir, 'cut.gz');
    writeFileSync(cut, readFileSync(file));
    truncateSync(cut, Math.floor(readFileSync(file).length / 2));
    await refused(cut, /cut short or corrupted/);
    const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
    const mid = Math.floor(lines.length / 2);
    lines[mid] = (lines[mid] as string).replace(/"/, '"x');
    const flipped = join(dir, 'flipped.gz');
    writeFileSync(flipped, gzipSync(lines.join('\n')));
    await refused(flipped, /corrupted \(its SHA-256 does not match/);
    await refused(join(dir, 'missing.gz'), /no such file/);
  }, 300_000);

  it('a row that cannot be restored, mid-file, leaves the target as it was (one transaction)', async () => {
    const f = join(dir, 'bad-row.gz');
    let table = '';
    rewrite(file, f, (lines) => {
      const h = JSON.parse(lines[0] as string) as { tables: { name: string; rows: number }[] };
      // A row of a table in the middle of the file, well after the first rows are in.
      let at = 1;
      for (const t of h.tables) {
        if (at > lines.length / 2 && t.rows > 0) {
          table = t.name;
          lines[at] = '{}'; // every column null: the primary key refuses it
          return;
        }
        at += t.rows;
      }
    });
    expect(table).not.toBe('');
    await refused(f, new RegExp(`table ${table}\\) cannot be restored`));
  }, 300_000);

  it('refuses a key that does not open the sealed TOTP seeds, unless told to ignore them', async () => {
    const other = { key: randomBytes(32), source: 'KHIEN_SECRET_KEY' };
    await refused(file, /secret key in use \(KHIEN_SECRET_KEY\) does not open the backup's 1 sealed TOTP seeds/, other);
    await refused(file, /no secret key \(nowhere\)/, { key: undefined as never, source: 'nowhere' });
    const target = await openEmptyDatabase(kind);
    try {
      const r = await restoreDatabase(target, file, { ...other, ignore: true });
      expect(r.unreadableSeeds).toBe(1);
      expect(r.audit.head).toBe(head.headHash);
    } finally {
      await target.close();
    }
  }, 300_000);

  it.runIf(kind === 'pglite')(
    'nightly: one file a day, the newest KEEP kept, never a partial file',
    async () => {
      const nightly = join(dir, 'nightly');
      const days = ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05'];
      for (const d of days) {
        const r = await runNightlyBackup(source, { dir: nightly, keep: 3 }, new Date(`${d}T01:30:00+07:00`));
        expect(r?.file).toBe(join(nightly, `khien-${d}.backup.gz`));
      }
      expect(await runNightlyBackup(source, { dir: nightly, keep: 3 }, new Date('2026-03-05T23:00:00+07:00'))).toBe(
        null,
      );
      expect(readdirSync(nightly).sort()).toEqual(days.slice(2).map((d) => `khien-${d}.backup.gz`));
      // A backup that fails leaves neither the file nor its temporary copy.
      const closed = await openDatabase({});
      await closed.close();
      await expect(
        runNightlyBackup(closed, { dir: nightly, keep: 3 }, new Date('2026-03-06T01:30:00+07:00')),
      ).rejects.toThrow();
      expect(readdirSync(nightly).sort()).toEqual(days.slice(2).map((d) => `khien-${d}.backup.gz`));
      expect(existsSync(join(nightly, 'khien-2026-03-06.backup.gz'))).toBe(false);
    },
    300_000,
  );
});

describe('a backup from an older schema', () => {
  it('is restored with the schema it had, then brought up to this version', async () => {
    const migrations = readMigrationFiles({ migrationsFolder: fromRoot('drizzle') });
    const journal = JSON.parse(readFileSync(fromRoot('drizzle/meta/_journal.json'), 'utf8')) as {
      entries: { tag: string }[];
    };
    // A database as the previous version left it: every migration but the last, and one audit entry.
    const old = await openDatabase({});
    const dir = mkdtempSync(join(tmpdir(), 'khien-backup-old-'));
    try {
      await old.db.execute(sql`create schema drizzle`);
      await old.db.execute(
        sql`create table drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`,
      );
      for (const m of migrations.slice(0, -1)) {
        for (const s of m.sql) await old.db.execute(sql.raw(s));
        await old.db.execute(
          sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${m.hash}, ${m.folderMillis})`,
        );
      }
      await recordAudit(old.db, { id: null, name: 'test' } as never, { action: 'test.old', entityType: 'test' });
      const oldHead = await verifyAuditChain(old.db);
      const file = join(dir, 'old.gz');
      const b = await backupDatabase(old, file);
      expect(b.header.migrations).toHaveLength(migrations.length - 1);
      const target = await openEmptyDatabase('pglite');
      try {
        const r = await restoreDatabase(target, file, key);
        expect(r.upgradedWith).toEqual([journal.entries.at(-1)?.tag]);
        // The restored chain is the old one, extended by what this version's start records (the rules loaded).
        expect(await verifyAuditChain(target.db, oldHead.headHash)).toMatchObject({ ok: true, keptHead: 'present' });
        const [n] = await queryRows<{ n: number }>(
          target.db,
          sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
        );
        expect(n?.n).toBe(migrations.length);
      } finally {
        await target.close();
      }
    } finally {
      await old.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
