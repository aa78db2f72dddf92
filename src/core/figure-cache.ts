import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { type Db, queryRows, sideQuery } from './db/client.ts';

/**
 * Dashboard figures served from a versioned result cache (docs/figures.md). Every table a figure reads carries a
 * statement-level trigger (migration 0021_figure_versions) that bumps its topic's row in `figure_versions` inside
 * the writing transaction. A figure is stored with the versions of its topics read *before* it was computed, and
 * reused while they are unchanged; any committed write to one of its tables changes them, so a reuse never returns
 * anything but what the plain query would.
 */
export const FIGURE_TOPICS = [
  'org',
  'rules',
  'vuln',
  'soc',
  'systems',
  'sites',
  'oversight',
  'advisories',
  'awareness',
  'drills',
  'incidents',
  'inspections',
  'staff',
] as const;
/** Every versioned topic: the figures' sources, and `auth` (users and sessions) for the signed-in session cache. */
export const VERSION_TOPICS = [...FIGURE_TOPICS, 'auth'] as const;
export type VersionTopic = (typeof VERSION_TOPICS)[number];

/** Bounds of one database's cache: the least recently used figures go first past either. */
export const FIGURE_CACHE_LIMITS = { entries: 20_000, bytes: 64 * 1024 ** 2 };

type Entry = { versions: string; value: unknown; bytes: number };
type Versions = Map<string, string>;
type Cache = {
  entries: Map<string, Entry>;
  bytes: number;
  inFlight: Map<string, Promise<unknown>>;
  /** The versions read under way, and the one queued to start after it (shared by every caller arriving meanwhile). */
  reading: Promise<Versions> | null;
  queued: Promise<Versions> | null;
  /** The embedded database's versions, kept current by its notifications (set up on first use). */
  pushed: Promise<Versions> | null;
};

// Per database handle: two databases (tests, the bench's two engines) never share a figure.
const caches = new WeakMap<object, Cache>();

function cacheOf(db: Db): Cache {
  const known = caches.get(db);
  if (known) return known;
  const c: Cache = { entries: new Map(), bytes: 0, inFlight: new Map(), reading: null, queued: null, pushed: null };
  caches.set(db, c);
  return c;
}

/** JSON with object keys sorted and undefined left out: equal arguments give equal text whatever their order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/** The scope part of a figure's key: the organisations it may count (sorted), or all. */
export const scopeKey = (scope: { all: true } | { all: false; organisationIds: string[] }) =>
  scope.all ? 'all' : [...scope.organisationIds].sort();

function readVersions(db: Db, cache: Cache): Promise<Versions> {
  const text = 'select topic, version::text as version from figure_versions';
  const side = sideQuery<{ topic: string; version: string }>(db);
  const read = (side ? side(text) : queryRows<{ topic: string; version: string }>(db, sql.raw(text))).then(
    (rows) => new Map(rows.map((r) => [r.topic, r.version])),
  );
  cache.reading = read;
  return read.finally(() => {
    if (cache.reading === read) cache.reading = null;
  });
}

/**
 * Every topic's committed version, read by a query that starts after the caller arrived (so no write committed
 * before the request is missed). Concurrent callers share reads: one arriving while a read is under way waits for
 * the next one, which starts when that read ends and serves everyone who arrived meanwhile.
 */
function currentVersions(db: Db, cache: Cache): Promise<Versions> {
  const client = notifyingClient(db);
  if (client) {
    cache.pushed ??= pushedVersions(db, cache, client);
    return cache.pushed;
  }
  if (cache.queued) return cache.queued;
  if (!cache.reading) return readVersions(db, cache);
  const queued: Promise<Versions> = cache.reading
    .catch(() => undefined)
    .then(() => {
      cache.queued = null;
      return readVersions(db, cache);
    });
  cache.queued = queued;
  return queued;
}

type Notifying = { listen(channel: string, onPayload: (payload: string) => void): Promise<unknown> };

/**
 * The embedded database (PGlite) is written only by the process that holds it, and hands that process each
 * notification with the result of the statement that committed it (migration 0023: one per topic written), before
 * the writer's await returns. So its versions can be kept in memory, exact for every request that arrives after a
 * commit, with no query per request. A PostgreSQL pool is not: other processes write it, and their notifications
 * arrive later, so its versions are read.
 */
function notifyingClient(db: Db): Notifying | null {
  const client = (db as { $client?: Partial<Notifying> }).$client;
  return typeof client?.listen === 'function' ? (client as Notifying) : null;
}

async function pushedVersions(db: Db, cache: Cache, client: Notifying): Promise<Versions> {
  // A bump gives its topic a version never used before (the read ones are plain numbers).
  let bumps = 0;
  const state: { versions: Versions | null; pending: string[] | null } = { versions: null, pending: [] };
  // Listening first, then reading: a write between the two is in the read and bumps again (a spare recomputation).
  await client.listen('figure_versions', (topic) => {
    if (state.versions) state.versions.set(topic, `n${++bumps}`);
    else state.pending?.push(topic);
  });
  try {
    state.versions = await readVersions(db, cache);
  } catch (e) {
    // Left listening but inert; the next caller starts over.
    state.pending = null;
    cache.pushed = null;
    throw e;
  }
  for (const topic of state.pending ?? []) state.versions.set(topic, `n${++bumps}`);
  state.pending = null;
  return state.versions;
}

/** The committed versions of `topics`, as one comparable text. */
async function versionsOf(db: Db, cache: Cache, topics: readonly VersionTopic[]): Promise<string> {
  const byTopic = await currentVersions(db, cache);
  return [...new Set(topics)]
    .sort()
    .map((t) => `${t}:${byTopic.get(t) ?? '0'}`)
    .join(',');
}

function store(cache: Cache, key: string, entry: Entry) {
  const old = cache.entries.get(key);
  if (old) {
    cache.bytes -= old.bytes;
    cache.entries.delete(key);
  }
  if (entry.bytes > FIGURE_CACHE_LIMITS.bytes) return;
  cache.entries.set(key, entry);
  cache.bytes += entry.bytes;
  for (const [k, e] of cache.entries) {
    if (cache.entries.size <= FIGURE_CACHE_LIMITS.entries && cache.bytes <= FIGURE_CACHE_LIMITS.bytes) break;
    cache.entries.delete(k);
    cache.bytes -= e.bytes;
  }
}

/** Freezes `value` and everything in it. */
function deepFreeze(value: unknown) {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
}

const sharedFigures = new WeakSet<object>();

/** Whether `value` is a shared figure: deep-frozen, so anything derived from it alone stays true. */
export const isSharedFigure = (value: unknown): value is object =>
  typeof value === 'object' && value !== null && sharedFigures.has(value);

/**
 * The figure `name` for the arguments `key` (every argument that changes the answer, days resolved), computed by
 * `compute` unless a copy computed at the current versions of `topics` is at hand. Concurrent identical misses
 * share one computation. Each caller gets its own copy, so no caller can alter another's figure; or, with `shared`
 * (a figure every caller only reads), the stored figure itself, deep-frozen, which the server then encodes once per
 * route instead of once per request (server/app.ts). A result `keep` refuses is returned but not stored (a lookup
 * that found nothing must not let guessed keys crowd out figures).
 */
export async function cachedFigure<T>(
  db: Db,
  figure: {
    name: string;
    topics: readonly VersionTopic[];
    key: unknown;
    keep?: (value: T) => boolean;
    shared?: boolean;
  },
  compute: () => Promise<T>,
): Promise<T> {
  const cache = cacheOf(db);
  const key = `${figure.name}:${createHash('sha256').update(canonicalJson(figure.key)).digest('base64url')}`;
  const versions = await versionsOf(db, cache, figure.topics);
  const handOut = (value: T): T => (figure.shared ? value : structuredClone(value));
  const hit = cache.entries.get(key);
  if (hit && hit.versions === versions) {
    cache.entries.delete(key);
    cache.entries.set(key, hit);
    return handOut(hit.value as T);
  }
  const flightKey = `${key}@${versions}`;
  let flight = cache.inFlight.get(flightKey) as Promise<T> | undefined;
  if (!flight) {
    flight = compute()
      .then((value) => {
        if (figure.shared && value && typeof value === 'object') {
          deepFreeze(value);
          sharedFigures.add(value);
        }
        if (!figure.keep || figure.keep(value))
          store(cache, key, { versions, value, bytes: 2 * (JSON.stringify(value)?.length ?? 0) });
        return value;
      })
      .finally(() => cache.inFlight.delete(flightKey));
    cache.inFlight.set(flightKey, flight);
  }
  return handOut(await flight);
}

/** What one database's cache holds now (tests, the bench). */
export function figureCacheStats(db: Db) {
  const c = cacheOf(db);
  return { entries: c.entries.size, bytes: c.bytes, inFlight: c.inFlight.size };
}
