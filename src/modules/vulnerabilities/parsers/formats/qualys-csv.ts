// Qualys VM CSV scan report (host-based "Scan Report" and raw "Scan Results"): one row per detection (QID on a host
// and port), often after a title block of report and scan details before the header.
import { type CellOf, csvFormat } from '../csv-stream.ts';
import { compact, cvss, extractCves, scoreWithVector, textTime, truncate, wallTime } from '../fields.ts';
import { headerLineIndex, type ScanHead } from '../format.ts';
import { qualysInformational, qualysSeverity, severityFromQualysLevel } from '../severity.ts';
import { scoreCell } from './nessus-csv.ts';

const COLUMNS = {
  id: ['qid'],
  ip: ['ip'],
  fqdn: ['dns'],
  netbios: ['netbios'],
  os: ['os'],
  name: ['title'],
  status: ['vuln status'],
  type: ['type'],
  level: ['severity'],
  port: ['port'],
  protocol: ['protocol'],
  cve: ['cve id'],
  cvss2: ['cvss base'],
  cvss3: ['cvss3 base', 'cvss3.1 base'],
  category: ['category'],
  threat: ['threat'],
  impact: ['impact'],
  solution: ['solution'],
  output: ['results'],
  detected: ['last detected'],
  fixed: ['date last fixed'],
};

/** The header: the first line naming the IP and QID columns (after the title block, when there is one). */
const headerLine = (head: ScanHead) =>
  headerLineIndex(head, (cells) => cells.includes('ip') && cells.includes('qid') && cells.includes('severity'));

/** `MM/DD/YYYY HH:MM:SS`, the account's local time without zone. */
function qualysTime(text: string) {
  const m = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  return m
    ? wallTime(Number(m[3]), Number(m[1]), Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6]))
    : textTime(text);
}

/** A vulnerability Qualys saw fixed is no longer open on the computer. */
const isFixed = (cell: CellOf) => cell('status').toLowerCase() === 'fixed';

/** `8.1 (AV:N/AC:H/…)`: the score, then the vector in brackets. */
function cvssCell(cell: CellOf, field: string, issue: (code: 'invalid-score', message: string) => void) {
  const written = scoreWithVector(cell(field));
  return written && cvss(scoreCell(cell, field, issue, written.score), written.vector);
}

export const qualysCsv = csvFormat({
  format: 'qualys-csv',
  scanner: 'qualys',
  label: 'Qualys CSV',
  detect: (head) => headerLine(head) >= 0,
  mapper: {
    columns: COLUMNS,
    headerLine,
    // When the scan last detected it; for a fixed one, when a scan found it fixed.
    scanTime: (cell) => qualysTime((isFixed(cell) && cell('fixed')) || cell('detected')),
    finding(cell, _basics, issue, limits) {
      const cvss2 = cvssCell(cell, 'cvss2', issue);
      const cvss3 = cvssCell(cell, 'cvss3', issue);
      const level = cell('level');
      const informational = qualysInformational(cell('type'), cell('status'));
      const severity = qualysSeverity(informational, level, cvss3?.score, cvss2?.score);
      if (!informational && !severityFromQualysLevel(level))
        issue('invalid-severity', `${cell.header('level')} "${level}" is not a level 1–5; rated ${severity}`);
      return compact(
        {
          scanner: 'qualys',
          name: cell('name') || `QID ${cell('id')}`,
          severity,
          scannerRating: level,
          cvss2,
          cvss3,
          cves: extractCves(cell('cve')),
          protocol: cell('protocol').toLowerCase(),
          family: cell('category'),
          synopsis: truncate(cell('impact'), limits.maxTextLength),
          description: truncate(cell('threat'), limits.maxTextLength),
          solution: truncate(cell('solution'), limits.maxTextLength),
          output: truncate(cell('output'), limits.maxOutputLength),
        },
        'protocol',
      );
    },
  },
});
