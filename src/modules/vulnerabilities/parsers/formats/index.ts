// The registry of report formats, asked in this order: the first whose `detect` says yes parses the file. Adding a
// format is one file here (its spec and parser), its id in SCAN_FORMATS, this line, and its fixture.
import type { ScanFormatSpec } from '../format.ts';
import type { ScanFormat } from '../types.ts';
import { acunetixFormat } from './acunetix.ts';
import { acunetix360Format } from './acunetix360.ts';
import { burpFormat } from './burp.ts';
import { nessusFormat } from './nessus.ts';
import { nessusCsv } from './nessus-csv.ts';
import { nexposeFormat } from './nexpose.ts';
import { niktoFormat, niktoJson } from './nikto.ts';
import { nmapFormat } from './nmap.ts';
import { nucleiFormat } from './nuclei.ts';
import { openscapFormat } from './openscap.ts';
import { openvasFormat } from './openvas.ts';
import { openvasCsv } from './openvas-csv.ts';
import { qualysFormat } from './qualys.ts';
import { qualysCsv } from './qualys-csv.ts';
import { tenableScCsv } from './tenable-sc-csv.ts';
import { wazuhFormat } from './wazuh.ts';
import { zapFormat } from './zap.ts';
import { zapJsonFormat } from './zap-json.ts';

export const FORMATS: readonly ScanFormatSpec[] = [
  nessusFormat,
  openvasFormat,
  nmapFormat,
  qualysFormat,
  nexposeFormat,
  niktoFormat,
  nucleiFormat,
  niktoJson,
  acunetixFormat,
  acunetix360Format,
  zapFormat,
  zapJsonFormat,
  burpFormat,
  openscapFormat,
  wazuhFormat,
  tenableScCsv,
  nessusCsv,
  openvasCsv,
  qualysCsv,
];

export function formatSpec(format: ScanFormat): ScanFormatSpec | undefined {
  return FORMATS.find((f) => f.format === format);
}
