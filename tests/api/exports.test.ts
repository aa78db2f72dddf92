import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../../demo/load-demo.ts';
import { CLI_ACTOR } from '../../src/cli/context.ts';
import { type Database, queryRows } from '../../src/core/db/client.ts';
import { uiLabel } from '../../src/server/table-export.ts';
import { type Client, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';

/**
 * "Xuất Excel" of every list, read back with exceljs: Vietnamese headers, dates as dates and numbers as numbers, the
 * list's filters and order (the same rows as the list), another agency's rows absent, formula-like text as text.
 */

type Item = Record<string, unknown>;
type Case = {
  /** The list's path; its export is `<list>/export` unless `export` says otherwise. */
  list: string;
  export?: string;
  /** A filter the page sends (it must narrow the list). */
  filter: string;
  headers: string[];
  /** The headers are some of the file's (a long documented layout), not all of them. */
  headersInclude?: boolean;
  /** Headers of columns whose filled cells must be date-times / days / numbers. */
  instants?: string[];
  days?: string[];
  numbers?: string[];
  /** A column every row of the filtered file shows in the UI's words (the filter's value, in Vietnamese). */
  words?: [header: string, text: string];
  /** A column and the list item's value it must equal, row by row (the list's own order). */
  key: [header: string, value: (item: Item) => unknown];
  /**
   * The organisation of an agency user whose export must hold its own rows only: from the list's rows, or SQL naming
   * it (`id`); `false` where no agency may read the list.
   */
  organisationOf: ((item: Item) => string | null | undefined) | string | false;
  /** Lists every row of which any agency sees (a campaign's counts are what is scoped): the same rows, not fewer. */
  agencySeesAll?: boolean;
  /** SQL (or a request) that turns one text of the list into a formula (`=cmd…`), and the column showing it. */
  inject: [change: string | ((t: Ctx) => Promise<unknown>), header: string];
  /** Data the demo lacks for the filter to narrow the list. */
  prepare?: (t: Ctx) => Promise<unknown>;
  /** Personal data: the file must not be kept by a cache. */
  noStore?: boolean;
};
type Ctx = { admin: Client; database: Database };

const FORMULA = "=cmd|' /C calc'!A0";
const SQL_FORMULA = FORMULA.replaceAll("'", "''");

async function sheetOf(res: LightMyRequestResponse) {
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
  expect(res.headers['content-type']).toContain('spreadsheetml');
  expect(res.headers['content-disposition']).toMatch(/^attachment; filename\*=UTF-8''[a-z-]+-\d{4}-\d{2}-\d{2}\.xlsx$/);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
  const ws = wb.worksheets[0] as ExcelJS.Worksheet;
  const headers = (ws.getRow(1).values as unknown[]).slice(1).map(String);
  const rows: ExcelJS.Row[] = [];
  ws.eachRow((row, n) => {
    if (n > 1) rows.push(row);
  });
  const column = (header: string) => {
    const i = headers.indexOf(header);
    expect(i, `column ${header}`).toBeGreaterThanOrEqual(0);
    return rows.map((r) => r.getCell(i + 1));
  };
  return { headers, rows, column };
}

const CASES: Case[] = [
  {
    list: '/api/vulnerabilities/computers',
    filter: 'severity=high',
    headers: [
      'Địa chỉ IP',
      'Tên máy',
      'Hệ điều hành',
      'Cơ quan, đơn vị',
      'Lần quét gần nhất',
      'Lỗ hổng chưa xử lý',
      'Nghiêm trọng',
      'Cao',
    ],
    instants: ['Lần quét gần nhất'],
    numbers: ['Lỗ hổng chưa xử lý', 'Nghiêm trọng', 'Cao'],
    key: ['Địa chỉ IP', (i) => i.ip],
    organisationOf: (i) => i.organisationId as string,
    inject: [
      `update computers set hostname = '${SQL_FORMULA}' where id = (
        select c.id from computers c join vuln_findings f on f.computer_id = c.id
        where f.status = 'open' and f.severity = 'high' order by c.ip limit 1)`,
      'Tên máy',
    ],
  },
  {
    list: '/api/vulnerabilities/websites',
    filter: 'severity=medium',
    headers: [
      'Trang web',
      'Địa chỉ IP',
      'Cơ quan, đơn vị',
      'Hệ thống thông tin',
      'Lần quét gần nhất',
      'Lỗ hổng chưa xử lý',
      'Nghiêm trọng',
      'Cao',
    ],
    instants: ['Lần quét gần nhất'],
    numbers: ['Lỗ hổng chưa xử lý', 'Nghiêm trọng', 'Cao'],
    key: ['Trang web', (i) => i.siteKey],
    organisationOf: (i) => i.organisationId as string,
    inject: [
      `update websites set site_key = '${SQL_FORMULA}' where id = (
        select w.id from websites w join vuln_findings f on f.website_id = w.id
        where f.status = 'open' and f.severity = 'medium' order by w.site_key limit 1)`,
      'Trang web',
    ],
  },
  {
    list: '/api/vulnerabilities/findings',
    words: ['Mức độ', 'Cao'],
    filter: 'status=open&severity=high',
    headers: [
      'Mức độ',
      'Điểm CVSS',
      'CVE',
      'Lỗ hổng',
      'Địa chỉ IP',
      'Tên máy / máy chủ web',
      'Trang web',
      'Cổng',
      'Địa chỉ (URL)',
      'Cơ quan, đơn vị',
      'Trạng thái',
      'Đang bị khai thác (KEV)',
      'Phát hiện lần đầu',
      'Phát hiện gần nhất',
      'Hạn khắc phục',
      'Quá hạn',
      'Công cụ quét',
    ],
    instants: ['Phát hiện lần đầu', 'Phát hiện gần nhất', 'Hạn khắc phục'],
    numbers: ['Điểm CVSS', 'Cổng'],
    key: ['Lỗ hổng', (i) => (i.finding as Item).name],
    organisationOf: (i) => (i.finding as Item).organisationId as string,
    inject: [
      `update vuln_findings set name = '${SQL_FORMULA}' where id = (
        select id from vuln_findings where status = 'open' and severity = 'high' order by id limit 1)`,
      'Lỗ hổng',
    ],
  },
  {
    list: '/api/soc/findings',
    words: ['Loại', 'Nguồn rà quét'],
    filter: 'kind=scanner',
    headers: [
      'Loại',
      'Địa chỉ IP',
      'Cơ quan, đơn vị',
      'Phạm vi mạng',
      'Kiểu rà quét',
      'Chỉ báo độc hại',
      'Chiều kết nối',
      'Số lần thử / sự kiện',
      'Số đích',
      'Số cổng',
      'Thấy lần đầu',
      'Thấy lần cuối',
      'Trạng thái',
      'Ghi chú xử lý',
    ],
    instants: ['Thấy lần đầu', 'Thấy lần cuối'],
    numbers: ['Số lần thử / sự kiện', 'Số đích', 'Số cổng'],
    key: ['Địa chỉ IP', (i) => i.ip],
    organisationOf: (i) => i.organisationId as string,
    inject: [
      `update soc_findings set triage_note = '${SQL_FORMULA}' where id = (
        select id from soc_findings where kind = 'scanner' order by id limit 1)`,
      'Ghi chú xử lý',
    ],
  },
  {
    list: '/api/systems',
    export: '/api/systems/export',
    filter: 'state=approved',
    // The layout of docs/national-platform-export.md (importable): a few of its 37 columns.
    headers: ['Mã cơ quan', 'Tên hệ thống thông tin', 'Ngày đưa vào vận hành', 'Cấp độ đề xuất', 'Ngày phê duyệt'],
    headersInclude: true,
    days: ['Ngày đưa vào vận hành', 'Ngày phê duyệt'],
    numbers: ['Cấp độ đề xuất', 'Cấp độ được phê duyệt', 'Số người sử dụng'],
    key: ['Tên hệ thống thông tin', (i) => i.name],
    organisationOf: (i) => i.organisationId as string,
    inject: [
      `update information_systems set purpose = '${SQL_FORMULA}' where id = (
        select system_id from level_dossiers where state = 'approved' order by id limit 1)`,
      'Mục đích',
    ],
  },
  {
    list: '/api/dossiers',
    words: ['Trạng thái', 'Đã phê duyệt'],
    filter: 'state=approved',
    headers: [
      'Hệ thống thông tin',
      'Cơ quan, đơn vị',
      'Cấp độ đề xuất',
      'Cấp độ gợi ý',
      'Trạng thái',
      'Ngày nộp',
      'Ngày tiếp nhận',
      'Hạn thẩm định',
      'Hạn phê duyệt',
      'Quá hạn',
      'Số quyết định',
      'Ngày quyết định',
      'Cập nhật lần cuối',
    ],
    instants: ['Ngày nộp', 'Cập nhật lần cuối'],
    days: ['Ngày quyết định'],
    numbers: ['Cấp độ đề xuất'],
    key: ['Hệ thống thông tin', (i) => i.systemName],
    organisationOf: (i) => i.organisationId as string,
    inject: [
      `update level_dossiers set decision_number = '${SQL_FORMULA}' where id = (
        select id from level_dossiers where state = 'approved' order by id limit 1)`,
      'Số quyết định',
    ],
  },
  {
    list: '/api/advisories',
    words: ['Trạng thái', 'Đã gửi'],
    filter: 'state=published',
    headers: [
      'Tiêu đề',
      'Số văn bản',
      'Cơ quan cảnh báo',
      'Nguồn nhập',
      'Mức độ',
      'Điểm CVSS',
      'CVE',
      'CVE đang bị khai thác (KEV)',
      'Ngày ban hành',
      'Hạn xác nhận',
      'Hạn xử lý',
      'Trạng thái',
      'Số cơ quan',
      'Đã xác nhận',
      'Số đối tượng',
      'Đã khắc phục',
      'Cơ quan chậm',
      'Thời điểm gửi',
    ],
    instants: ['Thời điểm gửi'],
    days: ['Ngày ban hành'],
    numbers: ['Số cơ quan', 'Đã xác nhận'],
    key: ['Tiêu đề', (i) => i.title],
    organisationOf: 'select organisation_id::text as id from advisory_organisations order by organisation_id limit 1',
    // A draft the demo lacks, so that the state filter narrows the list (agencies never see drafts).
    prepare: ({ admin }) => admin.request('POST', '/api/advisories', { title: 'Cảnh báo nháp', severity: 'high' }),
    inject: [`update advisories set source_number = '${SQL_FORMULA}' where state = 'published'`, 'Số văn bản'],
  },
  {
    list: '/api/incidents',
    words: ['Trạng thái', 'Đã đóng'],
    filter: 'state=closed',
    headers: [
      'Mã sự cố',
      'Tên sự cố',
      'Cơ quan, đơn vị vận hành',
      'Hệ thống thông tin',
      'Thời điểm phát hiện',
      'Loại sự cố',
      'Mức độ',
      'Trạng thái',
      'Nguồn',
      'Báo cáo quá hạn',
      'Báo cáo nộp muộn',
    ],
    instants: ['Thời điểm phát hiện'],
    key: ['Mã sự cố', (i) => i.code],
    organisationOf: (i) => i.organisationId as string,
    inject: [`update incidents set title = '${SQL_FORMULA}' where state = 'closed'`, 'Tên sự cố'],
  },
  {
    list: '/api/drills',
    words: ['Hình thức', 'Diễn tập thực chiến'],
    filter: 'kind=live',
    headers: [
      'Tên cuộc diễn tập',
      'Hình thức',
      'Đơn vị tổ chức',
      'Ngày diễn tập',
      'Bắt đầu',
      'Kết thúc',
      'Trạng thái',
      'Số người tham gia',
      'Số người có mặt',
      'Số phát hiện',
    ],
    instants: ['Bắt đầu', 'Kết thúc'],
    days: ['Ngày diễn tập'],
    numbers: ['Số người tham gia', 'Số người có mặt', 'Số phát hiện'],
    key: ['Tên cuộc diễn tập', (i) => i.title],
    organisationOf:
      "select organisation_id::text as id from drill_participants p join drills d on d.id = p.drill_id where d.kind = 'live' order by organisation_id limit 1",
    inject: [`update drills set title = '${SQL_FORMULA}' where kind = 'live'`, 'Tên cuộc diễn tập'],
  },
  {
    list: '/api/sites',
    words: ['Loại', 'Trang web và thư điện tử'],
    filter: 'kind=both',
    headers: [
      'Tên miền',
      'Địa chỉ',
      'Cơ quan, đơn vị',
      'Loại',
      'Cơ quan nhà nước',
      'Hiệu lực từ',
      'Hiệu lực đến',
      'Kết quả kiểm tra',
      'Kiểm tra lúc',
      'Chứng thư số hết hạn',
      'Ghi chú',
    ],
    instants: ['Kiểm tra lúc'],
    key: ['Tên miền', (i) => i.host],
    // A department's own site (the province's sites are its whole subtree's).
    organisationOf: `select o.id::text as id from sites s join organisations o on o.id = s.organisation_id
      where o.type = 'department' order by o.code limit 1`,
    inject: [
      `update sites set note = '${SQL_FORMULA}' where id = (select id from sites where kind = 'both' order by id limit 1)`,
      'Ghi chú',
    ],
  },
  {
    list: '/api/awareness/activities',
    words: ['Hình thức', 'Tin nhắn SMS'],
    filter: 'channel=sms',
    headers: [
      'Ngày',
      'Xã, phường',
      'Chiến dịch',
      'Hình thức',
      'Lượt người được tiếp cận',
      'Ghi chú',
      'Số tệp minh chứng',
      'Người nhập',
      'Thời điểm nhập',
    ],
    instants: ['Thời điểm nhập'],
    days: ['Ngày'],
    numbers: ['Lượt người được tiếp cận', 'Số tệp minh chứng'],
    key: ['Xã, phường', (i) => i.organisationName],
    organisationOf: (i) => i.organisationId as string,
    inject: [
      `update awareness_activities set note = '${SQL_FORMULA}'
        where id = (select id from awareness_activities where channel = 'sms' order by id limit 1)`,
      'Ghi chú',
    ],
  },
  {
    list: '/api/phishing/campaigns',
    filter: `q=${encodeURIComponent('tháng 3/2026')}`,
    headers: [
      'Tên đợt diễn tập',
      'Tiêu đề thư',
      'Trạng thái',
      'Danh sách người nhận ngày',
      'Bắt đầu gửi',
      'Gửi xong',
      'Người nhận',
      'Đã gửi',
      'Đã mở',
      'Đã nhấp liên kết',
      'Đã nhập dữ liệu',
      'Đã báo cáo',
      'Tỷ lệ nhấp (%)',
      'Tỷ lệ báo cáo (%)',
    ],
    instants: ['Bắt đầu gửi', 'Gửi xong'],
    days: ['Danh sách người nhận ngày'],
    numbers: ['Người nhận', 'Đã gửi', 'Tỷ lệ nhấp (%)'],
    key: ['Tên đợt diễn tập', (i) => i.title],
    organisationOf: 'select organisation_ids[1]::text as id from phishing_campaigns order by title limit 1',
    agencySeesAll: true,
    inject: [`update phishing_campaigns set subject = '${SQL_FORMULA}' where title like '%3/2026'`, 'Tiêu đề thư'],
  },
  {
    list: '/api/residents/warnings',
    filter: 'state=published',
    headers: ['Tiêu đề', 'Tóm tắt', 'Hình thức lừa đảo', 'Trạng thái', 'Ngày đăng', 'Cập nhật lần cuối'],
    instants: ['Cập nhật lần cuối'],
    days: ['Ngày đăng'],
    key: ['Tiêu đề', (i) => i.title],
    organisationOf: false,
    inject: [
      `update resident_warnings set summary = '${SQL_FORMULA}'
        where id = (select id from resident_warnings where state = 'published' order by id limit 1)`,
      'Tóm tắt',
    ],
  },
  {
    list: '/api/residents/reports',
    words: ['Hình thức lừa đảo', 'Giả danh cơ quan nhà nước, công an'],
    filter: 'category=impersonation',
    headers: [
      'Mã phản ánh',
      'Thời điểm gửi',
      'Hình thức lừa đảo',
      'Nội dung',
      'Đối tượng nghi vấn',
      'Người phản ánh',
      'Liên hệ',
      'Số phản ánh trùng',
      'Trạng thái',
      'Ghi chú xử lý',
      'Chuyển tới',
      'Người xử lý',
    ],
    instants: ['Thời điểm gửi'],
    numbers: ['Số phản ánh trùng'],
    key: ['Mã phản ánh', (i) => i.code],
    organisationOf: false,
    noStore: true,
    inject: [
      `update scam_reports set suspect = '${SQL_FORMULA}' where category = 'impersonation'`,
      'Đối tượng nghi vấn',
    ],
  },
  {
    list: '/api/staff',
    filter: 'duty=information_security',
    // The import's layout (the file imports back): codes, not labels.
    headers: ['Mã đơn vị', 'Họ và tên', 'Chức vụ', 'Nhiệm vụ', 'Thư điện tử', 'Điện thoại', 'Từ ngày', 'Đến ngày'],
    days: ['Từ ngày'],
    key: ['Họ và tên', (i) => i.fullName],
    organisationOf: (i) => i.organisationId as string,
    inject: [
      `update staff_members set position = '${SQL_FORMULA}'
        where id = (select id from staff_members where duty = 'information_security'
          and valid_from <= current_date and (valid_to is null or valid_to >= current_date) order by id limit 1)`,
      'Chức vụ',
    ],
  },
  {
    list: '/api/audit',
    words: ['Loại đối tượng', 'Hệ thống thông tin'],
    filter: 'entityType=information_system',
    headers: [
      'Số thứ tự',
      'Thời điểm',
      'Người thực hiện',
      'Tài khoản',
      'Hành động',
      'Mã hành động',
      'Loại đối tượng',
      'Mã đối tượng',
      'Tên đối tượng',
      'Địa chỉ IP',
      'Trước',
      'Sau',
      'Mã băm SHA-256',
    ],
    instants: ['Thời điểm'],
    numbers: ['Số thứ tự'],
    key: ['Số thứ tự', (i) => i.seq],
    organisationOf: false,
    // The log refuses changes: a system named like a formula is created, and its entry names it.
    inject: [
      async ({ admin, database }) => {
        const [org] = await queryRows<{ id: string }>(
          database.db,
          sql`select organisation_id::text as id from information_systems limit 1`,
        );
        const res = await admin.request('POST', '/api/systems', {
          organisationId: org?.id,
          name: FORMULA,
          systemType: 'internal',
        });
        expect(res.statusCode, res.body).toBe(201);
      },
      'Tên đối tượng',
    ],
  },
  {
    list: '/api/inventory',
    filter: 'kind=system',
    headers: [
      'Sản phẩm',
      'Hãng',
      'Phiên bản',
      'CPE',
      'Nguồn',
      'Hệ thống thông tin',
      'Địa chỉ IP',
      'Tên máy',
      'Cổng',
      'Dịch vụ',
      'Cơ quan, đơn vị',
      'Thấy lần cuối',
    ],
    instants: ['Thấy lần cuối'],
    key: ['Sản phẩm', (i) => i.product],
    organisationOf: (i) => (i.organisation as Item | null)?.id as string,
    inject: [
      `update system_software set name = '${SQL_FORMULA}' where id = (select id from system_software order by id limit 1)`,
      'Sản phẩm',
    ],
  },
  {
    list: '/api/inspections',
    words: ['Trạng thái', 'Đã kết luận'],
    filter: 'state=concluded',
    headers: [
      'Cuộc kiểm tra',
      'Hình thức',
      'Trạng thái',
      'Kế hoạch',
      'Cơ quan, đơn vị được kiểm tra',
      'Cơ quan kiểm tra',
      'Bắt đầu theo kế hoạch',
      'Kết thúc theo kế hoạch',
      'Ngày thông báo',
      'Ngày bắt đầu',
      'Ngày kết thúc',
      'Ngày kết luận',
      'Ngày đóng',
      'Số hệ thống',
      'Số phát hiện',
      'Phát hiện chưa đóng',
      'Phát hiện quá hạn',
      'Thời hạn thông báo',
      'Thời hạn kết luận',
    ],
    days: ['Bắt đầu theo kế hoạch', 'Ngày kết luận'],
    numbers: ['Số hệ thống', 'Số phát hiện', 'Phát hiện chưa đóng'],
    key: ['Cuộc kiểm tra', (i) => i.title],
    organisationOf: (i) => i.organisationId as string,
    inject: [
      `update inspections set title = '${SQL_FORMULA}'
        where id = (select id from inspections where state = 'concluded' order by id limit 1)`,
      'Cuộc kiểm tra',
    ],
  },
  {
    list: '/api/users',
    words: ['Vai trò', 'Cán bộ cơ quan, đơn vị'],
    filter: 'role=agency',
    headers: [
      'Tên đăng nhập',
      'Họ và tên',
      'Thư điện tử',
      'Vai trò',
      'Cơ quan, đơn vị',
      'Gồm đơn vị trực thuộc',
      'Xác thực hai lớp',
      'Trạng thái',
      'Đăng nhập gần nhất',
      'Ngày tạo',
    ],
    instants: ['Ngày tạo'],
    key: ['Tên đăng nhập', (i) => i.username],
    organisationOf: false,
    inject: [
      `update users set display_name = '${SQL_FORMULA}'
        where id = (select id from users where role = 'agency' order by username limit 1)`,
      'Họ và tên',
    ],
  },
];

describe.each(TEST_DATABASES)('list exports on %s', (kind) => {
  let database: Database;
  let admin: Client;
  let userWithRole: Awaited<ReturnType<typeof startApp>>['userWithRole'];
  let close: () => Promise<void>;
  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await loadDemo(database.db, CLI_ACTOR);
    const started = await startApp(database);
    userWithRole = started.userWithRole;
    close = () => started.app.close();
    admin = await userWithRole('export-admin', 'admin');
    for (const c of CASES) await c.prepare?.({ admin, database });
  }, 600_000);
  afterAll(async () => {
    await close();
    await database.close();
  });

  const pathOf = (c: Case) => c.export ?? `${c.list}/export`;
  /** Every row of the list for `query`, page after page (200: the smallest largest page of the lists). */
  const listed = async (client: Client, c: Case, query: string) => {
    const items: Item[] = [];
    for (;;) {
      const res = await client.request('GET', `${c.list}?${query}${query ? '&' : ''}limit=200&offset=${items.length}`);
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      const body = res.json() as { items: Item[]; total: number };
      items.push(...body.items);
      if (!body.items.length || items.length >= body.total) return { items, total: body.total };
    }
  };
  const keysOf = (c: Case, items: Item[]) =>
    items.map((i) => {
      const v = c.key[1](i);
      return v === null || v === undefined ? null : String(v);
    });

  it.each(CASES)('$list: headers, types, the filter and the list’s order', async (c) => {
    const all = await listed(admin, c, '');
    const filtered = await listed(admin, c, c.filter);
    expect(filtered.total).toBeGreaterThan(0);
    expect(filtered.total).toBeLessThan(all.total);
    const res = await admin.request('GET', `${pathOf(c)}?${c.filter}`);
    if (c.noStore) expect(res.headers['cache-control']).toBe('no-store');
    const { headers, rows, column } = await sheetOf(res);
    if (c.headersInclude) expect(headers).toEqual(expect.arrayContaining(c.headers));
    else expect(headers).toEqual(c.headers);
    expect(rows).toHaveLength(filtered.total);
    expect(column(c.key[0]).map((cell) => cell.text || null)).toEqual(keysOf(c, filtered.items));
    const typed = (hs: string[] | undefined, type: ExcelJS.ValueType, numFmt?: string) => {
      for (const h of hs ?? []) {
        const cells = column(h).filter((cell) => cell.value !== null && cell.value !== '');
        expect(cells.length, `${h} has values`).toBeGreaterThan(0);
        for (const cell of cells) {
          expect(cell.type, h).toBe(type);
          if (numFmt) expect(cell.numFmt, h).toBe(numFmt);
        }
      }
    };
    if (c.words) expect(new Set(column(c.words[0]).map((cell) => cell.text))).toEqual(new Set([c.words[1]]));
    typed(c.instants, ExcelJS.ValueType.Date, 'dd/mm/yyyy hh:mm');
    typed(c.days, ExcelJS.ValueType.Date, 'dd/mm/yyyy');
    typed(c.numbers, ExcelJS.ValueType.Number);
  });

  it.each(CASES.filter((c) => c.organisationOf !== false))('$list: an agency exports its own rows only', async (c) => {
    const all = await listed(admin, c, '');
    const org =
      typeof c.organisationOf === 'string'
        ? (await queryRows<{ id: string }>(database.db, sql.raw(c.organisationOf)))[0]?.id
        : all.items.map(c.organisationOf as (i: Item) => string).find(Boolean);
    expect(org).toBeTruthy();
    const agency = await userWithRole(`export-agency-${CASES.indexOf(c)}`, 'agency', org as string);
    const own = await listed(agency, c, '');
    expect(own.total).toBeGreaterThan(0);
    if (c.agencySeesAll) expect(own.total).toBe(all.total);
    else expect(own.total).toBeLessThan(all.total);
    const { rows, column } = await sheetOf(await agency.request('GET', pathOf(c)));
    expect(rows).toHaveLength(own.total);
    expect(column(c.key[0]).map((cell) => cell.text || null)).toEqual(keysOf(c, own.items));
  });

  it.each(CASES)('$list: a text beginning with "=" is exported as text, in XLSX and CSV', async (c) => {
    const [change, header] = c.inject;
    if (typeof change === 'string') await database.db.execute(sql.raw(change));
    else await change({ admin, database });
    const { column } = await sheetOf(await admin.request('GET', `${pathOf(c)}?${c.filter}`));
    const cells = column(header).filter((cell) => String(cell.value).includes('cmd|'));
    expect(cells).toHaveLength(1);
    expect(cells[0]?.type).toBe(ExcelJS.ValueType.String);
    expect(cells[0]?.value).toBe(`'${FORMULA}`);
    const csv = await admin.request('GET', `${pathOf(c)}?${c.filter}&format=csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain(`'${FORMULA}`);
    expect(csv.body).not.toMatch(/(^|,)"?=cmd/m);
  });

  it('refuses a format it does not know, naming the field, and a reversed period', async () => {
    const res = await admin.request('GET', '/api/vulnerabilities/computers/export?format=pdf');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('format');
    // The list's own refinements hold for its export too.
    const reversed = await admin.request('GET', '/api/soc/findings/export?from=2024-06-30&to=2024-01-01');
    expect(reversed.statusCode).toBe(400);
    expect(reversed.body).toContain('to');
  });
});

describe('the UI’s words in exports', () => {
  it('names a value as the web UI does, nested or dotted keys alike, and keeps a value it has no word for', () => {
    expect(uiLabel('vuln.severity')('critical')).toBe('Nghiêm trọng');
    expect(uiLabel('auditActions')('user.create')).toBe('Tạo tài khoản');
    expect(uiLabel('auditActions')('auth.login.failure')).toBe('Đăng nhập không thành công');
    expect(uiLabel('auditActions')('something.new')).toBe('something.new');
    expect(uiLabel('no.such.group')('x')).toBe('x');
    expect(uiLabel('vuln.severity')(null)).toBeNull();
  });
});
