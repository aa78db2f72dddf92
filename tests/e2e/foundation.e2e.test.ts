import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, haveChromium, PASSWORD, screenshot, seedAdmin, startHarness } from './support.ts';

describe.skipIf(!haveChromium)('web UI in a browser', () => {
  let h: Harness;
  let page: Page;
  let base: string;

  const shot = (name: string) => screenshot(page, name);

  beforeAll(async () => {
    h = await startHarness(seedAdmin('Nguyễn Thị Hồng Nhung'));
    base = h.base;
    ({ page } = await h.newPage());
  });

  afterAll(async () => {
    await h?.close();
  });

  it('signs in in Vietnamese and switches to English', async () => {
    await page.goto(base);
    await expect.poll(() => page.getByRole('heading', { name: 'Đăng nhập' }).isVisible()).toBe(true);
    await shot('login');

    // A wrong password: said in Vietnamese, without the server's English or a request id.
    await page.getByLabel('Tên đăng nhập').fill('quantri');
    await page.getByLabel('Mật khẩu').fill('không phải mật khẩu');
    await page.getByTestId('login-submit').click();
    const refused = page.getByTestId('error');
    await refused.getByText('Sai tên đăng nhập hoặc mật khẩu.').waitFor();
    expect(await refused.textContent()).not.toContain('Mã yêu cầu');
    expect(await refused.getByText('Invalid username or password').isVisible()).toBe(false);

    await page.getByLabel('Mật khẩu').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByRole('heading', { name: 'Tổng quan' }).waitFor();
    // A fresh install says what to do first instead of showing zeros.
    const start = page.getByTestId('getting-started');
    await start.getByTestId('start-organisations').getByText('Chưa có cơ quan, đơn vị nào.').waitFor();
    expect(await start.getByTestId('start-scans').textContent()).toContain('Chưa nhập kết quả rà quét nào');
    await page.getByTestId('card-organisations').getByTestId('organisations-none').waitFor();
    expect(await page.getByTestId('organisations-count').count()).toBe(0);
    await shot('overview-fresh');
    expect(await page.getByTestId('current-user').textContent()).toContain('Nguyễn Thị Hồng Nhung');
    expect(await page.getByTestId('nav-organisations').textContent()).toBe('Cơ quan, đơn vị');

    await page.getByTestId('lang-en').click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(await page.getByTestId('nav-audit').textContent()).toBe('Audit log');
    // The choice survives a reload (localStorage).
    await page.reload();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByTestId('lang-vi').click();
    await page.getByRole('heading', { name: 'Tổng quan' }).waitFor();
  });

  it('creates organisations through the form and stores them', async () => {
    await page.getByTestId('nav-organisations').click();
    await page.getByRole('heading', { name: 'Cơ quan, đơn vị', level: 1 }).waitFor();

    const create = async (fields: { code: string; name: string; type: string; parent?: string; ip?: string }) => {
      await page.getByTestId('org-new').click();
      const form = page.getByTestId('org-form');
      await form.getByLabel('Mã', { exact: true }).fill(fields.code);
      await form.getByLabel('Tên cơ quan, đơn vị').fill(fields.name);
      await form.getByLabel('Loại hình').selectOption({ label: fields.type });
      await form.getByLabel('Trực thuộc').selectOption({ label: fields.parent ?? '(Cấp cao nhất)' });
      if (fields.ip) await form.getByLabel('Dải địa chỉ IP').fill(fields.ip);
      await page.getByTestId('org-save').click();
      await page.getByTestId('org-details').getByRole('heading', { name: fields.name }).waitFor();
    };
    await create({ code: 'UBND-YB', name: 'Ủy ban nhân dân tỉnh Yên Bái', type: 'Tỉnh' });
    await create({
      code: 'STTTT',
      name: 'Sở Thông tin và Truyền thông',
      type: 'Sở, ban, ngành',
      parent: 'Ủy ban nhân dân tỉnh Yên Bái',
      ip: '10.20.0.0/16\n2001:db8:20::/48',
    });

    const tree = page.getByTestId('org-tree');
    expect(await tree.textContent()).toContain('Ủy ban nhân dân tỉnh Yên Bái');
    expect(await tree.textContent()).toContain('Sở Thông tin và Truyền thông');
    expect(await page.getByTestId('org-ip-ranges').textContent()).toContain('10.20.0.0/16');
    // Diacritic-insensitive search keeps the match and its ancestors.
    await tree.getByRole('searchbox').fill('so thong tin');
    expect(await tree.getByRole('button', { name: /Sở Thông tin/ }).count()).toBe(1);
    await tree.getByRole('searchbox').fill('');
    await shot('organisations');

    const res = await page.request.get(`${base}/api/organisations`);
    expect(res.status()).toBe(200);
    const orgs = (await res.json()) as { id: string; code: string; parentId: string | null; ipRanges: string[] }[];
    const province = orgs.find((o) => o.code === 'UBND-YB');
    expect(orgs.find((o) => o.code === 'STTTT')).toMatchObject({
      parentId: province?.id,
      ipRanges: expect.arrayContaining(['10.20.0.0/16', '2001:db8:20::/48']),
    });
  });

  it('shows the audit log and verifies its hash chain', async () => {
    await page.getByTestId('nav-audit').click();
    const table = page.getByTestId('audit-table');
    await table.getByText('organisation.create').first().waitFor();
    await page.getByTestId('audit-verify').click();
    expect(await page.getByTestId('audit-intact').textContent()).toContain('Nhật ký nguyên vẹn');
    await table.getByRole('button', { name: 'Chi tiết' }).first().click();
    expect(await page.getByTestId('audit-diff').textContent()).toContain('Sở Thông tin và Truyền thông');
    await shot('audit');

    await page.getByTestId('nav-dashboard').click();
    await page.getByTestId('card-by-type').getByText('Sở, ban, ngành').waitFor();
    expect(await page.getByTestId('card-organisations').textContent()).toContain('2');
    await page.getByTestId('start-organisations').getByText('Đã có 2 cơ quan, đơn vị.').waitFor();
    await page.waitForTimeout(300); // the chart draws on the next frames
    await shot('dashboard');
  });

  it('creates a user and an API token', async () => {
    await page.getByTestId('nav-users').click();
    await page.getByTestId('user-new').click();
    const form = page.getByTestId('user-form');
    await form.getByLabel('Tên đăng nhập').fill('canbo.stttt');
    await form.getByLabel('Mật khẩu ban đầu').fill('mật khẩu ban đầu rất dài');
    await form.getByLabel('Họ và tên').fill('Trần Văn Đức');
    await form.getByLabel('Vai trò').selectOption({ label: 'Cán bộ cơ quan, đơn vị' });
    await form.getByLabel('Cơ quan, đơn vị', { exact: true }).selectOption({ label: 'Sở Thông tin và Truyền thông' });
    await form.getByRole('button', { name: 'Lưu' }).click();
    const row = page.getByTestId('users-table').getByRole('row', { name: /canbo\.stttt/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('Sở Thông tin và Truyền thông');
    // Its password is temporary until the officer changes it.
    expect(await row.textContent()).toContain('Chờ đổi mật khẩu');
    // The list is searched by the server, diacritics ignored.
    await page.getByTestId('users-search').fill('tran van duc');
    await page.getByTestId('users-table-total').getByText('1–1 / 1').waitFor();
    expect(await page.getByTestId('users-table').getByRole('row').count()).toBe(2);
    await shot('users');

    await page.getByTestId('nav-account').click();
    const tokens = page.getByTestId('tokens-section');
    await tokens.getByLabel('Tên khóa').fill('Kịch bản nhập nhật ký');
    await tokens.getByRole('button', { name: 'Tạo khóa API' }).click();
    expect(await page.getByTestId('token-created').textContent()).toContain('khn_');
    await shot('account');
  });

  it('limits an agency officer to their scope and signs them in with TOTP', async () => {
    const { context, page: officer } = await h.newPage();
    const temporary = 'mật khẩu ban đầu rất dài';
    const chosen = 'mật khẩu riêng của cán bộ Đức';
    const signIn = async (password: string, totp?: () => Promise<string>) => {
      await officer.goto(base);
      await officer.getByLabel('Tên đăng nhập').fill('canbo.stttt');
      await officer.getByLabel('Mật khẩu').fill(password);
      await officer.getByTestId('login-submit').click();
      if (totp) {
        await officer.getByLabel('Mã xác thực (TOTP)').fill(await totp());
        await officer.getByTestId('login-submit').click();
      }
    };
    // The first sign-in with the password the administrator set opens only the form to replace it.
    await signIn(temporary);
    const change = officer.getByTestId('password-form');
    await change.getByRole('heading', { name: 'Đổi mật khẩu tạm thời' }).waitFor();
    expect(await officer.getByTestId('nav-organisations').count()).toBe(0);
    await change.getByLabel('Mật khẩu tạm thời (đang dùng)').fill(temporary);
    await change.getByLabel('Mật khẩu mới').fill(chosen);
    await change.getByLabel('Nhập lại mật khẩu').fill('một mật khẩu khác hẳn');
    await change.getByTestId('password-submit').click();
    await change.getByText('Hai mật khẩu không khớp.').waitFor();
    await change.getByLabel('Nhập lại mật khẩu').fill(chosen);
    await screenshot(officer, 'temporary-password');
    await change.getByTestId('password-submit').click();
    await officer.getByText('Đã đổi mật khẩu. Vui lòng đăng nhập lại bằng mật khẩu mới.').waitFor();
    await signIn(chosen);
    await officer.getByRole('heading', { name: 'Tổng quan' }).waitFor();
    expect(await officer.getByTestId('nav-users').count()).toBe(0);
    expect(await officer.getByTestId('nav-audit').count()).toBe(0);
    await officer.getByTestId('nav-organisations').click();
    const tree = officer.getByTestId('org-tree');
    await tree.getByText('Sở Thông tin và Truyền thông').waitFor();
    expect(await tree.textContent()).not.toContain('Ủy ban nhân dân tỉnh Yên Bái');
    expect(await officer.getByTestId('org-new').count()).toBe(0);

    await officer.getByTestId('nav-account').click();
    const section = officer.getByTestId('totp-section');
    await section.getByRole('button', { name: 'Bật xác thực hai lớp' }).click();
    const secret = (await section.locator('code.secret').first().textContent()) ?? '';
    await section.getByLabel('Mã xác thực (TOTP)').fill(await generate({ secret }));
    await section.getByRole('button', { name: 'Xác nhận' }).click();
    await section.getByText('Đang bật').waitFor();

    await officer.getByTestId('logout').click();
    await officer.getByRole('heading', { name: 'Đăng nhập' }).waitFor();
    // The enrolment code is spent (replays are refused): sign in with the next window's code.
    await signIn(chosen, () => generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
    await officer.getByRole('heading', { name: 'Tổng quan' }).waitFor();
    await context.close();
    expect(h.pageErrors).toEqual([]);
  });
});
