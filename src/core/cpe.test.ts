import { describe, expect, it } from 'vitest';
import {
  ANY,
  compareCpe,
  compareValues,
  cpeMatches,
  cpeText,
  NA,
  parseCpe,
  toCpe23,
  tryParseCpe,
  type Wfn,
} from './cpe.ts';
import { AppError } from './errors.ts';

/** A WFN with the given attributes and ANY elsewhere, as the specifications write them. */
const wfn = (attrs: Partial<Wfn>): Wfn => ({
  part: ANY,
  vendor: ANY,
  product: ANY,
  version: ANY,
  update: ANY,
  edition: ANY,
  language: ANY,
  swEdition: ANY,
  targetSw: ANY,
  targetHw: ANY,
  other: ANY,
  ...attrs,
});

describe('parseCpe: URI unbinding (NISTIR 7695 §6.1.3)', () => {
  it('§6.1.3.3 example 1: cpe:/a:microsoft:internet_explorer:8.0.6001:beta', () => {
    expect(parseCpe('cpe:/a:microsoft:internet_explorer:8.0.6001:beta')).toEqual(
      wfn({ part: 'a', vendor: 'microsoft', product: 'internet_explorer', version: '8\\.0\\.6001', update: 'beta' }),
    );
  });
  it('§6.1.3.3 example 2: percent-encoded * and ? are quoted literals', () => {
    const n = parseCpe('cpe:/a:microsoft:internet_explorer:8.%2a:sp%3f');
    expect([n.version, n.update]).toEqual(['8\\.\\*', 'sp\\?']);
  });
  it('§6.1.3.3 example 3: %02 and %01 are the wildcards * and ?', () => {
    const n = parseCpe('cpe:/a:microsoft:internet_explorer:8.%02:sp%01');
    expect([n.version, n.update]).toEqual(['8\\.*', 'sp?']);
  });
  it('§6.1.3.3 example 4: a packed edition unpacks into the extended attributes', () => {
    expect(parseCpe('cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~')).toEqual(
      wfn({
        part: 'a',
        vendor: 'hp',
        product: 'insight_diagnostics',
        version: '7\\.4\\.0\\.1570',
        swEdition: 'online',
        targetSw: 'win2003',
        targetHw: 'x64',
      }),
    );
  });
  it('§6.1.3.3 example 5: "-" is NA, an empty component ANY', () => {
    const n = parseCpe('cpe:/a:hp:openview_network_manager:7.51:-:~~~linux~~');
    expect([n.update, n.edition, n.targetSw, n.language]).toEqual([NA, ANY, 'linux', ANY]);
  });
  it('§6.1.3.3 example 7: a literal ~ outside a packed edition, and %7e', () => {
    const n = parseCpe('cpe:/a:foo~bar:big%7emoney_2010');
    expect([n.vendor, n.product]).toEqual(['foo\\~bar', 'big\\~money_2010']);
  });
  it('§6.1.3.3 example 8 and §6.1.3.2: an embedded %02 is refused, a code for a control character too', () => {
    expect(() => parseCpe('cpe:/a:foo:bar:12.%02.1234')).toThrow(/unquoted \*/);
    expect(() => parseCpe('cpe:/a:foo:boo%02%02')).toThrow(AppError);
    expect(() => parseCpe('cpe:/a:foo%5cbar:big%24money_2010%07:::~~special~ipod_touch~80gb~')).toThrow(/printable/);
  });
  it('values are lowercased (names compare case-insensitively)', () => {
    expect(parseCpe('cpe:/a:Microsoft:IIS:10.0').vendor).toBe('microsoft');
  });
});

describe('parseCpe: formatted string unbinding (NISTIR 7695 §6.2.3)', () => {
  it('§6.2.3.3 example 1: . and - need no quoting in a formatted string but are quoted in the WFN', () => {
    expect(parseCpe('cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*')).toEqual(
      wfn({ part: 'a', vendor: 'microsoft', product: 'internet_explorer', version: '8\\.0\\.6001', update: 'beta' }),
    );
  });
  it('§6.2.3.3 example 2: wildcards at the ends', () => {
    const n = parseCpe('cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*');
    expect([n.version, n.update]).toEqual(['8\\.*', 'sp?']);
  });
  it('§6.2.3.3 example 3: "-" is NA', () => {
    const n = parseCpe('cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*');
    expect([n.update, n.swEdition, n.targetSw, n.targetHw]).toEqual([NA, 'online', 'win2003', 'x64']);
  });
  it('§6.2.3.3 example 5: quoted characters keep their quoting, a quoted colon does not split', () => {
    const n = parseCpe('cpe:2.3:a:foo\\\\bar:big\\$money_2010:*:*:*:*:special:ipod_touch:80gb:*');
    expect([n.vendor, n.product, n.swEdition]).toEqual(['foo\\\\bar', 'big\\$money_2010', 'special']);
    expect(parseCpe('cpe:2.3:a:vendor:a\\:b:1').product).toBe('a\\:b');
  });
  it('§5.3.2: a wildcard inside a value, a dangling \\ or an unknown part is refused; tryParseCpe says null', () => {
    expect(() => parseCpe('cpe:2.3:a:foo:bar:12.*.1234:*:*:*:*:*:*:*')).toThrow(/unquoted \*/);
    expect(() => parseCpe('cpe:2.3:a:foo:b?r')).toThrow(/unquoted \?/);
    expect(() => parseCpe('cpe:2.3:a:foo:bar\\')).toThrow(/lone/);
    expect(() => parseCpe('cpe:2.3:x:foo:bar')).toThrow(/part must be a, o or h/);
    expect(() => parseCpe('cpe:2.3:a:1:2:3:4:5:6:7:8:9:10:11')).toThrow(/at most 11/);
    expect(() => parseCpe('microsoft windows')).toThrow(/must start with/);
    expect(tryParseCpe('not a cpe')).toBeNull();
  });
  it('runs of ? at either end are allowed (§5.3.2)', () => {
    expect(parseCpe('cpe:2.3:o:microsoft:??ndows_7??').product).toBe('??ndows_7??');
  });
});

describe('toCpe23: binding to a formatted string (NISTIR 7695 §6.2.2)', () => {
  it('§6.2.2.3 examples, from the URI and from the formatted string alike', () => {
    expect(toCpe23('cpe:/a:microsoft:internet_explorer:8.0.6001:beta')).toBe(
      'cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*',
    );
    expect(toCpe23('cpe:/a:microsoft:internet_explorer:8.%02:sp%01')).toBe(
      'cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*',
    );
    expect(toCpe23('cpe:/a:hp:insight_diagnostics:7.4.0.1570:-:~~online~win2003~x64~')).toBe(
      'cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*',
    );
    expect(toCpe23('cpe:/a:foo%5cbar:big%24money_manager_2010:::~~special~ipod_touch~80gb~')).toBe(
      'cpe:2.3:a:foo\\\\bar:big\\$money_manager_2010:*:*:*:*:special:ipod_touch:80gb:*',
    );
  });
  it('round-trips a formatted string, and completes a short one with ANY', () => {
    const fs = 'cpe:2.3:a:foo\\\\bar:big\\$money_manager_2010:*:*:*:*:special:ipod_touch:80gb:*';
    expect(toCpe23(fs)).toBe(fs);
    expect(toCpe23('cpe:2.3:a:openbsd:openssh')).toBe('cpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*');
  });
  it('real scanner names', () => {
    expect(toCpe23('cpe:/o:microsoft:windows_server_2012:r2')).toBe(
      'cpe:2.3:o:microsoft:windows_server_2012:r2:*:*:*:*:*:*:*',
    );
    expect(toCpe23('cpe:/a:openbsd:openssh:7.4')).toBe('cpe:2.3:a:openbsd:openssh:7.4:*:*:*:*:*:*:*');
    expect(toCpe23('cpe:/a:isc:bind:9.9.4-RedHat-9.9.4-61.el7')).toBe(
      'cpe:2.3:a:isc:bind:9.9.4-redhat-9.9.4-61.el7:*:*:*:*:*:*:*',
    );
    expect(toCpe23('cpe:/a:microsoft:.net_framework:4.8')).toBe('cpe:2.3:a:microsoft:.net_framework:4.8:*:*:*:*:*:*:*');
    expect(cpeText(parseCpe('cpe:/a:microsoft:.net_framework:4.8').product)).toBe('.net_framework');
    expect(cpeText(NA)).toBe('');
  });
});

describe('compareValues: attribute comparison (NISTIR 7696 §6.1, the table of set relations)', () => {
  // Rows in the order of the specification's enumeration: source, target, relation. "i"/"k" are plain values,
  // "m + wild cards" a value with wildcards.
  const rows: [string, string, string, string][] = [
    ['1', ANY, ANY, 'EQUAL'],
    ['2', ANY, NA, 'SUPERSET'],
    ['3', ANY, 'i', 'SUPERSET'],
    ['4', ANY, 'm*', 'UNDEFINED'],
    ['5', NA, ANY, 'SUBSET'],
    ['6', NA, NA, 'EQUAL'],
    ['7', NA, 'i', 'DISJOINT'],
    ['8', NA, 'm*', 'UNDEFINED'],
    ['9', 'i', ANY, 'SUBSET'],
    ['10', 'i', NA, 'DISJOINT'],
    ['11 (i = k)', 'i', 'i', 'EQUAL'],
    ['11 (i ≠ k)', 'i', 'k', 'DISJOINT'],
    ['12', 'i', 'm*', 'UNDEFINED'],
    ['13', 'm*', ANY, 'SUBSET'],
    ['14', 'm*', NA, 'DISJOINT'],
    ['15 (m matches k)', 'm*', 'mk', 'SUPERSET'],
    ['15 (m does not match k)', 'm*', 'k', 'DISJOINT'],
    ['16', 'm*', 'm?', 'UNDEFINED'],
  ];
  it.each(rows)('row %s: %s to %s is %s', (_row, source, target, relation) => {
    expect(compareValues(source, target)).toBe(relation);
  });
  it('§6.1.3.2 compare_strings: * is any run, n × ? at most n characters at that end, quoted pairs count as one', () => {
    expect(compareValues('*soft', 'microsoft')).toBe('SUPERSET');
    expect(compareValues('?icrosoft', 'microsoft')).toBe('SUPERSET');
    expect(compareValues('?crosoft', 'microsoft')).toBe('DISJOINT');
    expect(compareValues('??icrosoft', '\\!\\#icrosoft')).toBe('SUPERSET');
    expect(compareValues('microso??', 'microso\\!\\#')).toBe('SUPERSET');
    expect(compareValues('microso??', 'microso\\!\\#ft')).toBe('DISJOINT');
    expect(compareValues('?', 'a')).toBe('SUPERSET');
    expect(compareValues('???', 'ab')).toBe('SUPERSET');
    expect(compareValues('?', 'ab')).toBe('DISJOINT');
    expect(compareValues('8\\.*', '8\\.0\\.6001')).toBe('SUPERSET');
    expect(compareValues('8\\.*', '80')).toBe('DISJOINT');
    expect(compareValues('*\\.4', '7\\.4')).toBe('SUPERSET');
    // A quoted wildcard is a literal character.
    expect(compareValues('8\\.\\*', '8\\.0')).toBe('DISJOINT');
    expect(compareValues('Microsoft', 'microsoft')).toBe('EQUAL');
  });
});

describe('compareCpe and cpeMatches: name comparison (NISTIR 7696 §6.2)', () => {
  it('§6.2: a source with a language against one that has ANY is a SUBSET, not a match', () => {
    const source = wfn({
      part: 'a',
      vendor: 'microsoft',
      product: 'internet_explorer',
      version: '8\\.0\\.6001',
      update: 'beta',
      language: 'sp2',
    });
    const target = wfn({ part: 'a', vendor: 'microsoft', product: 'internet_explorer', update: 'beta' });
    expect(compareCpe(source, target)).toMatchObject({ disjoint: false, equal: false, subset: true, superset: false });
    expect(cpeMatches(source, target)).toBe(false);
    expect(cpeMatches(target, source)).toBe(true);
  });
  it('§6.2: one DISJOINT attribute makes the names DISJOINT', () => {
    const source = wfn({ part: 'a', vendor: 'adobe', version: '9\\.*', edition: 'palmos' });
    const target = wfn({ part: 'a', product: 'reader', version: '9\\.3\\.2', update: NA, edition: NA });
    expect(compareCpe(source, target)).toMatchObject({ disjoint: true, superset: false, subset: false });
    expect(
      compareCpe(
        wfn({ part: 'a', vendor: 'adobe', product: 'reader', version: '9\\.*', update: NA, edition: NA }),
        wfn({ part: 'a', vendor: 'adobe', product: 'reader', version: '8\\.3\\.2', update: NA, edition: NA }),
      ).attributes.version,
    ).toBe('DISJOINT');
  });
  it('§6.2: wildcards in the source, SUPERSET on every attribute or EQUAL, is a match', () => {
    const source = wfn({
      part: 'o',
      vendor: 'microsoft',
      product: 'windows_?',
      swEdition: 'home*',
      targetSw: NA,
      targetHw: 'x64',
      other: NA,
      language: 'en\\-us',
    });
    const target = {
      ...source,
      product: 'windows_7',
      version: '6\\.1',
      update: 'sp1',
      swEdition: 'home_basic',
      other: NA,
    };
    expect(compareCpe(source, target)).toMatchObject({ disjoint: false, equal: false, superset: true });
    expect(cpeMatches(source, target)).toBe(true);
    expect(cpeMatches(source, { ...target, targetHw: 'x32' })).toBe(false);
    expect(compareCpe(target, target)).toMatchObject({ equal: true, subset: true, superset: true });
  });
  it('§6.2: a target with wildcards is UNDEFINED, neither a match nor disjoint', () => {
    const c = compareCpe('cpe:2.3:o:microsoft', 'cpe:2.3:o:microsoft*');
    expect(c.attributes.vendor).toBe('UNDEFINED');
    expect(c).toMatchObject({ disjoint: false, equal: false, subset: false, superset: false });
  });
  it('an advisory name against real scanner names (source = advisory, target = inventory)', () => {
    expect(cpeMatches('cpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*', 'cpe:/a:openbsd:openssh:7.4')).toBe(true);
    expect(cpeMatches('cpe:2.3:a:openbsd:openssh:7.4:*:*:*:*:*:*:*', 'cpe:/a:openbsd:openssh:7.4')).toBe(true);
    expect(cpeMatches('cpe:2.3:a:openbsd:openssh:7.5:*:*:*:*:*:*:*', 'cpe:/a:openbsd:openssh:7.4')).toBe(false);
    expect(cpeMatches('cpe:2.3:a:openbsd:openssh:7.*:*:*:*:*:*:*:*', 'cpe:/a:openbsd:openssh:7.4')).toBe(true);
    expect(cpeMatches('cpe:2.3:o:microsoft:windows_server_2012:r2', 'cpe:/o:microsoft:windows_server_2012:r2')).toBe(
      true,
    );
    // The scanner named no version: a versioned advisory name is a subset of it, not a match.
    expect(cpeMatches('cpe:2.3:o:microsoft:windows_server_2012:r2', 'cpe:/o:microsoft:windows_server_2012')).toBe(
      false,
    );
    expect(cpeMatches('cpe:2.3:a:openbsd:openssh', 'cpe:/o:openbsd:openssh:7.4')).toBe(false);
  });
});
