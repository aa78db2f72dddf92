/**
 * Checks the demo reorganisation data of demo/lao-cai-2025 (Yên Bái 2024 → Lào Cai 2025).
 *
 * Expectations are computed from the demo tree YEN_BAI_2024 and from the sourced reference data in
 * tests/fixtures/admin-units-2025 (a copy of the project's shared reference data, with its licence and README),
 * never from the demo CSVs themselves.
 * The three files are replayed on the 2024 tree with the importer's rules (see demo/lao-cai-2025/README.md).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { YEN_BAI_2024 } from '../../demo/yen-bai-2024/organisations.ts';

const SHARED = new URL('../fixtures/admin-units-2025', import.meta.url).pathname;
const DEMO = new URL('../../demo/lao-cai-2025/', import.meta.url);

const HEADER = 'effective,old_code,new_code,new_name,new_type,new_parent_code,legal_basis';
const TYPES = ['province', 'department', 'district', 'commune', 'party', 'council', 'central', 'other'];
const DATES = ['2025-01-01', '2025-03-01', '2025-07-01'] as const;
type Effective = (typeof DATES)[number];

type Row = {
  effective: string;
  old_code: string;
  new_code: string;
  new_name: string;
  new_type: string;
  new_parent_code: string;
  legal_basis: string;
};
type SharedCommune = { code: string; name: string; type: string; formed_from: string; source: string };
type SharedMapping = { old_code: string; old_name: string; old_district: string; new_name: string; effective: string };

const readCsv = <T>(text: string): T[] => parse(text, { columns: true }) as T[];
const demoText = (date: Effective) => readFileSync(new URL(`reorganisation-${date}.csv`, DEMO), 'utf8');
const reorg = Object.fromEntries(DATES.map((d) => [d, readCsv<Row>(demoText(d))])) as Record<Effective, Row[]>;

const communes = readCsv<SharedCommune>(readFileSync(`${SHARED}/lao-cai-2025-communes.csv`, 'utf8'));
const mapping = readCsv<SharedMapping>(readFileSync(`${SHARED}/yen-bai-2024-to-2025-mapping.csv`, 'utf8'));
const communeByName = new Map(communes.map((c) => [c.name, c]));
const mappingOn = (date: Effective) => mapping.filter((m) => m.effective === date);

function dayBefore(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

// ---- Replay the three files on the 2024 tree -------------------------------------------------------------------

type Version = {
  code: string;
  name: string;
  type: string;
  parent: string | null;
  validFrom: string;
  validTo: string | null;
  closedBy: Effective | null;
};

function replay() {
  const versions: Version[] = YEN_BAI_2024.map((o) => ({
    code: o.code,
    name: o.name,
    type: o.type,
    parent: o.parentCode,
    validFrom: '2024-01-01',
    validTo: null,
    closedBy: null,
  }));
  const problems: string[] = [];
  const open = (code: string) => versions.find((v) => v.code === code && v.validTo === null);

  for (const date of DATES) {
    const closing = new Set<string>();
    const creating = new Map<string, Version>();
    for (const r of reorg[date]) {
      if (r.old_code) {
        if (!open(r.old_code)) problems.push(`${date}: ${r.old_code} is not in force`);
        if (closing.has(r.old_code)) problems.push(`${date}: ${r.old_code} closed twice`);
        closing.add(r.old_code);
      }
      if (r.new_name) {
        const v: Version = {
          code: r.new_code,
          name: r.new_name,
          type: r.new_type,
          parent: r.new_parent_code || null,
          validFrom: date,
          validTo: null,
          closedBy: null,
        };
        const seen = creating.get(v.code);
        if (seen && (seen.name !== v.name || seen.type !== v.type || seen.parent !== v.parent))
          problems.push(`${date}: ${v.code} defined differently on two rows`);
        creating.set(v.code, v);
      }
    }
    for (const r of reorg[date]) {
      const continues = open(r.new_code) && !closing.has(r.new_code);
      if (r.new_code && !r.new_name && !creating.has(r.new_code) && !continues)
        problems.push(`${date}: successor ${r.new_code} of ${r.old_code} neither continues nor is created`);
    }
    for (const code of creating.keys())
      if (open(code) && !closing.has(code)) problems.push(`${date}: code ${code} reused but its holder is not closed`);

    // A unit that closes takes its children along: each must be closed (or re-created) by the same file, even when
    // the parent's code is reused by its successor.
    for (const child of versions.filter((v) => v.validTo === null && v.parent !== null && closing.has(v.parent)))
      if (!closing.has(child.code)) problems.push(`${date}: ${child.code} left under closed parent ${child.parent}`);

    for (const code of closing) {
      const v = open(code);
      if (v) Object.assign(v, { validTo: dayBefore(date), closedBy: date });
    }
    versions.push(...creating.values());

    // After the file every unit in force has its parent in force (children of closed units were handled).
    for (const v of versions.filter((x) => x.validTo === null)) {
      if (v.parent === null && v.type !== 'province') problems.push(`${date}: ${v.code} has no parent`);
      if (v.parent !== null && !open(v.parent)) problems.push(`${date}: parent ${v.parent} of ${v.code} not in force`);
    }
  }
  return { versions, problems };
}

const { versions, problems } = replay();
const inForceOn = (date: string) =>
  versions.filter((v) => v.validFrom <= date && (v.validTo === null || date <= v.validTo));

// ---- Tests -----------------------------------------------------------------------------------------------------

describe('demo/lao-cai-2025 reorganisation files', () => {
  it.each(DATES)('%s: RFC 4180 / NFC / \\n, fixed columns, one effective date, valid types', (date) => {
    const text = demoText(date);
    expect(text.split('\n')[0]).toBe(HEADER);
    expect(text).toBe(text.normalize('NFC'));
    expect(text).not.toContain('\r');
    expect(text.endsWith('\n')).toBe(true);
    for (const r of reorg[date]) {
      expect(r.effective).toBe(date);
      expect(r.legal_basis).not.toBe('');
      if (r.new_name) expect(TYPES).toContain(r.new_type);
      else expect([r.new_type, r.new_parent_code]).toEqual(['', '']);
    }
  });

  it('replays on the 2024 tree without breaking an importer rule (in force, reuse, parents, successors)', () => {
    expect(problems).toEqual([]);
  });

  it('2025-01-01 holds the 7 GSO changes of the shared mapping', () => {
    const expected = mappingOn('2025-01-01').map((m) => {
      const district = YEN_BAI_2024.find((o) => o.code === m.old_code)?.parentCode;
      return m.new_name
        ? { old: m.old_code, code: m.old_code, name: m.new_name, type: 'commune', parent: district }
        : { old: m.old_code, code: '', name: '', type: '', parent: '' };
    });
    const actual = reorg['2025-01-01'].map((r) => ({
      old: r.old_code,
      code: r.new_code,
      name: r.new_name,
      type: r.new_type,
      parent: r.new_parent_code,
    }));
    expect(expected).toHaveLength(7);
    expect(actual).toEqual(expect.arrayContaining(expected));
    expect(actual).toHaveLength(7);
  });

  it('2025-03-01 applies the NĐ 45/2025 department mergers of the domain brief', () => {
    const successor = Object.fromEntries(reorg['2025-03-01'].map((r) => [r.old_code, r.new_code]));
    expect(successor).toEqual({
      'SO-TTTT': 'SO-KHCN',
      'SO-KHDT': 'SO-TC',
      'SO-GTVT': 'SO-XD',
      'SO-TNMT': 'SO-NNMT',
      'SO-NNPTNT': 'SO-NNMT',
      'SO-LDTBXH': 'SO-NV',
      'BAN-DT': 'SO-DTTG',
    });
    const nameOn = (code: string) => inForceOn('2025-03-01').find((v) => v.code === code)?.name;
    expect(nameOn('SO-NNMT')).toBe('Sở Nông nghiệp và Môi trường');
    expect(nameOn('SO-DTTG')).toBe('Sở Dân tộc và Tôn giáo');
    expect(nameOn('SO-KHCN')).toBe('Sở Khoa học và Công nghệ');
  });

  it('2025-07-01 creates exactly the 99 communes of Lào Cai (89 xã, 10 phường) with their codes and sources', () => {
    const created = versions.filter((v) => v.validFrom === '2025-07-01' && v.type === 'commune');
    expect(created.map((v) => [v.code, v.name]).sort()).toEqual(communes.map((c) => [c.code, c.name]).sort());
    expect(created.filter((v) => v.name.startsWith('Xã '))).toHaveLength(89);
    expect(created.filter((v) => v.name.startsWith('Phường '))).toHaveLength(10);
    expect(created.every((v) => v.parent === '15')).toBe(true);
    for (const r of reorg['2025-07-01'].filter((x) => x.new_type === 'commune'))
      expect(r.legal_basis).toBe(communeByName.get(r.new_name)?.source);
  });

  it('closes each of the 168 units in force on 30/06/2025 once, with the successor of the shared mapping', () => {
    const removedOn0101 = mappingOn('2025-01-01')
      .filter((m) => !m.new_name)
      .map((m) => m.old_code);
    const expectedCodes = YEN_BAI_2024.filter((o) => o.type === 'commune' && !removedOn0101.includes(o.code))
      .map((o) => o.code)
      .sort();
    const mapped = mappingOn('2025-07-01');
    expect(expectedCodes).toHaveLength(168);
    expect(mapped.map((m) => m.old_code).sort()).toEqual(expectedCodes);

    const rows = reorg['2025-07-01'];
    const defined = new Map(rows.filter((r) => r.new_name).map((r) => [r.new_code, r.new_name]));
    for (const m of mapped) {
      const closing = rows.filter((r) => r.old_code === m.old_code);
      expect(closing, m.old_code).toHaveLength(1);
      const successor = closing[0]?.new_code ?? '';
      expect(successor, m.old_code).toBe(communeByName.get(m.new_name)?.code);
      expect(defined.get(successor), m.old_code).toBe(m.new_name);
    }
  });

  it('2025-07-01 creates the 48 communes without a Yên Bái predecessor on rows with no old unit', () => {
    const withYenBaiPredecessor = new Set(mappingOn('2025-07-01').map((m) => m.new_name));
    const expected = communes.filter((c) => !withYenBaiPredecessor.has(c.name)).map((c) => c.code);
    expect(expected).toHaveLength(48);
    const created = reorg['2025-07-01'].filter((r) => !r.old_code).map((r) => r.new_code);
    expect(created.sort()).toEqual(expected.sort());
  });

  it('2025-07-01 merges the province, abolishes the districts into it and re-creates every body under 15', () => {
    const rows = reorg['2025-07-01'];
    expect(rows.find((r) => r.old_code === '15')).toMatchObject({ new_code: '15', new_name: 'Tỉnh Lào Cai' });
    const districts = YEN_BAI_2024.filter((o) => o.type === 'district').map((o) => o.code);
    for (const d of districts)
      expect(rows.find((r) => r.old_code === d)).toMatchObject({ new_code: '15', new_name: '' });

    const after = inForceOn('2025-07-01');
    expect(after.filter((v) => v.type === 'district')).toEqual([]);
    expect(after.filter((v) => v.type === 'province').map((v) => v.name)).toEqual(['Tỉnh Lào Cai']);
    // Bodies named after the old province get Lào Cai codes (communes may keep the name: Phường Yên Bái).
    expect(after.filter((v) => v.type !== 'commune' && (v.name.includes('Yên Bái') || /-YB$/.test(v.code)))).toEqual(
      [],
    );
    const bodiesBefore = inForceOn('2025-06-30').filter((v) => v.parent === '15' && v.type !== 'district');
    const bodiesAfter = after.filter((v) => v.type !== 'commune' && v.type !== 'province');
    expect(bodiesAfter).toHaveLength(bodiesBefore.length);
  });

  it('closes every 2024 unit in exactly one of the three files (none continues past 01/07/2025)', () => {
    const of2024 = versions.filter((v) => v.validFrom === '2024-01-01');
    expect(of2024).toHaveLength(YEN_BAI_2024.length);
    const closings = new Map<string, number>();
    for (const date of DATES)
      for (const r of reorg[date]) {
        const closed = versions.find((v) => v.code === r.old_code && v.closedBy === date);
        if (closed?.validFrom === '2024-01-01') closings.set(closed.code, (closings.get(closed.code) ?? 0) + 1);
      }
    const continuing = of2024.filter((v) => v.validTo === null);
    for (const v of of2024) expect(closings.get(v.code) ?? 0, v.code).toBe(v.validTo === null ? 0 : 1);
    expect(continuing).toEqual([]);
    expect(of2024.filter((v) => v.closedBy === '2025-01-01')).toHaveLength(7);
    expect(of2024.filter((v) => v.closedBy === '2025-03-01')).toHaveLength(7);
  });
});

describe('demo/lao-cai-2025/bodies.json', () => {
  type Body = {
    code: string;
    role: string;
    name: string;
    shortName: string;
    organisationCode: string | null;
    validFrom: string;
    validTo: string | null;
    legalBasis: string;
    confirmed: boolean;
    note: string | null;
  };
  const bodies = JSON.parse(readFileSync(new URL('bodies.json', DEMO), 'utf8')) as Body[];
  const ROLES = ['province_committee', 'security_unit', 'it_department', 'provincial_police'];
  const holder = (role: string, date: string) =>
    bodies.filter((b) => b.role === role && b.validFrom <= date && (b.validTo === null || date <= b.validTo));

  it('has unique codes and, per role, one body at a time with no gap from 2016-07-01 on', () => {
    expect(new Set(bodies.map((b) => b.code)).size).toBe(bodies.length);
    for (const role of ROLES) {
      const periods = bodies.filter((b) => b.role === role).sort((a, b) => a.validFrom.localeCompare(b.validFrom));
      expect(periods[0]?.validFrom, role).toBe('2016-07-01');
      expect(periods.at(-1)?.validTo, role).toBeNull();
      periods.slice(1).forEach((p, i) => {
        expect(dayBefore(p.validFrom), role).toBe(periods[i]?.validTo);
      });
    }
  });

  it('points each body to a unit in force for its whole period', () => {
    for (const b of bodies) {
      expect(b.organisationCode, b.code).not.toBeNull();
      for (const date of [b.validFrom, b.validTo ?? '2026-12-31']) {
        // The 2024 tree stands in for the years before 2024.
        const on = date < '2024-01-01' ? '2024-01-01' : date;
        expect(
          inForceOn(on).some((v) => v.code === b.organisationCode),
          `${b.code} on ${date}`,
        ).toBe(true);
      }
    }
  });

  it('follows the 2025 timeline of the domain brief', () => {
    const at = (role: string, date: string) => holder(role, date).map((b) => [b.organisationCode, b.name, b.confirmed]);
    expect(at('province_committee', '2025-06-30')).toEqual([['15', 'Ủy ban nhân dân tỉnh Yên Bái', true]]);
    expect(at('province_committee', '2025-07-01')).toEqual([['15', 'Ủy ban nhân dân tỉnh Lào Cai', true]]);
    expect(at('security_unit', '2025-02-28')).toEqual([['SO-TTTT', 'Sở Thông tin và Truyền thông tỉnh Yên Bái', true]]);
    expect(at('security_unit', '2025-03-01')).toEqual([['CA-TINH', 'Công an tỉnh Yên Bái', false]]);
    expect(at('security_unit', '2025-07-01')).toEqual([['CA-TINH', 'Công an tỉnh Lào Cai', false]]);
    expect(at('it_department', '2025-02-28').map((b) => b[0])).toEqual(['SO-TTTT']);
    expect(at('it_department', '2025-03-01').map((b) => b[0])).toEqual(['SO-KHCN']);
    expect(at('it_department', '2025-07-01').map((b) => b[1])).toEqual(['Sở Khoa học và Công nghệ tỉnh Lào Cai']);
    expect(at('provincial_police', '2025-06-30').map((b) => b[1])).toEqual(['Công an tỉnh Yên Bái']);
    expect(at('provincial_police', '2025-07-01').map((b) => b[1])).toEqual(['Công an tỉnh Lào Cai']);
    for (const b of bodies.filter((x) => !x.confirmed)) expect(b.note, b.code).toBeTruthy();
  });
});
