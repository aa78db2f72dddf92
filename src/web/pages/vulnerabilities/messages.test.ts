// @vitest-environment jsdom
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import i18n from '../../i18n/index.ts';

const MODULE = join(import.meta.dirname, '../../../modules/vulnerabilities');
const sources = readdirSync(MODULE)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((f) => readFileSync(join(MODULE, f), 'utf8'))
  .join('\n');

/** Every message key the module's errors and shared schemas name (`key: 'vuln.…'`, `error: 'vuln.…'`). */
const keys = [...new Set([...sources.matchAll(/(?:key|error): [`']((?:vuln)\.[\w.-]+)[`']/g)].map((m) => m[1] ?? ''))];
const FATAL_KINDS = ['unknown-format', 'truncated', 'not-well-formed', 'read-error', 'too-large'];

describe('the vulnerability module’s messages', () => {
  it('finds the keys it checks', () => {
    expect(keys).toEqual(expect.arrayContaining(['vuln.acceptedUntilPast', 'vuln.reasonRequired', 'vuln.policyDays']));
  });

  it.each(['vi', 'en'])('has a %s text for every key the server sends', (lng) => {
    const t = i18n.getFixedT(lng);
    for (const key of [...keys.filter((k) => !k.includes('${')), ...FATAL_KINDS.map((k) => `vuln.scanFatal.${k}`)])
      expect(i18n.exists(`errors.${key}`, { lng }), `${lng}: errors.${key}`).toBe(true);
    // Statuses in a message are said in words, not as codes.
    expect(t('errors.vuln.changeNotAllowed', { from: 'fixed', to: 'open' })).not.toMatch(/fixed|\$t/);
  });

  it.each(['vi', 'en'])('names in %s the formats it reads when a file is none of them', (lng) => {
    const text = i18n.getFixedT(lng)('errors.vuln.scanFatal.unknown-format', { file: 'bao-cao.pdf' });
    for (const tool of ['Nessus', 'OpenVAS', 'Nmap', 'Tenable.sc', 'Qualys', 'Nexpose', 'Wazuh', 'OpenSCAP', 'ZAP'])
      expect(text).toContain(tool);
    for (const tool of ['Acunetix 360', 'Nuclei', 'Nikto', 'Burp']) expect(text).toContain(tool);
    expect(text).not.toContain('$t');
  });

  it('says a refused change with the statuses’ names in Vietnamese', () => {
    expect(i18n.getFixedT('vi')('errors.vuln.changeNotAllowed', { from: 'fixed', to: 'accepted' })).toBe(
      'Không thể chuyển lỗ hổng đang ở trạng thái “Đã khắc phục (chờ quét lại)” sang “Chấp nhận rủi ro”.',
    );
  });
});
