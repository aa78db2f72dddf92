import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { eq, inArray, sql } from 'drizzle-orm';
import { auditActor } from '../../core/actor.ts';
import { type Db, queryRows } from '../../core/db/client.ts';
import { AppError } from '../../core/errors.ts';
import { fileSha256 } from '../../core/io/file-hash.ts';
import { recordAudit } from '../audit/index.ts';

import type { Actor } from '../auth/index.ts';
import { endedBefore, loadAttributor } from '../organisations/index.ts';
import {
  type BatchContext,
  type FindingRow,
  findingValues,
  jsonRecords,
  keepLatest,
  newCounts,
  onScanDay,
  resolveMissing,
  type ScanTimes,
  seenRecords,
  seenTime,
  timesOf,
  upsertFindings,
} from './import-shared.ts';
import {
  type DetectedSoftware,
  type Finding,
  type HostRecord,
  hostKey,
  type IssueCode,
  type ParseIssue,
  parseScan,
  type ScanSummary,
  softwareKey,
  type WebsiteRecord,
} from './parsers/index.ts';
import { computerSoftware, kevEntries, scanImports, vulnFindings } from './vulnerabilities.schema.ts';
import { writeWebsites } from './web-import.ts';

const MAX_STORED_ISSUES = 200;
// Host records are written in batches: bounded memory on any file size (a batch holds at most this many hosts or
// findings, whichever comes first), few round trips.
const HOST_BATCH = 200;
const FINDING_BATCH = 2000;

/**
 * What an import did with the file as a whole: `imported` (everything the file reports was kept), `partial` (some
 * elements had problems: see the issues), `nothing` (not one finding could be kept although the file had some, or
 * the file held no host at all).
 */
export type ScanImportOutcome = 'imported' | 'partial' | 'nothing';

/** The issues of a file grouped by kind: how often each occurred and how many findings it cost. */
export type IssueGroup = { code: IssueCode; issues: number; findings: number };

/** What an import adds to the parser's summary in `scan_imports.summary.import`. */
export type ImportFacts = {
  outcome: ScanImportOutcome;
  issueGroups: IssueGroup[];
  informational: number;
  scanTimes: ScanTimes;
};

export type ScanImportResult = {
  scanId: string;
  duplicate: boolean;
  fileName: string;
  format: string;
  hosts: number;
  findings: number;
  /** Hosts whose address matched no organisation's IP range (to be assigned by an analyst). */
  unattributedHosts: number;
  /** Websites of a web scanner's report, and those no register matched (to be assigned by an analyst). */
  websites: number;
  unattributedWebsites: number;
  opened: number;
  reopened: number;
  resolved: number;
  issues: ParseIssue[];
  summary: ScanSummary | null;
  outcome: ScanImportOutcome;
  issueGroups: IssueGroup[];
  /** Informational items of the file (not vulnerabilities): read, never stored. */
  informational: number;
  /** Null only for files imported before the import recorded it. */
  scanTimes: ScanTimes | null;
};

export class ScanImportError extends AppError {}

/** What an earlier import recorded; `scanTimes` is null for files imported before imports recorded it. */
export type StoredFacts = Omit<ImportFacts, 'scanTimes'> & { scanTimes: ScanTimes | null };

/** The outcome of a file from what was kept and what was refused. */
export function outcomeOf(kept: { hosts: number; findings: number }, summary: ScanSummary | null): ScanImportOutcome {
  const dropped = summary?.droppedFindings ?? 0;
  if (kept.findings === 0 && (dropped > 0 || kept.hosts === 0)) return 'nothing';
  return (summary?.issues ?? 0) > 0 ? 'partial' : 'imported';
}

/** The issues of a file grouped by kind, most costly first. */
function groupIssues(groups: Map<IssueCode, IssueGroup>): IssueGroup[] {
  return [...groups.values()].sort((a, b) => b.findings - a.findings || b.issues - a.issues);
}

/** The facts an earlier import stored with its summary (absent for files imported before they were recorded). */
export function storedFacts(summary: unknown, issues: ParseIssue[]): StoredFacts {
  const s = (summary ?? {}) as Partial<ScanSummary> & { import?: ImportFacts };
  if (s.import)
    return {
      ...s.import,
      scanTimes: s.import.scanTimes
        ? { ...s.import.scanTimes, from: new Date(s.import.scanTimes.from), to: new Date(s.import.scanTimes.to) }
        : null,
    };
  const groups = new Map<IssueCode, IssueGroup>();
  for (const i of issues) {
    const g = groups.get(i.code) ?? { code: i.code, issues: 0, findings: 0 };
    g.issues++;
    g.findings += i.dropped;
    groups.set(i.code, g);
  }
  return {
    outcome: outcomeOf({ hosts: s.hosts ?? 0, findings: s.findings ?? 0 }, s as ScanSummary),
    issueGroups: groupIssues(groups),
    informational: s.findingsBySeverity?.info ?? 0,
    scanTimes: null,
  };
}

/**
 * Imports one scanner report file atomically: computers are created/updated and attributed to organisations, findings
 * upserted by identity (computer + scanner check + port), findings of a covered computer that this scan no longer
 * reports are resolved, and re-reported ones reopened. A truncated or malformed file rolls everything back; a
 * malformed element is reported with its position and the rest is kept. The same file twice is a no-op (hash).
 *
 * Each host is dated with its own scan time from the file (Nessus HOST_START/HOST_END, OpenVAS scan start, Nmap
 * start time): that is when its computer and findings were seen, and the period they count in. `scannedAt`, when
 * given, replaces the file's times (a report whose times are wrong); the upload time is used only for what the file
 * does not date, and the result says so.
 */
export async function importScanFile(
  db: Db,
  actor: Actor | null,
  path: string,
  opts: { fileName?: string; scannedAt?: Date; onProgress?: (bytes: number, total: number) => void } = {},
): Promise<ScanImportResult> {
  const fileName = opts.fileName ?? basename(path);
  const sha256 = await fileSha256(path);
  const [existing] = await db.select().from(scanImports).where(eq(scanImports.sha256, sha256));
  if (existing) {
    const summary = existing.summary as ScanSummary;
    const issues = existing.issues as ParseIssue[];
    return {
      scanId: existing.id,
      duplicate: true,
      fileName: existing.fileName,
      format: existing.format,
      hosts: existing.hosts,
      websites: existing.websites,
      findings: existing.findings,
      unattributedHosts: 0,
      unattributedWebsites: 0,
      opened: 0,
      reopened: 0,
      resolved: 0,
      issues: [],
      summary,
      ...storedFacts(summary, issues),
    };
  }
  const total = (await stat(path)).size;
  let read = 0;
  async function* counted() {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      read += (chunk as Buffer).length;
      opts.onProgress?.(read, total);
      yield chunk as Buffer;
    }
  }
  const importedAt = new Date();
  const kev = new Set((await db.select({ id: kevEntries.cveId }).from(kevEntries)).map((k) => k.id));

  return db.transaction(async (tx) => {
    const [scan] = await tx
      .insert(scanImports)
      .values({
        sha256,
        fileName,
        format: 'pending',
        scannedAt: opts.scannedAt ?? importedAt,
        hosts: 0,
        findings: 0,
        summary: {},
      })
      .returning({ id: scanImports.id });
    if (!scan) throw new AppError('INTERNAL', 'insert failed');
    const ctx: BatchContext = {
      tx,
      scanId: scan.id,
      ranges: new Map(),
      websiteMatchers: new Map(),
      kev,
      given: opts.scannedAt,
      uploadedAt: importedAt,
      times: { timed: new Set(), untimed: new Set(), zoneAssumed: false },
      seenByComputer: new Map(),
      seenByWebsite: new Map(),
      softwareSeen: new Map(),
      scanner: 'unknown',
      counts: newCounts(),
    };
    const issues: ParseIssue[] = [];
    const groups = new Map<IssueCode, IssueGroup>();
    let batch: HostRecord[] = [];
    let webBatch: WebsiteRecord[] = [];
    let batchFindings = 0;
    let summary: ScanSummary | null = null;
    let format = 'unknown';
    // One batch is written while the next is parsed: with a database server, both run at once. Batches are written
    // in order, one at a time (they share the context and the transaction's connection).
    let writing: Promise<void> | undefined;
    const write = async (job: () => Promise<void>) => {
      await writing;
      writing = job();
      // Awaited before the next batch or at the end; until then its failure must not count as unhandled.
      writing.catch(() => {});
    };
    try {
      for await (const ev of parseScan(counted())) {
        if (ev.type === 'start') {
          format = ev.format;
          // A scan only speaks for its own scanner's checks: an Nmap run says nothing about Nessus plugins.
          ctx.scanner = ev.scanner;
        } else if (ev.type === 'issue') {
          if (issues.length < MAX_STORED_ISSUES) issues.push(ev.issue);
          const g = groups.get(ev.issue.code) ?? { code: ev.issue.code, issues: 0, findings: 0 };
          g.issues++;
          g.findings += ev.issue.dropped;
          groups.set(ev.issue.code, g);
        } else if (ev.type === 'host') {
          batch.push(ev.record);
          batchFindings += ev.record.findings.length;
          if (batch.length >= HOST_BATCH || batchFindings >= FINDING_BATCH) {
            const records = batch;
            await write(() => writeHosts(ctx, records));
            batch = [];
            batchFindings = 0;
          }
        } else if (ev.type === 'website') {
          webBatch.push(ev.record);
          batchFindings += ev.record.findings.length;
          if (webBatch.length >= HOST_BATCH || batchFindings >= FINDING_BATCH) {
            const records = webBatch;
            await write(() => writeWebsites(ctx, records));
            webBatch = [];
            batchFindings = 0;
          }
        } else {
          if (ev.fatal) {
            // Throwing inside the transaction rolls back every host already written: no partial scan remains.
            throw new ScanImportError(
              'VALIDATION',
              `${fileName}: ${ev.fatal.message}; nothing was imported`,
              { fatal: ev.fatal, issues },
              {
                key: `vuln.scanFatal.${ev.fatal.kind}`,
                params: { file: fileName, line: ev.fatal.line ?? '?', column: ev.fatal.column ?? '?' },
              },
            );
          }
          summary = ev.summary;
        }
      }
      await write(async () => {
        if (batch.length) await writeHosts(ctx, batch);
        if (webBatch.length) await writeWebsites(ctx, webBatch);
      });
      await writing;
    } finally {
      // A batch still being written ends before the transaction does: its later statements would run outside it.
      await writing?.catch(() => {});
    }
    const resolved =
      (await resolveMissing(tx, scan.id, ctx.scanner, ctx.seenByComputer, 'computer_id')) +
      (await resolveMissing(tx, scan.id, ctx.scanner, ctx.seenByWebsite, 'website_id'));
    await removeMissingSoftware(tx, scan.id, ctx.scanner, ctx.softwareSeen);
    const counts = ctx.counts;
    const scanTimes = timesOf(ctx);
    const facts: ImportFacts = {
      outcome: outcomeOf({ hosts: counts.hosts.size + counts.websites.size, findings: counts.findings }, summary),
      issueGroups: groupIssues(groups),
      informational: summary?.findingsBySeverity.info ?? 0,
      scanTimes,
    };
    await tx
      .update(scanImports)
      .set({
        format,
        scannedAt: scanTimes.from,
        hosts: counts.hosts.size,
        websites: counts.websites.size,
        findings: counts.findings,
        issues,
        summary: { ...(summary ?? {}), import: facts },
        importedBy: actor?.userId && actor.username !== 'cli' ? actor.userId : null,
      })
      .where(eq(scanImports.id, scan.id));
    const result: ScanImportResult = {
      scanId: scan.id,
      duplicate: false,
      fileName,
      format,
      hosts: counts.hosts.size,
      websites: counts.websites.size,
      findings: counts.findings,
      unattributedHosts: counts.unattributed.size,
      unattributedWebsites: counts.unattributedWebsites.size,
      opened: counts.opened,
      reopened: counts.reopened,
      resolved,
      issues,
      summary,
      ...facts,
    };
    await recordAudit(tx, auditActor(actor), {
      action: 'scan.import',
      entityType: 'scan_import',
      entityId: scan.id,
      after: { ...result, issues: issues.length, issueGroups: undefined },
    });
    return result;
  });
}

async function writeHosts(ctx: BatchContext, records: HostRecord[]) {
  const { tx, scanId, counts } = ctx;
  // Records of one host can arrive in several pieces (OpenVAS, CSV): merge per host key first.
  const byKey = new Map<
    string,
    { record: HostRecord; records: HostRecord[]; findings: Finding[]; software: DetectedSoftware[]; seen: Date }
  >();
  for (const r of records) {
    const key = hostKey(r.host);
    const prev = byKey.get(key);
    if (prev) {
      prev.findings.push(...r.findings);
      prev.software.push(...(r.software ?? []));
      prev.records.push(r);
    } else
      byKey.set(key, {
        record: r,
        records: [r],
        findings: [...r.findings],
        software: [...(r.software ?? [])],
        seen: ctx.uploadedAt,
      });
  }
  for (const [key, entry] of byKey)
    entry.seen = seenTime(
      ctx,
      key,
      entry.records.map((r) => r.host),
    );
  const rangesOn = (at: Date) =>
    onScanDay(ctx.ranges, at, (day) =>
      Promise.all([loadAttributor(tx, day), endedBefore(tx, day)]).then(([attribute, ended]) => ({ attribute, ended })),
    );
  // A computer first seen under a unit that has since ended stays on that unit: its earlier findings belong to that
  // unit's period, and queries roll it up to the successor (or, with none recorded, keep it under its own name).
  // Only a range moved within a period (a correction) moves the computer.
  const held = new Map(
    (
      await queryRows<{ hostKey: string; organisationId: string | null }>(
        tx,
        sql`select host_key as "hostKey", organisation_id as "organisationId" from computers
          where host_key in (select json_array_elements_text(${JSON.stringify([...byKey.keys()])}::json))`,
      )
    ).map((c) => [c.hostKey, c.organisationId]),
  );
  const attributed = async (key: string, ip: string, seen: Date) => {
    const { attribute, ended } = await rangesOn(seen);
    const now = attribute(ip);
    const before = held.get(key);
    return before && ended.has(before) ? before : now;
  };
  const rows = [];
  for (const [key, { record, seen }] of byKey) {
    const h = record.host;
    rows.push({
      host_key: key,
      ip: h.ip,
      hostname: h.hostname ?? null,
      fqdn: h.fqdn ?? null,
      netbios: h.netbios ?? null,
      mac: h.mac ?? null,
      os: h.os ?? null,
      organisation_id: await attributed(key, h.ip, seen),
      first_seen: seen,
      last_seen: seen,
    });
  }
  // The computers, and that this scan covered them, in one statement.
  const columns = sql.raw(Object.keys(rows[0] ?? {}).join(', '));
  const saved = await queryRows<{ id: string; hostKey: string; organisationId: string | null }>(
    tx,
    sql`with saved as (
        insert into computers (${columns}) select ${columns} from ${jsonRecords('computers', rows)}
        on conflict (host_key) do update set
          hostname = coalesce(excluded.hostname, computers.hostname),
          fqdn = coalesce(excluded.fqdn, computers.fqdn),
          netbios = coalesce(excluded.netbios, computers.netbios),
          os = coalesce(excluded.os, computers.os),
          -- An analyst's manual assignment survives re-imports; range attribution follows the current ranges.
          organisation_id = case when computers.attribution = 'manual' then computers.organisation_id
            else excluded.organisation_id end,
          first_seen = least(computers.first_seen, excluded.first_seen),
          last_seen = greatest(computers.last_seen, excluded.last_seen)
        returning id, host_key, organisation_id),
      covered as (insert into scan_computers (scan_id, computer_id) select ${scanId}::uuid, id from saved
        on conflict do nothing)
      select id, host_key as "hostKey", organisation_id as "organisationId" from saved`,
  );
  // A computer that changed hands takes all its findings along, also those this scan does not report: a computer
  // is counted once, under one organisation.
  const moved = new Map<string | null, string[]>();
  for (const c of saved)
    if (held.has(c.hostKey) && held.get(c.hostKey) !== c.organisationId)
      moved.set(c.organisationId, [...(moved.get(c.organisationId) ?? []), c.id]);
  for (const [organisationId, ids] of moved) {
    await tx.update(vulnFindings).set({ organisationId }).where(inArray(vulnFindings.computerId, ids));
    await tx.update(computerSoftware).set({ organisationId }).where(inArray(computerSoftware.computerId, ids));
  }
  await writeSoftware(ctx, saved, byKey);

  const findingRows: FindingRow[] = [];
  const seenOf = new Map<string, Date>();
  for (const c of saved) {
    counts.hosts.add(c.hostKey);
    if (!c.organisationId) counts.unattributed.add(c.hostKey);
    const entry = byKey.get(c.hostKey);
    const seen = entry?.seen ?? ctx.uploadedAt;
    seenOf.set(c.id, seen);
    keepLatest(ctx.seenByComputer, c.id, seen);
    // One row per identity (a report may repeat a check on a port); informational items are never stored.
    const unique = new Map<string, Finding>();
    for (const f of entry?.findings ?? [])
      if (f.severity !== 'info') unique.set(`${f.scanner}|${f.scannerId}|${f.port}|${f.protocol}`, f);
    for (const f of unique.values()) {
      counts.findings++;
      findingRows.push({
        ...findingValues(ctx, f, seen),
        computer_id: c.id,
        organisation_id: c.organisationId,
        port: f.port,
        protocol: f.protocol,
        service: f.service ?? null,
        cvss2_score: f.cvss2?.score ?? null,
        cvss2_vector: f.cvss2?.vector ?? null,
        synopsis: f.synopsis ?? null,
      });
    }
  }
  await upsertFindings(ctx, 'computer', findingRows, seenOf);
}

/**
 * The software each computer's records listed, upserted by (computer, key); the key starts with the scanner, so one
 * scanner's list never replaces another's. A list a later scan of the same scanner already replaced is left as it is:
 * an older report imported late neither brings back what that scan no longer saw nor rewrites what it did.
 */
async function writeSoftware(
  ctx: BatchContext,
  saved: { id: string; hostKey: string; organisationId: string | null }[],
  byKey: Map<string, { software: DetectedSoftware[]; seen: Date }>,
) {
  const listed = saved.filter((c) => byKey.get(c.hostKey)?.software.length);
  if (!listed.length) return;
  const newest = new Map(
    (
      await queryRows<{ id: string; at: number }>(
        ctx.tx,
        sql`select computer_id as id, (extract(epoch from max(last_seen)) * 1000)::float8 as at from computer_software
          where computer_id in (select value::uuid from json_array_elements_text(${JSON.stringify(listed.map((c) => c.id))}::json))
            and scanner = ${ctx.scanner}
          group by computer_id`,
      )
    ).map((r) => [r.id, r.at]),
  );
  const rows = new Map<string, object>();
  for (const c of listed) {
    const entry = byKey.get(c.hostKey);
    const latest = newest.get(c.id);
    if (!entry || (latest !== undefined && latest > entry.seen.getTime())) continue;
    keepLatest(ctx.softwareSeen, c.id, entry.seen);
    for (const item of entry.software) {
      const key = `${ctx.scanner}|${softwareKey(item)}`;
      rows.set(`${c.id}|${key}`, {
        computer_id: c.id,
        organisation_id: c.organisationId,
        key,
        vendor: item.vendor ?? null,
        product: item.product,
        version: item.version ?? null,
        cpe: item.cpe ?? null,
        port: item.port ?? null,
        protocol: item.protocol ?? null,
        service: item.service ?? null,
        scanner: ctx.scanner,
        first_seen: entry.seen,
        last_seen: entry.seen,
        last_scan_id: ctx.scanId,
      });
    }
  }
  if (!rows.size) return;
  const all = [...rows.values()];
  const columns = sql.raw(Object.keys(all[0] as object).join(', '));
  await ctx.tx.execute(
    sql`insert into computer_software (${columns}) select ${columns} from ${jsonRecords('computer_software', all)}
      on conflict (computer_id, key) do update set
        organisation_id = excluded.organisation_id,
        vendor = excluded.vendor,
        product = excluded.product,
        version = excluded.version,
        service = excluded.service,
        first_seen = least(computer_software.first_seen, excluded.first_seen),
        last_seen = greatest(computer_software.last_seen, excluded.last_seen),
        last_scan_id = excluded.last_scan_id`,
  );
}

/**
 * Software of the computers this scan listed software for, from the same scanner, that the scan no longer lists:
 * removed. A scan older than an item's last sighting removes nothing, and a scan that listed nothing for a computer
 * (its checks did not look) leaves that computer's list alone.
 */
async function removeMissingSoftware(tx: Db, scanId: string, scanner: string, seen: Map<string, Date>) {
  if (!seen.size) return;
  await tx.execute(
    sql`delete from computer_software s using ${seenRecords(seen)}
      where s.computer_id = v.id and s.scanner = ${scanner}
        and s.last_scan_id is distinct from ${scanId}::uuid and s.last_seen < v.at`,
  );
}
