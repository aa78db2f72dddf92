import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGuidance, createWarning, transitionWarning } from '../../src/modules/residents/index.ts';
import { siteChecks, sites } from '../../src/modules/sites/sites.schema.ts';
import {
  createDepartments,
  createUsers,
  type Harness,
  haveChromium,
  noSidewaysScroll,
  screenshot,
  seedAdmin,
  signIn,
  startHarness,
} from './support.ts';

const WIDE = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WARNING = {
  title: 'Giả danh công an gọi điện yêu cầu cài ứng dụng',
  summary: 'Đối tượng xưng là công an, gửi đường link cài ứng dụng giả mạo để chiếm quyền điện thoại.',
  body: 'Công an không gọi điện hướng dẫn cài ứng dụng.\n\nHãy cúp máy và báo cho công an nơi cư trú.',
  category: 'impersonation' as const,
  publishedOn: '2024-10-10',
};
const STORY =
  'Tôi nhận tin nhắn báo hoàn thuế, bấm vào đường link thì trang web đòi nhập số tài khoản và mã OTP ngân hàng.';

/** Serious or critical WCAG 2.1 AA violations axe-core finds (injected by evaluation: the CSP forbids inline scripts). */
async function axeViolations(page: Page) {
  await page.evaluate(AXE);
  const result = await page.evaluate<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })`,
  );
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    );
}

/** At 1440 and 390 px: a screenshot each, nothing scrolls sideways, and (public pages) no serious axe violation. */
async function both(page: Page, name: string, { axe = true } = {}) {
  for (const viewport of [WIDE, PHONE]) {
    await page.setViewportSize(viewport);
    await noSidewaysScroll(page, `${name} at ${viewport.width} px`);
    await screenshot(page, `residents-${name}-${viewport.width}`);
    if (axe) expect(await axeViolations(page), `${name} at ${viewport.width} px`).toEqual([]);
  }
  await page.setViewportSize(WIDE);
}

/**
 * A resident on the public page (no login): reads a warning, checks whether a site is official (one registered, one
 * not), and reports the fake one; the Department's officer finds the report in the queue and takes it up. Every public
 * page is checked by axe-core at desktop and phone widths under the app's CSP (which refuses any inline script).
 * Screenshots: dist/screenshots/residents-*-{1440,390}.png.
 */
describe.skipIf(!haveChromium)('residents’ page in a browser', () => {
  let h: Harness;
  let warningId = '';
  const cspViolations: string[] = [];

  beforeAll(async () => {
    h = await startHarness(seedAdmin());
    const { ubnd } = await createDepartments(h, [['ubnd', 'VP-UBND', 'Văn phòng UBND tỉnh', '10.15.9.0/24']]);
    await createUsers(h, [['canbo.so', 'Phạm Thu Hà', 'department', null]]);
    const { db } = h.database;
    const w = await createWarning(db, null, WARNING);
    await transitionWarning(db, null, w.id, 'published');
    warningId = w.id;
    await createGuidance(db, null, {
      title: 'Không cung cấp mã OTP cho bất kỳ ai',
      body: 'Ngân hàng và cơ quan nhà nước không bao giờ hỏi mã OTP.',
      position: 10,
      published: true,
    });
    const [site] = await db
      .insert(sites)
      .values({
        organisationId: ubnd,
        host: 'vpubnd.example.gov.vn',
        url: 'https://vpubnd.example.gov.vn/',
        stateBody: true,
      })
      .returning();
    await db.insert(siteChecks).values({
      siteId: site?.id as string,
      checkedAt: new Date('2026-01-05T01:30:00Z'),
      verdict: 'pass',
      trigger: 'scheduled',
      results: [
        { check: 'https_reachable', verdict: 'pass', detail: 'HTTP 200' },
        { check: 'tls_chain_valid', verdict: 'pass', detail: 'ok' },
        { check: 'tls_expiry', verdict: 'pass', detail: '80 days' },
        { check: 'gov_vn_domain', verdict: 'pass', detail: '.gov.vn' },
      ],
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a resident reads, checks a site and reports a scam; the Department finds it in its queue', async () => {
    const { page } = await h.newPage({ locale: 'vi-VN' });
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    const home = await page.goto(`${h.base}/nguoi-dan`);
    expect(home?.status()).toBe(200);
    expect(home?.headers()['cache-control']).toBe('public, max-age=300');
    await page.getByRole('heading', { level: 1, name: 'Cảnh giác với lừa đảo trên mạng' }).waitFor();
    // The guidance opens without script (details/summary).
    await page.getByText('Không cung cấp mã OTP cho bất kỳ ai').click();
    await page.getByText('Ngân hàng và cơ quan nhà nước không bao giờ hỏi mã OTP.').waitFor();
    await both(page, 'home');

    await page.getByRole('link', { name: WARNING.title }).click();
    await page.waitForURL(`**/nguoi-dan/canh-bao/${warningId}`);
    await page.getByRole('heading', { level: 1, name: WARNING.title }).waitFor();
    await page.getByText('Đăng ngày 10/10/2024').waitFor();
    await both(page, 'warning');

    // Is this site official? A registered one (typed as a whole address)…
    await page.goto(`${h.base}/nguoi-dan`);
    await page.getByLabel('Địa chỉ trang web').fill('https://VPUBND.example.gov.vn/tin-tuc');
    await page.getByRole('button', { name: 'Kiểm tra' }).click();
    await page.getByText('Đây là trang web chính thức của Văn phòng UBND tỉnh.').waitFor();
    await page.getByRole('cell', { name: 'Đạt' }).first().waitFor();
    await both(page, 'check-registered');
    // …and one that is not, from which the resident reports it.
    await page.getByLabel('Địa chỉ trang web').fill('vpubnd-example-gov.top');
    await page.getByRole('button', { name: 'Kiểm tra' }).click();
    await page.getByText('Trang web này KHÔNG có trong danh sách').waitFor();
    await both(page, 'check-unknown');
    await page.getByRole('link', { name: 'Gửi phản ánh về trang web này' }).click();
    await page.getByRole('heading', { level: 1, name: 'Gửi phản ánh lừa đảo' }).waitFor();
    expect(await page.getByLabel('Trang web, số điện thoại hoặc tài khoản').inputValue()).toBe(
      'vpubnd-example-gov.top',
    );
    const served = Date.now();
    await both(page, 'report-form');

    await page.getByLabel('Hình thức lừa đảo').selectOption('fake_website');
    await page.getByLabel('Bạn đã gặp chuyện gì?').fill(STORY);
    await page.getByLabel('Họ và tên (không bắt buộc)').fill('Nguyễn Thị Hoa');
    // A person takes a few seconds; the form refuses anything faster.
    await page.waitForTimeout(Math.max(0, 3500 - (Date.now() - served)));
    await page.getByRole('button', { name: 'Gửi phản ánh' }).click();
    await page.getByRole('heading', { level: 1, name: 'Đã nhận phản ánh' }).waitFor();
    const thanks = (await page.locator('main .notice').textContent()) ?? '';
    const code = /PA-\d{4}-\d{4}/.exec(thanks)?.[0] ?? '';
    expect(code, thanks).not.toBe('');
    await both(page, 'thanks');

    // The Department's officer takes it up from the queue.
    const officer = await signIn(h, 'canbo.so');
    await officer.setViewportSize(WIDE);
    await officer.getByTestId('nav-residents').click();
    await officer.getByRole('heading', { level: 1, name: 'Trang người dân' }).waitFor();
    await officer.getByTestId('warning-row').first().waitFor();
    await officer.getByTestId('residents-tab-reports').click();
    const row = officer.getByTestId('report-row').filter({ hasText: code });
    await row.waitFor();
    await row.getByTestId('report-open').click();
    await officer.getByTestId('report-description').getByText(STORY).waitFor();
    await officer.getByText('vpubnd-example-gov.top').first().waitFor();
    await officer.getByTestId('report-note').fill('Xác minh trang giả mạo, đề nghị chặn tên miền.');
    await officer.getByTestId('report-reviewing').click();
    await row.getByTestId('report-state').getByText('Đang xem xét').waitFor();
    await both(officer, 'admin-reports', { axe: false });
    await officer.getByTestId('residents-tab-warnings').click();
    await officer.getByTestId('warning-row').first().waitFor();
    await both(officer, 'admin-warnings', { axe: false });

    expect(cspViolations).toEqual([]);
    expect(h.pageErrors).toEqual([]);
  });
});
