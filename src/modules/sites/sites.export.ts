import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { Db } from '../../core/db/client.ts';
import { type Column, dayCell, yesNo } from '../../core/tabular.ts';
import { registerTableExport, uiLabel } from '../../server/table-export.ts';
import type { ZSite } from './sites.contract.ts';
import { ZSiteQuery } from './sites.input.ts';
import { listSites } from './sites.service.ts';

/** The register of agency websites and domains as a file, with the list's filters and each one's latest check. */

const kind = uiLabel('sites.kinds');
const verdict = uiLabel('sites.verdicts');

const columns: Column<z.output<typeof ZSite>>[] = [
  { key: 'host', header: 'Tên miền', width: 30, value: (s) => s.host },
  { key: 'url', header: 'Địa chỉ', width: 36, value: (s) => s.url },
  { key: 'organisation', header: 'Cơ quan, đơn vị', width: 36, value: (s) => s.organisationName },
  { key: 'kind', header: 'Loại', width: 20, value: (s) => kind(s.kind) },
  { key: 'stateBody', header: 'Cơ quan nhà nước', width: 10, value: (s) => yesNo(s.stateBody) },
  { key: 'validFrom', header: 'Hiệu lực từ', width: 14, value: (s) => dayCell(s.validFrom) },
  { key: 'validTo', header: 'Hiệu lực đến', width: 14, value: (s) => dayCell(s.validTo) },
  { key: 'verdict', header: 'Kết quả kiểm tra', width: 16, value: (s) => verdict(s.latest?.verdict ?? 'unchecked') },
  { key: 'checkedAt', header: 'Kiểm tra lúc', width: 18, value: (s) => s.latest?.checkedAt ?? null },
  {
    key: 'certificate',
    header: 'Chứng thư số hết hạn',
    width: 18,
    value: (s) => s.latest?.certificateValidTo ?? null,
  },
  { key: 'note', header: 'Ghi chú', width: 30, value: (s) => s.note },
];

export function registerSiteExports(app: FastifyInstance, { db }: { db: Db }) {
  registerTableExport(app, {
    path: '/api/sites/export',
    permission: 'site.read',
    tags: ['sites'],
    what: 'The register of agency websites and domains in force on a day, with each one’s latest check',
    query: ZSiteQuery,
    sheet: 'Trang web, tên miền',
    fileStem: 'trang-web-ten-mien',
    columns,
    list: (req, q) => listSites(db, req.scope, q),
  });
}
