import type { ScanFormat } from './types.ts';

/** How much of the file detection may read before giving up. */
const DETECT_LIMIT = 64 * 1024;

const XML_ROOTS: Record<string, ScanFormat> = {
  NessusClientData_v2: 'nessus',
  nmaprun: 'nmap',
  // A Greenbone report export, bare or wrapped in its GMP response.
  report: 'openvas',
  get_reports_response: 'openvas',
};

/** Skips the XML declaration, processing instructions, comments and DOCTYPE before the root. */
const PROLOG = /^(\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^[>]*(\[[\s\S]*?\])?\s*>)*/;

/**
 * Detects the format from the start of the content (never the file name). Returns undefined
 * when more text is needed and `final` is false, null when the content is no known report.
 */
export function detectFormat(head: string, final: boolean): ScanFormat | null | undefined {
  const text = head.trimStart();
  if (text.startsWith('<')) {
    const root = /^<([A-Za-z_][\w.:-]*)[\s/>]/.exec(text.slice(PROLOG.exec(text)?.[0].length ?? 0));
    if (root?.[1]) return XML_ROOTS[root[1]] ?? null;
    return final || head.length >= DETECT_LIMIT ? null : undefined;
  }
  const newline = text.indexOf('\n');
  if (newline < 0 && !final && head.length < DETECT_LIMIT) return undefined;
  const header = (newline < 0 ? text : text.slice(0, newline))
    .split(',')
    .map((cell) => cell.trim().replace(/^"|"$/g, '').toLowerCase());
  if (header.includes('plugin id') && header.includes('host')) return 'nessus-csv';
  if (header.includes('nvt oid') || (header.includes('ip') && header.includes('nvt name'))) return 'openvas-csv';
  return null;
}
