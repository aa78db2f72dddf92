import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminApi,
  createDepartments,
  createUsers,
  type Harness,
  haveChromium,
  noSidewaysScroll,
  screenshot,
  seedAdmin,
  signIn as signInAs,
  startHarness,
} from './support.ts';

// The real CVE JSON 5 record of CVE-2024-3400 (PAN-OS GlobalProtect): affected 10.2.0–<10.2.9-h1, 11.0.0–<11.0.4-h1,
// 11.1.0–<11.1.2-h3. Each department runs a firewall at an affected version.
const CVE_RECORD = fileURLToPath(new URL('../fixtures/advisories/CVE-2024-3400.json', import.meta.url));

const WIDE = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Serious or critical WCAG 2.1 AA violations axe-core finds on the page (injected by evaluation: the CSP forbids inline scripts). */
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

/**
 * Screenshots of the page as it is, at desktop width and on a phone: the phone does not scroll sideways and neither
 * width has a serious accessibility violation.
 */
async function both(page: Page, name: string) {
  await page.setViewportSize(WIDE);
  await screenshot(page, `advisories-${name}-1440`);
  expect(await axeViolations(page), name).toEqual([]);
  await page.setViewportSize(PHONE);
  await noSidewaysScroll(page, name);
  await screenshot(page, `advisories-${name}-390`);
  expect(await axeViolations(page), `${name} at 390 px`).toEqual([]);
  await page.setViewportSize(WIDE);
}

describe.skipIf(!haveChromium)('the advisory loop in a browser', () => {
  let h: Harness;
  let advisoryUrl = '';
  const signIn = (username: string) => signInAs(h, username);

  beforeAll(async () => {
    h = await startHarness(seedAdmin());
    const org = await createDepartments(h, [
      ['A', 'STC', 'Sở Tài chính', '10.1.0.0/16'],
      ['B', 'SYT', 'Sở Y tế', '10.2.0.0/16'],
    ]);
    await createUsers(h, [
      ['so.attt', 'Nguyễn Thị Hà', 'department', null],
      ['canbo.stc', 'Phạm Thị Hương', 'agency', org.A],
      ['canbo.syt', 'Đặng Văn Quý', 'agency', org.B],
    ]);
    const admin = await adminApi(h);
    for (const [organisationId, name, version] of [
      [org.A, 'Cổng dịch vụ công', '10.2.4'],
      [org.B, 'Tường lửa Sở Y tế', '11.0.2'],
    ] as const)
      await admin.call(
        'POST',
        '/api/systems',
        {
          organisationId,
          name,
          systemType: 'internal',
          software: [{ name: 'PAN-OS', vendor: 'Palo Alto Networks', version }],
        },
        201,
      );
  });

  afterAll(async () => {
    await h?.close();
  });

  it('the Department imports a real CVE record, checks whom it concerns and sends it', async () => {
    const page = await signIn('so.attt');
    page.on('dialog', (d) => void d.accept());
    await page.getByTestId('nav-advisories').click();
    await page.getByRole('heading', { name: 'Cảnh báo', exact: true }).waitFor();
    await page.getByTestId('advisory-import').click();
    await page.getByRole('heading', { name: 'Nhập tệp cảnh báo' }).waitFor();
    await page.getByTestId('advisory-files').setInputFiles(CVE_RECORD);
    await page.getByTestId('advisory-import-submit').click();
    const result = page.getByTestId('advisory-import-result');
    await result.waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('advisory-job').locator('.job-state').textContent()).toBe('Đã nhập (bản nháp)');
    expect(await result.getByTestId('advisory-import-orgs').textContent()).toBe(
      'Ảnh hưởng 2 đơn vị: Sở Tài chính (1), Sở Y tế (1).',
    );
    await both(page, 'import');

    await result.getByTestId('advisory-import-link').click();
    await page.getByTestId('advisory-title').waitFor();
    advisoryUrl = page.url();
    expect(await page.getByTestId('advisory-badges').textContent()).toContain('Bản nháp');
    const targets = page.getByTestId('target');
    expect(await targets.count()).toBe(2);
    // Each target says why: the component, its version, the product and range it falls in.
    expect(await targets.nth(0).getByTestId('target-match').textContent()).toContain(
      'Thành phần «Palo Alto Networks PAN-OS» phiên bản 10.2.4 thuộc sản phẩm bị ảnh hưởng «Palo Alto Networks PAN-OS» (>= 10.2.0, < 10.2.9-h1)',
    );
    await both(page, 'draft');

    await page.getByTestId('advisory-publish').click();
    await page.getByTestId('advisory-badges').getByText('Đã gửi').waitFor();
    expect(await page.getByTestId('progress-acknowledged-percent').textContent()).toBe('0% (0/2)');
    await page.context().close();
  });

  it('the Department can also enter an advisory from a letter by hand', async () => {
    const page = await signIn('so.attt');
    await page.getByTestId('nav-advisories').click();
    await page.getByTestId('advisory-new').click();
    await page.getByRole('heading', { name: 'Nhập cảnh báo' }).waitFor();
    await page.getByTestId('advisory-field-title').fill('Cảnh báo lỗ hổng trong PAN-OS GlobalProtect');
    await page.getByTestId('advisory-field-sourceBody').fill('Cục An toàn thông tin');
    await page.getByTestId('advisory-field-sourceNumber').fill('123/CATTT-NCSC');
    await page.getByTestId('advisory-severity').selectOption('critical');
    await page.getByTestId('advisory-cves-input').fill('CVE-2024-3400');
    await page.getByTestId('product-0-vendor').fill('Palo Alto Networks');
    await page.getByTestId('product-0-product').fill('PAN-OS');
    await page.getByTestId('product-0-versionStartIncluding').fill('11.0.0');
    await page.getByTestId('product-0-versionEndExcluding').fill('11.0.4-h1');
    await page.getByTestId('advisory-letter').setInputFiles({
      name: 'cong-van-123-CATTT-NCSC.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.7\n% Công văn 123/CATTT-NCSC\n'),
    });
    // Out of the last field, so no suggestion list covers the form in the pictures.
    await page.getByRole('heading', { name: 'Nhập cảnh báo' }).click();
    await both(page, 'form');
    await page.getByTestId('advisory-save').click();
    await page.getByTestId('advisory-title').waitFor();
    expect(await page.getByTestId('advisory-attachments').textContent()).toContain('cong-van-123-CATTT-NCSC.pdf');
    expect(await page.getByTestId('target').count()).toBe(1);
    expect(await page.getByTestId('target-name').textContent()).toBe('Tường lửa Sở Y tế');
    await page.context().close();
  });

  for (const [username, answer, note] of [
    ['canbo.stc', 'patched', 'Đã nâng cấp PAN-OS lên 10.2.9-h1'],
    ['canbo.syt', 'mitigated', 'Đã tắt GlobalProtect và chặn truy cập từ Internet'],
  ] as const)
    it(`an agency officer (${username}) acknowledges and reports what was done`, async () => {
      const page = await signIn(username);
      await page.getByTestId('nav-advisories').click();
      await page.getByTestId('advisory-link').first().waitFor();
      // Only the sent advisory concerns the agency; the Department's draft is not shown to it.
      expect(await page.getByTestId('advisory-row').count()).toBe(1);
      await page.getByTestId('advisory-link').click();
      await page.getByTestId('acknowledge-box').waitFor();
      // The agency sees its own part only: one agency, one target.
      expect(await page.getByTestId('advisory-organisation').count()).toBe(1);
      expect(await page.getByTestId('target').count()).toBe(1);
      if (username === 'canbo.stc') await both(page, 'agency');
      await page.getByTestId('acknowledge').click();
      await page.getByTestId('target-respond').click();
      await page.getByTestId('target-response').selectOption(answer);
      await page.getByTestId('target-note').fill(note);
      if (username === 'canbo.stc') await both(page, 'agency-answer');
      await page.getByTestId('target-submit').click();
      await page.getByTestId('target-answer').getByText(note).waitFor();
      expect(await page.getByTestId('progress-remediated-percent').textContent()).toBe('100% (1/1)');
      await page.context().close();
    });

  it('the Department sees every agency acknowledged and every target remediated', async () => {
    const page = await signIn('so.attt');
    await page.goto(advisoryUrl);
    await page.getByTestId('advisory-title').waitFor();
    expect(await page.getByTestId('progress-acknowledged-percent').textContent()).toBe('100% (2/2)');
    expect(await page.getByTestId('progress-remediated-percent').textContent()).toBe('100% (2/2)');
    expect(await page.getByTestId('advisory-late').count()).toBe(0);
    expect(await page.getByTestId('organisation-acknowledged').allTextContents()).toEqual([
      expect.stringContaining('Phạm Thị Hương'),
      expect.stringContaining('Đặng Văn Quý'),
    ]);
    await both(page, 'done');
    await page.getByTestId('nav-advisories').click();
    await page.getByTestId('advisory-row').first().waitFor();
    await both(page, 'list');
    expect(h.pageErrors).toEqual([]);
    await page.context().close();
  });
});
