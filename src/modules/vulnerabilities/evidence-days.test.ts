import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVIDENCE_DAYS } from './vulnerabilities.service.ts';

// The trigger that keeps a finding's unseen spans (migration 0019) writes the evidence bound in SQL: it must be the
// same bound the summaries count with.
describe('the evidence bound', () => {
  it('is the same in the gap trigger and in the summaries', () => {
    const sql = readFileSync(new URL('../../../drizzle/0019_web_findings.sql', import.meta.url), 'utf8');
    const bounds = [...sql.matchAll(/interval '(\d+) days'/g)].map((m) => Number(m[1]));
    expect(bounds.length).toBeGreaterThan(0);
    expect(new Set(bounds)).toEqual(new Set([EVIDENCE_DAYS]));
  });
});
