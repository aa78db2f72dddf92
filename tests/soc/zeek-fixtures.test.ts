// Real Zeek 6 logs (WRCCDC 2018 capture) against indicators picked from their content. The
// expected hosts and counts are computed here by a plain scan of the files, not by the engine.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { analyzeStreams, loadIntelFiles } from '../../src/modules/soc/analyze.ts';

const root = resolve(import.meta.dirname, '../..');
const fixtures = resolve(root, '../shared/fixtures/zeek');
const intelFiles = [
  resolve(import.meta.dirname, 'data/wrccdc-intel.txt'),
  resolve(import.meta.dirname, 'data/wrccdc-intel.stix.json'),
];

function readZeek(name: string): { fields: string[]; rows: string[][] } {
  const lines = gunzipSync(readFileSync(resolve(fixtures, name)))
    .toString('utf8')
    .split('\n');
  const fieldsLine = lines.find((l) => l.startsWith('#fields\t')) ?? '';
  const rows = lines.filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split('\t'));
  return { fields: fieldsLine.split('\t').slice(1), rows };
}

const domains = ['oompa.loompa', 'videosearch.ubuntu.com', 'donbot.wrccdc.cpp.edu', 'ubuntu.co'];

function v4(text: string): number {
  return text.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

/** The indicator an address matches, most specific first, written out by hand. */
function addressIndicator(address: string): string | null {
  if (address === '134.71.3.16' || address === '10.10.5.1' || address === '10.10.2.1') return address;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(address) && v4(address) >>> 2 === v4('10.10.2.0') >>> 2) return '10.10.2.0/30';
  return null;
}

function expectedContacts(): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const [file, nameField] of [
    ['dns.log.gz', 'query'],
    ['ssl.log.gz', 'server_name'],
  ] as const) {
    const { fields, rows } = readZeek(file);
    const orig = fields.indexOf('id.orig_h');
    const resp = fields.indexOf('id.resp_h');
    const nameAt = fields.indexOf(nameField);
    for (const row of rows) {
      const name = row[nameAt] as string;
      const domain = domains.find((d) => name === d || name.endsWith(`.${d}`));
      if (domain) add(`${row[orig]}|${domain}|outbound`);
      const toIndicator = addressIndicator(row[resp] as string);
      if (toIndicator) add(`${row[orig]}|${toIndicator}|outbound`);
      const fromIndicator = addressIndicator(row[orig] as string);
      if (fromIndicator) add(`${row[resp]}|${fromIndicator}|inbound`);
    }
  }
  return counts;
}

describe('SOC engine on real Zeek dns.log and ssl.log', async () => {
  const intel = await loadIntelFiles(intelFiles);
  const result = await analyzeStreams(
    ['dns.log.gz', 'ssl.log.gz'].map((name) => ({ name, path: resolve(fixtures, name) })),
    { indicators: intel.indicators },
  );
  const contacts = result.findings.maliciousContacts;

  it('reads every record and rejects none', () => {
    const records = readZeek('dns.log.gz').rows.length + readZeek('ssl.log.gz').rows.length;
    expect(records).toBe(103089);
    expect(result.events).toBe(records);
    expect(result.rejected).toBe(0);
    expect(result.inputs.map((i) => i.format)).toEqual(['zeek-tsv', 'zeek-tsv']);
  });

  it('loads the indicators and skips the sequence pattern it cannot evaluate', () => {
    expect(intel.indicators).toHaveLength(9);
    expect(intel.skipped).toBe(1);
    expect(intel.problems).toEqual([]);
  });

  it('finds exactly the hosts and counts a plain scan of the files finds', () => {
    const expected = expectedContacts();
    const actual = new Map(contacts.map((c) => [`${c.host}|${c.indicator}|${c.direction}`, c.count]));
    expect(actual).toEqual(expected);
    // Numbers an analyst would quote, checked against the independent count.
    const hostsFor = (indicator: string) =>
      new Set(contacts.filter((c) => c.indicator === indicator).map((c) => c.host));
    expect(hostsFor('oompa.loompa').size).toBe(
      new Set([...expected.keys()].filter((k) => k.includes('|oompa.loompa|')).map((k) => k.split('|')[0])).size,
    );
    expect(hostsFor('oompa.loompa').size).toBeGreaterThan(0);
    expect(hostsFor('donbot.wrccdc.cpp.edu').size).toBeGreaterThan(0);
  });

  it('keeps the STIX metadata and never matches expired or near-miss indicators', () => {
    const resolver = contacts.find((c) => c.indicator === '10.10.2.1');
    expect(resolver?.source).toBe('wrccdc-intel.stix.json (Test CERT)');
    expect(resolver?.confidence).toBe(80);
    expect(contacts.some((c) => c.indicator === 'docs.google.com')).toBe(false);
    expect(contacts.some((c) => c.indicator === 'ubuntu.co')).toBe(false);
  });

  it('explains each contact with bounded evidence pointing at file lines', () => {
    for (const contact of contacts) {
      expect(contact.evidence.length).toBeGreaterThan(0);
      expect(contact.evidence.length).toBeLessThanOrEqual(5);
      expect(contact.firstSeen).toBeLessThanOrEqual(contact.lastSeen);
    }
    const sample = contacts.find((c) => c.indicator === 'videosearch.ubuntu.com')?.evidence[0];
    expect(sample?.input).toBe('dns.log.gz');
    expect(sample?.what).toMatch(/^dns .*videosearch\.ubuntu\.com$/);
    expect(sample?.line).toBeGreaterThan(8);
  });
});
