/**
 * CPE names: parsing (2.3 formatted strings and 2.2/2.3 URIs), binding to the 2.3 formatted string, and name
 * matching — NISTIR 7695 (Naming 2.3) and NISTIR 7696 (Name Matching 2.3).
 *
 * A parsed name is a well-formed name (WFN, 7695 §5): eleven attributes, each the logical value ANY or NA, or a value
 * string in which every character other than a letter, digit or `_` is quoted with `\`, and an unquoted `*` / `?` at
 * either end is a wildcard. Values are lowercased when parsed, because names compare case-insensitively (7696 §6.1.2
 * lowercases both sides), so the sentinels `ANY` and `NA` (upper case) can never be a parsed value.
 *
 * Leniency, on purpose, for scanner and hand-typed names: a formatted string may omit trailing attributes (ANY);
 * unquoted punctuation that 7695 wants quoted is quoted rather than refused (its own `add_quoting`, §6.2.3.2, does
 * the same); a URI may carry characters it should have percent-encoded. Wildcards anywhere but at the ends, an
 * unknown part, a dangling `\` or a malformed `%` code are refused.
 */
import { AppError } from './errors.ts';

export const ANY = 'ANY';
export const NA = 'NA';
/** ANY, NA, or a WFN value string (lowercase, quoted). */
export type CpeValue = string;

export const CPE_ATTRIBUTES = [
  'part',
  'vendor',
  'product',
  'version',
  'update',
  'edition',
  'language',
  'swEdition',
  'targetSw',
  'targetHw',
  'other',
] as const;
export type CpeAttribute = (typeof CPE_ATTRIBUTES)[number];
export type Wfn = Record<CpeAttribute, CpeValue>;

/** Attribute comparison relations (7696 §6.1, Table 6-1). */
export type CpeRelation = 'SUPERSET' | 'SUBSET' | 'EQUAL' | 'DISJOINT' | 'UNDEFINED';

/** Longest name accepted (the NVD dictionary's longest is well under 300 characters). */
export const CPE_MAX_LENGTH = 1000;

const invalid = (text: string, why: string) =>
  new AppError('VALIDATION', `invalid CPE name "${text.slice(0, 120)}": ${why}`, { cpe: text.slice(0, 200), why });

const isWordChar = (c: string) => /^[a-z0-9_]$/.test(c);

/** The WFN form of one literal character: quoted unless a letter, digit or underscore. */
const quote = (c: string) => (isWordChar(c) ? c : `\\${c}`);

/**
 * Checks the wildcards of a value's characters (each either a quoted pair or a single character) and returns them
 * quoted: `*` only as the first or last character, `?` only in a run at either end (7695 §5.3.2).
 */
function finishValue(text: string, tokens: string[]): CpeValue {
  const n = tokens.length;
  let lead = 0;
  while (lead < n && tokens[lead] === '?') lead++;
  let trail = n;
  while (trail > lead && tokens[trail - 1] === '?') trail--;
  for (let i = 0; i < n; i++) {
    const t = tokens[i];
    if (t === '*' && i !== 0 && i !== n - 1) throw invalid(text, 'an unquoted * may only stand at either end');
    if (t === '?' && i >= lead && i < trail) throw invalid(text, 'an unquoted ? may only stand at either end');
  }
  return tokens.join('');
}

/** A formatted-string attribute (7695 §6.2.3, unbind_value_fs + add_quoting). */
function unbindFs(text: string, raw: string): CpeValue {
  if (raw === '*' || raw === '') return ANY;
  if (raw === '-') return NA;
  const s = raw.toLowerCase();
  const tokens: string[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '\\') {
      const next = s[i + 1];
      if (next === undefined) throw invalid(text, 'it ends with a lone \\');
      tokens.push(quote(next));
      i++;
    } else if (c === '*' || c === '?') tokens.push(c);
    else tokens.push(quote(c));
  }
  return finishValue(text, tokens);
}

/** A URI component (7695 §6.1.3.2, decode): percent codes, %01 = `?`, %02 = `*`. */
function decodeUri(text: string, raw: string): CpeValue {
  if (raw === '') return ANY;
  if (raw === '-') return NA;
  const s = raw.toLowerCase();
  const tokens: string[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c !== '%') {
      tokens.push(quote(c));
      continue;
    }
    const code = s.slice(i + 1, i + 3);
    if (!/^[0-9a-f]{2}$/.test(code)) throw invalid(text, `"%${code}" is not a percent code`);
    i += 2;
    if (code === '01') tokens.push('?');
    else if (code === '02') tokens.push('*');
    else {
      // Only printable ASCII may be percent-encoded (7695 §6.1.3.2 pct_decode).
      const byte = Number.parseInt(code, 16);
      if (byte < 0x21 || byte > 0x7e) throw invalid(text, `"%${code}" does not encode a printable character`);
      tokens.push(quote(String.fromCharCode(byte).toLowerCase()));
    }
  }
  return finishValue(text, tokens);
}

/** Splits on colons not quoted by a backslash. */
function splitFs(s: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === ':') {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

function checkPart(text: string, part: CpeValue): CpeValue {
  if (part !== ANY && part !== 'a' && part !== 'o' && part !== 'h') {
    throw invalid(text, `part must be a, o or h, not "${part}"`);
  }
  return part;
}

const emptyWfn = (): Wfn => Object.fromEntries(CPE_ATTRIBUTES.map((a) => [a, ANY])) as Wfn;

/**
 * Parses a CPE 2.3 formatted string (`cpe:2.3:a:vendor:product:…`) or a CPE 2.2/2.3 URI (`cpe:/a:vendor:product:…`,
 * packed edition `~ed~sw_ed~target_sw~target_hw~other`) into its WFN. Throws a VALIDATION AppError naming the fault.
 */
export function parseCpe(input: string): Wfn {
  const text = input.trim();
  if (text.length > CPE_MAX_LENGTH) throw invalid(text, `longer than ${CPE_MAX_LENGTH} characters`);
  const lower = text.toLowerCase();
  const wfn = emptyWfn();
  if (lower.startsWith('cpe:2.3:')) {
    const fields = splitFs(text.slice('cpe:2.3:'.length));
    if (fields.length > CPE_ATTRIBUTES.length) {
      throw invalid(text, `it has ${fields.length} attributes, at most ${CPE_ATTRIBUTES.length} are defined`);
    }
    fields.forEach((f, i) => {
      wfn[CPE_ATTRIBUTES[i] as CpeAttribute] = unbindFs(text, f);
    });
  } else if (lower.startsWith('cpe:/')) {
    // 2.2 order: part, vendor, product, version, update, edition, language.
    const fields = text.slice('cpe:/'.length).split(':');
    if (fields.length > 7) throw invalid(text, `a URI has at most 7 components, this one has ${fields.length}`);
    const [part = '', vendor = '', product = '', version = '', update = '', edition = '', language = ''] = fields;
    Object.assign(wfn, {
      part: decodeUri(text, part),
      vendor: decodeUri(text, vendor),
      product: decodeUri(text, product),
      version: decodeUri(text, version),
      update: decodeUri(text, update),
      language: decodeUri(text, language),
    });
    if (edition.startsWith('~')) {
      const packed = edition.slice(1).split('~');
      if (packed.length !== 5) throw invalid(text, 'a packed edition needs five ~-separated fields');
      const [ed, swEdition, targetSw, targetHw, other] = packed.map((p) => decodeUri(text, p));
      Object.assign(wfn, { edition: ed, swEdition, targetSw, targetHw, other });
    } else wfn.edition = decodeUri(text, edition);
  } else throw invalid(text, 'it must start with cpe:2.3: or cpe:/');
  checkPart(text, wfn.part);
  return wfn;
}

/** parseCpe, or null when the text is not a CPE name (for scanner output, where a bad name is skipped). */
export function tryParseCpe(input: string): Wfn | null {
  try {
    return parseCpe(input);
  } catch (e) {
    if (e instanceof AppError) return null;
    throw e;
  }
}

const toWfn = (name: string | Wfn): Wfn => (typeof name === 'string' ? parseCpe(name) : name);

/** One attribute bound for a formatted string (7695 §6.2.2.2: `.`, `-` and `_` need no quoting there). */
function bindFs(v: CpeValue): string {
  if (v === ANY) return '*';
  if (v === NA) return '-';
  return v.replace(/\\([.\-_])/g, '$1');
}

/** The CPE 2.3 formatted string of a name given in any form (7695 §6.2.2). */
export function toCpe23(name: string | Wfn): string {
  const wfn = toWfn(name);
  return `cpe:2.3:${CPE_ATTRIBUTES.map((a) => bindFs(wfn[a])).join(':')}`;
}

/** A value as plain text for people and search: quoting removed, '' for ANY and NA. */
export function cpeText(v: CpeValue): string {
  if (v === ANY || v === NA) return '';
  return v.replace(/\\(.)/g, '$1');
}

/** A value's characters, each a quoted pair (`\.`), a wildcard or a single character. */
function tokens(v: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < v.length; i++) {
    if (v[i] === '\\' && i + 1 < v.length) {
      out.push(v.slice(i, i + 2));
      i++;
    } else out.push(v[i] as string);
  }
  return out;
}

const hasWildcard = (toks: string[]) => toks.some((t) => t === '*' || t === '?');

/**
 * 7696 §6.1.3.2 compare_strings on whole characters (a quoted pair is one character, which the specification's
 * count_escapes arithmetic approximates): a leading `*` allows any prefix, n leading `?` at most n characters, and the
 * same at the end.
 */
function compareStrings(source: string[], target: string[]): CpeRelation {
  let start = 0;
  let end = source.length;
  let begins = 0;
  let ends = 0;
  if (source[0] === '*') {
    start = 1;
    begins = -1;
  } else {
    while (start < end && source[start] === '?') {
      start++;
      begins++;
    }
  }
  if (end > start && source[end - 1] === '*') {
    end--;
    ends = -1;
  } else {
    while (end > start && source[end - 1] === '?') {
      end--;
      ends++;
    }
  }
  const body = source.slice(start, end);
  for (let index = 0; index + body.length <= target.length; index++) {
    if (begins !== -1 && index > begins) break;
    if (!body.every((t, k) => t === target[index + k])) continue;
    const leftover = target.length - index - body.length;
    if (ends !== -1 && leftover > ends) continue;
    return 'SUPERSET';
  }
  return 'DISJOINT';
}

/** Attribute comparison (7696 §6.1.3.1, Table 6-2). */
export function compareValues(sourceValue: CpeValue, targetValue: CpeValue): CpeRelation {
  const source = sourceValue === ANY || sourceValue === NA ? sourceValue : sourceValue.toLowerCase();
  const target = targetValue === ANY || targetValue === NA ? targetValue : targetValue.toLowerCase();
  const targetTokens = target === ANY || target === NA ? [] : tokens(target);
  if (hasWildcard(targetTokens)) return 'UNDEFINED';
  if (source === target) return 'EQUAL';
  if (source === ANY) return 'SUPERSET';
  if (target === ANY) return 'SUBSET';
  if (source === NA || target === NA) return 'DISJOINT';
  return compareStrings(tokens(source), targetTokens);
}

export type CpeComparison = {
  /** Each attribute's relation, source to target. */
  attributes: Record<CpeAttribute, CpeRelation>;
  /** 7696 §6.2 name comparison: CPE_DISJOINT, CPE_EQUAL, CPE_SUBSET, CPE_SUPERSET. */
  disjoint: boolean;
  equal: boolean;
  subset: boolean;
  superset: boolean;
};

/** Name comparison (7696 §6.2) of a source name (e.g. an advisory's) with a target name (e.g. an inventory item's). */
export function compareCpe(source: string | Wfn, target: string | Wfn): CpeComparison {
  const s = toWfn(source);
  const t = toWfn(target);
  const attributes = Object.fromEntries(CPE_ATTRIBUTES.map((a) => [a, compareValues(s[a], t[a])])) as Record<
    CpeAttribute,
    CpeRelation
  >;
  const relations = Object.values(attributes);
  return {
    attributes,
    disjoint: relations.includes('DISJOINT'),
    equal: relations.every((r) => r === 'EQUAL'),
    subset: relations.every((r) => r === 'SUBSET' || r === 'EQUAL'),
    superset: relations.every((r) => r === 'SUPERSET' || r === 'EQUAL'),
  };
}

/**
 * The CPE name match: true when the source (advisory) names a superset of, or the same set as, the target
 * (inventory item) — every attribute relation SUPERSET or EQUAL (7696 §6.2, CPE_SUPERSET).
 */
export function cpeMatches(source: string | Wfn, target: string | Wfn): boolean {
  return compareCpe(source, target).superset;
}
