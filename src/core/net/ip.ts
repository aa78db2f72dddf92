// IP address parsing and formatting shared by the SOC engine and agency attribution.
// IPv4 addresses are unsigned 32-bit numbers so hot paths can key maps and tries without
// allocating strings; IPv6 addresses are four unsigned 32-bit words (most significant first).

/** A compact address key: IPv4 as an unsigned 32-bit number, IPv6 as its canonical RFC 5952 text. */
export type IpKey = number | string;

export type IpAddress = { version: 4; value: number } | { version: 6; words: Uint32Array };

export interface Cidr {
  version: 4 | 6;
  /** Network address words, most significant first (one word for IPv4, four for IPv6), host bits cleared. */
  words: Uint32Array;
  prefixLength: number;
}

const CODE_0 = 48;
const CODE_DOT = 46;

/**
 * Parses dotted-quad bytes in buf[start, end); returns the address as u32, or -1 when invalid.
 * Octet by octet with its 1-3 digits unrolled: a hot path of every log parser.
 */
export function parseIPv4Bytes(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  let value = 0;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (i >= end || buf[i] !== CODE_DOT) return -1;
      i++;
    }
    if (i >= end) return -1;
    let octet = (buf[i] as number) - CODE_0;
    if (octet < 0 || octet > 9) return -1;
    i++;
    if (i < end) {
      const second = (buf[i] as number) - CODE_0;
      if (second >= 0 && second <= 9) {
        // Leading zeros are rejected because some stacks read them as octal.
        if (octet === 0) return -1;
        octet = octet * 10 + second;
        i++;
        if (i < end) {
          const third = (buf[i] as number) - CODE_0;
          if (third >= 0 && third <= 9) {
            octet = octet * 10 + third;
            i++;
            if (octet > 255) return -1;
          }
        }
      }
    }
    value = value * 256 + octet;
  }
  return i === end ? value : -1;
}

/** Parses dotted-quad text; returns the address as u32, or -1 when invalid. */
export function parseIPv4(text: string): number {
  const end = text.length;
  if (end < 7 || end > 15) return -1;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === CODE_DOT) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else {
      const d = c - CODE_0;
      if (d < 0 || d > 9 || digits === 3 || (digits === 1 && octet === 0)) return -1;
      octet = octet * 10 + d;
      if (octet > 255) return -1;
      digits++;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + octet;
}

export function formatIPv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** Parses IPv6 text (with `::`, embedded dotted IPv4 and an optional `%zone`); null when invalid. */
export function parseIPv6(input: string): Uint32Array | null {
  const zone = input.indexOf('%');
  const text = zone >= 0 ? input.slice(0, zone) : input;
  if (text.length < 2 || text.length > 45) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] === '' ? [] : (halves[0] as string).split(':');
  const tail = halves.length === 2 ? (halves[1] === '' ? [] : (halves[1] as string).split(':')) : [];
  const groups: number[] = [];
  const pushGroups = (parts: string[], isLast: boolean): boolean => {
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      if (isLast && i === parts.length - 1 && part.includes('.')) {
        const v4 = parseIPv4(part);
        if (v4 < 0) return false;
        groups.push(v4 >>> 16, v4 & 0xffff);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return false;
      groups.push(Number.parseInt(part, 16));
    }
    return true;
  };
  if (!pushGroups(head, halves.length === 1)) return null;
  const headCount = groups.length;
  if (!pushGroups(tail, true)) return null;
  const tailGroups = groups.splice(headCount);
  if (halves.length === 1) {
    if (groups.length !== 8) return null;
  } else {
    const missing = 8 - groups.length - tailGroups.length;
    if (missing < 1) return null;
    for (let i = 0; i < missing; i++) groups.push(0);
  }
  groups.push(...tailGroups);
  const words = new Uint32Array(4);
  for (let i = 0; i < 4; i++) words[i] = (((groups[2 * i] as number) << 16) | (groups[2 * i + 1] as number)) >>> 0;
  return words;
}

/** Canonical RFC 5952 text: lowercase, leading zeros dropped, the longest run of zero groups as `::`. */
export function formatIPv6(words: Uint32Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 4; i++) groups.push((words[i] as number) >>> 16, (words[i] as number) & 0xffff);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

export function parseIp(text: string): IpAddress | null {
  const v4 = parseIPv4(text);
  if (v4 >= 0) return { version: 4, value: v4 };
  if (!text.includes(':')) return null;
  const words = parseIPv6(text);
  return words ? { version: 6, words } : null;
}

/** Parses an address into its compact key; IPv4-mapped IPv6 (::ffff:a.b.c.d) becomes the IPv4 key. */
export function parseIpKey(text: string): IpKey | null {
  const v4 = parseIPv4(text);
  if (v4 >= 0) return v4;
  if (!text.includes(':')) return null;
  const words = parseIPv6(text);
  if (!words) return null;
  if (words[0] === 0 && words[1] === 0 && words[2] === 0xffff) return words[3] as number;
  return formatIPv6(words);
}

export function formatIpKey(key: IpKey): string {
  return typeof key === 'number' ? formatIPv4(key) : key;
}

/** Words of an address key for trie lookups (IPv6 keys are re-parsed; they are the rare case). */
export function ipKeyToAddress(key: IpKey): IpAddress {
  if (typeof key === 'number') return { version: 4, value: key };
  return { version: 6, words: parseIPv6(key) ?? new Uint32Array(4) };
}

/** Parses `a.b.c.d/len`, `x::y/len` or a bare address (a host prefix); host bits are cleared. */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  const addressText = slash >= 0 ? text.slice(0, slash) : text;
  const address = parseIp(addressText.trim());
  if (!address) return null;
  const maxLength = address.version === 4 ? 32 : 128;
  let prefixLength = maxLength;
  if (slash >= 0) {
    const lengthText = text.slice(slash + 1).trim();
    if (!/^\d{1,3}$/.test(lengthText)) return null;
    prefixLength = Number(lengthText);
    if (prefixLength > maxLength) return null;
  }
  const words = address.version === 4 ? Uint32Array.of(address.value) : address.words.slice();
  for (let i = 0; i < words.length; i++) {
    const keep = Math.min(32, Math.max(0, prefixLength - 32 * i));
    words[i] = keep === 0 ? 0 : ((words[i] as number) & (0xffffffff << (32 - keep))) >>> 0;
  }
  return { version: address.version, words, prefixLength };
}

export function formatCidr(cidr: Cidr): string {
  const address = cidr.version === 4 ? formatIPv4(cidr.words[0] as number) : formatIPv6(cidr.words);
  return `${address}/${cidr.prefixLength}`;
}
