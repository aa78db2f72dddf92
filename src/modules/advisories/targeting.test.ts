import { describe, expect, it } from 'vitest';
import { matchItem, type ProductRow } from './targeting.ts';

const product = (patch: Partial<ProductRow>): ProductRow => ({
  id: 'p',
  advisoryId: 'a',
  productRef: null,
  vendor: null,
  product: '',
  version: null,
  versionStartIncluding: null,
  versionStartExcluding: null,
  versionEndIncluding: null,
  versionEndExcluding: null,
  cpe: null,
  purl: null,
  rangeText: null,
  status: 'known_affected',
  cves: [],
  remediation: null,
  position: 0,
  ...patch,
});
const item = (patch: Partial<Parameters<typeof matchItem>[1]>) => ({
  kind: 'component' as const,
  id: 'i',
  vendor: null,
  product: '',
  version: null,
  cpe: null,
  port: null,
  scanner: null,
  ...patch,
});

describe('matchItem', () => {
  const sinec = product({
    vendor: 'Siemens',
    product: 'Siemens SINEC Security Monitor',
    versionEndExcluding: 'V4.9.0',
  });

  it('matches a vendor-prefixed product name and tests the range', () => {
    expect(
      matchItem(sinec, item({ vendor: 'Siemens', product: 'SINEC Security Monitor', version: 'V4.8.1' })),
    ).toMatchObject({ via: 'name', product: { range: '< V4.9.0' } });
    expect(
      matchItem(sinec, item({ vendor: 'Siemens', product: 'SINEC Security Monitor', version: 'V4.9.0' })),
    ).toBeNull();
  });

  it('does not match the same product name from another vendor', () => {
    const p = product({ vendor: 'Apache Software Foundation', product: 'Tomcat' });
    expect(matchItem(p, item({ vendor: 'Apache', product: 'tomcat', version: '9.0.1' }))).not.toBeNull();
    expect(matchItem(p, item({ vendor: 'Acme', product: 'Tomcat', version: '9.0.1' }))).toBeNull();
  });

  it('matches by CPE when both sides have one, the advisory’s version wildcarded under a range', () => {
    const p = product({
      vendor: 'Palo Alto Networks',
      product: 'PAN-OS',
      cpe: 'cpe:2.3:o:paloaltonetworks:pan-os:11.1.0:-:*:*:*:*:*:*',
      versionStartIncluding: '11.1.0',
      versionEndExcluding: '11.1.2-h3',
    });
    const at = (cpe: string) => matchItem(p, item({ kind: 'software', product: 'pan-os', cpe }));
    expect(at('cpe:2.3:o:paloaltonetworks:pan-os:11.1.2:*:*:*:*:*:*:*')).toMatchObject({ via: 'cpe' });
    // The CPE's update is the hotfix: 11.1.2-h3 is the fixed release.
    expect(at('cpe:2.3:o:paloaltonetworks:pan-os:11.1.2:h3:*:*:*:*:*:*')).toBeNull();
    expect(at('cpe:2.3:a:paloaltonetworks:globalprotect:6.0.0:*:*:*:*:*:*:*')).toBeNull();
  });

  it('flags what it cannot check instead of dropping it: an unknown version, an unreadable range, an investigation', () => {
    expect(matchItem(sinec, item({ vendor: 'Siemens', product: 'SINEC Security Monitor' }))).toMatchObject({
      versionUnknown: true,
    });
    const unread = product({ product: 'Workouts', rangeText: 'see the vendor advisory' });
    expect(matchItem(unread, item({ product: 'Workouts', version: '1.0' }))).toMatchObject({ rangeUnread: true });
    const investigating = product({ product: 'Workouts', status: 'under_investigation' });
    expect(matchItem(investigating, item({ product: 'Workouts', version: '1.0' }))).toMatchObject({
      underInvestigation: true,
    });
  });
});

describe('matchItem with an exact version and an item CPE naming no version', () => {
  it('matches by the item’s own version when its CPE leaves the version open', () => {
    // A scanner's CPE often stops at the product (cpe:/a:openbsd:openssh) and reports the version apart.
    const p = product({ product: 'OpenSSH', cpe: 'cpe:2.3:a:openbsd:openssh:9.7:*:*:*:*:*:*:*', version: '9.7' });
    expect(matchItem(p, item({ product: 'OpenSSH', cpe: 'cpe:/a:openbsd:openssh', version: '9.7' }))).toMatchObject({
      via: 'cpe',
    });
    expect(matchItem(p, item({ product: 'OpenSSH', cpe: 'cpe:/a:openbsd:openssh', version: '9.8' }))).toBeNull();
  });
});
