// Tenable.sc (SecurityCenter) vulnerability CSV export, in its two column sets: the "Vulnerability Detail List"
// ("Plugin", "IP Address", "Severity" as a label) and the layout with "Plugin ID", "Vulnerability State" and the host's
// scan times (also Tenable Vulnerability Management's). Nessus plugins: the same checks as Nessus reports.
import { csvFormat } from '../csv-stream.ts';
import { monthNumber, textTime, wallTime } from '../fields.ts';
import { headerLineIndex } from '../format.ts';
import { severityFromLabel, severityFromNessusLevel } from '../severity.ts';
import type { ScanTime } from '../types.ts';
import { NESSUS_COLUMNS, nessusCsvFinding } from './nessus-csv.ts';

const COLUMNS = {
  ...NESSUS_COLUMNS,
  id: ['plugin id', 'plugin'],
  // The rating after any recast in Tenable.sc: a label, or Nessus' level 0–4.
  rating: ['severity', 'risk', 'risk factor'],
  cvss2: ['cvss v2 base score', 'cvss base score', ...NESSUS_COLUMNS.cvss2],
  cvss2Vector: ['cvss v2 vector', ...NESSUS_COLUMNS.cvss2Vector],
  cvss3: ['cvss v3 base score', 'cvss3 base score', ...NESSUS_COLUMNS.cvss3],
  cvss3Vector: ['cvss v3 vector', 'cvss3 vector', ...NESSUS_COLUMNS.cvss3Vector],
  exploit: [...NESSUS_COLUMNS.exploit, 'exploit available'],
  state: ['vulnerability state'],
  /** When the scan of the host began (ISO 8601 with Z). */
  time: ['host start'],
  /** When a scan last saw the vulnerability: the host's time when the export has no Host Start. */
  observed: ['last observed', 'last found'],
};

/** Tenable.sc writes `Feb 19, 2024 21:01:01 UTC`; the other layout ISO 8601. */
function observedTime(text: string): ScanTime | undefined {
  const m = /^([A-Za-z]{3}) (\d{1,2}), (\d{4}) (\d{1,2}):(\d{2}):(\d{2}) UTC$/.exec(text);
  if (!m) return textTime(text);
  const month = monthNumber(m[1] as string);
  const wall = month && wallTime(Number(m[3]), month, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6]));
  return wall ? { raw: text, iso: new Date(`${wall.raw}Z`).toISOString() } : { raw: text };
}

export const tenableScCsv = csvFormat({
  format: 'tenable-sc-csv',
  scanner: 'nessus',
  label: 'Tenable.sc CSV',
  detect: (head) =>
    headerLineIndex(
      head,
      (cells) =>
        (cells.includes('plugin') && cells.includes('plugin name') && cells.includes('ip address')) ||
        (cells.includes('plugin id') && cells.includes('vulnerability state')),
      1,
    ) === 0,
  mapper: {
    columns: COLUMNS,
    scanTime: (cell) => textTime(cell('time')) ?? observedTime(cell('observed')),
    finding(cell, _basics, issue, limits) {
      const finding = nessusCsvFinding(cell, issue, limits, (r) => severityFromLabel(r) ?? severityFromNessusLevel(r));
      // A vulnerability Tenable saw fixed is no longer open on the computer: read, never counted as a vulnerability.
      return cell('state').toLowerCase() === 'fixed' ? { ...finding, severity: 'info' } : finding;
    },
  },
});
