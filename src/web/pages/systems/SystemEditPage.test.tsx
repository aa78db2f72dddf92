// @vitest-environment jsdom
import { json, type Sent, sentTo, serve } from '../../../../tests/web/network.ts';
import '../../i18n/index.ts';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderPage } from '../../../../tests/web/render.tsx';
import type { LevelSuggestion } from '../../api/schema.gen.ts';
import { SystemEditPage } from './SystemEditPage.tsx';
import { systemEditSearch } from './searchParams.ts';

const ORG = '0d6f3c1e-3a59-4b1e-9a57-5c1f2d3e4a01';
const SAVED_ID = '5b0f7c1e-0000-4000-8000-0000000000aa';
const suggestion = (level: LevelSuggestion['level']): LevelSuggestion => ({
  on: '2025-01-01',
  level,
  ruleId: level ? `nd85-l${level}` : null,
  legalBasis: level ? 'NĐ 85/2016/NĐ-CP, Điều 7' : null,
  vi: level ? 'Tiêu chí cấp độ' : null,
  en: level ? 'Level criterion' : null,
  matchedRuleIds: [],
  hints: [],
});

/** The server: one organisation, the aid, and `save` for the registration itself. */
const serveForm = (save: (req: Sent) => unknown) =>
  serve({
    'GET /api/organisations': () => [{ id: ORG, code: 'STP', name: 'Sở Tư pháp', type: 'department', parentId: null }],
    'GET /api/rules': () => [],
    'GET /api/systems/level-criteria': () => [],
    'POST /api/systems/classify': () => suggestion(1),
    'POST /api/systems': save,
  });

const saved = (req: Sent) => json({ ...(req.body as object), id: SAVED_ID }, 201);

/** The field's refusal as the reader sees it, under the control labelled `label`. */
const refusalOf = (label: string) => {
  const control = screen.getByLabelText(label);
  const id = control
    .getAttribute('aria-describedby')
    ?.split(' ')
    .find((x) => x.endsWith('-error'));
  return id ? document.getElementById(id)?.textContent : undefined;
};

describe('the system registration form', () => {
  const open = async () => {
    const router = renderPage(SystemEditPage, {
      url: '/systems/edit',
      role: 'agency',
      user: { organisationId: ORG },
      validateSearch: (s) => systemEditSearch.parse(s),
    });
    await screen.findByRole('heading', { name: 'Đăng ký hệ thống thông tin' });
    // The only organisation of an agency officer is chosen for them.
    await waitFor(() => expect((screen.getByLabelText('Cơ quan, đơn vị') as HTMLSelectElement).value).toBe(ORG));
    return router;
  };

  it('refuses a short name, an impossible date and a malformed address on their fields, and sends nothing', async () => {
    serveForm(saved);
    const user = userEvent.setup();
    await open();
    await user.type(screen.getByTestId('system-name'), 'X');
    await user.type(screen.getByTestId('system-inServiceFrom'), '31/02/2025');
    await user.type(screen.getByLabelText('Máy chủ, địa chỉ IP'), 'web01=x');
    await user.type(screen.getByTestId('system-userCount'), '-5');
    await user.click(screen.getByTestId('system-save'));

    expect(await screen.findByText('Tên hệ thống dài từ 2 đến 300 ký tự.')).toBeTruthy();
    expect(screen.getByTestId('system-name').getAttribute('aria-invalid')).toBe('true');
    // 31/02 does not exist: the date is invalid, not missing.
    expect(refusalOf('Ngày đưa vào vận hành')).toBe(
      'Ngày không hợp lệ: nhập một ngày có thật, dạng dd/mm/yyyy hoặc yyyy-mm-dd.',
    );
    expect(refusalOf('Máy chủ, địa chỉ IP')).toBe('Địa chỉ IP hoặc dải địa chỉ IP không hợp lệ.');
    expect(refusalOf('Số người sử dụng')).toBe('Không được là số âm.');
    expect(sentTo('/api/systems', 'POST')).toHaveLength(0);
  });

  it('sends the answers the server takes: a date typed as yyyy-mm-dd, hosts and software read line by line', async () => {
    serveForm(saved);
    const user = userEvent.setup();
    const router = await open();
    await user.type(screen.getByTestId('system-name'), '  Cổng dịch vụ công Sở Tư pháp ');
    await user.type(screen.getByTestId('system-inServiceFrom'), '2025-02-01');
    await user.selectOptions(screen.getByTestId('system-systemType'), 'public_service');
    await user.type(screen.getByTestId('system-userCount'), '12000');
    await user.type(screen.getByLabelText('Máy chủ, địa chỉ IP'), 'dvc01=10.15.1.10{Enter}10.15.1.32/28');
    await user.type(screen.getByLabelText('Phần mềm, phiên bản'), 'Apache HTTP Server|Apache|2.4.57');
    await user.click(screen.getByTestId('system-save'));

    await waitFor(() => expect(sentTo('/api/systems', 'POST')).toHaveLength(1));
    expect(sentTo('/api/systems', 'POST')[0]?.body).toMatchObject({
      organisationId: ORG,
      name: 'Cổng dịch vụ công Sở Tư pháp',
      code: null,
      systemType: 'public_service',
      userCount: 12_000,
      inServiceFrom: '2025-02-01',
      hosts: [
        { hostname: 'dvc01', address: '10.15.1.10' },
        { hostname: null, address: '10.15.1.32/28' },
      ],
      software: [{ name: 'Apache HTTP Server', vendor: 'Apache', version: '2.4.57', cpe: null }],
    });
    await waitFor(() => expect(router.state.location.href).toBe(`/systems/view?id=${SAVED_ID}`));
  });

  it('puts the server’s refusals on the fields they name, in Vietnamese with their values', async () => {
    let refusal: { status: number; body: unknown } = {
      status: 400,
      body: {
        error: {
          code: 'VALIDATION',
          message: 'Invalid IP address or range "10.15.1.300"',
          key: 'systems.invalidHosts',
          params: { values: '10.15.1.300' },
          details: { field: 'hosts', invalid: [{ value: '10.15.1.300' }] },
        },
      },
    };
    serveForm(() => json(refusal.body, refusal.status));
    const user = userEvent.setup();
    await open();
    await user.type(screen.getByTestId('system-name'), 'Cổng thông tin điện tử');
    await user.type(screen.getByLabelText('Máy chủ, địa chỉ IP'), '10.15.1.300');
    await user.click(screen.getByTestId('system-save'));
    await waitFor(() =>
      expect(refusalOf('Máy chủ, địa chỉ IP')).toBe('Địa chỉ IP hoặc dải địa chỉ IP không hợp lệ: 10.15.1.300.'),
    );
    expect(screen.queryByTestId('error')).toBeNull(); // on the field, not as a banner

    // A name the organisation already uses is refused on the name.
    refusal = {
      status: 409,
      body: {
        error: {
          code: 'CONFLICT',
          message: 'The organisation already has a system named "Cổng thông tin điện tử"',
          key: 'systems.duplicateName',
          params: { name: 'Cổng thông tin điện tử' },
          details: { field: 'name' },
        },
      },
    };
    await user.clear(screen.getByLabelText('Máy chủ, địa chỉ IP'));
    await user.click(screen.getByTestId('system-save'));
    await waitFor(() =>
      expect(refusalOf('Tên hệ thống thông tin')).toBe('Cơ quan, đơn vị đã có hệ thống tên “Cổng thông tin điện tử”.'),
    );
    expect(sentTo('/api/systems', 'POST')).toHaveLength(2);
  });
});
