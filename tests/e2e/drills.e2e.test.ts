import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminApi,
  atBothWidths,
  createDepartments,
  createUsers,
  DESKTOP,
  type Harness,
  haveChromium,
  seedAdmin,
  signIn,
  startHarness,
} from './support.ts';

/**
 * The staff register and a drill, in Vietnamese: the register as of a day (with a response-team member marked),
 * then the Department plans a drill in the form, adds an official from the register, starts it, records attendance
 * and a finding, and the targets of that day count the official. Screenshots: dist/screenshots/drills-*-{1440,390}.png.
 */
describe.skipIf(!haveChromium)('staff register and drills in a browser', () => {
  let h: Harness;
  const org = { A: '', B: '' };

  beforeAll(async () => {
    h = await startHarness(seedAdmin());
    Object.assign(
      org,
      await createDepartments(h, [
        ['A', 'STC', 'Sở Tài chính', '10.15.1.0/24'],
        ['B', 'SYT', 'Sở Y tế', '10.15.2.0/24'],
      ]),
    );
    await createUsers(h, [['dieuphoi.so', 'Phạm Quốc Huy', 'department', null]]);
    const admin = await adminApi(h);
    for (const [organisationId, fullName, duty, email] of [
      [org.A, 'Trần Thị Lan', 'information_security', 'lan.tt@stc.example.vn'],
      [org.A, 'Nguyễn Văn Bình', 'digital_transformation', 'binh.nv@stc.example.vn'],
      [org.B, 'Đặng Văn Quý', 'both', 'quy.dv@syt.example.vn'],
    ] as const)
      await admin.call(
        'POST',
        '/api/staff',
        { organisationId, fullName, duty, email, position: 'Chuyên viên', validFrom: '2025-01-01' },
        201,
      );
    await admin.call(
      'POST',
      '/api/team/members',
      {
        fullName: 'Trần Thị Lan',
        organisationId: org.A,
        phone: '0912 345 678',
        email: 'lan.tt@stc.example.vn',
        validFrom: '2025-01-01',
      },
      201,
    );
  });

  afterAll(async () => {
    await h?.close();
  });

  it('shows the register as of a day with response-team membership', async () => {
    const page = await signIn(h, 'dieuphoi.so');
    await page.setViewportSize(DESKTOP);
    await page.goto(`${h.base}/staff?asOf=2025-06-30`);
    await page.getByRole('heading', { name: 'Cán bộ phụ trách' }).waitFor();
    await expect.poll(() => page.getByTestId('staff-name').count()).toBe(3);
    await expect.poll(() => page.getByTestId('staff-team').count()).toBe(1);
    await atBothWidths(page, 'drills', 'staff');
    await page.goto(`${h.base}/staff?asOf=2024-06-30`);
    await page.getByTestId('staff-empty').waitFor();
  });

  it('plans a drill, adds an official, records attendance and a finding, and the targets count it', async () => {
    const page = await signIn(h, 'dieuphoi.so');
    await page.setViewportSize(DESKTOP);
    await page.goto(`${h.base}/drills`);
    await page.getByTestId('drill-new').click();
    const form = page.getByTestId('drill-form');
    await form.getByTestId('drill-title').fill('Diễn tập ứng cứu tháng 3');
    await form.getByTestId('drill-kind').selectOption('tabletop');
    await form.getByTestId('drill-organiser').selectOption(org.A);
    const times = form.locator('input[inputmode="numeric"]');
    await times.nth(0).fill('10/03/2025 08:00');
    await times.nth(1).fill('10/03/2025 17:00');
    await form.getByTestId('drill-save').click();
    await page.waitForURL(/\/drills\/view\?id=/);
    await page.getByTestId('drill-heading').waitFor();
    await page.getByTestId('drill-add-staff').selectOption({ label: 'Trần Thị Lan — Sở Tài chính' });
    await page.getByTestId('drill-add-participant').click();
    await expect.poll(() => page.getByTestId('drill-participant').count()).toBe(1);
    await page.getByTestId('drill-to-running').click();
    await expect.poll(() => page.getByTestId('drill-state').textContent()).toBe('Đang diễn ra');
    // A controlled box: it shows the change once the server has it, so click and wait (check() wants it at once).
    await page.getByTestId('drill-attended').click();
    await expect.poll(() => page.getByTestId('drill-attended').isChecked()).toBe(true);
    await page.getByTestId('drill-finding-text').fill('Mật khẩu quản trị mặc định trên máy chủ thư');
    await page.getByTestId('drill-finding-add').click();
    await page.getByTestId('drill-finding').waitFor();
    await atBothWidths(page, 'drills', 'view');

    await page.goto(`${h.base}/drills?asOf=2025-06-30`);
    // 1 of the 3 officials in office on 30/06/2025 attended a drill in 2025.
    await expect.poll(() => page.getByTestId('drill-rate-total').textContent()).toContain('1/3 · 33,3%');
    await expect.poll(() => page.getByTestId('drill-link').count()).toBe(1);
    await atBothWidths(page, 'drills', 'list');
    expect(h.pageErrors).toEqual([]);
  });
});
