// Threat-intelligence feeds → indicators: plain lists (IPs, CIDRs, domains, URLs, hosts-file
// and Spamhaus DROP styles), CSV feeds (abuse.ch Feodo/URLhaus/ThreatFox and similar),
// STIX 2.1 bundles and MISP events. Pure: text in, indicators and line-numbered problems out.

import { indicatorFromValue } from '../engine/intel-index.ts';
import type { Indicator } from '../engine/types.ts';
import { timestampSeconds } from '../parsers/fields.ts';

export interface IntelProblem {
  line: number;
  reason: string;
}

export interface ParsedIntel {
  format: 'plain' | 'csv' | 'stix' | 'misp';
  indicators: Indicator[];
  rejected: IntelProblem[];
  /** STIX patterns with operators we do not evaluate (WITHIN, REPEATS, FOLLOWEDBY), MISP attributes not for IDS. */
  skipped: number;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** PostgreSQL cannot store U+0000: a line or object holding one is rejected, never half-stored. */
const NUL_REASON = 'NUL character (U+0000)';
/** Whether any of the strings an indicator is made of holds U+0000 (only those: objects may nest without bound). */
const hasNul = (...values: unknown[]) => values.some((v) => typeof v === 'string' && v.includes('\0'));

/** STIX confidence is an integer 0–100; anything else (a 40-digit number) is dropped, not stored. */
function confidenceOf(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d{1,3}$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 100 ? n : undefined;
}

function optionalTime(value: unknown): number | undefined {
  const ts = timestampSeconds(value);
  return Number.isNaN(ts) ? undefined : ts;
}

export function parseIntel(text: string, source: string): ParsedIntel {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      return { format: 'stix', indicators: [], rejected: [{ line: 1, reason: 'invalid JSON' }], skipped: 0 };
    }
    return isMisp(json) ? parseMisp(json, source) : parseStix(json, source);
  }
  const lines = text.split(/\r?\n/);
  const isCsv = lines.some((l) => !/^\s*[#;]/.test(l) && l.includes(','));
  return isCsv ? parseCsv(lines, source) : parsePlain(lines, source);
}

function parsePlain(lines: string[], source: string): ParsedIntel {
  const result: ParsedIntel = { format: 'plain', indicators: [], rejected: [], skipped: 0 };
  lines.forEach((raw, i) => {
    const content = raw.replace(/[#;].*$/, '').trim();
    if (content === '') return;
    if (content.includes('\0')) {
      result.rejected.push({ line: i + 1, reason: NUL_REASON });
      return;
    }
    const tokens = content.split(/\s+/);
    // Hosts-file style "0.0.0.0 evil.example": the name is the indicator, not the sinkhole address.
    const value =
      tokens.length > 1 && /^(0\.0\.0\.0|127\.0\.0\.1|::1?)$/.test(tokens[0] as string) ? tokens[1] : tokens[0];
    const indicator = indicatorFromValue(value ?? '', source);
    if (indicator) result.indicators.push(indicator);
    else result.rejected.push({ line: i + 1, reason: `not an IP, CIDR, domain or URL: ${content.slice(0, 80)}` });
  });
  return result;
}

/** Splits one CSV row, honouring double quotes and the `", "` spacing ThreatFox uses. */
export function splitCsvRow(row: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < row.length; i++) {
    const c = row[i];
    if (quoted) {
      if (c === '"' && row[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell.trim());
      cell = '';
    } else cell += c;
  }
  cells.push(cell.trim());
  return cells;
}

const VALUE_COLUMNS = ['ioc_value', 'ioc', 'indicator', 'dst_ip', 'url', 'value', 'ip', 'ip_address', 'domain', 'host'];

function parseCsv(lines: string[], source: string): ParsedIntel {
  const result: ParsedIntel = { format: 'csv', indicators: [], rejected: [], skipped: 0 };
  let header: string[] | null = null;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const commented = line.startsWith('#');
    const cells = splitCsvRow(commented ? line.replace(/^#\s*/, '') : line).map((c) => c.toLowerCase());
    if (!header && cells.some((c) => VALUE_COLUMNS.includes(c))) {
      header = cells;
      return;
    }
    if (commented) return;
    if (line.includes('\0')) {
      result.rejected.push({ line: i + 1, reason: NUL_REASON });
      return;
    }
    const row = splitCsvRow(line);
    const column = (names: string[]) => {
      const index = header ? header.findIndex((h) => names.includes(h)) : -1;
      return index >= 0 ? row[index] : undefined;
    };
    const valueColumn = header ? VALUE_COLUMNS.find((name) => header?.includes(name)) : undefined;
    let value = valueColumn ? column([valueColumn]) : row[0];
    // ThreatFox "ip:port" values: the port is not part of the indicator.
    if (value && /^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(':'));
    const confidenceText = column(['confidence_level', 'confidence']);
    const confidence = confidenceOf(confidenceText);
    const indicator = indicatorFromValue(value ?? '', source, {
      confidence,
      validFrom: optionalTime(column(['valid_from'])),
      validUntil: optionalTime(column(['valid_until', 'expiration'])),
      description: column(['malware', 'malware_printable', 'threat']) || undefined,
    });
    if (indicator) result.indicators.push(indicator);
    else result.rejected.push({ line: i + 1, reason: `no usable indicator in: ${line.slice(0, 80)}` });
  });
  return result;
}

const STIX_COMPARISON =
  /(ipv4-addr|ipv6-addr|domain-name|url|network-traffic):(value|dst_ref\.value|src_ref\.value)\s*(=|ISSUBSET)\s*'((?:[^'\\]|\\.)*)'/g;

/**
 * Indicators of a STIX 2.1 bundle (or a bare indicator / list). Each address, domain or URL
 * compared in a pattern becomes one indicator; other conditions joined by AND (e.g. a port)
 * are not evaluated, so such patterns match a little more broadly than written.
 */
function parseStix(json: unknown, source: string): ParsedIntel {
  const result: ParsedIntel = { format: 'stix', indicators: [], rejected: [], skipped: 0 };
  const objects = isObject(json) && Array.isArray(json.objects) ? json.objects : Array.isArray(json) ? json : [json];
  const identities = new Map<string, string>();
  for (const object of objects) {
    if (
      isObject(object) &&
      object.type === 'identity' &&
      typeof object.id === 'string' &&
      typeof object.name === 'string' &&
      !hasNul(object.name)
    ) {
      identities.set(object.id, object.name);
    }
  }
  objects.forEach((object, index) => {
    if (!isObject(object) || object.type !== 'indicator') return;
    const where = index + 1;
    if (object.revoked === true) {
      result.skipped++;
      return;
    }
    if (hasNul(object.id, object.name, object.pattern)) {
      result.rejected.push({ line: where, reason: NUL_REASON });
      return;
    }
    const pattern = object.pattern;
    if (typeof pattern !== 'string' || (object.pattern_type !== undefined && object.pattern_type !== 'stix')) {
      result.rejected.push({ line: where, reason: 'indicator without a STIX pattern' });
      return;
    }
    if (/\b(WITHIN|REPEATS|FOLLOWEDBY)\b/.test(pattern)) {
      result.skipped++;
      return;
    }
    const creator = typeof object.created_by_ref === 'string' ? identities.get(object.created_by_ref) : undefined;
    const extra: Partial<Indicator> = {
      id: typeof object.id === 'string' ? object.id : undefined,
      confidence: confidenceOf(object.confidence),
      validFrom: optionalTime(object.valid_from),
      validUntil: optionalTime(object.valid_until),
      description: typeof object.name === 'string' ? object.name : undefined,
    };
    let found = 0;
    for (const match of pattern.matchAll(STIX_COMPARISON)) {
      const value = (match[4] as string).replace(/\\(.)/g, '$1');
      const indicator = indicatorFromValue(value, creator ? `${source} (${creator})` : source, extra);
      if (indicator) {
        result.indicators.push(indicator);
        found++;
      }
    }
    if (found === 0)
      result.rejected.push({ line: where, reason: `no supported comparison in pattern ${pattern.slice(0, 80)}` });
  });
  return result;
}

function isMisp(json: unknown): boolean {
  const first = Array.isArray(json) ? json[0] : json;
  return isObject(first) && (isObject(first.Event) || Array.isArray(first.response));
}

const MISP_TYPES = new Set([
  'ip-dst',
  'ip-src',
  'ip-dst|port',
  'ip-src|port',
  'domain',
  'hostname',
  'domain|ip',
  'url',
]);

/** MISP events (feed files, API responses): attributes flagged for IDS (`to_ids`) of network types. */
function parseMisp(json: unknown, source: string): ParsedIntel {
  const result: ParsedIntel = { format: 'misp', indicators: [], rejected: [], skipped: 0 };
  const wrappers = (Array.isArray(json) ? json : [json]).flatMap((item) =>
    isObject(item) && Array.isArray(item.response) ? item.response : [item],
  );
  wrappers.forEach((wrapper, eventIndex) => {
    const event = isObject(wrapper) && isObject(wrapper.Event) ? wrapper.Event : null;
    if (!event) return;
    const orgc = isObject(event.Orgc) && typeof event.Orgc.name === 'string' ? event.Orgc.name : undefined;
    const eventSource = orgc ? `${source} (${orgc})` : source;
    const attributes: unknown[] = Array.isArray(event.Attribute) ? [...event.Attribute] : [];
    if (Array.isArray(event.Object)) {
      for (const object of event.Object)
        if (isObject(object) && Array.isArray(object.Attribute)) attributes.push(...object.Attribute);
    }
    for (const attribute of attributes) {
      if (!isObject(attribute) || typeof attribute.type !== 'string' || typeof attribute.value !== 'string') continue;
      if (!MISP_TYPES.has(attribute.type) || (attribute.to_ids !== true && attribute.to_ids !== '1')) {
        result.skipped++;
        continue;
      }
      if (hasNul(attribute.value, attribute.uuid, event.info, orgc)) {
        result.rejected.push({ line: eventIndex + 1, reason: NUL_REASON });
        continue;
      }
      const [first, second] = attribute.value.split('|');
      const values = attribute.type === 'domain|ip' ? [first, second] : [first];
      for (const value of values) {
        const indicator = indicatorFromValue(value ?? '', eventSource, {
          id: typeof attribute.uuid === 'string' ? attribute.uuid : undefined,
          description: typeof event.info === 'string' ? event.info : undefined,
          validFrom: optionalTime(attribute.first_seen),
        });
        if (indicator) result.indicators.push(indicator);
        else
          result.rejected.push({ line: eventIndex + 1, reason: `unusable ${attribute.type} value ${attribute.value}` });
      }
    }
  });
  return result;
}
