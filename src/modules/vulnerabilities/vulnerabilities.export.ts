import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { Db } from '../../core/db/client.ts';
import { type Column, instantCell, yesNo } from '../../core/tabular.ts';
import { actorOf } from '../../server/auth-hooks.ts';
import { registerTableExport, uiLabel } from '../../server/table-export.ts';
import {
  type ZComputer,
  ZComputerQuery,
  ZFindingQuery,
  type ZVulnFindingRow,
  type ZWebsite,
  ZWebsiteQuery,
} from './vulnerabilities.contract.ts';
import { listComputers, listFindings, listWebsites } from './vulnerabilities.service.ts';

/** The lists of computers, websites and findings as files ("Xuất Excel"), with the lists' own filters. */

const tags = ['vulnerabilities'];
const severity = uiLabel('vuln.severity');
const status = uiLabel('vuln.status');

const openCounts = [
  { key: 'open', header: 'Lỗ hổng chưa xử lý', width: 12, value: (r: { open: number }) => r.open },
  { key: 'critical', header: 'Nghiêm trọng', width: 12, value: (r: { critical: number }) => r.critical },
  { key: 'high', header: 'Cao', width: 10, value: (r: { high: number }) => r.high },
];

const computerColumns: Column<z.output<typeof ZComputer>>[] = [
  { key: 'ip', header: 'Địa chỉ IP', width: 16, value: (r) => r.ip },
  { key: 'hostname', header: 'Tên máy', width: 24, value: (r) => r.hostname },
  { key: 'os', header: 'Hệ điều hành', width: 24, value: (r) => r.os },
  { key: 'organisation', header: 'Cơ quan, đơn vị', width: 36, value: (r) => r.organisationName },
  { key: 'lastSeen', header: 'Lần quét gần nhất', width: 18, value: (r) => instantCell(r.lastSeen) },
  ...openCounts,
];

const websiteColumns: Column<z.output<typeof ZWebsite>>[] = [
  { key: 'site', header: 'Trang web', width: 36, value: (r) => r.siteKey },
  { key: 'ip', header: 'Địa chỉ IP', width: 16, value: (r) => r.ip },
  { key: 'organisation', header: 'Cơ quan, đơn vị', width: 36, value: (r) => r.organisationName },
  { key: 'system', header: 'Hệ thống thông tin', width: 30, value: (r) => r.systemName },
  { key: 'lastSeen', header: 'Lần quét gần nhất', width: 18, value: (r) => instantCell(r.lastSeen) },
  ...openCounts,
];

const findingColumns: Column<z.output<typeof ZVulnFindingRow>>[] = [
  { key: 'severity', header: 'Mức độ', width: 12, value: (r) => severity(r.finding.severity) },
  { key: 'cvss', header: 'Điểm CVSS', width: 10, value: (r) => r.finding.cvss3Score ?? r.finding.cvss2Score },
  { key: 'cve', header: 'CVE', width: 18, value: (r) => r.finding.cves.join(', ') || null },
  { key: 'name', header: 'Lỗ hổng', width: 48, value: (r) => r.finding.name },
  { key: 'ip', header: 'Địa chỉ IP', width: 16, value: (r) => r.ip },
  { key: 'hostname', header: 'Tên máy / máy chủ web', width: 24, value: (r) => r.hostname },
  { key: 'website', header: 'Trang web', width: 30, value: (r) => r.website },
  { key: 'port', header: 'Cổng', width: 8, value: (r) => (r.website ? null : r.finding.port) },
  { key: 'url', header: 'Địa chỉ (URL)', width: 36, value: (r) => r.finding.url },
  { key: 'organisation', header: 'Cơ quan, đơn vị', width: 36, value: (r) => r.organisationName },
  { key: 'status', header: 'Trạng thái', width: 16, value: (r) => status(r.finding.status) },
  {
    key: 'knownExploited',
    header: 'Đang bị khai thác (KEV)',
    width: 12,
    value: (r) => yesNo(r.finding.knownExploited),
  },
  { key: 'firstSeen', header: 'Phát hiện lần đầu', width: 18, value: (r) => instantCell(r.finding.firstSeen) },
  { key: 'lastSeen', header: 'Phát hiện gần nhất', width: 18, value: (r) => instantCell(r.finding.lastSeen) },
  { key: 'dueAt', header: 'Hạn khắc phục', width: 18, value: (r) => instantCell(r.dueAt) },
  { key: 'overdue', header: 'Quá hạn', width: 10, value: (r) => yesNo(r.overdue) },
  { key: 'scanner', header: 'Công cụ quét', width: 14, value: (r) => r.finding.scanner },
];

export function registerVulnerabilityExports(app: FastifyInstance, { db }: { db: Db }) {
  registerTableExport(app, {
    path: '/api/vulnerabilities/computers/export',
    permission: 'vuln.read',
    tags,
    what: 'Scanned computers with their open findings',
    query: ZComputerQuery,
    sheet: 'Máy tính',
    fileStem: 'may-tinh',
    columns: computerColumns,
    list: (req, q) => listComputers(db, req.scope, q),
  });
  registerTableExport(app, {
    path: '/api/vulnerabilities/websites/export',
    permission: 'vuln.read',
    tags,
    what: 'Websites web scanners tested, with their open findings',
    query: ZWebsiteQuery,
    sheet: 'Trang web',
    fileStem: 'trang-web',
    columns: websiteColumns,
    list: (req, q) => listWebsites(db, req.scope, q),
  });
  registerTableExport(app, {
    path: '/api/vulnerabilities/findings/export',
    permission: 'vuln.read',
    tags,
    what: 'Vulnerability findings with their computer or website and deadline',
    query: ZFindingQuery,
    sheet: 'Lỗ hổng',
    fileStem: 'lo-hong',
    columns: findingColumns,
    list: (req, q) => listFindings(db, actorOf(req), req.scope, q),
  });
}
