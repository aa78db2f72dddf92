// Software and services a scan reveals: CPE names as scanners write them, bounded per host.
import { cpeText, toCpe23, tryParseCpe } from '../../../core/cpe.ts';
import { compact } from './fields.ts';
import type { DetectedSoftware } from './types.ts';

/** Items kept per host record: a host listing more (a scanner's package inventory) keeps the first ones. */
export const MAX_SOFTWARE_PER_HOST = 500;

const CPE_START = /(?:x-)?cpe:(?:\/|2\.3:)/i;

/** Where a service was seen. */
export type ServicePlace = { port?: number; protocol?: string; service?: string };

/**
 * The item a scanner's CPE text names: `cpe:/a:openbsd:openssh:7.4`, a 2.3 formatted string, Nessus's own names
 * `x-cpe:/a:…` (same syntax, not in the NVD dictionary) and its `cpe:/o:… -> Title` form. Undefined when the text is
 * no CPE or names no product (`cpe:/o:microsoft` says nothing to search or match).
 */
export function softwareFromCpe(text: string, place: ServicePlace = {}, scannerVersion?: string) {
  const name = text.trim().split(/\s/, 1)[0]?.replace(/^x-/i, '') ?? '';
  const wfn = name.toLowerCase().startsWith('cpe:') ? tryParseCpe(name) : null;
  const product = wfn ? cpeText(wfn.product) : '';
  if (!wfn || !product) return undefined;
  return compact({
    cpe: toCpe23(wfn),
    vendor: cpeText(wfn.vendor),
    product,
    version: cpeText(wfn.version) || scannerVersion,
    ...place,
  } satisfies DetectedSoftware);
}

/** A service identified on a port, without a CPE. */
export function serviceItem(place: ServicePlace & { port: number }, product?: string, version?: string) {
  const name = product?.trim() || place.service?.trim();
  return name ? compact({ product: name, version, ...place } satisfies DetectedSoftware) : undefined;
}

/** Identity of an item on one host: its CPE (or, without one, the product) and the port it was seen on. */
export function softwareKey(item: DetectedSoftware): string {
  return `${item.cpe ?? `product:${item.product.toLowerCase()}`}|${item.port ?? ''}/${item.protocol ?? ''}`;
}

/** A host's items, distinct by key, at most {@link MAX_SOFTWARE_PER_HOST}. */
export class SoftwareList {
  private readonly items = new Map<string, DetectedSoftware>();

  add(item: DetectedSoftware | undefined): void {
    if (!item || this.items.size >= MAX_SOFTWARE_PER_HOST) return;
    const key = softwareKey(item);
    if (!this.items.has(key)) this.items.set(key, item);
  }

  /** The first CPE name of each line of scanner text (Nessus plugin 45590). */
  addLines(text: string, place: ServicePlace = {}): void {
    for (const line of text.split('\n')) {
      const at = line.search(CPE_START);
      if (at >= 0) this.add(softwareFromCpe(line.slice(at), place));
    }
  }

  get size(): number {
    return this.items.size;
  }

  values(): DetectedSoftware[] {
    return [...this.items.values()];
  }
}
