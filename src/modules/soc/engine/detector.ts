// The engine's public entry point: push normalised events, read findings. Pure: no I/O,
// no clock; time comes only from event timestamps.

import { PrefixTrie } from '../../../core/net/prefix-trie.ts';
import { type EngineConfig, type EngineConfigInput, resolveEngineConfig } from './config.ts';
import { ContactDetector } from './contact-detector.ts';
import type { FlowBatch } from './flow-batch.ts';
import { IntelIndex } from './intel-index.ts';
import { ScanDetector } from './scan-detector.ts';
import type { Findings, Indicator, SocEvent } from './types.ts';

export interface DetectorOptions {
  config?: EngineConfigInput;
  /** Threat-intel indicators (or a prebuilt index to share between detectors). */
  intel?: Iterable<Indicator> | IntelIndex;
  /**
   * Runs one of the two independent detectors only (the other's findings stay empty), so they
   * can run on two threads and be joined with `joinFindings`: scanners need only flows, in
   * order; malicious contacts need every event, in order, and the intel.
   */
  only?: 'scans' | 'contacts';
}

export interface Detector {
  readonly config: EngineConfig;
  /** Feeds one event. The event object is not retained, so parsers may reuse it. */
  push(event: SocEvent): void;
  pushBatch(events: Iterable<SocEvent>): void;
  /** Feeds a columnar batch of IPv4 flows: the same as pushing `batch.event(i)` for each i, faster. */
  pushFlows(batch: FlowBatch): void;
  /** A snapshot of findings so far; the detector keeps running. */
  findings(): Findings;
}

export function createDetector(options: DetectorOptions = {}): Detector {
  const config = resolveEngineConfig(options.config);
  const internal = new PrefixTrie<true>();
  for (const cidr of config.internalNetworks) internal.insert(cidr, true);
  const intel = options.intel instanceof IntelIndex ? options.intel : new IntelIndex(options.intel ?? []);
  const scans = new ScanDetector(config, internal);
  const contacts = new ContactDetector(config, intel, internal);
  const checkScans = options.only !== 'contacts';
  const checkContacts = intel.size > 0 && options.only !== 'scans';
  let events = 0;
  let flows = 0;

  const push = (event: SocEvent): void => {
    events++;
    if (event.kind === 'flow') {
      flows++;
      if (checkScans) scans.push(event);
    }
    if (checkContacts) contacts.push(event);
  };

  return {
    config,
    push,
    pushBatch(batch) {
      for (const event of batch) push(event);
    },
    pushFlows(batch) {
      const n = batch.size;
      events += n;
      flows += n;
      if (checkScans && checkContacts) {
        for (let i = 0; i < n; i++) {
          scans.pushAt(batch, i);
          contacts.pushAt(batch, i);
        }
      } else if (checkScans) for (let i = 0; i < n; i++) scans.pushAt(batch, i);
      else if (checkContacts) for (let i = 0; i < n; i++) contacts.pushAt(batch, i);
    },
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
 * Findings of a whole run from its two halves (`only: 'scans'` and `only: 'contacts'`), the
 * second having seen every event: the same as one detector's.
 */
export function joinFindings(scans: Findings, contacts: Findings): Findings {
  return {
    scanners: scans.scanners,
    maliciousContacts: contacts.maliciousContacts,
    stats: {
      events: contacts.stats.events,
      flows: contacts.stats.flows,
      names: contacts.stats.names,
      failedAttempts: scans.stats.failedAttempts,
      allowListed: scans.stats.allowListed,
      ignored: scans.stats.ignored,
      trackedSources: scans.stats.trackedSources,
      evictedSources: scans.stats.evictedSources,
      droppedFindings: scans.stats.droppedFindings + contacts.stats.droppedFindings,
      indicatorMatches: contacts.stats.indicatorMatches,
    },
  };
}
