/**
 * Product versions as vendors write them, compared and tested against the ranges advisories give (CVE JSON 5
 * `version`/`lessThan`/`lessThanOrEqual`, NVD `versionStart…`/`versionEnd…`, CSAF `product_version_range` such as
 * `vers:all/<V4.9.0`, `>= 1.0 | <= 1.32` or `0 < 9.8.12`).
 *
 * A version is read as a sequence of numbers and words (`10.2.9-h1` → 10 2 9 h 1; `V4.3.8` → 4 3 8). Numbers compare
 * as numbers (1.10 > 1.9), missing trailing zeros are equal (1.0 = 1.0.0). Pre-release words rank below the release
 * (1.0.0-dev1 < 1.0.0-alpha < -beta < -rc1 < 1.0.0; a one-letter `a`/`b` followed by a number, as in 1.0a1, too);
 * any other word is a later build of the same release (OpenSSL 1.1.1k > 1.1.1, PAN-OS 10.2.9-h1 > 10.2.9). Build
 * metadata after `+` is ignored (semver). Debian epochs are not interpreted.
 */

type Item = { kind: 'num'; digits: string } | { kind: 'pre'; rank: number } | { kind: 'word'; text: string };

/** Pre-release words and their order; anything below 0 sorts before the release itself. */
const PRE_RELEASE: Record<string, number> = {
  dev: -6,
  snapshot: -6,
  nightly: -6,
  alpha: -5,
  a: -5,
  beta: -4,
  b: -4,
  milestone: -3,
  m: -3,
  ea: -3,
  pre: -2,
  preview: -2,
  rc: -1,
  cr: -1,
};
/** Words that name the release itself (1.0-final = 1.0). */
const RELEASE_WORDS = new Set(['final', 'ga', 'release', 'stable']);

function items(version: string): Item[] {
  const text = version
    .trim()
    .toLowerCase()
    .replace(/\+.*$/, '')
    .replace(/^v(?=\d)/, '');
  const out: Item[] = [];
  const tokens = text.match(/\d+|[a-z]+/g) ?? [];
  tokens.forEach((t, i) => {
    if (/^\d/.test(t)) out.push({ kind: 'num', digits: t.replace(/^0+(?=\d)/, '') });
    else if (RELEASE_WORDS.has(t)) return;
    else {
      // `a`/`b`/`m` alone are pre-releases only when a number follows (1.0a1); 1.1.1a is a later build.
      const single = t.length === 1;
      const next = tokens[i + 1];
      const rank = PRE_RELEASE[t];
      if (rank !== undefined && (!single || (next !== undefined && /^\d/.test(next)))) out.push({ kind: 'pre', rank });
      else out.push({ kind: 'word', text: t });
    }
  });
  return out;
}

const compareDigits = (a: string, b: string) =>
  a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;

/** An item against nothing (the other version ended): zero equals nothing, a pre-release is less, anything else more. */
const againstEnd = (i: Item) => (i.kind === 'num' ? (i.digits === '0' ? 0 : 1) : i.kind === 'pre' ? -1 : 1);

/** Kind order at one position: a pre-release < a later-build word < a number (1.0-rc1 < 1.0a < 1.0.1). */
const KIND_ORDER = { pre: 0, word: 1, num: 2 } as const;

/** Negative, zero or positive as `a` is older than, the same as, or newer than `b`. */
export function compareVersions(a: string, b: string): number {
  const x = items(a);
  const y = items(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i];
    const q = y[i];
    if (!p || !q) {
      const c = p ? againstEnd(p) : q ? -againstEnd(q) : 0;
      if (c !== 0) return c;
      continue;
    }
    if (p.kind !== q.kind) return KIND_ORDER[p.kind] - KIND_ORDER[q.kind];
    const c =
      p.kind === 'num'
        ? compareDigits(p.digits, (q as typeof p).digits)
        : p.kind === 'pre'
          ? p.rank - (q as typeof p).rank
          : p.text < (q as typeof p).text
            ? -1
            : p.text > (q as typeof p).text
              ? 1
              : 0;
    if (c !== 0) return Math.sign(c);
  }
  return 0;
}

/** Whether a text names a version at all (has a digit): "All", "n/a", "*" do not. */
export const isVersion = (text: string | null | undefined): text is string => !!text && /\d/.test(text);

/**
 * A version range as CVE 5 / NVD state it: one exact `version`, or bounds at either end (each inclusive or not).
 * No field at all = every version.
 */
export type VersionRange = {
  version?: string | null;
  startIncluding?: string | null;
  startExcluding?: string | null;
  endIncluding?: string | null;
  endExcluding?: string | null;
};

/** Whether `version` lies in the range. */
export function inVersionRange(version: string, r: VersionRange): boolean {
  if (r.version) return compareVersions(version, r.version) === 0;
  if (r.startIncluding && compareVersions(version, r.startIncluding) < 0) return false;
  if (r.startExcluding && compareVersions(version, r.startExcluding) <= 0) return false;
  if (r.endIncluding && compareVersions(version, r.endIncluding) > 0) return false;
  if (r.endExcluding && compareVersions(version, r.endExcluding) >= 0) return false;
  return true;
}

/** No bound and no exact version: every version. */
export const isEveryVersion = (r: VersionRange) =>
  !r.version && !r.startIncluding && !r.startExcluding && !r.endIncluding && !r.endExcluding;

/** The range as people write it: `= 1.2`, `>= 1.0, < 2.0`, `*` for every version. */
export function describeRange(r: VersionRange): string {
  if (r.version) return `= ${r.version}`;
  const parts = [
    r.startIncluding && `>= ${r.startIncluding}`,
    r.startExcluding && `> ${r.startExcluding}`,
    r.endIncluding && `<= ${r.endIncluding}`,
    r.endExcluding && `< ${r.endExcluding}`,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : '*';
}

const OPERATOR = /^(>=|<=|>|<|==|=)?\s*(.+)$/;
const EVERY = /^(\*|all|all versions|any|any version|every version|tất cả|mọi phiên bản)$/i;

/** One `op version` constraint into the range being built; false when it cannot be read. */
function addConstraint(range: VersionRange, text: string): boolean {
  const m = OPERATOR.exec(text.trim());
  const op = m?.[1] ?? '=';
  const v = m?.[2]?.trim() ?? '';
  if (!isVersion(v) || /\s/.test(v)) return false;
  if (op === '>=') range.startIncluding = v;
  else if (op === '>') range.startExcluding = v;
  else if (op === '<=') range.endIncluding = v;
  else if (op === '<') range.endExcluding = v;
  else range.version = v;
  return true;
}

/**
 * Reads a range written as text: a `vers:` URI (`vers:all/<V4.9.0`, `vers:generic/>=1.0|<2.0`), constraints
 * (`< V4.1.3`, `>= 1.0 | <= 1.32`), an interval (`0 < 9.8.12`, `1.0 <= 2.0`), words (`before 2.0`, `2.0 and earlier`,
 * `3.0 and later`), or every version (`*`, `All versions`, `vers:all/*`). Several disjoint intervals give several
 * ranges. Null when the text cannot be read as a range (the caller keeps the text and matches by name only).
 */
export function parseRangeText(input: string): VersionRange[] | null {
  let text = input.trim();
  const vers = /^vers:[^/]+\/(.*)$/i.exec(text);
  if (vers) text = vers[1] ?? '';
  if (EVERY.test(text)) return [{}];
  const words: [RegExp, keyof VersionRange][] = [
    [/^(?:before|prior to|up to and excluding|earlier than)\s+(\S+)$/i, 'endExcluding'],
    [/^(\S+)\s+(?:and|or)\s+(?:earlier|prior|before|below|older)$/i, 'endIncluding'],
    [/^(?:up to|through)\s+(\S+)$/i, 'endIncluding'],
    [/^(\S+)\s+(?:and|or)\s+(?:later|above|newer|higher)$/i, 'startIncluding'],
  ];
  for (const [re, field] of words) {
    const m = re.exec(text);
    if (m?.[1] && isVersion(m[1])) return [{ [field]: m[1] }];
  }
  // `0 < 9.8.12`: a lower bound (0 = none), then an upper one.
  const interval = /^([^\s<>=|,]+)\s*(<=|<)\s*([^\s<>=|,]+)$/.exec(text);
  if (interval?.[1] && interval[3] && isVersion(interval[1]) && isVersion(interval[3])) {
    const start = compareVersions(interval[1], '0') === 0 ? {} : { startIncluding: interval[1] };
    return [{ ...start, ...(interval[2] === '<' ? { endExcluding: interval[3] } : { endIncluding: interval[3] }) }];
  }
  // Constraints separated by `|` (vers) or `,`; a new interval starts when a lower bound follows an upper one.
  const ranges: VersionRange[] = [];
  let current: VersionRange = {};
  for (const part of text
    .split(/[|,]/)
    .map((p) => p.trim())
    .filter(Boolean)) {
    if (part === '*') continue;
    const probe: VersionRange = {};
    if (!addConstraint(probe, part)) return null;
    const closesCurrent = current.endExcluding || current.endIncluding || current.version;
    if (closesCurrent && (probe.startIncluding || probe.startExcluding || probe.version)) {
      ranges.push(current);
      current = {};
    }
    Object.assign(current, probe);
  }
  ranges.push(current);
  return ranges;
}
