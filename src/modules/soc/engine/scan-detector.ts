// Scanner detection: Zeek-style distinct-target counts in tumbling windows (horizontal,
// vertical, ICMP sweep) plus Threshold Random Walk on first-contact outcomes (Jung et al.
// 2004) in CUSUM form, which has no time window and so also catches slow scans.

import { formatIpKey, type IpKey } from '../../../core/net/ip.ts';
import { PrefixTrie } from '../../../core/net/prefix-trie.ts';
import type { EngineConfig } from './config.ts';
import { EventQueue, MAX_QUEUED_INPUTS, MAX_QUEUED_LINE } from './event-queue.ts';
import { protocolName, toEvidence } from './evidence.ts';
import type { FlowBatch } from './flow-batch.ts';
import {
  HyperLogLog,
  hashIpKey,
  hashString,
  mix32,
  RotatingBloomFilter,
  Row,
  SaturatingSet,
  SourceTable,
} from './sketches.ts';
import type { FlowEvent, ScanKind, ScannerFinding, ScanRule, ScanRuleHit } from './types.ts';
import { isIcmpProtocol, Outcome, Protocol } from './types.ts';

/** Sources idle for 3 windows (15 min, ncsa/bro-simple-scan's `scan_timeout`) are evicted first. */
const IDLE_WINDOWS = 3;

/** Events counted together so their memory loads overlap (see `flush`). */
const BATCH = 256;

/**
 * Window sets and maps kept for reuse when a source's window ends: they lived long enough to be promoted, so dropped
 * they were old-generation garbage that grew the heap between full collections (20 M conn.log flows in one hour:
 * ≈ 15 MB of them per million flows, peak RSS 256 MB; reused, 212 MB, same findings).
 */
const MAX_FREE_SETS = 1 << 14;
const MAX_FREE_MAPS = 1 << 12;
const MAX_FREE_SLOTS = 64;

/** Hits kept per rule and finding: the first ones explain the alarm; the rest are only counted. */
const MAX_HITS_PER_RULE = 3;

/** Per-source state beyond the table row, created at a source's first failed attempt. */
interface SourceCold {
  /** Horizontal: (proto, port) → distinct targets with failed attempts, in the row's window; null when none yet. */
  byPort: Map<number, SaturatingSet> | null;
  /** Vertical: target → distinct (proto, port) with failed attempts. */
  byTarget: Map<IpKey, SaturatingSet> | null;
  /**
   * The window's failed attempt while it is the only one (its port key, else -1) and its IPv4 target's bits: most
   * sources fail once in a window, and need no maps and sets for that (they were 2 maps and 2 sets each, ≈ 100 MB
   * of garbage per 5 M flows). A second failed attempt in the window makes them (`materialize`).
   */
  firstPort: number;
  firstTarget: number;
  detection: Detection | null;
  /**
   * Failed attempts per target group since the source was first seen (bounded by the number of groups), so a
   * scanner's finding names every group it swept, also before it was detected; null when no groups are configured
   * or none was hit.
   */
  groups: Map<string, number> | null;
}

const INTERNAL = 1;
const DETECTED = 2;

/** A detected scanner: its finding plus the sketches that keep its counts up to date. */
interface Detection {
  finding: ScannerFinding;
  targets: HyperLogLog;
  ports: HyperLogLog;
  /** The source's failed attempts per target group (SourceCold.groups, shared). */
  groups: Map<string, number>;
  /** Target groups with an evidence sample. */
  sampledGroups: Set<string>;
  /** Arrival position of the event that created it. */
  order: number;
}

export interface ScanStats {
  failedAttempts: number;
  allowListed: number;
  ignored: number;
  evictedSources: number;
  droppedFindings: number;
}

function isMulticastOrBroadcast(key: IpKey): boolean {
  // 224.0.0.0/3 covers multicast, reserved and limited broadcast; ff00::/8 is IPv6 multicast.
  return typeof key === 'number' ? key >= 0xe0000000 : key.startsWith('ff');
}

/** Whether a source has failed attempts counted in its (latest) window. */
function hasFailures(state: SourceCold | undefined): boolean {
  return state !== undefined && (state.byPort !== null || state.firstPort >= 0);
}

function portKey(proto: number, port: number): number {
  return proto * 65536 + port;
}

/** What `verdict` says of an event. */
const COUNTED = 0;
const NOT_COUNTED = 1;
const IGNORED = 2;

/** At most this many shards, and only when each can track at least MIN_SHARD_SOURCES sources. */
const MAX_SHARDS = 16;
const MIN_SHARD_SOURCES = 4096;
/** Seeds the shard hash apart from the table's and the thread partition's (partitionOfV4). */
const SHARD_SEED = 0x2545f491;

/** What a queued event has beyond its record (pushed one by one: IPv6 addresses, a detail; or a line beyond 2^32). */
interface QueuedExtra {
  srcV6: string | null;
  dstV6: string | null;
  detail: string | undefined;
  line: number | undefined;
}

/**
 * The sources whose address hashes to one shard: their table and first-contact filter, small
 * enough to stay in cache while the shard's queued events are counted, and those events.
 */
class Shard {
  readonly sources = new SourceTable<SourceCold>();
  readonly firstContacts: RotatingBloomFilter;
  /**
   * At its full capacity from the start: its pages cost memory only once events are written to them, and a queue
   * doubling from a small start copied and dropped its buffers (≈ 6% of the CPU time of 2 M conn.log events, 1 thread).
   */
  readonly queue: EventQueue;
  readonly extras = new Map<number, QueuedExtra>();

  constructor(firstContactBits: number, capacity: number) {
    this.firstContacts = new RotatingBloomFilter(firstContactBits);
    this.queue = new EventQueue(capacity);
  }
}

export class ScanDetector {
  /**
   * Sources are split into shards by address hash. Events are queued per shard and counted a
   * shard at a time: each shard's source rows and first-contact filter then stay in cache, where
   * counting events in arrival order missed the cache on almost every event. Every rule is per
   * source, so a source's events are counted in arrival order as before; detections are ordered
   * and capped by arrival order (`order`), so findings are those of one table (except that the
   * source cap and the filter are per shard, as they are per thread in analyze-parallel).
   */
  private readonly shards: Shard[];
  private readonly shardShift: number;
  private readonly maxShardSources: number;
  /** The shard being counted, and its table and filter. */
  private shard: Shard;
  private sources: SourceTable<SourceCold>;
  private firstContacts: RotatingBloomFilter;
  /** Input names of the queued events (reset when they are counted), and the latest one's index. */
  private inputNames: string[] = [];
  private readonly inputIds = new Map<string, number>();
  private lastInput = '';
  private lastInputId = -1;
  private queued = 0;
  /** Events accepted so far: the arrival position of the next one; and of the first one queued (a record keeps its position from there). */
  private accepted = 0;
  private queuedFrom = 0;
  private readonly detections = new Map<IpKey, Detection>();
  /** maxFindings detections by arrival order are kept (see `keepFirstDetections`): later ones are dropped. */
  private detectionsFull = false;
  private readonly allowList = new PrefixTrie<true>();
  private readonly targetGroups = new PrefixTrie<string>();
  private readonly internal: PrefixTrie<true>;
  /** Port → 1 when listed: a byte per port beats a Set lookup on every event. */
  private readonly ignoredPorts = new Uint8Array(65536);
  private readonly backscatterPorts = new Uint8Array(65536);
  /** Counting: events [rangeStart, rangeStart + n) of the shard's queue, and per event its hashes, Bloom positions and row, found ahead. */
  private rangeStart = 0;
  private readonly pSrcHash = new Int32Array(BATCH);
  private readonly pDstHash = new Int32Array(BATCH);
  private readonly pBloomPair = new Int32Array(BATCH);
  private readonly pBloomBits = new Int32Array(BATCH);
  private readonly pRow = new Int32Array(BATCH);
  private readonly pHome = new Int32Array(BATCH);
  /** Sink for the batch's warming loads, so the compiler keeps them. */
  loaded = 0;
  /** Whether a window's first failed attempt can be kept inline: no rule can fire on one attempt (see SourceCold). */
  private readonly inlineFirstFailure: boolean;
  /**
   * Horizontal thresholds of an external source, an internal one (INTERNAL = 1) and ICMP sweeps, read with one load
   * whichever applies: reading the ICMP one only for the first ICMP failure deoptimized the loops around it.
   */
  private readonly horizontalThresholds: Int32Array;
  private readonly trwFailStep: number;
  private readonly trwSuccessStep: number;
  private readonly trwAlarm: number;
  private currentWindow = 0;
  /** Sets and maps of ended windows, for the next ones (see MAX_FREE_SETS). */
  private readonly freeSets: SaturatingSet[] = [];
  private readonly freePortMaps: Array<Map<number, SaturatingSet>> = [];
  private readonly freeTargetMaps: Array<Map<IpKey, SaturatingSet>> = [];
  readonly stats: ScanStats = { failedAttempts: 0, allowListed: 0, ignored: 0, evictedSources: 0, droppedFindings: 0 };

  constructor(
    private readonly config: EngineConfig,
    internal: PrefixTrie<true>,
  ) {
    const scan = config.scan;
    for (const cidr of scan.allowList) this.allowList.insert(cidr, true);
    for (const { cidr, group } of config.targetGroups) this.targetGroups.insert(cidr, group);
    this.internal = internal;
    for (const port of scan.ignoredPorts) this.ignoredPorts[port] = 1;
    for (const port of scan.backscatterSourcePorts) this.backscatterPorts[port] = 1;
    let shards = 1;
    while (shards < MAX_SHARDS && scan.maxTrackedSources / (shards * 2) >= MIN_SHARD_SOURCES) shards *= 2;
    const queue = Math.max(1, Math.ceil(scan.shardQueueEvents));
    this.shards = Array.from(
      { length: shards },
      () => new Shard(Math.ceil(scan.firstContactFilterBits / shards), queue),
    );
    this.shardShift = 32 - Math.log2(shards);
    this.maxShardSources = Math.ceil(scan.maxTrackedSources / shards);
    this.shard = this.shards[0] as Shard;
    this.sources = this.shard.sources;
    this.firstContacts = this.shard.firstContacts;
    this.inlineFirstFailure =
      Math.min(
        scan.horizontalThreshold,
        scan.internalHorizontalThreshold,
        scan.verticalThreshold,
        scan.icmpSweepThreshold,
      ) >= 2 && scan.maxKeysPerSource >= 1;
    this.horizontalThresholds = Int32Array.of(
      scan.horizontalThreshold,
      scan.internalHorizontalThreshold,
      scan.icmpSweepThreshold,
    );
    const { theta0, theta1, falsePositiveRate, detectionRate } = scan.trw;
    // Log-likelihood ratio steps and alarm level of Wald's sequential test (Jung et al. 2004 §4).
    this.trwFailStep = Math.log((1 - theta1) / (1 - theta0));
    this.trwSuccessStep = Math.log(theta1 / theta0);
    this.trwAlarm = Math.log(detectionRate / falsePositiveRate);
  }

  /** Sources tracked now (after `flush`). */
  get trackedSources(): number {
    return this.shards.reduce((total, shard) => total + shard.sources.size, 0);
  }

  private shardOf(srcHash: number): Shard {
    return this.shards.length === 1
      ? (this.shard as Shard)
      : (this.shards[mix32(srcHash ^ SHARD_SEED) >>> this.shardShift] as Shard);
  }

  /** Queues one accepted event's columns in its source's shard (counting every shard first when that one is full). */
  private enqueue(
    srcHash: number,
    input: string,
    ts: number,
    line: number,
    src: number,
    dst: number,
    srcPort: number,
    dstPort: number,
    proto: number,
    outcome: number,
  ): Shard {
    const shard = this.shardOf(srcHash);
    if (shard.queue.size === shard.queue.capacity) this.flush();
    if (input !== this.lastInput || this.lastInputId < 0) {
      let id = this.inputIds.get(input);
      if (id === undefined) {
        if (this.inputNames.length === MAX_QUEUED_INPUTS) this.flush();
        id = this.inputNames.length;
        this.inputNames.push(input);
        this.inputIds.set(input, id);
      }
      this.lastInput = input;
      this.lastInputId = id;
    }
    const queue = shard.queue;
    if (line > MAX_QUEUED_LINE) shard.extras.set(queue.size, { srcV6: null, dstV6: null, detail: undefined, line });
    const arrival = this.accepted++ - this.queuedFrom;
    queue.push(ts, line, arrival, src, dst, srcPort, dstPort, proto, outcome, this.lastInputId);
    this.queued++;
    return shard;
  }

  /** Queues an event (copied: the caller may reuse it); queued events are counted when a shard is full or on `flush`. */
  push(event: FlowEvent): void {
    const outcome = event.outcome;
    if (outcome === Outcome.Unknown) return;
    const verdict = this.verdict(event.proto, isMulticastOrBroadcast(event.dst), event.srcPort, event.dstPort);
    this.stats.ignored += verdict >> 1;
    if (verdict !== COUNTED) return;
    const src = event.src;
    const dst = event.dst;
    const v4src = typeof src === 'number';
    const shard = this.enqueue(
      v4src ? src | 0 : hashString(src),
      event.input,
      event.ts,
      event.line,
      v4src ? src : 0,
      typeof dst === 'number' ? dst : 0,
      event.srcPort,
      event.dstPort,
      event.proto,
      outcome,
    );
    if (!v4src || typeof dst !== 'number' || event.detail !== undefined)
      shard.extras.set(shard.queue.size - 1, {
        srcV6: v4src ? null : src,
        dstV6: typeof dst === 'number' ? null : dst,
        detail: event.detail,
        line: event.line > MAX_QUEUED_LINE ? event.line : undefined,
      });
  }

  /**
   * Queues the flows of a columnar batch, adding `lineOffset` to their lines: the same as
   * `push(batch.event(i))` for each i.
   */
  pushFlows(batch: FlowBatch, lineOffset: number): void {
    const { ts, line, src, dst, srcPort, dstPort, proto, outcome, input } = batch;
    let ignored = 0;
    for (let i = 0; i < batch.size; i++) {
      const judged = outcome[i] as number;
      if (judged === Outcome.Unknown) continue;
      const p = proto[i] as number;
      const to = dst[i] as number;
      const from = srcPort[i] as number;
      const port = dstPort[i] as number;
      const verdict = this.verdict(p, to >= 0xe0000000, from, port);
      ignored += verdict >> 1;
      if (verdict !== COUNTED) continue;
      const s = src[i] as number;
      this.enqueue(s | 0, input, ts[i] as number, (line[i] as number) + lineOffset, s, to, from, port, p, judged);
    }
    this.stats.ignored += ignored;
  }

  /**
   * Whether a judged attempt is counted at all (protocol, multicast target, ignored and backscatter ports): COUNTED,
   * NOT_COUNTED or IGNORED (counted in stats.ignored by the caller, adding `verdict >> 1` for every event: a count
   * only rare events reach would deoptimize the loop when the first one comes).
   */
  private verdict(proto: number, toMulticast: boolean, srcPort: number, dstPort: number): number {
    const isIcmp = isIcmpProtocol(proto);
    if (proto !== Protocol.Tcp && !isIcmp && !(proto === Protocol.Udp && this.config.scan.countUdp)) return NOT_COUNTED;
    return toMulticast ||
      (!isIcmp && (this.ignoredPorts[dstPort] === 1 || (dstPort >= 1024 && this.backscatterPorts[srcPort] === 1)))
      ? IGNORED
      : COUNTED;
  }

  private srcV6(at: number): string | null {
    const extras = this.shard.extras;
    return extras.size === 0 ? null : (extras.get(at)?.srcV6 ?? null);
  }

  private dstKey(at: number): IpKey {
    const extras = this.shard.extras;
    return (extras.size === 0 ? null : extras.get(at)?.dstV6) ?? this.shard.queue.dst(at);
  }

  /** Queued event `at` of the shard being counted, as an object (evidence only). */
  private eventAt(at: number): FlowEvent {
    const queue = this.shard.queue;
    const extra = this.shard.extras.get(at);
    return {
      kind: 'flow',
      input: this.inputNames[queue.input(at)] as string,
      line: extra?.line ?? queue.line(at),
      ts: queue.ts(at),
      src: this.srcV6(at) ?? queue.src(at),
      dst: this.dstKey(at),
      srcPort: queue.srcPort(at),
      dstPort: queue.dstPort(at),
      proto: queue.proto(at),
      outcome: queue.outcome(at) as Outcome,
      detail: extra?.detail,
    };
  }

  /** Counts every queued event, a shard at a time. */
  flush(): void {
    if (this.queued === 0) return;
    this.queued = 0;
    for (const shard of this.shards) {
      const n = shard.queue.size;
      if (n === 0) continue;
      this.shard = shard;
      this.sources = shard.sources;
      this.firstContacts = shard.firstContacts;
      for (let start = 0; start < n; start += BATCH) this.countRange(start, Math.min(BATCH, n - start));
      shard.queue.size = 0;
      shard.extras.clear();
    }
    // Emptied in place: a new empty array has another elements kind than one holding names, which deoptimized enqueue.
    this.inputNames.length = 0;
    this.inputIds.clear();
    this.lastInputId = -1;
    this.queuedFrom = this.accepted;
    this.keepFirstDetections();
  }

  /**
   * Counts events [start, start + n) of the shard's queue. Their hashes are computed once, and
   * their index slots, Bloom blocks and source rows are loaded in tight loops first, so those
   * loads overlap, then events are counted in order.
   */
  private countRange(start: number, n: number): void {
    this.rangeStart = start;
    const queue = this.shard.queue;
    const hasExtras = this.shard.extras.size > 0;
    const sources = this.sources;
    const bloom = this.firstContacts;
    const trw = this.config.scan.trw.enabled;
    const pSrcHash = this.pSrcHash;
    const pDstHash = this.pDstHash;
    const pRow = this.pRow;
    const pHome = this.pHome;
    const pBloomPair = this.pBloomPair;
    const pBloomBits = this.pBloomBits;
    // Hashes and positions first, then only the loads in a tight loop: with few instructions
    // between them, many more cache misses are in flight at once.
    for (let i = 0; i < n; i++) {
      const at = start + i;
      const extra = hasExtras ? this.shard.extras.get(at) : undefined;
      const v6s = extra?.srcV6 ?? null;
      const v6d = extra?.dstV6 ?? null;
      // As int32: a uint32 above 2^31 passed to a function that is not inlined would be boxed.
      const srcHash = (v6s === null ? queue.src(at) : hashString(v6s)) | 0;
      const dstHash = (v6d === null ? queue.dst(at) : hashString(v6d)) | 0;
      pSrcHash[i] = srcHash;
      pDstHash[i] = dstHash;
      pHome[i] = v6s === null ? sources.homeV4(srcHash) : -1;
      // One store of each whatever the protocol: a store only the first non-TCP event reaches deoptimized this loop.
      const tcp = trw && queue.proto(at) === Protocol.Tcp;
      pBloomPair[i] = tcp ? bloom.pairOf(srcHash, dstHash) : -1;
      pBloomBits[i] = tcp ? bloom.bitsOf(srcHash, dstHash) : 0;
    }
    let loaded = 0;
    for (let i = 0; i < n; i++) {
      const home = pHome[i] as number;
      const pair = pBloomPair[i] as number;
      if (home >= 0) loaded ^= sources.touchRow(home);
      if (pair >= 0) loaded ^= bloom.touchPair(pair);
    }
    for (let i = 0; i < n; i++) {
      const home = pHome[i] as number;
      pRow[i] = home >= 0 ? sources.findV4(pSrcHash[i] as number, home) : sources.find(this.srcV6(start + i) as string);
    }
    this.loaded = loaded;
    const epoch = sources.epoch;
    for (let i = 0; i < n; i++) this.count(i, epoch);
  }

  /** Counts event `rangeStart + i` of the shard's queue. */
  private count(i: number, epoch: number): void {
    const at = this.rangeStart + i;
    const queue = this.shard.queue;
    const outcome = queue.outcome(at);
    const proto = queue.proto(at);
    const isIcmp = isIcmpProtocol(proto);
    const v6s = this.srcV6(at);
    const srcHash = this.pSrcHash[i] as number;
    let row = this.pRow[i] as number;
    if (this.sources.epoch !== epoch) row = -1;
    // Allow-listed sources never get a row: a source with one needs no allow-list lookup.
    if (row < 0 && this.allowList.size > 0) {
      // Counted for every new source (adding 0 or 1), not only for the first allow-listed one: see `verdict`.
      const listed = this.isAllowListed(v6s, srcHash);
      this.stats.allowListed += listed ? 1 : 0;
      if (listed) return;
    }
    const ts = queue.ts(at);
    const window = Math.floor(ts / this.config.scan.windowSeconds);
    // Stored on every event: a store only a window's first event reaches deoptimized this loop when it first did.
    this.currentWindow = Math.max(window, this.currentWindow);
    if (row < 0) row = this.sourceRow(v6s, srcHash, ts);
    else this.sources.i32[4 * row + Row.touched] = this.currentWindow;
    const sources = this.sources;
    const dstHash = this.pDstHash[i] as number;
    const failed = outcome !== Outcome.Ok;
    if (proto === Protocol.Tcp && this.config.scan.trw.enabled) {
      // Only first contacts of (src, dst) count: repeated tries to one server say nothing new.
      if (!this.firstContacts.testAndAddAt(this.pBloomPair[i] as number, this.pBloomBits[i] as number)) {
        const scoreAt = 4 * row + Row.trwScore;
        const previous = sources.f32[scoreAt] as number;
        const score = previous + (failed ? this.trwFailStep : this.trwSuccessStep);
        sources.f32[scoreAt] = Math.max(0, score);
        const alarm = this.trwAlarm;
        if (score >= alarm && previous < alarm) {
          this.fire(row, at, {
            rule: 'trw',
            threshold: round(this.trwAlarm),
            observed: round(score),
            at: ts,
            explanation:
              `Threshold Random Walk: failed first contacts pushed the log-likelihood ratio to ${round(score)} ` +
              `≥ ln(β/α) = ${round(this.trwAlarm)} (θ0=${this.config.scan.trw.theta0}, θ1=${this.config.scan.trw.theta1})`,
          });
        }
      }
    }
    let group: string | undefined;
    if (failed) {
      this.stats.failedAttempts++;
      if (this.targetGroups.size > 0) group = this.countGroup(this.coldState(row), this.dstKey(at));
      this.countFailure(row, at, window, dstHash, isIcmp);
    }
    if (((sources.i32[4 * row + Row.flags] as number) & DETECTED) === 0) return;
    const current = (sources.getCold(row) as SourceCold).detection as Detection;
    current.finding.attempts++;
    if (ts > current.finding.lastSeen) current.finding.lastSeen = ts;
    if (!failed) return;
    current.finding.failedAttempts++;
    current.targets.add(dstHash);
    current.ports.add(portKey(proto, queue.dstPort(at)));
    // The first samples explain the alarm; then one more for each target group not sampled yet, so every agency
    // the scanner sweeps after detection has one of its own (at most one per configured group).
    const firstOfGroup = group !== undefined && !current.sampledGroups.has(group);
    if (current.finding.evidence.length < this.config.evidenceSamples || firstOfGroup) {
      current.finding.evidence.push(toEvidence(this.eventAt(at)));
      if (group !== undefined) current.sampledGroups.add(group);
    }
  }

  private isAllowListed(v6: string | null, v4: number): boolean {
    return (v6 === null ? this.allowList.lookupV4(v4) : this.allowList.lookup(v6)) === true;
  }

  private isInternal(src: IpKey): boolean {
    return (typeof src === 'number' ? this.internal.lookupV4(src) : this.internal.lookup(src)) === true;
  }

  /** The source's row, created (and the table evicted if full) on first sight; marks it seen now. */
  private sourceRow(v6: string | null, v4: number, ts: number): number {
    const sources = this.sources;
    let row = v6 === null ? sources.findV4(v4) : sources.find(v6);
    if (row < 0) {
      const src: IpKey = v6 ?? v4 >>> 0;
      if (sources.size >= this.maxShardSources) this.evict();
      row = sources.insert(src);
      sources.firstSeen[row] = ts;
      sources.window[row] = -1;
      const detection = this.detections.get(src);
      if (detection)
        sources.setCold(row, {
          byPort: null,
          byTarget: null,
          firstPort: -1,
          firstTarget: 0,
          detection,
          groups: detection.groups,
        });
      const flags = 4 * row + Row.flags;
      sources.i32[flags] =
        (sources.i32[flags] as number) | (this.isInternal(src) ? INTERNAL : 0) | (detection ? DETECTED : 0);
    }
    sources.i32[4 * row + Row.touched] = this.currentWindow;
    return row;
  }

  private coldState(row: number): SourceCold {
    let state = this.sources.getCold(row);
    if (!state) {
      state = { byPort: null, byTarget: null, firstPort: -1, firstTarget: 0, detection: null, groups: null };
      this.sources.setCold(row, state);
    }
    return state;
  }

  /**
   * Frees at least an eighth of the table (findings are kept elsewhere): idle sources first,
   * then the least recently seen, then those with no failures in their window, then all
   * undetected ones, so a flood of sources can never grow memory past the cap.
   */
  private evict(): void {
    const sources = this.sources;
    const target = this.maxShardSources - (this.maxShardSources >>> 3) - 1;
    const touched = new Int32Array(sources.size);
    let n = 0;
    sources.forEachRow((row) => {
      touched[n++] = sources.i32[4 * row + Row.touched] as number;
    });
    touched.sort();
    const cut = touched[touched.length >>> 3] ?? 0;
    const idleBefore = this.currentWindow - IDLE_WINDOWS;
    const seen = (row: number) => sources.i32[4 * row + Row.touched] as number;
    const steps: Array<(row: number) => boolean> = [
      (row) => seen(row) >= idleBefore,
      (row) => seen(row) > cut,
      (row) => hasFailures(sources.getCold(row)),
      (row) => ((sources.i32[4 * row + Row.flags] as number) & DETECTED) !== 0,
      () => false,
    ];
    for (const keep of steps) {
      this.stats.evictedSources += sources.retain(keep);
      if (sources.size <= target) return;
    }
  }

  /** The horizontal (or ICMP sweep) threshold for the source of row `row`. */
  private horizontalThreshold(row: number, isIcmp: boolean): number {
    return this.horizontalThresholds[
      isIcmp ? 2 : (this.sources.i32[4 * row + Row.flags] as number) & INTERNAL
    ] as number;
  }

  /** Makes the window's maps and sets of a source whose one failed attempt is kept inline (see SourceCold.firstPort). */
  private materialize(row: number, state: SourceCold): void {
    const port = state.firstPort;
    if (port < 0) return;
    state.firstPort = -1;
    const proto = Math.floor(port / 65536);
    const isIcmp = isIcmpProtocol(proto);
    const targets = this.newSet(this.horizontalThreshold(row, isIcmp) + 2);
    targets.add(state.firstTarget);
    state.byPort = (this.freePortMaps.pop() ?? new Map()).set(port, targets);
    if (isIcmp) return;
    const ports = this.newSet(this.config.scan.verticalThreshold + 2);
    ports.add(port);
    state.byTarget = (this.freeTargetMaps.pop() ?? new Map()).set(state.firstTarget >>> 0, ports);
  }

  /** An empty set of `cap`: a freed one when there is one. */
  private newSet(cap: number): SaturatingSet {
    const set = this.freeSets.pop();
    if (!set) return new SaturatingSet(cap);
    set.reset(cap);
    return set;
  }

  /** Forgets a source's window counts, keeping their maps and sets for the next windows. */
  private endWindow(state: SourceCold): void {
    if (state.byPort) this.free(state.byPort, this.freePortMaps);
    if (state.byTarget) this.free(state.byTarget, this.freeTargetMaps);
    state.byPort = null;
    state.byTarget = null;
    state.firstPort = -1;
  }

  private free<K>(map: Map<K, SaturatingSet>, maps: Array<Map<K, SaturatingSet>>): void {
    const sets = this.freeSets;
    // Only small sets: a few large ones (an internal source's horizontal cap is 252) reused as small would hold memory.
    if (sets.length + map.size <= MAX_FREE_SETS)
      for (const set of map.values()) if (set.slotCount <= MAX_FREE_SLOTS) sets.push(set);
    map.clear();
    if (maps.length < MAX_FREE_MAPS) maps.push(map);
  }

  /** Counts failed event `at` of the shard's queue in its source's window. */
  private countFailure(row: number, at: number, window: number, dstHash: number, isIcmp: boolean): void {
    const scan = this.config.scan;
    const sources = this.sources;
    const state = this.coldState(row);
    const queue = this.shard.queue;
    const proto = queue.proto(at);
    const dstPort = queue.dstPort(at);
    const port = portKey(proto, dstPort);
    if (window > (sources.window[row] as number)) {
      sources.window[row] = window;
      this.endWindow(state);
      if (this.inlineFirstFailure && typeof this.dstKey(at) === 'number') {
        state.firstPort = port;
        state.firstTarget = dstHash;
        return;
      }
    } else this.materialize(row, state);
    const ts = queue.ts(at);
    const horizontalThreshold = this.horizontalThreshold(row, isIcmp);
    state.byPort ??= this.freePortMaps.pop() ?? new Map();
    let targets = state.byPort.get(port);
    if (!targets && state.byPort.size < scan.maxKeysPerSource) {
      targets = this.newSet(horizontalThreshold + 2);
      state.byPort.set(port, targets);
    }
    if (targets?.add(dstHash) && targets.size === horizontalThreshold) {
      const rule: ScanRule = isIcmp ? 'icmp-sweep' : 'horizontal';
      this.fire(row, at, {
        rule,
        threshold: horizontalThreshold,
        observed: targets.size,
        at: ts,
        windowStart: window * scan.windowSeconds,
        windowSeconds: scan.windowSeconds,
        port: dstPort,
        proto: protocolName(proto),
        explanation: `${targets.size} distinct targets with failed ${protocolName(proto)}/${dstPort} attempts within ${scan.windowSeconds}s (threshold ${horizontalThreshold})`,
      });
    }
    if (isIcmp) return;
    state.byTarget ??= this.freeTargetMaps.pop() ?? new Map();
    const dst = this.dstKey(at);
    let ports = state.byTarget.get(dst);
    if (!ports && state.byTarget.size < scan.maxKeysPerSource) {
      ports = this.newSet(scan.verticalThreshold + 2);
      state.byTarget.set(dst, ports);
    }
    if (ports?.add(port) && ports.size === scan.verticalThreshold) {
      this.fire(row, at, {
        rule: 'vertical',
        threshold: scan.verticalThreshold,
        observed: ports.size,
        at: ts,
        windowStart: window * scan.windowSeconds,
        windowSeconds: scan.windowSeconds,
        target: formatIpKey(dst),
        explanation: `${ports.size} distinct ports with failed attempts on ${formatIpKey(dst)} within ${scan.windowSeconds}s (threshold ${scan.verticalThreshold})`,
      });
    }
  }

  /** Records a rule hit by event `at` of the shard's queue on its source (a new finding if it has none). */
  private fire(row: number, at: number, hit: ScanRuleHit): void {
    let detection = this.sources.getCold(row)?.detection;
    if (!detection) {
      if (this.detectionsFull) {
        this.stats.droppedFindings++;
        return;
      }
      detection = this.detect(row, at);
    }
    const counts = detection.finding.ruleCounts;
    counts[hit.rule] = (counts[hit.rule] ?? 0) + 1;
    if ((counts[hit.rule] as number) <= MAX_HITS_PER_RULE) detection.finding.rules.push(hit);
  }

  /** A new finding for the source of row `row`, created by queued event `at`. */
  private detect(row: number, at: number): Detection {
    const src = this.srcV6(at) ?? this.shard.queue.src(at);
    const ts = this.shard.queue.ts(at);
    const sources = this.sources;
    const flags = sources.i32[4 * row + Row.flags] as number;
    const state = this.coldState(row);
    this.materialize(row, state);
    // The source's own counts, shared: failed attempts before detection count too.
    const groups = state.groups ?? new Map<string, number>();
    state.groups = groups;
    const detection: Detection = {
      finding: {
        ip: formatIpKey(src),
        kind: 'horizontal',
        slow: false,
        internal: (flags & INTERNAL) !== 0,
        firstSeen: sources.firstSeen[row] as number,
        lastSeen: ts,
        detectedAt: ts,
        attempts: 0,
        failedAttempts: 0,
        distinctTargets: 0,
        distinctPorts: 0,
        targetGroups: [],
        rules: [],
        ruleCounts: {},
        evidence: [],
      },
      targets: new HyperLogLog(),
      ports: new HyperLogLog(),
      groups,
      sampledGroups: new Set(),
      order: this.queuedFrom + this.shard.queue.arrival(at),
    };
    // Seed the sketches with what the current window already holds (the event itself is added by the caller).
    state.byPort?.forEach((targets, port) => {
      detection.ports.add(port);
      targets.forEach((target) => {
        detection.targets.add(target);
      });
    });
    state.byTarget?.forEach((ports, target) => {
      detection.targets.add(hashIpKey(target));
      ports.forEach((port) => {
        detection.ports.add(port);
      });
    });
    state.detection = detection;
    sources.i32[4 * row + Row.flags] = flags | DETECTED;
    this.detections.set(src, detection);
    return detection;
  }

  /** Counts a failed attempt of a source on the target group of `target`; returns that group, if any. */
  private countGroup(state: SourceCold, target: IpKey): string | undefined {
    const group = typeof target === 'number' ? this.targetGroups.lookupV4(target) : this.targetGroups.lookup(target);
    if (group === undefined) return undefined;
    state.groups ??= new Map();
    state.groups.set(group, (state.groups.get(group) ?? 0) + 1);
    return group;
  }

  /**
   * Keeps the first maxFindings detections by arrival order, as one table counting events in
   * arrival order would have: the shards of a flush detect out of that order, so more may have
   * been created. Each rule hit on a dropped one is counted as dropped, as it would have been.
   */
  private keepFirstDetections(): void {
    const max = this.config.maxFindings;
    if (this.detections.size > max) {
      const byArrival = [...this.detections.entries()].sort((a, b) => a[1].order - b[1].order);
      for (const [src, detection] of byArrival.slice(max)) {
        this.detections.delete(src);
        for (const hits of Object.values(detection.finding.ruleCounts)) this.stats.droppedFindings += hits ?? 0;
        const shard = this.shardOf(typeof src === 'number' ? src | 0 : hashString(src));
        const row = shard.sources.find(src);
        if (row < 0) continue;
        const flags = 4 * row + Row.flags;
        shard.sources.i32[flags] = (shard.sources.i32[flags] as number) & ~DETECTED;
        const cold = shard.sources.getCold(row);
        if (cold) cold.detection = null;
      }
    }
    this.detectionsFull = this.detections.size >= max;
  }

  /** Findings so far, in order of detection. */
  findings(): ScannerFinding[] {
    this.flush();
    return [...this.detections.values()]
      .sort((a, b) => a.order - b.order)
      .map(({ finding, targets, ports, groups }) => {
        const distinctTargets = targets.estimate();
        const distinctPorts = ports.estimate();
        const ruleNames = new Set(finding.rules.map((r) => r.rule));
        const horizontal = ruleNames.has('horizontal') || ruleNames.has('icmp-sweep');
        const vertical = ruleNames.has('vertical');
        return {
          ...finding,
          kind: horizontal || vertical ? windowedKind(horizontal, vertical) : shapeKind(distinctTargets, distinctPorts),
          slow: !horizontal && !vertical,
          distinctTargets,
          distinctPorts,
          targetGroups: [...groups]
            .map(([group, failedAttempts]) => ({ group, failedAttempts }))
            .sort((a, b) => b.failedAttempts - a.failedAttempts || a.group.localeCompare(b.group)),
          rules: [...finding.rules],
          ruleCounts: { ...finding.ruleCounts },
          evidence: [...finding.evidence],
        };
      });
  }
}

function windowedKind(horizontal: boolean, vertical: boolean): ScanKind {
  if (horizontal && vertical) return 'mixed';
  return horizontal ? 'horizontal' : 'vertical';
}

/** Shape of a scan seen only by TRW, classified as ncsa/bro-simple-scan does. */
function shapeKind(targets: number, ports: number): ScanKind {
  if (ports <= 1) return 'horizontal';
  if (targets <= 1) return 'vertical';
  if (ports <= 5) return 'horizontal';
  if (targets <= 5) return 'vertical';
  return 'mixed';
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
