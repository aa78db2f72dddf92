import { isIPv4, isIPv6 } from 'node:net';
import { describe, expect, it } from 'vitest';
import { YEN_BAI_2024 } from '../../demo/yen-bai-2024/organisations.ts';

type Cidr = { family: 4 | 6; network: bigint; prefix: number };

function ipToBigInt(ip: string): bigint {
  if (isIPv4(ip)) return ip.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
  const [head = '', tail = ''] = ip.includes('::') ? ip.split('::') : [ip, ''];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g, 16)), 0n);
}

/** Parses a CIDR, or throws if it is malformed or has host bits set. */
function parseCidr(text: string): Cidr {
  const [ip = '', len = '', ...rest] = text.split('/');
  const family = isIPv4(ip) ? 4 : isIPv6(ip) ? 6 : 0;
  if (family === 0 || rest.length > 0 || !/^\d{1,3}$/.test(len)) throw new Error(`not a CIDR: ${text}`);
  const bits = family === 4 ? 32 : 128;
  const prefix = Number(len);
  if (prefix > bits) throw new Error(`prefix too long: ${text}`);
  const network = ipToBigInt(ip);
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  if ((network & hostMask) !== 0n) throw new Error(`host bits set: ${text}`);
  return { family, network, prefix };
}

function contains(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || outer.prefix > inner.prefix) return false;
  const bits = outer.family === 4 ? 32 : 128;
  const shift = BigInt(bits - outer.prefix);
  return inner.network >> shift === outer.network >> shift;
}

/** Commune counts per district in 2024 (domain brief §9). */
const COMMUNES_2024: Record<string, number> = {
  '132': 15,
  '133': 14,
  '135': 24,
  '136': 25,
  '137': 14,
  '138': 21,
  '139': 12,
  '140': 24,
  '141': 24,
};

describe('Yên Bái 2024 demo tree', () => {
  it('has unique codes and lists parents before children', () => {
    const seen = new Set<string>();
    for (const org of YEN_BAI_2024) {
      expect(seen.has(org.code), `duplicate code ${org.code}`).toBe(false);
      if (org.parentCode === null) expect(org.type).toBe('province');
      else expect(seen.has(org.parentCode), `${org.code}: parent ${org.parentCode} not listed earlier`).toBe(true);
      seen.add(org.code);
    }
    expect(YEN_BAI_2024.filter((o) => o.parentCode === null)).toHaveLength(1);
  });

  it('has the 9 districts and the 2024 communes of each (13 phường, 10 thị trấn, 150 xã)', () => {
    const districts = YEN_BAI_2024.filter((o) => o.type === 'district');
    expect(districts.map((d) => d.code)).toEqual(Object.keys(COMMUNES_2024));
    for (const d of districts) expect(d.parentCode).toBe('15');
    const communes = YEN_BAI_2024.filter((o) => o.type === 'commune');
    for (const [code, count] of Object.entries(COMMUNES_2024)) {
      expect(
        communes.filter((c) => c.parentCode === code),
        `district ${code}`,
      ).toHaveLength(count);
    }
    expect(communes).toHaveLength(173);
    expect(communes.filter((c) => c.name.startsWith('Phường '))).toHaveLength(13);
    expect(communes.filter((c) => c.name.startsWith('Thị trấn '))).toHaveLength(10);
    expect(communes.filter((c) => c.name.startsWith('Xã '))).toHaveLength(150);
    for (const c of communes) expect(c.code).toMatch(/^\d{5}$/);
  });

  it('has the 18 departments, including Sở Thông tin và Truyền thông', () => {
    expect(YEN_BAI_2024.filter((o) => o.type === 'department')).toHaveLength(18);
    expect(YEN_BAI_2024.find((o) => o.code === 'SO-TTTT')?.name).toBe('Sở Thông tin và Truyền thông');
  });

  it('gives every organisation valid, globally unique IP ranges nested in its parent', () => {
    const byCode = new Map(YEN_BAI_2024.map((o) => [o.code, o]));
    const all = new Set<string>();
    for (const org of YEN_BAI_2024) {
      expect(org.ipRanges.length, org.code).toBeGreaterThan(0);
      for (const range of org.ipRanges) {
        const cidr = parseCidr(range);
        expect(all.has(range), `range ${range} reused`).toBe(false);
        all.add(range);
        const parent = org.parentCode === null ? undefined : byCode.get(org.parentCode);
        // Private IPv4 ranges nest in the parent's; the public documentation range is the one exception.
        if (parent && range.startsWith('10.')) {
          expect(
            parent.ipRanges.some((p) => contains(parseCidr(p), cidr)),
            `${org.code} ${range} outside parent`,
          ).toBe(true);
        }
      }
    }
    const v6 = [...all].filter((r) => parseCidr(r).family === 6);
    expect(v6).toEqual(['2001:db8:15::/48']);
    expect(all.has('203.0.113.0/25')).toBe(true);
  });

  it('rejects malformed CIDRs in the checker itself', () => {
    expect(() => parseCidr('10.15.1.1/24')).toThrow();
    expect(() => parseCidr('10.15.1.0/33')).toThrow();
    expect(() => parseCidr('2001:db8:15::1/48')).toThrow();
  });
});
