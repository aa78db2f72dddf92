// Nessus CSV export: one row per plugin result, repeated once per CVE (the runner merges them back).
import { type CellOf, csvFormat } from '../csv-stream.ts';
import { compact, cvss, extractCves, parseScore, truncate } from '../fields.ts';
import { headerLineIndex } from '../format.ts';
import { severityFromLabel, severityFromScores } from '../severity.ts';
import type { Finding, ParseOptions } from '../types.ts';

/** Header names differ between Nessus versions; the first one present wins. Tenable.sc's exports extend them. */
export const NESSUS_COLUMNS = {
  id: ['plugin id'],
  cve: ['cve'],
  cvss2: ['cvss v2.0 base score', 'cvss'],
  cvss2Vector: ['cvss v2.0 vector', 'cvss vector'],
  cvss3: ['cvss v3.0 base score', 'cvss v3.1 base score', 'cvss3'],
  cvss3Vector: ['cvss v3.0 vector', 'cvss v3.1 vector'],
  rating: ['risk', 'risk factor'],
  ip: ['ip address', 'host'],
  host: ['host'],
  fqdn: ['fqdn', 'dns name'],
  netbios: ['netbios name', 'netbios'],
  mac: ['mac address'],
  os: ['os', 'operating system'],
  protocol: ['protocol'],
  port: ['port'],
  name: ['name', 'plugin name'],
  family: ['plugin family', 'family'],
  synopsis: ['synopsis'],
  description: ['description'],
  solution: ['solution'],
  seeAlso: ['see also'],
  output: ['plugin output'],
  exploit: ['exploit?', 'exploitable'],
};

/**
 * A score cell (or its score part, `text`): undefined when empty, and an issue (then undefined) when it is not a CVSS
 * score.
 */
export function scoreCell(
  cell: CellOf,
  field: string,
  issue: (code: 'invalid-score', message: string) => void,
  text = cell(field),
) {
  const value = parseScore(text);
  if (!Number.isNaN(value)) return value;
  issue('invalid-score', `${cell.header(field)} "${cell(field)}" is not a score; ignored`);
  return undefined;
}

/** The finding fields Nessus-family CSV exports share (Nessus, Tenable.sc): plugin, scores, texts. */
export function nessusCsvFinding(
  cell: CellOf,
  issue: (code: 'invalid-score' | 'invalid-severity', message: string) => void,
  limits: Required<ParseOptions>,
  rated?: (rating: string) => Finding['severity'] | undefined,
): Omit<Finding, 'port' | 'scannerId' | 'position'> {
  const cvss2 = scoreCell(cell, 'cvss2', issue);
  const cvss3 = scoreCell(cell, 'cvss3', issue);
  const rating = cell('rating');
  const fromRating = rating ? (rated ?? severityFromLabel)(rating) : undefined;
  const fallback = severityFromScores(cvss3, cvss2) ?? 'info';
  if (rating && !fromRating) issue('invalid-severity', `rating "${rating}" is unknown; rated ${fallback}`);
  const exploit = cell('exploit').toLowerCase();
  const seeAlso = cell('seeAlso').split(/\s+/).filter(Boolean);
  return compact(
    {
      scanner: 'nessus',
      name: cell('name') || cell('id'),
      severity: fromRating ?? fallback,
      scannerRating: rating,
      cvss2: cvss(cvss2, cell('cvss2Vector')),
      cvss3: cvss(cvss3, cell('cvss3Vector')),
      cves: extractCves(cell('cve')),
      protocol: cell('protocol').toLowerCase(),
      family: cell('family'),
      synopsis: truncate(cell('synopsis'), limits.maxTextLength),
      description: truncate(cell('description'), limits.maxTextLength),
      solution: truncate(cell('solution'), limits.maxTextLength),
      seeAlso: seeAlso.length ? seeAlso : undefined,
      output: truncate(cell('output'), limits.maxOutputLength),
      exploitAvailable: exploit ? exploit === 'true' || exploit === 'yes' : undefined,
    },
    'protocol',
  );
}

export const nessusCsv = csvFormat({
  format: 'nessus-csv',
  scanner: 'nessus',
  label: 'Nessus CSV',
  // Tenable's export with a `Vulnerability State` has these columns too: it is Tenable.sc CSV, whatever the order.
  detect: (head) =>
    headerLineIndex(
      head,
      (cells) => cells.includes('plugin id') && cells.includes('host') && !cells.includes('vulnerability state'),
      1,
    ) === 0,
  mapper: {
    columns: NESSUS_COLUMNS,
    finding: (cell, _basics, issue, limits) => nessusCsvFinding(cell, issue, limits),
  },
});
