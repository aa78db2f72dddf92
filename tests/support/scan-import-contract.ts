// The one storage-level pattern every report format passes (tests/api/scan-formats-import.test.ts), beside the
// parser-level one (scan-format-contract.ts): an import stores what the parse gives; the same report again changes
// nothing; a cut copy says where and keeps nothing of itself; a later scan resolves what disappeared, and the report
// that has it again reopens it. What each step should do is computed from parses of the texts, never pinned.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, type Db, queryRows } from '../../src/core/db/client.ts';
import { AppError } from '../../src/core/errors.ts';
import { importScanFile } from '../../src/modules/vulnerabilities/index.ts';
import {
  type CollectedScan,
  collectScan,
  findingKey,
  hostKey,
  type ScanFormat,
  type Severity,
  webFindingKey,
  websiteKey,
} from '../../src/modules/vulnerabilities/parsers/index.ts';
import { openTestDatabase, type TestDbKind } from './db.ts';
import { fixture } from './scan-fixtures.ts';

export interface ImportCase {
  /** Path under the shared fixtures (`zap/0_zap_sample.xml`) or an absolute path. */
  file: string;
  format: ScanFormat;
  /** The same report without one stored finding (its subject still covered): the smallest edit the format allows. */
  dropOne: (text: string) => string;
  /** A copy cut inside a record (default: 60% of the text). */
  cut?: (text: string) => string;
}

/** What an import of a parse must store: its subjects (host or website keys) and non-info findings by identity. */
interface Storable {
  subjects: Set<string>;
  /** Identity (`findingKey`/`webFindingKey`) → its subject and severity (a repeated identity: the last one read). */
  findings: Map<string, { subject: string; severity: Severity }>;
}

function storableOf(scan: CollectedScan): Storable {
  const subjects = new Set<string>();
  const findings: Storable['findings'] = new Map();
  for (const { host, findings: list } of scan.hosts) {
    const subject = hostKey(host);
    subjects.add(subject);
    for (const f of list)
      if (f.severity !== 'info') findings.set(findingKey(host, f), { subject, severity: f.severity });
  }
  for (const { website, findings: list } of scan.websites) {
    const subject = websiteKey(website);
    subjects.add(subject);
    for (const f of list)
      if (f.severity !== 'info') findings.set(webFindingKey(website, f), { subject, severity: f.severity });
  }
  return { subjects, findings };
}

export type TableState = {
  computers: number;
  websites: number;
  findings: number;
  software: number;
  imports: number;
  checksum: string;
};

/** Row counts of the import's tables and a checksum of every finding row's id, status, last sighting and severity. */
export async function tableState(db: Db): Promise<TableState> {
  const [state] = await queryRows<TableState>(
    db,
    sql`select (select count(*)::int from computers) as computers, (select count(*)::int from websites) as websites,
      (select count(*)::int from vuln_findings) as findings, (select count(*)::int from computer_software) as software,
      (select count(*)::int from scan_imports) as imports,
      (select md5(coalesce(string_agg(id::text || status::text || last_seen::text || severity::text, ',' order by id),
        '')) from vuln_findings) as checksum`,
  );
  if (!state) throw new Error('no table state');
  return state;
}

/** The subjects a scan covered and the findings stored on them, with the parsers' keys. */
async function storedBy(db: Db, scanId: string) {
  const subjects = await queryRows<{ key: string }>(
    db,
    sql`select c.host_key as key from scan_computers s join computers c on c.id = s.computer_id
        where s.scan_id = ${scanId}
      union all
      select w.site_key from scan_websites s join websites w on w.id = s.website_id where s.scan_id = ${scanId}`,
  );
  const findings = await queryRows<{ identity: string; severity: Severity; status: string }>(
    db,
    sql`select c.host_key || '|' || f.scanner || ':' || f.scanner_id || '|' || f.port || '/' || f.protocol as identity,
        f.severity::text as severity, f.status::text as status
      from scan_computers s join vuln_findings f on f.computer_id = s.computer_id
        join computers c on c.id = s.computer_id where s.scan_id = ${scanId}
      union all
      select w.site_key || '|' || f.scanner || ':' || f.scanner_id || '|' || f.location, f.severity::text,
        f.status::text
      from scan_websites s join vuln_findings f on f.website_id = s.website_id
        join websites w on w.id = s.website_id where s.scan_id = ${scanId}`,
  );
  return { subjects: subjects.map((s) => s.key), findings };
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const T1 = new Date('2024-03-04T02:00:00Z');
const T2 = new Date('2024-04-08T02:00:00Z');
const T3 = new Date('2024-05-06T02:00:00Z');

const sorted = (keys: Iterable<string>) => [...keys].sort();

/** Empties the database of scans: no computer, website, finding, software or import is left. */
export async function emptyScans(db: Db): Promise<void> {
  // Findings, software and the links of scans reference imports, computers and websites: emptied with them.
  await db.execute(sql`truncate scan_imports, computers, websites cascade`);
}

/**
 * Registers the pattern's steps for each case (call inside a describe) on one fresh database of `kind`, emptied of
 * scans before each case. Returns that database, for the caller's own tests.
 */
export function importContracts(kind: TestDbKind, cases: ImportCase[]): () => Db {
  let database: Database | undefined;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.close();
  });
  const dbOf = () => {
    if (!database) throw new Error('no database');
    return database.db;
  };
  for (const c of cases) importContract(dbOf, c);
  return dbOf;
}

function importContract(dbOf: () => Db, c: ImportCase): void {
  const path = c.file.startsWith('/') ? c.file : fixture(c.file);
  const text = readFileSync(path, 'utf8');
  let db: Db;
  let dir: string;
  let copies = 0;
  /** A temporary copy of `content` (another name each time: a name is no part of the report). */
  const copy = (content: string) => {
    const file = join(dir, `${++copies}-${path.split('/').at(-1)}`);
    writeFileSync(file, content);
    return file;
  };
  let whole: Storable;
  let scanId: string;

  describe(c.file.startsWith('/') ? relative(ROOT, c.file) : c.file, () => {
    beforeAll(async () => {
      db = dbOf();
      await emptyScans(db);
      dir = mkdtempSync(join(tmpdir(), 'khien-scan-import-'));
      const scan = await collectScan(text);
      expect(scan.fatal).toBeNull();
      expect(scan.format).toBe(c.format);
      whole = storableOf(scan);
    });
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('import: stores the subjects and the distinct non-info findings the parse gives', async () => {
      const r = await importScanFile(db, null, path, { scannedAt: T1 });
      scanId = r.scanId;
      expect(r.duplicate).toBe(false);
      expect(r.format).toBe(c.format);
      expect(whole.findings.size, 'a fixture with at least one stored finding').toBeGreaterThan(0);
      const stored = await storedBy(db, r.scanId);
      expect(sorted(stored.subjects)).toEqual(sorted(whole.subjects));
      expect(Object.fromEntries(stored.findings.map((f) => [f.identity, f.severity]))).toEqual(
        Object.fromEntries([...whole.findings].map(([k, f]) => [k, f.severity])),
      );
      expect(stored.findings.every((f) => f.status === 'open')).toBe(true);
      expect([r.hosts + r.websites, r.findings, r.opened]).toEqual([
        whole.subjects.size,
        whole.findings.size,
        whole.findings.size,
      ]);
      const state = await tableState(db);
      expect([state.computers, state.websites, state.findings]).toEqual([r.hosts, r.websites, whole.findings.size]);
    });

    it('re-import: the same file is a duplicate; a byte-different copy of it changes nothing', async () => {
      const before = await tableState(db);
      const again = await importScanFile(db, null, path, { scannedAt: T1 });
      expect(again.duplicate).toBe(true);
      expect(await tableState(db)).toEqual(before);

      const other = await importScanFile(db, null, copy(`${text}\n`), { scannedAt: T1 });
      expect(other.duplicate).toBe(false);
      expect([other.opened, other.reopened, other.resolved]).toEqual([0, 0, 0]);
      expect(await tableState(db)).toEqual({ ...before, imports: before.imports + 1 });
    });

    it('cut: refused naming the line, nothing of it kept', async () => {
      const cut = c.cut?.(text) ?? text.slice(0, Math.floor(text.length * 0.6));
      const lines = cut.split('\n').length;
      const before = await tableState(db);
      const error = await importScanFile(db, null, copy(cut), { scannedAt: T1 }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AppError);
      if (!(error instanceof AppError)) return;
      expect(error.code).toBe('VALIDATION');
      const line = Number(error.params?.line);
      expect(line).toBeGreaterThan(0);
      expect(line).toBeLessThanOrEqual(lines);
      expect(error.message).toContain(`line ${line}`);
      expect(await tableState(db)).toEqual(before);
    });

    it('later scan: what disappeared is resolved; the report that has it again reopens it', async () => {
      const edited = c.dropOne(text);
      const later = storableOf(await collectScan(edited));
      // Findings of the subjects the later scan still covers that it no longer reports.
      const gone = [...whole.findings]
        .filter(([k, f]) => !later.findings.has(k) && later.subjects.has(f.subject))
        .map(([k]) => k);
      expect(gone.length, 'dropOne takes out one stored finding of a subject still covered').toBe(1);
      const added = [...later.findings.keys()].filter((k) => !whole.findings.has(k));
      expect(added).toEqual([]);

      const r = await importScanFile(db, null, copy(edited), { scannedAt: T2 });
      expect([r.opened, r.reopened, r.resolved]).toEqual([0, 0, gone.length]);
      const status = async () =>
        Object.fromEntries((await storedBy(db, scanId)).findings.map((f) => [f.identity, f.status]));
      const resolved = await status();
      for (const k of whole.findings.keys()) expect(resolved[k], k).toBe(gone.includes(k) ? 'resolved' : 'open');

      const back = await importScanFile(db, null, copy(`${text}\n\n`), { scannedAt: T3 });
      expect([back.opened, back.reopened, back.resolved]).toEqual([0, gone.length, 0]);
      const reopened = await status();
      for (const k of whole.findings.keys()) expect(reopened[k], k).toBe('open');
    });
  });
}
