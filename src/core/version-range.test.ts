import { describe, expect, it } from 'vitest';
import { compareVersions, describeRange, inVersionRange, parseRangeText } from './version-range.ts';

/** Each list is in ascending order, as the vendors release them. */
const ORDERED: [string, string[]][] = [
  [
    'semver with pre-releases',
    ['1.0.0-dev1', '1.0.0-alpha', '1.0.0-alpha.2', '1.0.0-beta', '1.0.0-rc1', '1.0.0', '1.0.1'],
  ],
  ['numbers, not text', ['1.2', '1.9', '1.10', '1.10.1', '2.0', '10.0']],
  ['OpenSSL letters are later builds', ['1.1.0l', '1.1.1', '1.1.1a', '1.1.1k', '1.1.1w', '3.0.0-alpha1', '3.0.0']],
  ['PAN-OS hotfixes (CVE-2024-3400)', ['10.2.0', '10.2.9', '10.2.9-h1', '10.2.10', '11.0.0', '11.0.4-h1', '11.1.2-h3']],
  ['Siemens V prefix', ['V3.1.4', 'V4.3.8', 'V4.9.0', 'V4.10']],
  ['Windows builds', ['10.0.17763.1', '10.0.19041.1234', '10.0.19045.2965', '10.0.22621.1']],
  ['Debian-like revisions', ['1.9', '1.9-39', '1.9-40', '1.10']],
  ['PEP 440', ['2.0a1', '2.0b1', '2.0rc1', '2.0', '2.0.post1']],
  ['Maven milestones', ['5.0.0-M1', '5.0.0-RC2', '5.0.0', '5.0.0.RELEASE-1']],
];

describe('compareVersions', () => {
  it.each(ORDERED)('orders %s', (_name, list) => {
    for (let i = 0; i < list.length; i++)
      for (let j = 0; j < list.length; j++) {
        const a = list[i] as string;
        const b = list[j] as string;
        expect(Math.sign(compareVersions(a, b)), `${a} vs ${b}`).toBe(Math.sign(i - j));
      }
  });

  it('treats missing zeros, case, a v prefix, final and build metadata as the same version', () => {
    expect(compareVersions('1.0', '1.0.0')).toBe(0);
    expect(compareVersions('v2.4.49', '2.4.49')).toBe(0);
    expect(compareVersions('1.0.0-RC1', '1.0.0-rc1')).toBe(0);
    expect(compareVersions('2.0-final', '2.0')).toBe(0);
    expect(compareVersions('1.2.3+build.7', '1.2.3')).toBe(0);
    expect(compareVersions('01.002', '1.2')).toBe(0);
  });

  it('compares numbers longer than a double holds', () => {
    expect(compareVersions('1.20190812000000000001', '1.20190812000000000002')).toBeLessThan(0);
  });
});

describe('inVersionRange', () => {
  it('applies each bound as inclusive or exclusive', () => {
    const r = { startIncluding: '10.2.0', endExcluding: '10.2.9-h1' };
    expect(inVersionRange('10.2.0', r)).toBe(true);
    expect(inVersionRange('10.2.9', r)).toBe(true);
    expect(inVersionRange('10.2.9-h1', r)).toBe(false);
    expect(inVersionRange('10.1.9', r)).toBe(false);
    expect(inVersionRange('2.4.50', { startExcluding: '2.4.49', endIncluding: '2.4.50' })).toBe(true);
    expect(inVersionRange('2.4.49', { startExcluding: '2.4.49', endIncluding: '2.4.50' })).toBe(false);
    expect(inVersionRange('2.4.51', { startExcluding: '2.4.49', endIncluding: '2.4.50' })).toBe(false);
  });

  it('an exact version matches only itself; no bound matches all', () => {
    expect(inVersionRange('1.0.0-rc1', { version: '1.0.0-rc1' })).toBe(true);
    expect(inVersionRange('1.0.0', { version: '1.0.0-rc1' })).toBe(false);
    expect(inVersionRange('0.0.1', {})).toBe(true);
  });
});

describe('parseRangeText', () => {
  it.each([
    ['vers:all/<V4.9.0', [{ endExcluding: 'V4.9.0' }]],
    ['vers:all/*', [{}]],
    [
      'vers:generic/>=1.0|<2.0|>=3.0|<3.5',
      [
        { startIncluding: '1.0', endExcluding: '2.0' },
        { startIncluding: '3.0', endExcluding: '3.5' },
      ],
    ],
    ['< V4.1.3', [{ endExcluding: 'V4.1.3' }]],
    ['<= 4.8.488.0', [{ endIncluding: '4.8.488.0' }]],
    ['>= 1.0 | <= 1.32', [{ startIncluding: '1.0', endIncluding: '1.32' }]],
    ['>=1.220|<=1.281', [{ startIncluding: '1.220', endIncluding: '1.281' }]],
    ['0 < 9.8.12', [{ endExcluding: '9.8.12' }]],
    ['2.1 <= 2.9', [{ startIncluding: '2.1', endIncluding: '2.9' }]],
    ['All versions', [{}]],
    ['before 7.4', [{ endExcluding: '7.4' }]],
    ['5.2 and earlier', [{ endIncluding: '5.2' }]],
    ['3.0 and later', [{ startIncluding: '3.0' }]],
    ['2.4.49', [{ version: '2.4.49' }]],
  ])('reads %s', (text, expected) => {
    expect(parseRangeText(text)).toEqual(expected);
  });

  it('gives up on what it cannot read', () => {
    expect(parseRangeText('see vendor advisory')).toBeNull();
    expect(parseRangeText('< firmware from 2019')).toBeNull();
  });

  it('describes ranges the way they are read', () => {
    expect(describeRange({ startIncluding: '1.0', endExcluding: '2.0' })).toBe('>= 1.0, < 2.0');
    expect(describeRange({ version: '1.2' })).toBe('= 1.2');
    expect(describeRange({})).toBe('*');
  });
});
