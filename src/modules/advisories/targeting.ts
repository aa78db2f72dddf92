import { sql } from 'drizzle-orm';
import { ANY, cpeMatches, cpeText, toCpe23, tryParseCpe, type Wfn } from '../../core/cpe.ts';
import { type Db, queryRows } from '../../core/db/client.ts';
import {
  describeRange,
  inVersionRange,
  isEveryVersion,
  isVersion,
  parseRangeText,
  type VersionRange,
} from '../../core/version-range.ts';
import type { Scope } from '../auth/index.ts';
import { type InventoryCriteria, type InventoryItem, inventoryItems } from '../inventory/index.ts';
import { type ProductStatus, TARGETING_STATUSES, type TargetReason } from './advisories.input.ts';
import type { advisoryProducts } from './advisories.schema.ts';

/**
 * Matching an advisory to the inventory: system components (`system_software`) and the software scans found on
 * computers (`computer_software`) by CPE name matching (NISTIR 7696) or, without a CPE on both sides, by normalised
 * vendor/product and version range; and open vulnerability findings with one of its CVEs. Only products known to be
 * affected (or under investigation, flagged) make targets. Each target keeps why it matched.
 */

export type ProductRow = typeof advisoryProducts.$inferSelect;
export type MatchedProduct = Pick<
  ProductRow,
  | 'id'
  | 'productRef'
  | 'vendor'
  | 'product'
  | 'cpe'
  | 'status'
  | 'version'
  | 'versionStartIncluding'
  | 'versionStartExcluding'
  | 'versionEndIncluding'
  | 'versionEndExcluding'
> & { range: string };

export type Match = {
  via: 'cpe' | 'name' | 'cve' | 'organisation' | 'cidr';
  item?: {
    kind: 'component' | 'software';
    id: string;
    name: string;
    vendor: string | null;
    version: string | null;
    cpe: string | null;
    port: number | null;
    scanner: string | null;
  };
  product?: MatchedProduct;
  finding?: { id: string; name: string; cves: string[]; scanner: string; port: number; status: string };
  versionUnknown?: boolean;
  rangeUnread?: boolean;
  underInvestigation?: boolean;
  addedFor?: string;
};
export type MatchDetail = { matches: Match[] };

/** A target as targeting found it: its key makes re-targeting idempotent. */
export type Candidate = {
  key: string;
  reason: TargetReason;
  organisationId: string | null;
  systemId: string | null;
  computerId: string | null;
  findingId: string | null;
  cidr: string | null;
  matches: Match[];
};

/** The matches the Department added by hand, which re-matching keeps. */
export const MANUAL_VIA: readonly Match['via'][] = ['organisation', 'cidr'];

/** Lower case, no diacritics, letters and digits only: "Palo Alto Networks" = "paloaltonetworks". */
export const normalise = (s: string | null | undefined) =>
  (s ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/gi, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

/** The names a vendor/product pair may be written as: the product alone, or prefixed with its vendor. */
function names(vendor: string, product: string): string[] {
  const p = normalise(product);
  const v = normalise(vendor);
  return [p, v && !p.startsWith(v) ? v + p : ''].filter(Boolean);
}

/** Vendors agree when either is unknown, or one's name starts the other's ("Microsoft Corporation", "microsoft"). */
const vendorsAgree = (a: string, b: string) => {
  const x = normalise(a);
  const y = normalise(b);
  return !x || !y || x.startsWith(y) || y.startsWith(x);
};

type Named = { vendor: string; product: string };

/** Vendor and product of a side: its own fields, else its CPE's. */
const namedOf = (vendor: string | null, product: string, wfn: Wfn | null): Named[] => {
  const own = { vendor: vendor ?? (wfn ? cpeText(wfn.vendor) : ''), product };
  return wfn ? [own, { vendor: cpeText(wfn.vendor), product: cpeText(wfn.product) }] : [own];
};

function namesMatch(a: Named[], b: Named[]): boolean {
  return a.some((x) =>
    b.some((y) => {
      const nx = names(x.vendor, x.product);
      const ny = names(y.vendor, y.product);
      if (!nx.some((n) => ny.includes(n))) return false;
      // Matched on the product name alone: the vendors must not contradict each other.
      return normalise(x.product) !== normalise(y.product) || vendorsAgree(x.vendor, y.vendor);
    }),
  );
}

type Item = {
  kind: 'component' | 'software';
  id: string;
  vendor: string | null;
  product: string;
  version: string | null;
  cpe: string | null;
  port: number | null;
  scanner: string | null;
};

/**
 * An item's version: its CPE's version with the update (11.1.2 + h3 = 11.1.2-h3, as PAN-OS and others number
 * hotfixes) when its own field says no more than the CPE's version; else its own field.
 */
function itemVersion(item: Item, wfn: Wfn | null): string | null {
  const own = item.version && isVersion(item.version) ? item.version : null;
  const version = wfn ? cpeText(wfn.version) : '';
  if (!isVersion(version) || (own && own !== version)) return own;
  const update = wfn ? cpeText(wfn.update) : '';
  return update ? `${version}-${update}` : version;
}

export const matchedProduct = (p: ProductRow): MatchedProduct => ({
  id: p.id,
  productRef: p.productRef,
  vendor: p.vendor,
  product: p.product,
  cpe: p.cpe,
  status: p.status,
  version: p.version,
  versionStartIncluding: p.versionStartIncluding,
  versionStartExcluding: p.versionStartExcluding,
  versionEndIncluding: p.versionEndIncluding,
  versionEndExcluding: p.versionEndExcluding,
  range: rangeOf(p),
});

type RangeColumns = Pick<
  ProductRow,
  | 'version'
  | 'versionStartIncluding'
  | 'versionStartExcluding'
  | 'versionEndIncluding'
  | 'versionEndExcluding'
  | 'rangeText'
>;

/** A product row's range (its columns) as version-range.ts reads ranges. */
export const rowRange = (p: RangeColumns): VersionRange => ({
  version: p.version,
  startIncluding: p.versionStartIncluding,
  startExcluding: p.versionStartExcluding,
  endIncluding: p.versionEndIncluding,
  endExcluding: p.versionEndExcluding,
});

/** A product's range in words; the document's own text when it could not be read (or says every version). */
export const rangeOf = (p: RangeColumns) => {
  const r = rowRange(p);
  return isEveryVersion(r) && p.rangeText ? p.rangeText : describeRange(r);
};

/**
 * Whether an inventory item is the product at an affected version. With a CPE on both sides the names are matched
 * (the advisory's version wildcarded when a range carries the versions); otherwise vendor/product names. Then the
 * item's version is tested against the range; an item without a version still matches, flagged.
 */
export function matchItem(p: ProductRow, item: Item): Match | null {
  const pWfn = p.cpe ? tryParseCpe(p.cpe) : null;
  const iWfn = item.cpe ? tryParseCpe(item.cpe) : null;
  let via: Match['via'];
  if (pWfn && iWfn) {
    // The range (or the exact version, tested below against the item's own field when its CPE names none) decides.
    const source = p.version && iWfn.version !== ANY ? pWfn : { ...pWfn, version: ANY, update: ANY };
    if (!cpeMatches(source, iWfn)) return null;
    via = 'cpe';
  } else {
    if (!namesMatch(namedOf(p.vendor, p.product, pWfn), namedOf(item.vendor, item.product, iWfn))) return null;
    via = 'name';
  }
  const range = rowRange(p);
  const rangeUnread = isEveryVersion(range) && !!p.rangeText && parseRangeText(p.rangeText) === null;
  const version = itemVersion(item, iWfn);
  const versionUnknown = !version && !isEveryVersion(range);
  if (version && !inVersionRange(version, range)) return null;
  return {
    via,
    item: {
      kind: item.kind,
      id: item.id,
      name: item.product,
      vendor: item.vendor,
      version: item.version ?? version,
      cpe: item.cpe,
      port: item.port,
      scanner: item.scanner,
    },
    product: matchedProduct(p),
    ...(versionUnknown ? { versionUnknown } : {}),
    ...(rangeUnread ? { rangeUnread } : {}),
    ...(p.status === 'under_investigation' ? { underInvestigation: true } : {}),
  };
}

/**
 * The names under which the inventory may list a product: as the document writes it, without the vendor's name in
 * front ("Siemens SINEC Security Monitor" → "SINEC Security Monitor"), and as its CPE names it.
 */
function productNames(p: ProductRow, wfn: Wfn | null): string[] {
  const out = new Set<string>([p.product.trim()]);
  const vendor = p.vendor?.trim();
  if (vendor && p.product.toLowerCase().startsWith(`${vendor.toLowerCase()} `))
    out.add(p.product.slice(vendor.length).trim());
  if (wfn && cpeText(wfn.product)) out.add(cpeText(wfn.product));
  return [...out].filter(Boolean);
}

const ALL: Scope = { all: true };

/**
 * Every target the inventory gives for these products and CVEs: one per system (its matching components), one per
 * computer (its matching software and its open findings with one of the CVEs). Candidates come from the inventory
 * face by product name and CPE vendor:product prefix; {@link matchItem} decides.
 */
export async function matchInventory(db: Db, products: ProductRow[], cves: string[]): Promise<Candidate[]> {
  const targeting = products.filter((p) => TARGETING_STATUSES.includes(p.status as ProductStatus));
  const fetched = new Map<string, Promise<InventoryItem[]>>();
  const lookup = (criteria: InventoryCriteria) => {
    const key = JSON.stringify(criteria);
    if (!fetched.has(key)) fetched.set(key, inventoryItems(db, ALL, criteria));
    return fetched.get(key) as Promise<InventoryItem[]>;
  };
  const out = new Map<string, Candidate>();
  const candidate = (key: string, init: Omit<Candidate, 'key' | 'matches'>) => {
    const c = out.get(key) ?? { key, ...init, matches: [] };
    out.set(key, c);
    return c;
  };
  for (const p of targeting) {
    const wfn = p.cpe ? tryParseCpe(p.cpe) : null;
    // One after another: inside a transaction the queries share one connection.
    const lists: InventoryItem[][] = [];
    for (const lookupOf of [
      ...productNames(p, wfn).map((product) => () => lookup({ product })),
      ...(wfn && wfn.vendor !== ANY && wfn.product !== ANY
        ? [
            () =>
              lookup({
                cpePrefix: `${toCpe23({ ...wfn, version: ANY })
                  .split(':')
                  .slice(0, 5)
                  .join(':')}:`,
              }),
          ]
        : []),
    ])
      lists.push(await lookupOf());
    const seen = new Set<string>();
    for (const item of lists.flat()) {
      if (seen.has(item.id)) continue;
      seen.add(item.id);
      const m = matchItem(p, {
        kind: item.kind === 'system' ? 'component' : 'software',
        id: item.id,
        vendor: item.vendor,
        product: item.product,
        version: item.version,
        cpe: item.cpe,
        port: item.port,
        scanner: item.scanner,
      });
      if (!m) continue;
      const init = { organisationId: item.organisation?.id ?? null, findingId: null, cidr: null };
      if (item.system)
        candidate(`system:${item.system.id}`, {
          ...init,
          reason: 'component',
          systemId: item.system.id,
          computerId: null,
        }).matches.push(m);
      else if (item.computer)
        candidate(`computer:${item.computer.id}`, {
          ...init,
          reason: 'software',
          systemId: null,
          computerId: item.computer.id,
        }).matches.push(m);
    }
  }
  const findings = cves.length
    ? await queryRows<{
        id: string;
        computerId: string;
        organisationId: string | null;
        name: string;
        cves: string[];
        scanner: string;
        port: number;
        status: string;
      }>(
        db,
        sql`select f.id, f.computer_id as "computerId", c.organisation_id as "organisationId", f.name, f.cves,
            f.scanner, f.port, f.status::text as status
          from vuln_findings f join computers c on c.id = f.computer_id
          where f.status in ('open', 'fixed') and f.cves && array[${sql.join(
            cves.map((c) => sql`${c}`),
            sql`, `,
          )}]::text[]
          order by f.first_seen, f.id`,
      )
    : [];
  for (const f of findings) {
    const c = candidate(`computer:${f.computerId}`, {
      reason: 'finding',
      organisationId: f.organisationId,
      systemId: null,
      computerId: f.computerId,
      findingId: f.id,
      cidr: null,
    });
    c.findingId ??= f.id;
    c.matches.push({
      via: 'cve',
      finding: {
        id: f.id,
        name: f.name,
        cves: f.cves.filter((x) => cves.includes(x)),
        scanner: f.scanner,
        port: f.port,
        status: f.status,
      },
    });
  }
  return [...out.values()];
}
