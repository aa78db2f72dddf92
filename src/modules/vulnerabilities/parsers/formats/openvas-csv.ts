// OpenVAS / Greenbone CSV results export: one row per result.
import { csvFormat } from '../csv-stream.ts';
import { compact, extractCves, truncate } from '../fields.ts';
import { headerLineIndex } from '../format.ts';
import { severityFromLabel, severityFromScores } from '../severity.ts';
import { scoreCell } from './nessus-csv.ts';

const COLUMNS = {
  id: ['nvt oid'],
  cve: ['cves'],
  score: ['cvss'],
  rating: ['severity'],
  ip: ['ip'],
  host: ['hostname'],
  protocol: ['port protocol'],
  port: ['port'],
  name: ['nvt name'],
  synopsis: ['summary'],
  description: ['vulnerability insight'],
  solution: ['solution'],
  output: ['specific result'],
  /** When the result was found (ISO 8601 with zone): the host's scan time. */
  time: ['timestamp'],
};

export const openvasCsv = csvFormat({
  format: 'openvas-csv',
  scanner: 'openvas',
  label: 'OpenVAS/Greenbone CSV',
  detect: (head) =>
    headerLineIndex(
      head,
      (cells) => cells.includes('nvt oid') || (cells.includes('ip') && cells.includes('nvt name')),
      1,
    ) === 0,
  mapper: {
    columns: COLUMNS,
    finding(cell, _basics, issue, limits) {
      const scannerScore = scoreCell(cell, 'score', issue);
      const rating = cell('rating');
      const rated = rating ? severityFromLabel(rating) : undefined;
      const fallback = severityFromScores(scannerScore) ?? 'info';
      if (rating && !rated) issue('invalid-severity', `rating "${rating}" is unknown; rated ${fallback}`);
      return compact(
        {
          scanner: 'openvas',
          name: cell('name') || cell('id'),
          severity: rated ?? fallback,
          scannerRating: rating,
          scannerScore,
          cves: extractCves(cell('cve')),
          protocol: cell('protocol').toLowerCase(),
          synopsis: truncate(cell('synopsis'), limits.maxTextLength),
          description: truncate(cell('description'), limits.maxTextLength),
          solution: truncate(cell('solution'), limits.maxTextLength),
          output: truncate(cell('output'), limits.maxOutputLength),
        },
        'protocol',
      );
    },
  },
});
