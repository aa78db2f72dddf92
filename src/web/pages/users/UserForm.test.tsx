// @vitest-environment jsdom
import { json, sentTo, serve } from '../../../../tests/web/network.ts';
import '../../i18n/index.ts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { renderWithProviders } from '../../../../tests/web/render.tsx';
import type { Organisation } from '../../api/schema.gen.ts';
import { setLanguage } from '../../i18n/index.ts';
import { buildTree } from '../../lib/tree.ts';
import { UserForm } from './UserForm.tsx';

const unit = (id: string, code: string, name: string, type: Organisation['type'], parentId: string | null) =>
  ({ id, code, name, type, parentId, ipRanges: [] }) as unknown as Organisation;
const PROVINCE = '10000000-0000-4000-8000-000000000000';
const LUC_YEN = '20000000-0000-4000-8000-000000000000';
const VAN_CHAN = '30000000-0000-4000-8000-000000000000';
const TAN_LAP_LY = '40000000-0000-4000-8000-000000000000';
const TAN_LAP_VC = '50000000-0000-4000-8000-000000000000';
// Two communes of one name, in two districts: a picker must tell them apart.
const tree = buildTree([
  unit(PROVINCE, '15', 'Tỉnh Yên Bái', 'province', null),
  unit(LUC_YEN, '136', 'Huyện Lục Yên', 'district', PROVINCE),
  unit(VAN_CHAN, '142', 'Huyện Văn Chấn', 'district', PROVINCE),
  unit(TAN_LAP_LY, '04210', 'Xã Tân Lập', 'commune', LUC_YEN),
  unit(TAN_LAP_VC, '04510', 'Xã Tân Lập', 'commune', VAN_CHAN),
]);

describe('the new-account form', () => {
  const saved = vi.fn();
  beforeEach(() => {
    setLanguage('vi');
    saved.mockClear();
  });

  const open = () => {
    renderWithProviders(<UserForm tree={tree} onSaved={saved} onCancel={() => {}} />, 'admin');
    return within(screen.getByTestId('user-form'));
  };

  it('shows what is wrong under each field and sends nothing', async () => {
    const form = open();
    await userEvent.type(form.getByLabelText('Tên đăng nhập'), 'a b');
    await userEvent.type(form.getByLabelText('Mật khẩu ban đầu'), 'ngắn');
    await userEvent.click(form.getByRole('button', { name: 'Lưu' }));
    expect(await form.findByText(/Tên đăng nhập dài 3–64 ký tự/)).toBeTruthy();
    expect(form.getByText('Mật khẩu quá ngắn (xem yêu cầu bên dưới).')).toBeTruthy();
    expect(form.getByText('Họ và tên cần ít nhất 2 ký tự.')).toBeTruthy();
    // The message is tied to its field for screen readers.
    expect(form.getByLabelText('Tên đăng nhập').getAttribute('aria-invalid')).toBe('true');
    expect(sentTo('/api/users', 'POST')).toHaveLength(0);
    expect(saved).not.toHaveBeenCalled();
  });

  it('tells two communes of one name apart by their district', () => {
    const form = open();
    const options = within(form.getByLabelText('Cơ quan, đơn vị', { exact: true }))
      .getAllByRole('option')
      .map((o) => o.textContent?.trim());
    expect(options).toContain('Xã Tân Lập — Huyện Lục Yên');
    expect(options).toContain('Xã Tân Lập — Huyện Văn Chấn');
    expect(options).toContain('Huyện Lục Yên');
  });

  it('puts the server’s refusal on the field it names, in Vietnamese, and sends the values typed', async () => {
    serve({
      'POST /api/users': () =>
        json(
          {
            error: {
              code: 'CONFLICT',
              message: 'Username "canbo.tanlap" is taken',
              key: 'usernameTaken',
              params: { username: 'canbo.tanlap' },
              details: { field: 'username' },
              requestId: 'req-1',
            },
          },
          409,
        ),
    });
    const form = open();
    await userEvent.type(form.getByLabelText('Tên đăng nhập'), 'canbo.tanlap');
    await userEvent.type(form.getByLabelText('Mật khẩu ban đầu'), 'mật khẩu ban đầu rất dài');
    await userEvent.type(form.getByLabelText('Họ và tên'), 'Trần Văn Đức');
    await userEvent.selectOptions(form.getByLabelText('Cơ quan, đơn vị', { exact: true }), TAN_LAP_VC);
    await userEvent.click(form.getByRole('button', { name: 'Lưu' }));
    expect(await form.findByText('Tên đăng nhập “canbo.tanlap” đã có người dùng.')).toBeTruthy();
    // On the field, not as an alert with the English message or a request id.
    expect(form.queryByTestId('error')).toBeNull();
    expect(form.queryByText(/req-1/)).toBeNull();
    const [sent] = sentTo('/api/users', 'POST');
    expect(sent?.headers.get('content-type')).toContain('application/json');
    expect(sent?.body).toEqual({
      username: 'canbo.tanlap',
      password: 'mật khẩu ban đầu rất dài',
      displayName: 'Trần Văn Đức',
      email: null,
      role: 'agency',
      organisationId: TAN_LAP_VC,
      scopeIncludesChildren: true,
      locale: 'vi',
    });
    expect(saved).not.toHaveBeenCalled();
  });

  it('shows a VALIDATION refusal of the password (too easy to guess) under the password', async () => {
    serve({
      'POST /api/users': () =>
        json(
          {
            error: {
              code: 'VALIDATION',
              message: 'Mật khẩu quá dễ đoán … / Password too easy to guess …',
              key: 'passwordTooWeak',
              details: { field: 'password', reason: 'too-weak' },
            },
          },
          400,
        ),
    });
    const form = open();
    await userEvent.type(form.getByLabelText('Tên đăng nhập'), 'canbo.a');
    await userEvent.type(form.getByLabelText('Mật khẩu ban đầu'), 'password1234');
    await userEvent.type(form.getByLabelText('Họ và tên'), 'Nguyễn Văn An');
    await userEvent.click(form.getByRole('button', { name: 'Lưu' }));
    const password = form.getByLabelText('Mật khẩu ban đầu');
    await waitFor(() => expect(password.getAttribute('aria-invalid')).toBe('true'));
    expect(form.getByText(/Mật khẩu quá dễ đoán/).id).toBe(password.getAttribute('aria-describedby')?.split(' ')[1]);
  });

  it('saves a valid account and says so', async () => {
    serve({ 'POST /api/users': () => json({ id: '60000000-0000-4000-8000-000000000000' }, 201) });
    const form = open();
    await userEvent.type(form.getByLabelText('Tên đăng nhập'), 'lanhdao.tinh');
    await userEvent.type(form.getByLabelText('Mật khẩu ban đầu'), 'mật khẩu ban đầu rất dài');
    await userEvent.type(form.getByLabelText('Họ và tên'), 'Lãnh đạo tỉnh');
    await userEvent.selectOptions(form.getByLabelText('Vai trò'), 'viewer');
    await userEvent.click(form.getByRole('button', { name: 'Lưu' }));
    await waitFor(() => expect(saved).toHaveBeenCalledTimes(1));
    expect(sentTo('/api/users', 'POST')[0]?.body).toMatchObject({ role: 'viewer', organisationId: null });
  });
});
