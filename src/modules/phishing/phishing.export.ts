import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { Db } from '../../core/db/client.ts';
import { type Column, dayCell } from '../../core/tabular.ts';
import { registerTableExport, uiLabel } from '../../server/table-export.ts';
import type { ZPhishingCampaignItem } from './phishing.contract.ts';
import { ZPhishingListQuery } from './phishing.input.ts';
import { listCampaigns } from './phishing.service.ts';

/** The phishing exercises as a file, with the list's filters and the counts over the recipients in scope. */

const state = uiLabel('phishing.states');
/** A rate (0–1) as a percentage with one decimal; none when nothing was sent. */
const percent = (r: number | null) => (r === null ? null : Math.round(r * 1000) / 10);

const columns: Column<z.output<typeof ZPhishingCampaignItem>>[] = [
  { key: 'title', header: 'Tên đợt diễn tập', width: 40, value: (c) => c.title },
  { key: 'subject', header: 'Tiêu đề thư', width: 36, value: (c) => c.subject },
  { key: 'state', header: 'Trạng thái', width: 14, value: (c) => state(c.state) },
  { key: 'recipientsOn', header: 'Danh sách người nhận ngày', width: 14, value: (c) => dayCell(c.recipientsOn) },
  { key: 'launchedAt', header: 'Bắt đầu gửi', width: 18, value: (c) => c.launchedAt },
  { key: 'completedAt', header: 'Gửi xong', width: 18, value: (c) => c.completedAt },
  { key: 'recipients', header: 'Người nhận', width: 10, value: (c) => c.counts.recipients },
  { key: 'sent', header: 'Đã gửi', width: 10, value: (c) => c.counts.sent },
  { key: 'opened', header: 'Đã mở', width: 10, value: (c) => c.counts.opened },
  { key: 'clicked', header: 'Đã nhấp liên kết', width: 10, value: (c) => c.counts.clicked },
  { key: 'submitted', header: 'Đã nhập dữ liệu', width: 10, value: (c) => c.counts.submitted },
  { key: 'reported', header: 'Đã báo cáo', width: 10, value: (c) => c.counts.reported },
  { key: 'clickRate', header: 'Tỷ lệ nhấp (%)', width: 10, value: (c) => percent(c.counts.clickRate) },
  { key: 'reportRate', header: 'Tỷ lệ báo cáo (%)', width: 10, value: (c) => percent(c.counts.reportRate) },
];

export function registerPhishingExports(app: FastifyInstance, { db }: { db: Db }) {
  registerTableExport(app, {
    path: '/api/phishing/campaigns/export',
    permission: 'phishing.read',
    tags: ['phishing'],
    what: 'Phishing exercises with their counts',
    query: ZPhishingListQuery,
    sheet: 'Diễn tập thư giả mạo',
    fileStem: 'dien-tap-thu-gia-mao',
    columns,
    list: (req, q) => listCampaigns(db, req.scope, q),
  });
}
