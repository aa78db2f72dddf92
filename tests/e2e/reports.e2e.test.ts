// An official report in a real browser: one official drafts the six-month statement on the "Báo cáo" page and
// cannot approve it; a colleague approves and issues it; the issued number shows and the PDF downloaded from the
// page carries it. Screenshots at 1440 and 390 px.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POPPLER, pdfBodyText } from '../support/documents.ts';
import {
  adminApi,
  atBothWidths,
  createUsers,
  type Harness,
  haveChromium,
  seedAdmin,
  signIn,
  startHarness,
} from './support.ts';

describe.skipIf(!haveChromium)('official reports in the browser', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness(seedAdmin());
    const admin = await adminApi(h);
    await admin.call(
      'POST',
      '/api/organisations',
      { code: 'T', name: 'Tỉnh Thử Nghiệm', type: 'province', parentId: null, validFrom: '2020-01-01', ipRanges: [] },
      201,
    );
    await createUsers(h, [
      ['soan', 'Chuyên viên Soạn', 'department', null],
      ['duyet', 'Lãnh đạo Duyệt', 'department', null],
    ]);
  });
  afterAll(() => h?.close());

  it('drafts an inspection conclusion from an inspection under way', async () => {
    const admin = await adminApi(h);
    const unit = async (code: string, name: string) =>
      (
        await admin.call(
          'POST',
          '/api/organisations',
          { code, name, type: 'department', parentId: null, validFrom: '2020-01-01', ipRanges: [] },
          201,
        )
      ).id as string;
    const inspector = await unit('STTTT', 'Sở Thông tin và Truyền thông');
    const agency = await unit('SYT', 'Sở Y tế');
    const inspection = await admin.call(
      'POST',
      '/api/inspections',
      {
        title: 'Kiểm tra đột xuất Sở Y tế',
        kind: 'ad_hoc',
        organisationId: agency,
        inspectorOrganisationId: inspector,
        plannedStart: '2024-05-20',
        plannedEnd: '2024-05-21',
      },
      201,
    );
    for (const [to, on] of [
      ['notified', '2024-05-08'],
      ['in_progress', '2024-05-20'],
    ])
      await admin.call('POST', `/api/inspections/${inspection.id}/transitions`, { to, on });
    const author = await signIn(h, 'soan');
    await author.getByTestId('nav-reports').click();
    await author.getByTestId('report-kind').selectOption('inspection_conclusion');
    await author.getByTestId('report-inspection').selectOption(String(inspection.id));
    await author.getByTestId('report-create').click();
    const view = author.getByTestId('report-view');
    await view.getByText('Kiểm tra, đánh giá an toàn thông tin tại Sở Y tế').waitFor();
    await expect.poll(() => view.getByTestId('report-state').textContent(), { timeout: 30_000 }).toBe('Dự thảo');
    await atBothWidths(author, 'reports', 'conclusion');
    expect(h.pageErrors).toEqual([]);
  }, 180_000);

  it('drafts, approves by another official, issues with a number and downloads the PDF', async () => {
    const author = await signIn(h, 'soan');
    await author.getByTestId('nav-reports').click();
    await author.getByRole('heading', { name: 'Báo cáo', exact: true }).waitFor();
    await author.getByTestId('report-kind').selectOption('six_month');
    await author.getByTestId('report-year').fill('2024');
    await author.getByTestId('report-half').selectOption('1');
    await author.getByTestId('report-create').click();
    const view = author.getByTestId('report-view');
    await view.getByText('Kết quả công tác bảo đảm an toàn thông tin mạng 6 tháng đầu năm 2024').waitFor();
    await expect.poll(() => view.getByTestId('report-state').textContent(), { timeout: 30_000 }).toBe('Dự thảo');
    // The author may not approve their own draft.
    expect(await view.getByTestId('report-approve').isDisabled()).toBe(true);
    await view.getByText('Số liệu tính đến ngày 30/06/2024').waitFor();
    await atBothWidths(author, 'reports', 'draft');

    const approver = await signIn(h, 'duyet');
    await approver.getByTestId('nav-reports').click();
    await approver.getByTestId('report-open').first().click();
    const v2 = approver.getByTestId('report-view');
    await v2.getByTestId('report-approve').click();
    await expect.poll(() => v2.getByTestId('report-state').textContent(), { timeout: 30_000 }).toBe('Đã phê duyệt');
    await v2.getByTestId('report-issue').click();
    await expect.poll(() => v2.getByTestId('report-state').textContent(), { timeout: 30_000 }).toBe('Đã ban hành');
    const number = (await v2.getByTestId('report-number').textContent()) ?? '';
    expect(number).toMatch(/^01\/BC-/);
    await atBothWidths(approver, 'reports', 'issued');

    const href = (await v2.getByTestId('report-pdf').getAttribute('href')) ?? '';
    const res = await approver.request.get(new URL(href, h.base).toString());
    expect(res.status()).toBe(200);
    const pdf = Buffer.from(await res.body());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    if (POPPLER) expect(pdfBodyText(pdf)).toContain(`Số: ${number.split(' ')[0]}`);
    expect(h.pageErrors).toEqual([]);
  }, 180_000);
});
