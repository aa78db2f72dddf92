import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db/client.ts';
import { incidentReports } from '../../src/modules/incidents/index.ts';
import { type Client, startApp } from '../support/app.ts';
import { openTestDatabase, TEST_DATABASES } from '../support/db.ts';
import { docxText, POPPLER, pdfText } from '../support/documents.ts';

// The statutory forms of TT 20/2017 as a user receives them: each PDF's text (pdftotext) shows the record's fields
// and the recipients in force on its date; each DOCX opens; issuing records the hash of what was sent.

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const VNCERT = 'Trung tâm Ứng cứu khẩn cấp không gian mạng Việt Nam (VNCERT/CC)';
const A05 = 'Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao (A05), Bộ Công an';
const COMMITTEE = 'Ủy ban nhân dân tỉnh Lào Cai';
const RESPONSE_UNIT = 'Trung tâm Giám sát, điều hành an toàn thông tin mạng tỉnh Lào Cai';

describe.each(TEST_DATABASES)('incident forms 01–05 on %s', (kind) => {
  let database: Database;
  let t: Awaited<ReturnType<typeof startApp>>;
  let admin: Client;
  let dept: Client;
  let agencyA: Client;
  let agencyB: Client;
  const ids = {} as Record<'province' | 'orgA' | 'orgB' | 'before' | 'after' | 'member' | 'memberB', string>;
  let afterCode: string;

  /** A file answer: its bytes (the inject payload as a Buffer). */
  const get = async (c: Client, url: string) => {
    const res = await c.request('GET', url);
    return { res, body: res.rawPayload };
  };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    t = await startApp(database);
    admin = await t.userWithRole('forms-admin', 'admin');
    const org = async (body: Record<string, unknown>) => {
      const res = await admin.request('POST', '/api/organisations', { ipRanges: [], ...body });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    ids.province = await org({ code: 'LC', name: 'Tỉnh Lào Cai', type: 'province' });
    ids.orgA = await org({
      code: 'SKHCN',
      name: 'Sở Khoa học và Công nghệ',
      type: 'department',
      parentId: ids.province,
      headName: 'Hoàng Văn Thụ',
      headTitle: 'Giám đốc Sở Khoa học và Công nghệ',
      address: 'Số 1 đường Hoàng Liên, phường Lào Cai',
      phone: '0214 3840 111',
      email: 'skhcn@laocai.gov.vn',
    });
    ids.orgB = await org({ code: 'SYT', name: 'Sở Y tế', type: 'department', parentId: ids.province });
    const bodies = await admin.request('PUT', '/api/bodies', [
      {
        code: 'LC-UBND',
        role: 'province_committee',
        name: COMMITTEE,
        shortName: 'UBND tỉnh Lào Cai',
        organisationCode: 'LC',
        validFrom: '2016-07-01',
        legalBasis: 'NĐ 85/2016/NĐ-CP',
      },
      {
        code: 'LC-UCSC',
        role: 'incident_response_unit',
        name: RESPONSE_UNIT,
        shortName: 'Trung tâm ATTT Lào Cai',
        validFrom: '2017-03-16',
        legalBasis: 'QĐ 05/2017/QĐ-TTg, Điều 6',
      },
    ]);
    expect(bodies.statusCode, bodies.body).toBe(200);
    dept = await t.userWithRole('forms-dept', 'department');
    agencyA = await t.userWithRole('forms-agency-a', 'agency', ids.orgA);
    agencyB = await t.userWithRole('forms-agency-b', 'agency', ids.orgB);

    const incident = async (body: Record<string, unknown>) => {
      const res = await agencyA.request('POST', '/api/incidents', { organisationId: ids.orgA, ...body });
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as { id: string; code: string };
    };
    ids.before = (
      await incident({
        title: 'Cổng thông tin điện tử bị thay đổi giao diện',
        detectedAt: '2025-02-10T09:30:00+07:00',
        type: 'defacement',
        contactName: 'Lò Thị Hoa',
        contactPosition: 'Chuyên viên công nghệ thông tin',
        contactPhone: '0912 345 678',
        contactEmail: 'hoa.lt@laocai.gov.vn',
        description: 'Trang chủ hiển thị nội dung lạ.',
        damage: 'Gián đoạn cổng thông tin 3 giờ.',
        provider: 'Trung tâm dữ liệu tỉnh',
        actionsTaken: 'Cô lập máy chủ web, khôi phục từ bản sao lưu.',
        proposals: 'Đề nghị hỗ trợ rà soát mã độc.',
        beyondCapability: true,
      })
    ).id;
    const after = await incident({
      title: 'Máy trạm nhiễm mã độc mã hóa dữ liệu',
      detectedAt: '2025-04-15T14:05:00+07:00',
      type: 'encryption',
      contactName: 'Lò Thị Hoa',
      results: 'Đã khôi phục 40 máy trạm từ bản sao lưu.',
      proposals: 'Triển khai sao lưu ngoại tuyến hằng tuần.',
    });
    ids.after = after.id;
    afterCode = after.code;
    for (const step of [
      { step: 'receive_verify', at: '2025-04-15T14:30:00+07:00', note: 'Tiếp nhận, xác minh 40 máy trạm bị mã hóa.' },
      { step: 'contain', at: '2025-04-15T16:00:00+07:00', note: 'Ngắt kết nối mạng các máy bị nhiễm.' },
      { step: 'lessons', at: '2025-04-18T10:00:00+07:00', note: 'Cần sao lưu ngoại tuyến và vá hệ điều hành.' },
    ]) {
      const res = await agencyA.request('POST', `/api/incidents/${ids.after}/steps`, step);
      expect(res.statusCode, res.body).toBe(201);
    }

    const member = async (body: Record<string, unknown>) => {
      const res = await dept.request('POST', '/api/team/members', body);
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    ids.member = await member({
      fullName: 'Phạm Quốc Việt',
      organisationId: ids.orgA,
      teamRole: 'lead',
      position: 'Trưởng phòng Công nghệ thông tin',
      expertise: 'Phân tích mã độc, điều tra số',
      phone: '0987 654 321',
      email: 'viet.pq@laocai.gov.vn',
      validFrom: '2024-01-01',
    });
    await member({
      fullName: 'Đặng Thu Trang',
      organisationId: ids.orgA,
      position: 'Chuyên viên',
      phone: '0977 111 222',
      email: 'trang.dt@laocai.gov.vn',
      validFrom: '2024-01-01',
    });
    ids.memberB = await member({
      fullName: 'Vũ Đức Anh',
      organisationId: ids.orgB,
      phone: '0966 000 111',
      email: 'anh.vd@syt.laocai.gov.vn',
      validFrom: '2024-01-01',
    });
  });
  afterAll(async () => {
    await t.app.close();
    await database.close();
  });

  it.skipIf(!POPPLER)(
    'form 03 is filled from the record and addressed to the coordinating body of its date',
    async () => {
      const { res, body } = await get(agencyA, `/api/incidents/${ids.before}/forms/03`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['x-content-sha256']).toBe(sha256(body));
      const text = pdfText(body);
      for (const s of [
        'UBND TỈNH LÀO CAI',
        'SỞ KHOA HỌC VÀ CÔNG NGHỆ',
        'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
        'Độc lập - Tự do - Hạnh phúc',
        // Dated the detection day: the place is the province's name, from the organisation tree.
        'Lào Cai, ngày 10 tháng 02 năm 2025',
        'BÁO CÁO',
        'Ban đầu sự cố an toàn thông tin mạng',
        'Tên đơn vị vận hành hệ thống thông tin: Sở Khoa học và Công nghệ',
        `Cơ quan chủ quản: ${COMMITTEE}`,
        'Họ và tên: Lò Thị Hoa',
        'Chức vụ: Chuyên viên công nghệ thông tin',
        'Thời điểm phát hiện: 09:30 ngày 10/02/2025',
        'Loại sự cố: Thay đổi giao diện',
        'Vượt quá khả năng tự xử lý',
        'Cô lập máy chủ web, khôi phục từ bản sao lưu.',
        'Đề nghị hỗ trợ rà soát mã độc.',
        'GIÁM ĐỐC Hoàng Văn Thụ',
      ])
        expect(text).toContain(s);
      // Recipients of 10/02/2025: the owner, the provincial response unit, and VNCERT/CC (before the 2025 transfer).
      for (const r of [COMMITTEE, RESPONSE_UNIT, VNCERT]) expect(text).toContain(r);
      expect(text).not.toContain('A05');
      expect(decodeURIComponent(String(res.headers['x-recipients']))).toContain('VNCERT/CC');

      // An incident detected after 01/03/2025 goes to the Ministry of Public Security's body instead.
      const later = await get(agencyA, `/api/incidents/${ids.after}/forms/03`);
      const laterText = pdfText(later.body);
      expect(laterText).toContain('Lào Cai, ngày 15 tháng 4 năm 2025');
      expect(laterText).toContain(A05);
      expect(laterText).not.toContain('VNCERT');
      expect(laterText).toContain('Loại sự cố: Mã hóa phần mềm, dữ liệu, thiết bị');
      expect(laterText).toContain('Đơn vị tự xử lý được');

      // ?on= dates it another day, with that day's recipients.
      const redated = await get(agencyA, `/api/incidents/${ids.before}/forms/03?on=2025-03-03`);
      expect(pdfText(redated.body)).toContain(A05);
      const early = await agencyA.request('GET', `/api/incidents/${ids.before}/forms/03?on=2025-02-01`);
      expect(early.statusCode).toBe(400);
    },
  );

  it('form 03 as DOCX opens and holds the same text', async () => {
    const { res, body } = await get(agencyA, `/api/incidents/${afterCode}/forms/03?format=docx`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(res.headers['content-disposition']).toContain(`mau-03-${afterCode}.docx`);
    const text = await docxText(body);
    for (const s of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Lào Cai, ngày 15 tháng 4 năm 2025',
      'Máy trạm nhiễm mã độc mã hóa dữ liệu',
      '14:05 ngày 15/04/2025',
      A05,
      COMMITTEE,
    ])
      expect(text).toContain(s);
  });

  it('form 04: the timeline, results and lessons; issuing stores the hash and recipients, audited, and lets it close', async () => {
    // The response has not ended: no closing report yet.
    const early = await agencyA.request('POST', `/api/incidents/${ids.after}/forms/04/issue`);
    expect(early.statusCode).toBe(409);
    const ended = await agencyA.request('POST', `/api/incidents/${ids.after}/transitions`, {
      to: 'responded',
      at: '2025-04-18T17:00:00+07:00',
    });
    expect(ended.statusCode, ended.body).toBe(200);
    const refused = await dept.request('POST', `/api/incidents/${ids.after}/transitions`, { to: 'closed' });
    expect(refused.statusCode).toBe(409);

    const draft = await get(agencyA, `/api/incidents/${ids.after}/forms/04?format=docx`);
    expect(draft.res.statusCode, draft.res.body).toBe(200);
    const draftText = await docxText(draft.body);
    for (const s of [
      'Kết thúc ứng phó sự cố an toàn thông tin mạng',
      'Lào Cai, ngày 18 tháng 4 năm 2025',
      'Diễn biến quá trình ứng cứu',
      'Tiếp nhận, xác minh sự cố',
      '15/04/2025 14:30',
      'Ngắt kết nối mạng các máy bị nhiễm.',
      'Thời điểm kết thúc ứng cứu: 17:00 ngày 18/04/2025',
      'Đã khôi phục 40 máy trạm từ bản sao lưu.',
      'Cần sao lưu ngoại tuyến và vá hệ điều hành.',
      'Triển khai sao lưu ngoại tuyến hằng tuần.',
      A05,
      COMMITTEE,
    ])
      expect(draftText).toContain(s);
    // The closing report goes to the owner and the national coordinator, not the provincial unit (the rule).
    expect(draftText).not.toContain(RESPONSE_UNIT);

    // Another agency cannot issue it (it cannot even see the incident).
    expect((await agencyB.request('POST', `/api/incidents/${ids.after}/forms/04/issue`)).statusCode).toBe(404);

    const issued = await agencyA.request('POST', `/api/incidents/${ids.after}/forms/04/issue`);
    expect(issued.statusCode, issued.body).toBe(201);
    const file = issued.rawPayload;
    expect(file.subarray(0, 5).toString()).toBe('%PDF-');
    expect(issued.headers['x-content-sha256']).toBe(sha256(file));
    const reportId = String(issued.headers['x-report-id']);
    const [row] = await database.db.select().from(incidentReports).where(eq(incidentReports.id, reportId));
    expect(row?.incidentId).toBe(ids.after);
    expect(row?.form).toBe('04');
    expect(row?.sha256).toBe(sha256(file));
    expect(row?.recipients).toContain(A05);
    expect(row?.recipients).toContain(COMMITTEE);
    expect(row?.issuedBy).toBe(agencyA.userId);
    if (POPPLER) expect(pdfText(file)).toContain('Kết thúc ứng phó sự cố');
    // Downloaded again, the issued report is dated its issue day and renders to the very bytes that were hashed.
    const reread = await get(agencyA, `/api/incidents/${ids.after}/forms/04`);
    expect(sha256(reread.body)).toBe(row?.sha256);

    const audit = (await admin.request('GET', `/api/audit?entityId=${ids.after}`)).json();
    const entry = audit.items.find((a: { action: string }) => a.action === 'incident.report.issue');
    expect(entry?.after?.sha256).toBe(sha256(file));
    expect(entry?.actorName).toBe('forms-agency-a');

    // Issued: the coordinator may now close the incident, and the form is dated the day it was issued.
    const closed = await dept.request('POST', `/api/incidents/${ids.after}/transitions`, { to: 'closed' });
    expect(closed.statusCode, closed.body).toBe(200);
    const again = await agencyA.request('POST', `/api/incidents/${ids.after}/forms/04/issue`);
    expect(again.statusCode).toBe(409);
  });

  it('forms 01 and 02 come from the roster and the organisation', async () => {
    const profile = await get(agencyA, `/api/team/members/${ids.member}/forms/01?format=docx&on=2026-01-05`);
    expect(profile.res.statusCode, profile.res.body).toBe(200);
    const p = await docxText(profile.body);
    for (const s of [
      'BẢN KHAI',
      'Hồ sơ thành viên mạng lưới ứng cứu sự cố',
      'Lào Cai, ngày 05 tháng 01 năm 2026',
      'Tên tổ chức: Sở Khoa học và Công nghệ',
      'Lãnh đạo phụ trách an toàn thông tin: Hoàng Văn Thụ',
      'Họ và tên: Phạm Quốc Việt',
      'Vai trò trong đội ứng cứu sự cố: Trưởng nhóm',
      'Điện thoại di động: 0987 654 321',
      'Phân tích mã độc, điều tra số',
      'Đặng Thu Trang',
      'trang.dt@laocai.gov.vn',
      'Tham gia từ ngày: 01/01/2024',
      A05,
    ])
      expect(p).toContain(s);
    expect(p).not.toContain('Vũ Đức Anh');

    const registration = await get(agencyA, '/api/team/forms/02?on=2025-01-20');
    expect(registration.res.statusCode, registration.res.body).toBe(200);
    if (POPPLER) {
      const r = pdfText(registration.body);
      for (const s of [
        'PHIẾU ĐĂNG KÝ',
        'Thông tin đầu mối ứng cứu sự cố',
        'Lào Cai, ngày 20 tháng 01 năm 2025',
        'Phạm Quốc Việt',
        '0977 111 222',
        'Trưởng nhóm',
        VNCERT,
      ])
        expect(r).toContain(s);
      expect(r).not.toContain('Vũ Đức Anh');
    }
    const deptView = await dept.request('GET', `/api/team/forms/02?organisationId=${ids.orgB}&format=docx`);
    expect(deptView.statusCode).toBe(200);
    expect(await docxText(deptView.rawPayload)).toContain('Vũ Đức Anh');
    // A Department user has no organisation of its own: it must name one.
    expect((await dept.request('GET', '/api/team/forms/02')).statusCode).toBe(400);
  });

  it('form 05 counts the period’s incidents by type, severity and state', async () => {
    const { res, body } = await get(agencyA, `/api/incidents/forms/05?year=2025&half=1&format=docx`);
    expect(res.statusCode, res.body).toBe(200);
    const text = await docxText(body);
    for (const s of [
      'Định kỳ công tác ứng cứu sự cố an toàn thông tin mạng 6 tháng đầu năm 2025',
      // Due before 20/06 (the rule): it covers 15/12/2024–19/06/2025 and is dated its last day.
      'Kỳ báo cáo: từ ngày 15/12/2024 đến ngày 19/06/2025',
      'Lào Cai, ngày 19 tháng 6 năm 2025',
      'Tổng số sự cố được phát hiện: 2',
      'Thay đổi giao diện',
      'Mã hóa phần mềm, dữ liệu, thiết bị',
      'Cổng thông tin điện tử bị thay đổi giao diện',
      '10/02/2025',
      A05,
    ])
      expect(text).toContain(s);
    // The periodic report goes to the national coordinator only.
    expect(text).not.toContain(RESPONSE_UNIT);
    const empty = await get(agencyA, `/api/incidents/forms/05?year=2024&half=1&format=docx`);
    expect(await docxText(empty.body)).toContain('Tổng số sự cố được phát hiện: 0');
    if (POPPLER) {
      const pdf = await get(dept, `/api/incidents/forms/05?year=2025&half=1&organisationId=${ids.province}`);
      expect(pdf.res.statusCode).toBe(200);
      // The province's report covers its subtree.
      expect(pdfText(pdf.body)).toContain('Tổng số sự cố được phát hiện: 2');
    }
    expect((await agencyA.request('GET', '/api/incidents/forms/05?year=2099&half=1')).statusCode).toBe(400);
  });

  it("an agency cannot download another agency's forms (not found)", async () => {
    for (const url of [
      `/api/incidents/${ids.before}/forms/03`,
      `/api/incidents/${afterCode}/forms/04`,
      `/api/team/members/${ids.member}/forms/01`,
      `/api/team/forms/02?organisationId=${ids.orgA}`,
      `/api/incidents/forms/05?year=2025&half=1&organisationId=${ids.orgA}`,
    ]) {
      const res = await agencyB.request('GET', url);
      expect(res.statusCode, url).toBe(404);
    }
    expect((await agencyB.request('POST', `/api/incidents/${ids.before}/forms/03/issue`)).statusCode).toBe(404);
    // Its own are served.
    expect((await agencyB.request('GET', `/api/team/members/${ids.memberB}/forms/01`)).statusCode).toBe(200);
    expect((await agencyB.request('GET', '/api/team/forms/02')).statusCode).toBe(200);
  });
});
