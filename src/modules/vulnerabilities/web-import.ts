// Websites and their findings from a web scanner's report: each website is matched to the agency site registered for
// its host, else to the information system whose host names or addresses serve it, on the day it was scanned.
import { isIP } from 'node:net';
import { inArray, sql } from 'drizzle-orm';
import { queryRows } from '../../core/db/client.ts';
import { PrefixTrie } from '../../core/net/prefix-trie.ts';
import {
  type BatchContext,
  type FindingRow,
  findingValues,
  keepLatest,
  onScanDay,
  seenTime,
  upsertFindings,
} from './import-shared.ts';
import { type WebFinding, type WebsiteRecord, websiteKey } from './parsers/index.ts';
import { scanWebsites, websites } from './vulnerabilities.schema.ts';

/** Who serves a website: the register entry it matched and its organisation. */
export type WebsiteOwner = {
  organisationId: string;
  siteId: string | null;
  systemId: string | null;
  attribution: 'site' | 'system';
};

/** Matches websites to the registers of one day (loaded once per scan day; lookups in memory). */
export type WebsiteMatcher = (host: string, ip: string | undefined) => WebsiteOwner | null;

/**
 * The registers of `day`: agency sites in force that day by host name; information systems in service by a host name
 * of theirs or an address range holding the website's address (the host itself when it is an address).
 */
export async function loadWebsiteMatcher(db: BatchContext['tx'], day: string): Promise<WebsiteMatcher> {
  const [registered, systemHosts] = await Promise.all([
    queryRows<{ id: string; host: string; organisationId: string }>(
      db,
      sql`select id, host, organisation_id as "organisationId" from sites
        where (valid_from is null or valid_from <= ${day}::date) and (valid_to is null or valid_to >= ${day}::date)`,
    ),
    queryRows<{ systemId: string; organisationId: string; hostname: string | null; address: string }>(
      db,
      sql`select s.id as "systemId", s.organisation_id as "organisationId", lower(h.hostname) as hostname,
          h.address::text as address
        from system_hosts h join information_systems s on s.id = h.system_id
        where s.in_service_from is null or s.in_service_from <= ${day}::date
        order by s.id, h.id`,
    ),
  ]);
  const byHost = new Map(registered.map((r) => [r.host, r]));
  const systemByName = new Map<string, WebsiteOwner>();
  const systemByAddress = new PrefixTrie<WebsiteOwner>();
  for (const h of systemHosts) {
    const owner: WebsiteOwner = {
      organisationId: h.organisationId,
      siteId: null,
      systemId: h.systemId,
      attribution: 'system',
    };
    if (h.hostname && !systemByName.has(h.hostname)) systemByName.set(h.hostname, owner);
    systemByAddress.insert(h.address, owner);
  }
  return (host, ip) => {
    const site = byHost.get(host);
    if (site) return { organisationId: site.organisationId, siteId: site.id, systemId: null, attribution: 'site' };
    const address = isIP(host) ? host : ip;
    return systemByName.get(host) ?? (address ? (systemByAddress.lookup(address) ?? null) : null);
  };
}

type Entry = { record: WebsiteRecord; findings: WebFinding[]; seen: Date; sites: WebsiteRecord['website'][] };

/** Writes a batch of website records: the websites, which scan covered them, and their findings (upserted). */
export async function writeWebsites(ctx: BatchContext, records: WebsiteRecord[]) {
  const { tx, scanId, counts } = ctx;
  // A website may come in several records (runs): merge per key first.
  const byKey = new Map<string, Entry>();
  for (const r of records) {
    const key = websiteKey(r.website);
    const entry = byKey.get(key);
    if (entry) {
      entry.findings.push(...r.findings);
      entry.sites.push(r.website);
    } else byKey.set(key, { record: r, findings: [...r.findings], seen: ctx.uploadedAt, sites: [r.website] });
  }
  const rows = [];
  for (const [key, entry] of byKey) {
    entry.seen = seenTime(ctx, key, entry.sites);
    const matcher = await onScanDay(ctx.websiteMatchers, entry.seen, (day) => loadWebsiteMatcher(tx, day));
    const site = entry.record.website;
    const ip = entry.sites.find((s) => s.ip)?.ip;
    const owner = matcher(site.host, ip);
    rows.push({
      siteKey: key,
      scheme: site.scheme,
      host: site.host,
      port: site.port,
      ip: ip ?? null,
      organisationId: owner?.organisationId ?? null,
      siteId: owner?.siteId ?? null,
      systemId: owner?.systemId ?? null,
      attribution: owner?.attribution ?? 'none',
      firstSeen: entry.seen,
      lastSeen: entry.seen,
    });
  }
  const manual = sql`${websites.attribution} = 'manual'`;
  const saved = await tx
    .insert(websites)
    .values(rows)
    .onConflictDoUpdate({
      target: websites.siteKey,
      set: {
        ip: sql`coalesce(excluded.ip, ${websites.ip})`,
        // An analyst's assignment survives re-imports; the registers' match follows the registers.
        organisationId: sql`case when ${manual} then ${websites.organisationId} else excluded.organisation_id end`,
        siteId: sql`case when ${manual} then ${websites.siteId} else excluded.site_id end`,
        systemId: sql`case when ${manual} then ${websites.systemId} else excluded.system_id end`,
        attribution: sql`case when ${manual} then ${websites.attribution} else excluded.attribution end`,
        firstSeen: sql`least(${websites.firstSeen}, excluded.first_seen)`,
        lastSeen: sql`greatest(${websites.lastSeen}, excluded.last_seen)`,
      },
    })
    .returning({ id: websites.id, siteKey: websites.siteKey, organisationId: websites.organisationId });
  // A website that changed hands takes all its findings along.
  await tx.execute(
    sql`update vuln_findings f set organisation_id = w.organisation_id from websites w
      where w.id = f.website_id and ${inArray(
        sql`w.id`,
        saved.map((w) => w.id),
      )}
        and f.organisation_id is distinct from w.organisation_id`,
  );
  await tx
    .insert(scanWebsites)
    .values(saved.map((w) => ({ scanId, websiteId: w.id })))
    .onConflictDoNothing();

  const findingRows: FindingRow[] = [];
  const seenOf = new Map<string, Date>();
  for (const w of saved) {
    counts.websites.add(w.siteKey);
    if (!w.organisationId) counts.unattributedWebsites.add(w.siteKey);
    const entry = byKey.get(w.siteKey);
    const seen = entry?.seen ?? ctx.uploadedAt;
    seenOf.set(w.id, seen);
    keepLatest(ctx.seenByWebsite, w.id, seen);
    const site = entry?.record.website;
    // One row per identity; informational items are never stored.
    const unique = new Map<string, WebFinding>();
    for (const f of entry?.findings ?? [])
      if (f.severity !== 'info') unique.set(`${f.scanner}|${f.scannerId}|${f.location}`, f);
    for (const f of unique.values()) {
      counts.findings++;
      findingRows.push({
        ...findingValues(ctx, f, seen),
        website_id: w.id,
        organisation_id: w.organisationId,
        port: site?.port ?? 0,
        protocol: 'tcp',
        service: site?.scheme ?? null,
        cwes: f.cwes,
        url: f.url,
        location: f.location,
        synopsis: f.description ?? null,
      });
    }
  }
  await upsertFindings(ctx, 'website', findingRows, seenOf);
}
