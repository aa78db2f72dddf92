import type { Db } from '../../core/db/client.ts';
import { PrefixTrie } from '../../core/net/prefix-trie.ts';
import { organisationIpRanges } from './organisations.schema.ts';

/** Maps an IP address to the organisation owning it: the most specific of the organisations' ranges wins. */
export type Attributor = (ip: string) => string | null;

/** Loads every organisation's IP ranges into a prefix trie (one query; lookups are in memory). */
export async function loadAttributor(db: Db): Promise<Attributor> {
  const trie = new PrefixTrie<string>();
  for (const r of await db.select().from(organisationIpRanges)) trie.insert(r.cidr, r.organisationId);
  return (ip) => trie.lookup(ip) ?? null;
}
