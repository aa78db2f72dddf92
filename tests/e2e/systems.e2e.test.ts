import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/modules/auth/auth.service.ts';
import { type Harness, haveChromium, screenshot, startHarness } from './support.ts';

const PASSWORD = 'một mật khẩu đủ dài 2024';
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
  let admin: { cookie: string; csrf: string };
  const org = { province: '', agency: '' };
  let targetId = '';

  async function asAdmin(method: 'GET' | 'POST', url: string, payload?: object) {
    const res = await h.app.inject({
      method,
      url,
      cookies: { khien_sid: admin.cookie },
      headers: { 'x-csrf-token': admin.csrf },
      payload,
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json() as Record<string, unknown>;
  }

  async function signIn(username: string) {
    const { page } = await h.newPage({ locale: 'vi-VN' });
    await page.goto(h.base);
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByRole('heading', { name: 'Tổng quan', exact: true }).waitFor();
    return page;
  }

  const stateBadge = (page: Page) => page.getByTestId('dossier-tab').getByTestId('dossier-state').first();

  async function targetPercent(page: Page) {
    await page.getByTestId('nav-systemTargets').click();
    await page.getByRole('heading', { name: 'Chỉ tiêu', exact: true }).waitFor();
    const card = page.getByTestId('target-card').filter({ hasText: '100% hồ sơ được phê duyệt' });
    await card.waitFor();
    return card;
  }

  beforeAll(async () => {
    h = await startHarness(async (database) => {
      await createUser(database.db, null, {
        username: 'quantri',
        displayName: 'Quản trị',
        role: 'admin',
        password: PASSWORD,
      });
    });
    const login = await h.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'quantri', password: PASSWORD },
    });
    admin = {
      cookie: login.cookies.find((c) => c.name === 'khien_sid')?.value ?? '',
      csrf: (login.json() as { csrfToken: string }).csrfToken,
    };
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
    await createUser(h.database.db, null, {
      username: 'canbo.stp',
      displayName: 'Lò Thị Mai',
      role: 'agency',
      organisationId: org.agency,
      password: PASSWORD,
    });
    await createUser(h.database.db, null, {
      username: 'sotttt',
      displayName: 'Hoàng Văn Đức',
      role: 'department',
      organisationId: null,
      password: PASSWORD,
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('registers, submits, returns, resubmits and approves a dossier; the target goes from 0% to 100%', async () => {
    // The agency officer registers the portal; the aid proposes level 3 as the answers are given.
    const agency = await signIn('canbo.stp');
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
    await agency.getByTestId('dossier-action-submit').click();
    await stateBadge(agency).getByText('Đã nộp').waitFor();
    await agency.getByTestId('dossier-history').getByText('Nộp hồ sơ').waitFor();

    // The Department sees 0% reached, then returns the dossier with a comment.
    const dept = await signIn('sotttt');
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
    await dept.getByTestId('card-systems').getByTestId('target-percent').getByText('100%').waitFor();
    await screenshot(dept, 'systems-7-dashboard');
    await agency.getByTestId('nav-systems').click();
    const listed = agency.getByTestId('systems-table').getByRole('row').filter({ hasText: SYSTEM });
    await listed.getByText('Đã phê duyệt').waitFor();
    await screenshot(agency, 'systems-8-list');
    expect(h.pageErrors).toEqual([]);
  });
});
