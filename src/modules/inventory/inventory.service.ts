import { type SQL, sql } from 'drizzle-orm';
import { cpeText, toCpe23, tryParseCpe } from '../../core/cpe.ts';
import { type Db, queryRows } from '../../core/db/client.ts';
import { AppError } from '../../core/errors.ts';
import { folded, foldedContains, foldText } from '../../core/text-search.ts';
import { organisationIdIn, type Scope, scopedOrganisationIds, scopeOrganisationIds } from '../auth/index.ts';
import { organisations } from '../organisations/index.ts';
import { informationSystems, systemSoftware } from '../systems/index.ts';
import { computerSoftware, computers } from '../vulnerabilities/index.ts';
import type { InventoryItem } from './inventory.contract.ts';
import type { InventoryKind, InventoryQuery } from './inventory.input.ts';

type Row = {
  kind: InventoryKind;
  id: string;
  organisation_id: string | null;
  organisation_name: string | null;
  system_id: string | null;
  system_name: string | null;
  computer_id: string | null;
  ip: string | null;
  hostname: string | null;
  vendor: string | null;
  product: string;
  version: string | null;
  cpe: string | null;
  port: number | null;
  protocol: string | null;
  service: string | null;
  scanner: string | null;
  last_seen: string | Date;
};

/**
 * Both kinds of item in one shape: a system's declared components (dated by the system record's last change) and
 * what scans revealed on computers. `target` is what the item is on, for search and sorting.
 */
function items(kind: InventoryKind | undefined): SQL {
  const ofSystems = sql`select 'system' as kind, ss.id, s.organisation_id, s.id as system_id, s.name as system_name,
      null::uuid as computer_id, null::text as ip, null::text as hostname, ss.vendor, ss.name as product, ss.version,
      ss.cpe, null::int as port, null::text as protocol, null::text as service, null::text as scanner,
      s.updated_at as last_seen, s.name as target
    from ${systemSoftware} ss join ${informationSystems} s on s.id = ss.system_id`;
  const ofComputers = sql`select 'computer' as kind, cs.id, cs.organisation_id, null::uuid as system_id,
      null::text as system_name, c.id as computer_id, host(c.ip) as ip, coalesce(c.hostname, c.fqdn, c.netbios)
      as hostname, cs.vendor, cs.product, cs.version, cs.cpe, cs.port, cs.protocol, cs.service, cs.scanner,
      cs.last_seen, coalesce(c.hostname, c.fqdn, c.netbios, host(c.ip)) as target
    from ${computerSoftware} cs join ${computers} c on c.id = cs.computer_id`;
  if (kind === 'system') return ofSystems;
  if (kind === 'computer') return ofComputers;
  return sql`${ofSystems} union all ${ofComputers}`;
}

/** Rows of the items the conditions select, with their organisation's name; scope is one of the conditions. */
const selectItems = (kind: InventoryKind | undefined, where: SQL) =>
  sql`select i.*, o.name as organisation_name from (${items(kind)}) i
    left join ${organisations} o on o.id = i.organisation_id where ${where}`;

/** The stored CPE bound to the 2.3 formatted string (a component may have been registered with a 2.2 URI). */
function cpe23(text: string | null): string | null {
  if (!text) return null;
  const wfn = tryParseCpe(text);
  return wfn ? toCpe23(wfn) : text;
}

function present(r: Row): InventoryItem {
  return {
    kind: r.kind,
    id: r.id,
    organisation: r.organisation_id ? { id: r.organisation_id, name: r.organisation_name ?? '' } : null,
    system: r.system_id ? { id: r.system_id, name: r.system_name ?? '' } : null,
    computer: r.computer_id ? { id: r.computer_id, ip: r.ip ?? '', hostname: r.hostname } : null,
    vendor: r.vendor,
    product: r.product,
    version: r.version,
    cpe: cpe23(r.cpe),
    port: r.port,
    protocol: r.protocol,
    service: r.service,
    scanner: r.scanner,
    lastSeen: new Date(r.last_seen),
  };
}

/** Each sort key and the column it orders by (never the caller's text in SQL). */
const ORDER: Record<InventoryQuery['sort'], SQL> = {
  product: sql`lower(i.product)`,
  vendor: sql`lower(i.vendor)`,
  version: sql`i.version`,
  organisation: sql`o.name`,
  target: sql`lower(i.target)`,
  lastSeen: sql`i.last_seen`,
};

/**
 * One page of the inventory the scope may see: systems' components and computers' software and services, searched
 * (case and Vietnamese diacritics ignored) in product, vendor, CPE and the system's or computer's name or address.
 */
export async function pageInventory(
  db: Db,
  scope: Scope,
  query: InventoryQuery,
): Promise<{ items: InventoryItem[]; total: number }> {
  const ids = await scopedOrganisationIds(db, scope, query.organisationId);
  const conds = [organisationIdIn(sql`i.organisation_id`, ids)];
  if (query.q) {
    const fields = [sql`i.product`, sql`i.vendor`, sql`i.cpe`, sql`i.target`, sql`i.ip`];
    conds.push(
      sql`(${sql.join(
        fields.map((f) => foldedContains(f, query.q ?? '')),
        sql` or `,
      )})`,
    );
  }
  const where = sql.join(conds, sql` and `);
  const dir = query.dir === 'desc' ? sql`desc nulls last` : sql`asc nulls last`;
  const [rows, counted] = await Promise.all([
    queryRows<Row>(
      db,
      sql`${selectItems(query.kind, where)}
        order by ${ORDER[query.sort]} ${dir}, lower(i.product), i.id limit ${query.limit} offset ${query.offset}`,
    ),
    queryRows<{ n: number }>(db, sql`select count(*)::int as n from (${selectItems(query.kind, where)}) x`),
  ]);
  return { items: rows.map(present), total: counted[0]?.n ?? 0 };
}

/**
 * A vendor's or product's name as {@link inventoryItems} compares it: lower case, Vietnamese diacritics removed,
 * trimmed, and each run of spaces or underscores one underscore (CPE writes "Internet Explorer" internet_explorer).
 */
export const inventoryName = (text: string) =>
  foldText(text)
    .trim()
    .replace(/[\s_]+/g, '_');
const namedSql = (column: SQL) => sql`regexp_replace(trim(${folded(column)}), '[[:space:]_]+', '_', 'g')`;
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export type InventoryCriteria = { vendor?: string; product?: string; cpePrefix?: string };

/**
 * Every inventory item in scope that is a candidate for an advisory's product, exactly:
 * - `vendor`: the item's vendor, or its CPE's vendor, equals it by {@link inventoryName};
 * - `product`: likewise for the item's product (a component's name) or its CPE's product;
 * - `cpePrefix`: the item's CPE, bound to a 2.3 formatted string, starts with it (case ignored), e.g.
 *   `cpe:2.3:a:openbsd:openssh:` — a 2.2 URI as prefix is not translated.
 * Every criterion given must hold; at least one is required. Items are not paged (an advisory targets them all);
 * version ranges and CPE name matching are the caller's.
 */
export async function inventoryItems(db: Db, scope: Scope, criteria: InventoryCriteria): Promise<InventoryItem[]> {
  const vendor = criteria.vendor ? inventoryName(criteria.vendor) : undefined;
  const product = criteria.product ? inventoryName(criteria.product) : undefined;
  const prefix = criteria.cpePrefix?.trim().toLowerCase() || undefined;
  if (!vendor && !product && !prefix)
    throw new AppError('VALIDATION', 'inventoryItems needs a vendor, a product or a CPE prefix');
  const conds = [organisationIdIn(sql`i.organisation_id`, scopeOrganisationIds(scope))];
  // SQL narrows to a superset (the name, or a CPE mentioning it); the exact test below decides.
  const mentions = (name: string, column: SQL) =>
    sql`(${namedSql(column)} = ${name} or lower(i.cpe) like ${`%${likeLiteral(name)}%`})`;
  if (vendor) conds.push(mentions(vendor, sql`i.vendor`));
  if (product) conds.push(mentions(product, sql`i.product`));
  if (prefix) conds.push(sql`(lower(i.cpe) like ${`${likeLiteral(prefix)}%`} or lower(i.cpe) like 'cpe:/%')`);
  const rows = await queryRows<Row>(
    db,
    sql`${selectItems(undefined, sql.join(conds, sql` and `))} order by o.name, i.target, lower(i.product), i.id`,
  );
  return rows.map(present).filter((item) => {
    const wfn = item.cpe ? tryParseCpe(item.cpe) : null;
    const is = (wanted: string | undefined, own: string | null, fromCpe: string | undefined) =>
      !wanted || (own !== null && inventoryName(own) === wanted) || (!!fromCpe && inventoryName(fromCpe) === wanted);
    return (
      is(vendor, item.vendor, wfn ? cpeText(wfn.vendor) : undefined) &&
      is(product, item.product, wfn ? cpeText(wfn.product) : undefined) &&
      (!prefix || (item.cpe?.toLowerCase().startsWith(prefix) ?? false))
    );
  });
}
