// Malicious contacts: any flow, DNS query, TLS SNI or HTTP request that touches a valid
// threat-intel indicator, aggregated per (host, indicator) with bounded evidence.

import { formatIpKey, type IpKey } from '../../../core/net/ip.ts';
import type { PrefixTrie } from '../../../core/net/prefix-trie.ts';
import type { EngineConfig } from './config.ts';
import { toEvidence } from './evidence.ts';
import type { FlowBatch } from './flow-batch.ts';
import type { IntelIndex } from './intel-index.ts';
import type { ContactFinding, Indicator, SocEvent } from './types.ts';

export class ContactDetector {
  private readonly contacts = new Map<string, ContactFinding>();
  matches = 0;
  droppedFindings = 0;

  constructor(
    private readonly config: EngineConfig,
    private readonly intel: IntelIndex,
    private readonly internal: PrefixTrie<true>,
  ) {}

  push(event: SocEvent): void {
    const intel = this.intel;
    if (intel.hasAddresses) {
      const ts = event.ts;
      const toIndicator = intel.matchAddress(event.dst, ts);
      if (toIndicator) this.record(event.src, toIndicator, 'outbound', event);
      const fromIndicator = intel.matchAddress(event.src, ts);
      if (fromIndicator) this.record(event.dst, fromIndicator, 'inbound', event);
    }
    if (event.kind !== 'flow' && intel.hasNames) {
      const byName =
        (event.url ? intel.matchUrl(event.url, event.ts) : undefined) ?? intel.matchName(event.name, event.ts);
      if (byName) this.record(event.src, byName, 'outbound', event);
    }
  }

  /** `push(batch.event(i))` for each flow of a columnar batch (lines `lineOffset` on), building an event only on a match. */
  pushFlows(batch: FlowBatch, lineOffset: number): void {
    const intel = this.intel;
    if (!intel.hasAddresses) return;
    // Every column loaded here, before the loop: one loaded only for the first candidate deoptimized the loop then.
    const { src, dst, ts } = batch;
    for (let i = 0; i < batch.size; i++) {
      // The /16 test inline: most flows end here, without a call that would box their time.
      if (!intel.mayListV4(src[i] as number) && !intel.mayListV4(dst[i] as number)) continue;
      const at = ts[i] as number;
      const toIndicator = intel.matchAddress(dst[i] as number, at);
      const fromIndicator = intel.matchAddress(src[i] as number, at);
      if (!toIndicator && !fromIndicator) continue;
      const event = batch.event(i);
      event.line += lineOffset;
      if (toIndicator) this.record(event.src, toIndicator, 'outbound', event);
      if (fromIndicator) this.record(event.dst, fromIndicator, 'inbound', event);
    }
  }

  private record(host: IpKey, indicator: Indicator, direction: ContactFinding['direction'], event: SocEvent): void {
    this.matches++;
    const hostText = formatIpKey(host);
    const key = `${hostText}|${indicator.type}|${indicator.value}|${direction}`;
    let contact = this.contacts.get(key);
    if (!contact) {
      if (this.contacts.size >= this.config.maxFindings) {
        this.droppedFindings++;
        return;
      }
      contact = {
        host: hostText,
        internal: (typeof host === 'number' ? this.internal.lookupV4(host) : this.internal.lookup(host)) === true,
        indicator: indicator.value,
        indicatorType: indicator.type,
        source: indicator.source,
        confidence: indicator.confidence,
        indicatorId: indicator.id,
        direction,
        matchedOn: [],
        firstSeen: event.ts,
        lastSeen: event.ts,
        count: 0,
        evidence: [],
      };
      this.contacts.set(key, contact);
    }
    contact.count++;
    if (event.ts < contact.firstSeen) contact.firstSeen = event.ts;
    if (event.ts > contact.lastSeen) contact.lastSeen = event.ts;
    if (!contact.matchedOn.includes(event.kind)) contact.matchedOn.push(event.kind);
    if (contact.evidence.length < this.config.evidenceSamples) contact.evidence.push(toEvidence(event));
  }

  findings(): ContactFinding[] {
    return [...this.contacts.values()].map((contact) => ({
      ...contact,
      matchedOn: [...contact.matchedOn],
      evidence: [...contact.evidence],
    }));
  }
}
