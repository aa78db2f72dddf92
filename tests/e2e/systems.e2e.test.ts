import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDeadlineCheck } from '../../src/modules/systems/targets.service.ts';
import {
  adminApi,
  createUsers,
  type Harness,
  haveChromium,
  screenshot,
  seedAdmin,
  signIn as signInAs,
  startHarness,
} from './support.ts';

const SYSTEM = 'Cổng dịch vụ công Sở Tư pháp';
const RETURN_COMMENT = 'Thiếu sơ đồ mạng logic và phương án sao lưu dữ liệu; đề nghị bổ sung.';

/**
 * The level workflow end to end: an agency officer registers a public-service portal holding the personal data of
 * 12 000 people (the aid proposes level 3, NĐ 85 Điều 9 khoản 2 điểm c), files and submits the dossier; the
 * Department returns it with a comment; the agency sees the comment and resubmits; the Department accepts and
 * approves it; the province's "100% approved" target goes from 0% to 100%.
 */
describe.skipIf(!haveChromium)('Information systems by level in a browser', () => {
  let h: Harness;
  let asAdmin: Awaited<ReturnType<typeof adminApi>>['call'];
  const org = { province: '', agency: '' };
  let targetId = '';
  let planTargetId = '';
  let agency: Page;
  let dept: Page;

  const signIn = (username: string) => signInAs(h, username);

  const stateBadge = (page: Page) => page.getByTestId('dossier-tab').getByTestId('dossier-state').first();

  async function targetPercent(page: Page, title = '100% hồ sơ được phê duyệt') {
    // Fresh figures: leave the page first when it is already open.
    await page.getByTestId('nav-dashboard').click();
    await page.getByTestId('nav-systemTargets').click();
    await page.getByRole('heading', { name: 'Chỉ tiêu', exact: true }).waitFor();
    const card = page.getByTestId('target-card').filter({ hasText: title });
    await card.waitFor();
    return card;
  }

  beforeAll(async () => {
    h = await startHarness(seedAdmin());
    asAdmin = (await adminApi(h)).call;
    org.province = (
      await asAdmin('POST', '/api/organisations', {
        code: 'YB',
        name: 'Tỉnh Yên Bái',
        type: 'province',
        parentId: null,
        headName: 'Trần Huy Tuấn',
        headTitle: 'Chủ tịch UBND tỉnh',
      })
    ).id as string;
    org.agency = (
      await asAdmin('POST', '/api/organisations', {
        code: 'STP',
        name: 'Sở Tư pháp',
        type: 'department',
        parentId: org.province,
        headName: 'Nguyễn Văn Bình',
        headTitle: 'Giám đốc Sở Tư pháp',
        email: 'giamdoc.stp@yenbai.gov.vn',
      })
    ).id as string;
    targetId = (
      await asAdmin('POST', '/api/targets', {
        title: '100% hồ sơ được phê duyệt',
        kind: 'dossier_approved',
        deadline: '2024-08-31',
        organisationId: org.province,
        legalBasis: 'Văn bản 1949/UBND-VX',
      })
    ).id as string;
    planTargetId = (
      await asAdmin('POST', '/api/targets', {
        title: '100% triển khai đầy đủ phương án',
        kind: 'plan_implemented',
        deadline: '2024-12-31',
        organisationId: org.province,
      })
    ).id as string;
    await createUsers(h, [
      ['canbo.stp', 'Lò Thị Mai', 'agency', org.agency],
      ['sotttt', 'Hoàng Văn Đức', 'department', null],
    ]);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('registers, submits, returns, resubmits and approves a dossier; the target goes from 0% to 100%', async () => {
    // The agency officer registers the portal; the aid proposes level 3 as the answers are given.
    agency = await signIn('canbo.stp');
    await agency.getByTestId('nav-systems').click();
    await agency.getByRole('heading', { name: 'Hệ thống thông tin', exact: true }).waitFor();
    await agency.getByTestId('system-new').click();
    await agency.getByRole('heading', { name: 'Đăng ký hệ thống thông tin' }).waitFor();
    await agency.getByTestId('system-name').fill(SYSTEM);
    await agency.getByTestId('system-purpose').fill('Tiếp nhận, giải quyết thủ tục hành chính trực tuyến');
    await agency.getByTestId('system-systemType').selectOption('public_service');
    await agency.getByTestId('system-infoPersonal').check();
    await agency.getByTestId('system-personalDataSubjects').fill('12000');
    const aid = agency.getByTestId('classification-aid');
    await aid.getByTestId('suggested-level').getByText('Cấp độ 3').waitFor();
    expect(await aid.getByTestId('suggested-basis').textContent()).toBe('NĐ 85/2016/NĐ-CP, Điều 9 khoản 2 điểm c');
    expect(await aid.getByTestId('suggested-rule').textContent()).toContain('10.000 người sử dụng');
    await screenshot(agency, 'systems-1-register');
    await agency.getByTestId('system-save').click();
    await agency.getByTestId('system-title').getByText(SYSTEM).waitFor();

    // Files the dossier at the suggested level and submits it.
    await agency.getByTestId('tab-dossier').click();
    await expect.poll(() => agency.getByTestId('dossier-level').inputValue()).toBe('3');
    await agency.getByTestId('dossier-save').click();
    await agency.getByTestId('dossier-attachment-file').setInputFiles({
      name: 'Thuyet minh de xuat cap do.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n% hồ sơ đề xuất cấp độ\n%%EOF\n'),
    });
    await agency
      .getByTestId('dossier-attachments')
      .getByRole('link', { name: 'Thuyet minh de xuat cap do.pdf' })
      .waitFor();
    await agency.getByTestId('dossier-action-submit').click();
    await stateBadge(agency).getByText('Đã nộp').waitFor();
    await agency.getByTestId('dossier-history').getByText('Nộp hồ sơ').waitFor();

    // The Department sees 0% reached, then returns the dossier with a comment.
    dept = await signIn('sotttt');
    const before = await targetPercent(dept);
    expect(await before.getByTestId('target-percent').textContent()).toBe('0%');
    expect(await before.getByTestId('target-counts').textContent()).toBe('0/1 hệ thống đạt');
    await before.getByTestId('target-open').click();
    await dept.getByTestId('target-holding-back').getByText('Nguyễn Văn Bình').waitFor();
    await screenshot(dept, 'systems-2-target-before');
    await dept.getByTestId('nav-systemDossiers').click();
    await dept.getByRole('heading', { name: 'Hồ sơ chờ thẩm định' }).waitFor();
    const row = dept.getByTestId('pending-row').filter({ hasText: SYSTEM });
    await row.getByText('Đã nộp').waitFor();
    await screenshot(dept, 'systems-3-pending');
    await row.getByRole('link', { name: SYSTEM }).click();
    await dept.getByTestId('dossier-action-return').waitFor();
    // The comment is required: returning without one is stopped in the page.
    await dept.getByTestId('dossier-action-return').click();
    await dept.getByTestId('dossier-block-return').getByText('Cần nhập').waitFor();
    await dept.getByTestId('dossier-comment-return').fill(RETURN_COMMENT);
    await dept.getByTestId('dossier-action-return').click();
    await stateBadge(dept).getByText('Trả lại').waitFor();

    // The agency sees the comment prominently and resubmits.
    await agency.reload();
    await agency.getByTestId('return-comment').getByText(RETURN_COMMENT).waitFor();
    await screenshot(agency, 'systems-4-returned');
    await agency.getByTestId('dossier-action-resubmit').click();
    await stateBadge(agency).getByText('Đã nộp').waitFor();
    expect(await agency.getByTestId('return-comment').count()).toBe(0);

    // The Department accepts it for appraisal and approves it with the decision number and date.
    await dept.reload();
    await dept.getByTestId('dossier-action-accept').click();
    await stateBadge(dept).getByText('Đang thẩm định').waitFor();
    await dept.getByTestId('dossier-authority').getByText('Chủ quản hệ thống thông tin (UBND tỉnh)').waitFor();
    await dept.getByTestId('dossier-decision-number').fill('125/QĐ-UBND');
    await dept.getByTestId('dossier-decision-date').fill('15/08/2024');
    await dept.getByTestId('dossier-action-approve').click();
    await stateBadge(dept).getByText('Đã phê duyệt').waitFor();
    expect(await dept.getByTestId('dossier-decision').textContent()).toBe('Quyết định số 125/QĐ-UBND ngày 15/08/2024');
    await dept.getByTestId('dossier-history').getByText(RETURN_COMMENT).waitFor();
    await screenshot(dept, 'systems-5-approved');

    // The target now reads 100%, on the page and through the API.
    const after = await targetPercent(dept);
    expect(await after.getByTestId('target-percent').textContent()).toBe('100%');
    expect(await after.getByTestId('target-counts').textContent()).toBe('1/1 hệ thống đạt');
    await after.getByTestId('target-open').click();
    await dept.getByTestId('target-detail').getByText('Tất cả hệ thống đã đạt chỉ tiêu.').waitFor();
    await screenshot(dept, 'systems-6-target-after');
    const api = await asAdmin('GET', `/api/targets/${targetId}`);
    expect(api).toMatchObject({ total: 1, met: 1, percent: 100, holdingBack: [] });

    // The Overview card shows it too, and the agency's list shows the approved level.
    await dept.getByTestId('nav-dashboard').click();
    const card = dept.getByTestId('card-systems').getByTestId('card-target');
    await card
      .filter({ hasText: '100% hồ sơ được phê duyệt' })
      .getByTestId('target-percent')
      .getByText('100%')
      .waitFor();
    await card
      .filter({ hasText: '100% triển khai đầy đủ phương án' })
      .getByTestId('target-percent')
      .getByText('0%')
      .waitFor();
    await screenshot(dept, 'systems-7-dashboard');
    await agency.getByTestId('nav-systems').click();
    const listed = agency.getByTestId('systems-table').getByRole('row').filter({ hasText: SYSTEM });
    await listed.getByText('Đã phê duyệt').waitFor();
    await screenshot(agency, 'systems-8-list');
    expect(h.pageErrors).toEqual([]);
  });

  it('the agency implements the approved plan and records the 4 layers; the plan target reaches 100%', async () => {
    await agency.getByRole('link', { name: SYSTEM }).click();
    await agency.getByTestId('tab-plan').click();
    const plan = agency.getByTestId('plan-tab');
    await plan.getByText('Phương án bảo đảm ATTT — cấp độ 3').waitFor();
    const items = plan.locator('tr.plan-item');
    const n = await items.count();
    expect(n).toBeGreaterThan(10);
    for (let i = 0; i < n; i++) await items.nth(i).getByLabel('Tình trạng').selectOption('done');
    // Not applicable needs a reason: the save button waits for it.
    const last = items.nth(n - 1);
    await last.getByLabel('Tình trạng').selectOption('not_applicable');
    await expect.poll(() => agency.getByTestId('plan-save').isDisabled()).toBe(true);
    await last.getByLabel('Lý do (nếu không áp dụng)').fill('Hệ thống không lưu trữ dữ liệu tại chỗ');
    await items.first().getByLabel('Minh chứng').fill('Quyết định 12/QĐ-STP ban hành quy chế ATTT');
    await agency.getByTestId('plan-save').click();
    await plan.getByText('Đã triển khai đầy đủ').waitFor();
    await plan.getByText(`${n - 1}/${n - 1} yêu cầu`).waitFor();
    await screenshot(agency, 'systems-9-plan');

    await agency.getByTestId('tab-layers').click();
    const layers = agency.getByTestId('layers-tab');
    await layers.getByTestId('layer-gaps').getByText('Còn 4 lớp chưa bảo đảm').waitFor();
    await layers.getByTestId('layer-1').getByLabel('Tình trạng').selectOption('in_place');
    await layers.getByTestId('layer-1').getByLabel('Đơn vị thực hiện / cung cấp dịch vụ').fill('Tổ CNTT Sở Tư pháp');
    await layers.getByTestId('layer-2').getByLabel('Tình trạng').selectOption('in_place');
    await layers
      .getByTestId('layer-2')
      .getByLabel('Đơn vị thực hiện / cung cấp dịch vụ')
      .fill('Trung tâm Giám sát an toàn thông tin tỉnh (SOC)');
    await layers.getByTestId('layer-3').getByLabel('Tình trạng').selectOption('in_place');
    await layers.getByTestId('layer-3').getByLabel('Lần kiểm tra, đánh giá gần nhất').fill('10/03/2024');
    await layers.getByTestId('layer-3').getByLabel('Kỳ kiểm tra, đánh giá tiếp theo').fill('10/03/2025');
    await layers.getByTestId('layer-4').getByLabel('Tình trạng').selectOption('partial');
    await agency.getByTestId('layers-save').click();
    // Layer 3's next inspection is in the past (overdue) and layer 4 is partial: both are listed as gaps.
    const gaps = layers.getByTestId('layer-gaps');
    await gaps.getByText('Còn 2 lớp chưa bảo đảm').waitFor();
    await gaps.getByText('quá hạn kiểm tra, đánh giá (dự kiến 10/03/2025)', { exact: false }).waitFor();
    await gaps.getByText('mới triển khai một phần', { exact: false }).waitFor();
    await screenshot(agency, 'systems-10-layers');

    const target = await targetPercent(dept, '100% triển khai đầy đủ phương án');
    expect(await target.getByTestId('target-percent').textContent()).toBe('100%');
    // The province-wide list of 4-layer gaps names the system's two gaps.
    const allGaps = dept.getByTestId('layer-gaps-all');
    await allGaps.getByText('2 lớp, 1 hệ thống').waitFor();
    await allGaps.getByText('mới triển khai một phần').waitFor();
    await screenshot(dept, 'systems-10b-targets-layers');
    const api = await asAdmin('GET', `/api/targets/${planTargetId}`);
    expect(api).toMatchObject({ total: 1, met: 1, percent: 100 });
    expect(h.pageErrors).toEqual([]);
  });

  it('imports systems with a row-numbered report; a new system lowers the share and its officer is notified', async () => {
    await agency.getByTestId('nav-systems').click();
    await agency.getByTestId('systems-import-file').setInputFiles({
      name: 'he-thong.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'organisation_code,name,system_type,info_personal\n' +
          'STP,Hệ thống quản lý văn bản và điều hành,internal,Có\n' +
          'STP,Hệ thống không rõ loại,vệ tinh,Không\n',
      ),
    });
    const report = agency.getByTestId('import-report');
    await report.getByText('Thêm mới 1, cập nhật 0, không đổi 0, lỗi 1 dòng.').waitFor();
    const errorRow = report.getByRole('row').filter({ hasText: 'system_type' });
    expect(await errorRow.locator('td').first().textContent()).toBe('3');
    await agency
      .getByTestId('systems-table')
      .getByRole('row')
      .filter({ hasText: 'Hệ thống quản lý văn bản và điều hành' })
      .getByText('Cấp độ 2')
      .waitFor();
    await screenshot(agency, 'systems-11-import');

    const target = await targetPercent(dept);
    expect(await target.getByTestId('target-percent').textContent()).toBe('50%');
    expect(await target.getByTestId('target-counts').textContent()).toBe('1/2 hệ thống đạt');

    // The deadline (31/08/2024) has passed: the deadline check notifies the agency, naming the accountable head.
    const check = await runDeadlineCheck(h.database.db, new Date());
    expect(check.notificationsCreated).toBeGreaterThan(0);
    await agency.reload();
    await agency.getByTestId('notification-count').waitFor();
    await agency.getByTestId('notification-bell').click();
    const note = agency
      .getByTestId('notifications')
      .getByRole('listitem')
      .filter({ hasText: 'Quá hạn chỉ tiêu: 100% hồ sơ được phê duyệt' })
      .filter({ hasText: 'Hệ thống quản lý văn bản và điều hành' });
    await note.getByText('Nguyễn Văn Bình', { exact: false }).waitFor();
    await screenshot(agency, 'systems-12-notifications');
    await note.getByRole('button').click();
    await agency.getByTestId('system-title').getByText('Hệ thống quản lý văn bản và điều hành').waitFor();

    // English.
    await agency.getByRole('button', { name: 'EN' }).click();
    await agency.getByTestId('nav-systems').click();
    await agency.getByRole('heading', { name: 'Information systems', exact: true }).waitFor();
    await agency
      .getByTestId('systems-table')
      .getByTestId('dossier-state')
      .getByText('Approved', { exact: true })
      .waitFor();
    await screenshot(agency, 'systems-13-list-en');
    expect(h.pageErrors).toEqual([]);
  });
});
