// The engine's public entry point: push normalised events, read findings. Pure: no I/O,
// no clock; time comes only from event timestamps.

import { PrefixTrie } from '../../../core/net/prefix-trie.ts';
import { type EngineConfig, type EngineConfigInput, resolveEngineConfig } from './config.ts';
import { ContactDetector } from './contact-detector.ts';
import type { FlowBatch } from './flow-batch.ts';
import { IntelIndex } from './intel-index.ts';
import { ScanDetector } from './scan-detector.ts';
import { type DetectorSnapshot, restoreDetector, snapshotDetector } from './snapshot.ts';
import type { ContactFinding, DetectorStats, EvidenceSample, Findings, Indicator, SocEvent } from './types.ts';

export interface DetectorOptions {
  config?: EngineConfigInput;
  /** Threat-intel indicators (or a prebuilt index to share between detectors). */
  intel?: Iterable<Indicator> | IntelIndex;
  /** State to resume from (`Detector.snapshot`); throws when it was taken with another layout. */
  snapshot?: DetectorSnapshot;
}

export interface Detector {
  readonly config: EngineConfig;
  /** Feeds one event. The event object is not retained, so parsers may reuse it. */
  push(event: SocEvent): void;
  pushBatch(events: Iterable<SocEvent>): void;
  /**
   * Feeds a columnar batch of IPv4 flows: the same as pushing `batch.event(i)` for each i,
   * faster; `lineOffset` is added to their lines (a parallel run's batch numbers its chunk's
   * lines from 1).
   */
  pushFlows(batch: FlowBatch, lineOffset?: number): void;
  /** A snapshot of findings so far; the detector keeps running. */
  findings(): Findings;
  /** Its whole state as plain data (engine/snapshot.ts), to resume from after a restart. */
  snapshot(): DetectorSnapshot;
}

export function createDetector(options: DetectorOptions = {}): Detector {
  const config = resolveEngineConfig(options.config);
  const internal = new PrefixTrie<true>();
  for (const cidr of config.internalNetworks) internal.insert(cidr, true);
  const intel = options.intel instanceof IntelIndex ? options.intel : new IntelIndex(options.intel ?? []);
  const scans = new ScanDetector(config, internal);
  const contacts = new ContactDetector(config, intel, internal);
  const checkContacts = intel.size > 0;
  let events = 0;
  let flows = 0;
  if (options.snapshot) ({ events, flows } = restoreDetector(options.snapshot, scans, contacts));

  const push = (event: SocEvent): void => {
    events++;
    if (event.kind === 'flow') {
      flows++;
      scans.push(event);
    }
    if (checkContacts) contacts.push(event);
  };

  return {
    config,
    push,
    pushBatch(batch) {
      for (const event of batch) push(event);
    },
    pushFlows(batch, lineOffset = 0) {
      events += batch.size;
      flows += batch.size;
      scans.pushFlows(batch, lineOffset);
      if (checkContacts) contacts.pushFlows(batch, lineOffset);
    },
    snapshot: () => snapshotDetector(scans, contacts, { events, flows }),
    findings() {
      scans.flush();
      return {
        scanners: scans.findings().sort((a, b) => a.detectedAt - b.detectedAt),
        maliciousContacts: contacts.findings().sort((a, b) => a.firstSeen - b.firstSeen),
        stats: {
          events,
          flows,
          names: events - flows,
          failedAttempts: scans.stats.failedAttempts,
          allowListed: scans.stats.allowListed,
          ignored: scans.stats.ignored,
          trackedSources: scans.trackedSources,
          evictedSources: scans.stats.evictedSources,
          droppedFindings: scans.stats.droppedFindings + contacts.droppedFindings,
          indicatorMatches: contacts.matches,
        },
      };
    },
  };
}

/**
 * The findings of one run whose events were split by source address over several detectors
 * (analyzeStreams with threads > 1), as one detector would report them. A scanner is one
 * source, so it is in one part. A contact is keyed by host, indicator and direction; an inbound
 * one from a CIDR indicator may be in two parts (matched from sources of different partitions):
 * its counts add up and its evidence is the earliest samples of both. `inputOrder` ranks input
 * names, so ties are broken by position in the input, as one detector's insertion order does.
 */
export function mergeFindings(
  parts: Findings[],
  config: Pick<EngineConfig, 'evidenceSamples' | 'maxFindings'>,
  inputOrder: (input: string) => number,
): Findings {
  const { evidenceSamples, maxFindings } = config;
  // A finding's first evidence sample is the event that created it (every finding has one unless
  // evidenceSamples is 0, when the order of the parts decides).
  const earlier = (a: EvidenceSample | undefined, b: EvidenceSample | undefined): number =>
    a === undefined || b === undefined ? 0 : inputOrder(a.input) - inputOrder(b.input) || a.line - b.line;
  const contacts = new Map<string, ContactFinding>();
  for (const contact of parts.flatMap((part) => part.maliciousContacts)) {
    const key = `${contact.host}|${contact.indicatorType}|${contact.indicator}|${contact.direction}`;
    const seen = contacts.get(key);
    if (!seen) {
      contacts.set(key, contact);
      continue;
    }
    // Kinds in the order of the part that matched first: which kind came first within the other
    // part is not known, so this is exact unless both parts matched on several kinds.
    const [first, second] = earlier(contact.evidence[0], seen.evidence[0]) < 0 ? [contact, seen] : [seen, contact];
    seen.matchedOn = [...first.matchedOn, ...second.matchedOn.filter((kind) => !first.matchedOn.includes(kind))];
    seen.count += contact.count;
    seen.firstSeen = Math.min(seen.firstSeen, contact.firstSeen);
    seen.lastSeen = Math.max(seen.lastSeen, contact.lastSeen);
    seen.evidence = [...seen.evidence, ...contact.evidence].sort(earlier).slice(0, evidenceSamples);
  }
  const stats = { ...(parts[0] as Findings).stats };
  for (const part of parts.slice(1))
    for (const key of Object.keys(stats) as Array<keyof DetectorStats>) stats[key] += part.stats[key];
  const scanners = parts
    .flatMap((part) => part.scanners)
    .sort((a, b) => a.detectedAt - b.detectedAt || earlier(a.evidence[0], b.evidence[0]));
  const maliciousContacts = [...contacts.values()].sort(
    (a, b) => a.firstSeen - b.firstSeen || earlier(a.evidence[0], b.evidence[0]),
  );
  // Each part kept up to maxFindings of each kind: the whole run keeps the first ones.
  stats.droppedFindings +=
    Math.max(0, scanners.length - maxFindings) + Math.max(0, maliciousContacts.length - maxFindings);
  return {
    scanners: scanners.slice(0, maxFindings),
    maliciousContacts: maliciousContacts.slice(0, maxFindings),
    stats,
  };
}
