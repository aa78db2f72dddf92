// A detector's state as plain data (typed arrays, arrays, numbers, strings) and back, so a stream worker can
// checkpoint it and resume after a crash: a scan half-way to its threshold is still caught after a restart.
// Pure: no I/O. The classes' private fields are reached through casts to the shapes below, so their hot code
// stays as it is (a field renamed there fails the round-trip test in tests/soc/stream-resume.test.ts).
// Size is bounded by the engine's own caps (maxTrackedSources, the first-contact filter, maxKeysPerSource,
// maxFindings): windows expire inside that state, nothing grows with the stream.

import type { IpKey } from '../../../core/net/ip.ts';
import type { ContactDetector } from './contact-detector.ts';
import type { ScanDetector } from './scan-detector.ts';
import { HyperLogLog, type RotatingBloomFilter, SaturatingSet, type SourceTable } from './sketches.ts';
import type { ContactFinding, ScannerFinding } from './types.ts';

/** Bumped when the layout below changes: an older checkpoint is then not restored. */
export const SNAPSHOT_VERSION = 1;

export interface SetSnapshot {
  cap: number;
  size: number;
  hasZero: boolean;
  slots: Int32Array;
}

export interface SourceSnapshot {
  row: number;
  byPort: Array<[number, SetSnapshot]> | null;
  byTarget: Array<[IpKey, SetSnapshot]> | null;
  firstPort: number;
  firstTarget: number;
  /** Whether the source has a detection (found by its key; its groups are then that detection's). */
  detected: boolean;
  groups: Array<[string, number]> | null;
}

export interface ShardSnapshot {
  /** The table's rows as they are (same slots, so probing finds them where they were). */
  rows: Int32Array;
  firstSeen: Float64Array;
  window: Int32Array;
  size: number;
  v6Keys: Array<[number, string]>;
  cold: SourceSnapshot[];
  bloom: { words: Uint32Array; current: number; inserted: number };
}

export interface DetectionSnapshot {
  src: IpKey;
  finding: ScannerFinding;
  targets: Uint8Array;
  ports: Uint8Array;
  groups: Array<[string, number]>;
  sampledGroups: string[];
  order: number;
}

export interface DetectorSnapshot {
  version: number;
  events: number;
  flows: number;
  scans: {
    shards: ShardSnapshot[];
    detections: DetectionSnapshot[];
    detectionsFull: boolean;
    accepted: number;
    currentWindow: number;
    stats: ScanDetector['stats'];
  };
  contacts: { entries: Array<[string, ContactFinding]>; matches: number; droppedFindings: number };
}

// The private fields read and written here.
interface Cold {
  byPort: Map<number, SaturatingSet> | null;
  byTarget: Map<IpKey, SaturatingSet> | null;
  firstPort: number;
  firstTarget: number;
  detection: Detection | null;
  groups: Map<string, number> | null;
}
interface Detection {
  finding: ScannerFinding;
  targets: HyperLogLog;
  ports: HyperLogLog;
  groups: Map<string, number>;
  sampledGroups: Set<string>;
  order: number;
}
type Table = SourceTable<Cold>;
interface ScanInternals {
  shards: Array<{ sources: Table; firstContacts: RotatingBloomFilter }>;
  detections: Map<IpKey, Detection>;
  detectionsFull: boolean;
  accepted: number;
  queuedFrom: number;
  currentWindow: number;
}
interface TableInternals {
  cold: Array<Cold | undefined>;
  v6: Map<string, number>;
  v6Keys: Map<number, string>;
  allocate(slots: number): void;
}
interface BloomInternals {
  words: Uint32Array;
  current: number;
  inserted: number;
}

const scanInternals = (scans: ScanDetector) => scans as unknown as ScanInternals;
const tableInternals = (table: Table) => table as unknown as TableInternals;

function snapshotSet(set: SaturatingSet): SetSnapshot {
  const s = set as unknown as { cap: number; hasZero: boolean; slots: Int32Array };
  return { cap: s.cap, size: set.size, hasZero: s.hasZero, slots: s.slots.slice() };
}

function restoreSet(data: SetSnapshot): SaturatingSet {
  const set = new SaturatingSet(data.cap);
  const s = set as unknown as { hasZero: boolean; slots: Int32Array };
  s.slots = data.slots.slice();
  s.hasZero = data.hasZero;
  set.size = data.size;
  return set;
}

const registers = (hll: HyperLogLog) => (hll as unknown as { registers: Uint8Array }).registers;

function restoreHll(data: Uint8Array): HyperLogLog {
  const hll = new HyperLogLog();
  registers(hll).set(data);
  return hll;
}

/**
 * The detector parts' state, as of every event pushed so far (queued scan events are counted first).
 * `events` and `flows` are the detector's own counters.
 */
export function snapshotDetector(
  scans: ScanDetector,
  contacts: ContactDetector,
  counts: { events: number; flows: number },
): DetectorSnapshot {
  scans.flush();
  const s = scanInternals(scans);
  const shards = s.shards.map(({ sources, firstContacts }): ShardSnapshot => {
    const t = tableInternals(sources);
    const cold: SourceSnapshot[] = [];
    t.cold.forEach((state, row) => {
      if (!state) return;
      cold.push({
        row,
        byPort: state.byPort && [...state.byPort].map(([port, set]) => [port, snapshotSet(set)]),
        byTarget: state.byTarget && [...state.byTarget].map(([target, set]) => [target, snapshotSet(set)]),
        firstPort: state.firstPort,
        firstTarget: state.firstTarget,
        detected: state.detection !== null,
        groups: state.detection ? null : state.groups && [...state.groups],
      });
    });
    const bloom = firstContacts as unknown as BloomInternals;
    return {
      rows: sources.i32.slice(),
      firstSeen: sources.firstSeen.slice(),
      window: sources.window.slice(),
      size: sources.size,
      v6Keys: [...t.v6Keys],
      cold,
      bloom: { words: bloom.words.slice(), current: bloom.current, inserted: bloom.inserted },
    };
  });
  const c = contacts as unknown as { contacts: Map<string, ContactFinding> };
  return {
    version: SNAPSHOT_VERSION,
    events: counts.events,
    flows: counts.flows,
    scans: {
      shards,
      detections: [...s.detections].map(([src, d]) => ({
        src,
        finding: structuredClone(d.finding),
        targets: registers(d.targets).slice(),
        ports: registers(d.ports).slice(),
        groups: [...d.groups],
        sampledGroups: [...d.sampledGroups],
        order: d.order,
      })),
      detectionsFull: s.detectionsFull,
      accepted: s.accepted,
      currentWindow: s.currentWindow,
      stats: { ...scans.stats },
    },
    contacts: {
      entries: [...c.contacts].map(([key, finding]) => [key, structuredClone(finding)]),
      matches: contacts.matches,
      droppedFindings: contacts.droppedFindings,
    },
  };
}

/**
 * Puts a snapshot's state into freshly made detector parts (made with settings of the same layout: source cap and
 * first-contact filter size). Throws, leaving the parts unusable, when the layout differs; returns the counters.
 */
export function restoreDetector(
  data: DetectorSnapshot,
  scans: ScanDetector,
  contacts: ContactDetector,
): { events: number; flows: number } {
  if (data.version !== SNAPSHOT_VERSION)
    throw new Error(`detector snapshot version ${data.version}, this engine reads ${SNAPSHOT_VERSION}`);
  const s = scanInternals(scans);
  if (data.scans.shards.length !== s.shards.length)
    throw new Error(`detector snapshot has ${data.scans.shards.length} shards, the engine ${s.shards.length}`);
  const detections = new Map<IpKey, Detection>();
  for (const d of data.scans.detections)
    detections.set(d.src, {
      finding: structuredClone(d.finding),
      targets: restoreHll(d.targets),
      ports: restoreHll(d.ports),
      groups: new Map(d.groups),
      sampledGroups: new Set(d.sampledGroups),
      order: d.order,
    });
  data.scans.shards.forEach((shard, i) => {
    const { sources, firstContacts } = s.shards[i] as ScanInternals['shards'][number];
    const bloom = firstContacts as unknown as BloomInternals;
    if (bloom.words.length !== shard.bloom.words.length)
      throw new Error('detector snapshot was taken with another first-contact filter size');
    bloom.words.set(shard.bloom.words);
    bloom.current = shard.bloom.current;
    bloom.inserted = shard.bloom.inserted;
    const t = tableInternals(sources);
    t.allocate(shard.firstSeen.length);
    sources.i32.set(shard.rows);
    sources.firstSeen.set(shard.firstSeen);
    sources.window.set(shard.window);
    sources.size = shard.size;
    for (const [row, key] of shard.v6Keys) {
      t.v6.set(key, row);
      t.v6Keys.set(row, key);
    }
    for (const c of shard.cold) {
      const detection = c.detected ? (detections.get(sources.key(c.row)) ?? null) : null;
      t.cold[c.row] = {
        byPort: c.byPort && new Map(c.byPort.map(([port, set]) => [port, restoreSet(set)])),
        byTarget: c.byTarget && new Map(c.byTarget.map(([target, set]) => [target, restoreSet(set)])),
        firstPort: c.firstPort,
        firstTarget: c.firstTarget,
        detection,
        // A detected source's counts are its detection's (shared, as ScanDetector.detect makes them).
        groups: detection ? detection.groups : c.groups && new Map(c.groups),
      };
    }
  });
  s.detections.clear();
  for (const [src, d] of detections) s.detections.set(src, d);
  s.detectionsFull = data.scans.detectionsFull;
  s.accepted = data.scans.accepted;
  s.queuedFrom = data.scans.accepted;
  s.currentWindow = data.scans.currentWindow;
  Object.assign(scans.stats, data.scans.stats);
  const c = contacts as unknown as { contacts: Map<string, ContactFinding> };
  c.contacts.clear();
  for (const [key, finding] of data.contacts.entries) c.contacts.set(key, structuredClone(finding));
  contacts.matches = data.contacts.matches;
  contacts.droppedFindings = data.contacts.droppedFindings;
  return { events: data.events, flows: data.flows };
}
