import type { Db } from '../../core/db/client.ts';
import { PrefixTrie } from '../../core/net/prefix-trie.ts';
import { provinceDay } from '../../core/time.ts';
import { rangesOn } from './in-time.ts';

/** Maps an IP address to the organisation owning it: the most specific of the organisations' ranges wins. */
export type Attributor = (ip: string) => string | null;

/**
 * Loads the IP ranges in force on `day` into a prefix trie (one query; lookups are in memory): an address belongs to
 * the unit that held its range that day, so a 2024 scan stays with 2024's units after a merger.
 */
export async function loadAttributor(db: Db, day = provinceDay()): Promise<Attributor> {
  const trie = new PrefixTrie<string>();
  for (const r of await rangesOn(db, day)) trie.insert(r.cidr, r.organisationId);
  return (ip) => trie.lookup(ip) ?? null;
}
