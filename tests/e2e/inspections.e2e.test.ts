import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
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
 * An inspection from the plan to a closed finding, in Vietnamese: the Department issues last year's plan, adds an
 * agency to it, records the notice and the start (the checklist of that day), assesses every item, records a
 * finding and concludes; the agency answers its finding; the Department accepts it and closes the inspection.
 * Last year's November keeps every day in the past whenever the test runs. Screenshots:
 * dist/screenshots/inspections-*-{1440,390}.png.
 */
describe.skipIf(!haveChromium)('an inspection in a browser', () => {
  let h: Harness;
  const org = { S: '', A: '' };
  const year = new Date().getFullYear() - 1;
  const day = (dm: string) => `${dm}/${year}`;
  let viewUrl = '';

  beforeAll(async () => {
    h = await startHarness(seedAdmin());
    Object.assign(
      org,
      await createDepartments(h, [
        ['S', 'STTTT', 'Sở Thông tin và Truyền thông', '10.15.10.0/24'],
        ['A', 'STC', 'Sở Tài chính', '10.15.1.0/24'],
      ]),
    );
    await createUsers(h, [
      ['thanhtra.so', 'Hoàng Minh Tuấn', 'department', org.S],
      ['canbo.stc', 'Trần Thị Lan', 'agency', org.A],
    ]);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('the Department plans, notifies, inspects with the checklist, records a finding and concludes', async () => {
    const page = await signIn(h, 'thanhtra.so');
    await page.setViewportSize(DESKTOP);
    await page.goto(`${h.base}/inspections`);
    await page.getByTestId('plan-new').click();
    const form = page.getByTestId('plan-form');
    await form.getByTestId('plan-year').fill(String(year));
    await form.getByTestId('plan-issuer').selectOption(org.S);
    await form.getByTestId('plan-title').fill(`Kế hoạch kiểm tra an toàn thông tin năm ${year}`);
    await form.getByTestId('plan-ref').fill('125/KH-STTTT');
    await form.getByTestId('plan-team').fill('Hoàng Minh Tuấn\nLò Thị Hương');
    await form.getByTestId('plan-save').click();
    await page.waitForURL(/\/inspections\/plan\?id=/);
    await expect
      .poll(() => page.getByTestId('plan-team-list').textContent())
      .toContain('Hoàng Minh Tuấn (Trưởng đoàn)');

    const add = page.getByTestId('inspection-form');
    await add.getByTestId('inspection-agency').selectOption(org.A);
    await add.getByTestId('inspection-start').fill(day('16/11'));
    await add.getByTestId('inspection-end').fill(day('18/11'));
    await add.getByTestId('inspection-save').click();
    await expect.poll(() => page.getByTestId('inspection-link').count()).toBe(1);
    await atBothWidths(page, 'inspections', 'plan');
    await page.getByTestId('inspection-link').click();
    await page.waitForURL(/\/inspections\/view\?id=/);
    viewUrl = page.url();

    // The notice 14 days ahead meets the 10-day clock.
    await page.getByTestId('inspection-step-day').fill(day('02/11'));
    await page.getByTestId('inspection-to-notified').click();
    await expect.poll(() => page.getByTestId('inspection-clock-notice').textContent()).toContain('Đúng hạn');
    await page.getByTestId('inspection-step-day').fill(day('16/11'));
    await page.getByTestId('inspection-to-in_progress').click();
    await expect.poll(() => page.getByTestId('inspection-state').textContent()).toBe('Đang kiểm tra');
    const checks = page.getByTestId('inspection-check-result');
    const total = await checks.count();
    expect(total).toBeGreaterThan(3);
    await expect
      .poll(() => page.getByTestId('inspection-check-evidence').first().textContent())
      .toContain('0 máy tính có lỗ hổng');
    for (let n = 0; n < total; n++) {
      await checks.nth(n).selectOption(n === 0 ? 'partly' : 'compliant');
      await expect
        .poll(() => page.getByTestId('inspection-checklist-progress').textContent())
        .toContain(`${n + 1}/${total}`);
    }
    await page.getByTestId('finding-title').fill('Chưa ban hành quy chế bảo đảm an toàn thông tin');
    await page.getByTestId('finding-found').fill(day('17/11'));
    await page.getByTestId('finding-due').fill(day('31/12'));
    await page.getByTestId('finding-add').click();
    await expect.poll(() => page.getByTestId('inspection-finding').count()).toBe(1);
    await page.getByTestId('inspection-step-day').fill(day('01/12'));
    await page.getByTestId('inspection-ended-on').fill(day('18/11'));
    await page.getByTestId('inspection-summary').fill('Đơn vị cơ bản tuân thủ quy định.');
    await page.getByTestId('inspection-to-concluded').click();
    await expect.poll(() => page.getByTestId('inspection-state').textContent()).toBe('Đã kết luận');
    await expect.poll(() => page.getByTestId('inspection-clock-conclusion').textContent()).toContain('Đúng hạn');
    await atBothWidths(page, 'inspections', 'view');
    const pdf = await page.request.get(
      `${h.base}/api/inspections/${new URL(viewUrl).searchParams.get('id')}/conclusion?format=pdf`,
    );
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect(h.pageErrors).toEqual([]);
  });

  it('the agency answers its finding; the Department accepts it and closes the inspection', async () => {
    const agency = await signIn(h, 'canbo.stc');
    await agency.setViewportSize(DESKTOP);
    await agency.goto(viewUrl);
    await agency.getByTestId('finding-answer').fill('Đã ban hành Quy chế bảo đảm an toàn thông tin của Sở');
    await agency.getByTestId('finding-evidence').fill('Quyết định 45/QĐ-STC');
    await agency.getByTestId('finding-answer-send').click();
    await expect.poll(() => agency.getByTestId('inspection-finding-state').textContent()).toBe('Đơn vị đã báo cáo');
    // The agency neither decides nor moves the inspection.
    expect(await agency.getByTestId('finding-accept').count()).toBe(0);
    expect(await agency.getByTestId('inspection-to-closed').count()).toBe(0);
    await atBothWidths(agency, 'inspections', 'answer');

    const dept = await signIn(h, 'thanhtra.so');
    await dept.setViewportSize(DESKTOP);
    await dept.goto(viewUrl);
    await dept.getByTestId('finding-accept').click();
    await expect.poll(() => dept.getByTestId('inspection-finding-state').textContent()).toBe('Đã đóng');
    await dept.getByTestId('inspection-to-closed').click();
    await expect.poll(() => dept.getByTestId('inspection-state').textContent()).toBe('Đã đóng');
    await dept.goto(`${h.base}/inspections`);
    await expect.poll(() => dept.getByTestId('inspection-link').count()).toBe(1);
    await atBothWidths(dept, 'inspections', 'list');
    expect(h.pageErrors).toEqual([]);
  });
});
