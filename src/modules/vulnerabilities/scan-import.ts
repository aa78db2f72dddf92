import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../core/db/client.ts';
import { AppError } from '../../core/errors.ts';
import { provinceDay } from '../../core/time.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { auditActor } from '../auth/auth.service.ts';
import type { Actor } from '../auth/scope.ts';
import { type Attributor, endedBefore, loadAttributor } from '../organisations/index.ts';
import {
  type Finding,
  type HostRecord,
  hostKey,
  type ParseIssue,
  parseScan,
  type ScanSummary,
} from './parsers/index.ts';
import { computers, kevEntries, scanComputers, scanImports, vulnFindings } from './vulnerabilities.schema.ts';

const MAX_STORED_ISSUES = 200;
// Host records are written in batches: bounded memory on any file size (a batch holds at most this many hosts or
// findings, whichever comes first), few round trips.
const HOST_BATCH = 100;
const FINDING_BATCH = 1000;

export type ScanImportResult = {
  scanId: string;
  duplicate: boolean;
  fileName: string;
  format: string;
  hosts: number;
  findings: number;
  /** Hosts whose address matched no organisation's IP range (to be assigned by an analyst). */
  unattributedHosts: number;
  opened: number;
  reopened: number;
  resolved: number;
  issues: ParseIssue[];
  summary: ScanSummary | null;
};

export class ScanImportError extends AppError {}

/** A scan only speaks for its own scanner's checks: an Nmap run says nothing about Nessus plugins. */
const SCANNER_OF_FORMAT: Record<string, string> = {
  nessus: 'nessus',
  'nessus-csv': 'nessus',
  openvas: 'openvas',
  'openvas-csv': 'openvas',
  nmap: 'nmap',
};

/** SHA-256 of a file, streamed. */
export async function fileSha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * Imports one scanner report file atomically: computers are created/updated and attributed to organisations, findings
 * upserted by identity (computer + scanner check + port), findings of a covered computer that this scan no longer
 * reports are resolved, and re-reported ones reopened. A truncated or malformed file rolls everything back; a
 * malformed element is reported with its position and the rest is kept. The same file twice is a no-op (hash).
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
  if (existing)
    return {
      scanId: existing.id,
      duplicate: true,
      fileName: existing.fileName,
      format: existing.format,
      hosts: existing.hosts,
      findings: existing.findings,
      unattributedHosts: 0,
      opened: 0,
      reopened: 0,
      resolved: 0,
      issues: [],
      summary: existing.summary as ScanSummary,
    };
  const total = (await stat(path)).size;
  let read = 0;
  async function* counted() {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      read += (chunk as Buffer).length;
      opts.onProgress?.(read, total);
      yield chunk as Buffer;
    }
  }
  // Addresses belong to the units that held their ranges on the scan's day.
  const scanDay = provinceDay(opts.scannedAt ?? new Date());
  const [attribute, ended] = await Promise.all([loadAttributor(db, scanDay), endedBefore(db, scanDay)]);
  const kev = new Set((await db.select({ id: kevEntries.cveId }).from(kevEntries)).map((k) => k.id));
  // One instant for the whole file (the report's own host times are often zone-less): pass `scannedAt` to date an
  // older report correctly, otherwise it counts from its import.
  const importedAt = new Date();

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
      attribute,
      ended,
      kev,
      seenAt: opts.scannedAt ?? importedAt,
      counts: newCounts(),
    };
    const issues: ParseIssue[] = [];
    let batch: HostRecord[] = [];
    let batchFindings = 0;
    let summary: ScanSummary | null = null;
    let format = 'unknown';
    for await (const ev of parseScan(counted())) {
      if (ev.type === 'start') format = ev.format;
      else if (ev.type === 'issue') {
        if (issues.length < MAX_STORED_ISSUES) issues.push(ev.issue);
      } else if (ev.type === 'host') {
        batch.push(ev.record);
        batchFindings += ev.record.findings.length;
        if (batch.length >= HOST_BATCH || batchFindings >= FINDING_BATCH) {
          await writeHosts(ctx, batch);
          batch = [];
          batchFindings = 0;
        }
      } else {
        if (ev.fatal) {
          // Throwing inside the transaction rolls back every host already written: no partial scan remains.
          throw new ScanImportError('VALIDATION', `${fileName}: ${ev.fatal.message}; nothing was imported`, {
            fatal: ev.fatal,
            issues,
          });
        }
        summary = ev.summary;
      }
    }
    if (batch.length) await writeHosts(ctx, batch);
    const resolved = await resolveMissing(tx, scan.id, SCANNER_OF_FORMAT[format] ?? format, ctx.seenAt);
    const counts = ctx.counts;
    await tx
      .update(scanImports)
      .set({
        format,
        hosts: counts.hosts.size,
        findings: counts.findings,
        issues,
        summary: summary ?? {},
        importedBy: actor?.userId && actor.username !== 'cli' ? actor.userId : null,
      })
      .where(eq(scanImports.id, scan.id));
    const result: ScanImportResult = {
      scanId: scan.id,
      duplicate: false,
      fileName,
      format,
      hosts: counts.hosts.size,
      findings: counts.findings,
      unattributedHosts: counts.unattributed.size,
      opened: counts.opened,
      reopened: counts.reopened,
      resolved,
      issues,
      summary,
    };
    await recordAudit(tx, auditActor(actor), {
      action: 'scan.import',
      entityType: 'scan_import',
      entityId: scan.id,
      after: { ...result, issues: issues.length },
    });
    return result;
  });
}

type Counts = { hosts: Set<string>; unattributed: Set<string>; findings: number; opened: number; reopened: number };
const newCounts = (): Counts => ({ hosts: new Set(), unattributed: new Set(), findings: 0, opened: 0, reopened: 0 });
type BatchContext = {
  tx: Db;
  scanId: string;
  attribute: Attributor;
  /** The units no longer in force on the scan's day (merged, renamed or abolished). */
  ended: Set<string>;
  kev: Set<string>;
  seenAt: Date;
  counts: Counts;
};

async function writeHosts(ctx: BatchContext, records: HostRecord[]) {
  const { tx, scanId, seenAt, counts } = ctx;
  // Records of one host can arrive in several pieces (OpenVAS, CSV): merge per host key first.
  const byKey = new Map<string, { record: HostRecord; findings: Finding[] }>();
  for (const r of records) {
    const key = hostKey(r.host);
    const prev = byKey.get(key);
    if (prev) prev.findings.push(...r.findings);
    else byKey.set(key, { record: r, findings: [...r.findings] });
  }
  // A computer first seen under a unit that has since ended stays on that unit: its earlier findings belong to that
  // unit's period, and queries roll it up to the successor (or, with none recorded, keep it under its own name).
  // Only a range moved within a period (a correction) moves the computer.
  const held = new Map(
    (
      await tx
        .select({ hostKey: computers.hostKey, organisationId: computers.organisationId })
        .from(computers)
        .where(inArray(computers.hostKey, [...byKey.keys()]))
    ).map((c) => [c.hostKey, c.organisationId]),
  );
  const attributed = (key: string, ip: string) => {
    const now = ctx.attribute(ip);
    const before = held.get(key);
    return before && ctx.ended.has(before) ? before : now;
  };
  const rows = [...byKey.entries()].map(([key, { record }]) => {
    const h = record.host;
    return {
      hostKey: key,
      ip: h.ip,
      hostname: h.hostname ?? null,
      fqdn: h.fqdn ?? null,
      netbios: h.netbios ?? null,
      mac: h.mac ?? null,
      os: h.os ?? null,
      organisationId: attributed(key, h.ip),
      firstSeen: seenAt,
      lastSeen: seenAt,
    };
  });
  const saved = await tx
    .insert(computers)
    .values(rows)
    .onConflictDoUpdate({
      target: computers.hostKey,
      set: {
        hostname: sql`coalesce(excluded.hostname, ${computers.hostname})`,
        fqdn: sql`coalesce(excluded.fqdn, ${computers.fqdn})`,
        netbios: sql`coalesce(excluded.netbios, ${computers.netbios})`,
        os: sql`coalesce(excluded.os, ${computers.os})`,
        // An analyst's manual assignment survives re-imports; range attribution follows the current ranges.
        organisationId: sql`case when ${computers.attribution} = 'manual' then ${computers.organisationId} else excluded.organisation_id end`,
        firstSeen: sql`least(${computers.firstSeen}, excluded.first_seen)`,
        lastSeen: sql`greatest(${computers.lastSeen}, excluded.last_seen)`,
      },
    })
    .returning({ id: computers.id, hostKey: computers.hostKey, organisationId: computers.organisationId });
  // A computer that changed hands takes all its findings along, also those this scan does not report: a computer
  // is counted once, under one organisation.
  const moved = new Map<string | null, string[]>();
  for (const c of saved)
    if (held.has(c.hostKey) && held.get(c.hostKey) !== c.organisationId)
      moved.set(c.organisationId, [...(moved.get(c.organisationId) ?? []), c.id]);
  for (const [organisationId, ids] of moved)
    await tx.update(vulnFindings).set({ organisationId }).where(inArray(vulnFindings.computerId, ids));
  await tx
    .insert(scanComputers)
    .values(saved.map((c) => ({ scanId, computerId: c.id })))
    .onConflictDoNothing();

  const findingRows = [];
  for (const c of saved) {
    counts.hosts.add(c.hostKey);
    if (!c.organisationId) counts.unattributed.add(c.hostKey);
    const merged = byKey.get(c.hostKey)?.findings ?? [];
    // One row per identity (a report may repeat a check on a port); informational items are never stored.
    const unique = new Map<string, Finding>();
    for (const f of merged)
      if (f.severity !== 'info') unique.set(`${f.scanner}|${f.scannerId}|${f.port}|${f.protocol}`, f);
    for (const f of unique.values()) {
      counts.findings++;
      findingRows.push({
        computerId: c.id,
        organisationId: c.organisationId,
        scanner: f.scanner,
        scannerId: f.scannerId,
        port: f.port,
        protocol: f.protocol,
        service: f.service ?? null,
        name: f.name,
        severity: f.severity,
        cvss2Score: f.cvss2?.score ?? null,
        cvss2Vector: f.cvss2?.vector ?? null,
        cvss3Score: f.cvss3?.score ?? null,
        cvss3Vector: f.cvss3?.vector ?? null,
        cves: f.cves,
        solution: f.solution ?? null,
        synopsis: f.synopsis ?? null,
        output: f.output ?? null,
        knownExploited: f.cves.some((cve) => ctx.kev.has(cve)),
        firstSeen: seenAt,
        lastSeen: seenAt,
        lastScanId: scanId,
      });
    }
  }
  if (!findingRows.length) return;
  const reopen = sql`(${vulnFindings.status} in ('resolved', 'fixed') and excluded.last_seen > coalesce(${vulnFindings.statusChangedAt}, ${vulnFindings.resolvedAt}, ${vulnFindings.lastSeen}))`;
  const res = await tx
    .insert(vulnFindings)
    .values(findingRows)
    .onConflictDoUpdate({
      target: [
        vulnFindings.computerId,
        vulnFindings.scanner,
        vulnFindings.scannerId,
        vulnFindings.port,
        vulnFindings.protocol,
      ],
      set: {
        organisationId: sql`excluded.organisation_id`,
        name: sql`excluded.name`,
        severity: sql`excluded.severity`,
        cvss2Score: sql`excluded.cvss2_score`,
        cvss2Vector: sql`excluded.cvss2_vector`,
        cvss3Score: sql`excluded.cvss3_score`,
        cvss3Vector: sql`excluded.cvss3_vector`,
        cves: sql`excluded.cves`,
        solution: sql`excluded.solution`,
        synopsis: sql`excluded.synopsis`,
        output: sql`excluded.output`,
        knownExploited: sql`${vulnFindings.knownExploited} or excluded.known_exploited`,
        status: sql`case when ${reopen} then 'open'::finding_status else ${vulnFindings.status} end`,
        reopenedCount: sql`${vulnFindings.reopenedCount} + case when ${reopen} then 1 else 0 end`,
        resolvedAt: sql`case when ${reopen} then null else ${vulnFindings.resolvedAt} end`,
        statusChangedAt: sql`case when ${reopen} then excluded.last_seen else ${vulnFindings.statusChangedAt} end`,
        firstSeen: sql`least(${vulnFindings.firstSeen}, excluded.first_seen)`,
        lastSeen: sql`greatest(${vulnFindings.lastSeen}, excluded.last_seen)`,
        lastScanId: sql`excluded.last_scan_id`,
      },
    })
    // xmax = 0 only for freshly inserted rows; reopened ones were counted by the CASE above.
    .returning({ inserted: sql<boolean>`(xmax = 0)`, statusChangedAt: vulnFindings.statusChangedAt });
  for (const r of res) {
    if (r.inserted) counts.opened++;
    // Only the reopening CASE above sets status_changed_at to this scan's instant on an existing row.
    else if (r.statusChangedAt?.getTime() === seenAt.getTime()) counts.reopened++;
  }
}

/**
 * Findings on the computers this scan covered, from the same scanner, that the scan did not report: resolved as of
 * the scan time. A scan older than a finding's last sighting resolves nothing (imports may arrive out of order).
 */
async function resolveMissing(tx: Db, scanId: string, scanner: string, scannedAt: Date): Promise<number> {
  const covered = tx
    .select({ id: scanComputers.computerId })
    .from(scanComputers)
    .where(eq(scanComputers.scanId, scanId));
  const res = await tx
    .update(vulnFindings)
    .set({ status: 'resolved', resolvedAt: scannedAt, statusChangedAt: scannedAt })
    .where(
      and(
        inArray(vulnFindings.computerId, covered),
        eq(vulnFindings.scanner, scanner),
        inArray(vulnFindings.status, ['open', 'fixed']),
        sql`${vulnFindings.lastScanId} is distinct from ${scanId}`,
        sql`${vulnFindings.lastSeen} < ${scannedAt}`,
      ),
    )
    .returning({ id: vulnFindings.id });
  return res.length;
}
