// @vitest-environment jsdom
import { json, type Sent, sentTo, serve } from '../../../../tests/web/network.ts';
import '../../i18n/index.ts';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { INCIDENT_ID, ORG_ID, rules } from '../../../../tests/web/incidents.ts';
import { renderPage } from '../../../../tests/web/render.tsx';
import { IncidentEditPage } from './IncidentEditPage.tsx';
import { incidentEditSearch } from './searchParams.ts';

const FINDING = '9c0e1d2f-0000-4000-8000-0000000000f1';

const serveForm = (save: (req: Sent) => unknown) =>
  serve({
    'GET /api/organisations': () => [{ id: ORG_ID, code: 'SYT', name: 'Sở Y tế', type: 'department', parentId: null }],
    'GET /api/systems': () => ({ items: [], total: 0 }),
    'GET /api/incidents/rules': () => rules,
    [`GET /api/vulnerabilities/findings/${FINDING}`]: () => ({
      finding: {
        id: FINDING,
        name: 'Apache HTTP Server 2.4.49 Path Traversal',
        organisationId: ORG_ID,
        synopsis: 'Máy chủ web có lỗ hổng duyệt thư mục.',
        cves: ['CVE-2021-41773'],
      },
      ip: '10.15.1.20',
      hostname: 'web01',
    }),
    'POST /api/incidents': save,
  });

const open = async (url = '/incidents/edit') => {
  const router = renderPage(IncidentEditPage, {
    url,
    path: '/incidents/edit',
    role: 'agency',
    user: { organisationId: ORG_ID },
    validateSearch: (s) => incidentEditSearch.parse(s),
  });
  await screen.findByRole('heading', { name: 'Báo cáo sự cố an toàn thông tin mạng' });
  await waitFor(() =>
    expect((screen.getByLabelText('Đơn vị vận hành hệ thống thông tin') as HTMLSelectElement).value).toBe(ORG_ID),
  );
  return router;
};

describe('the incident report form', () => {
  it('explains the severity rule beside its factors, as checkboxes', async () => {
    serveForm(() => json({}, 500));
    await open();
    const severity = screen.getByTestId('incident-severity');
    expect(severity.textContent).toContain('QĐ 05/2017/QĐ-TTg, Điều 9');
    expect(severity.textContent).toContain('Sự cố nghiêm trọng khi hệ thống cấp độ 4, 5');
    expect(screen.getByLabelText('Hệ thống bị gián đoạn dịch vụ')).toHaveProperty('type', 'checkbox');
    expect(screen.getByLabelText(/vượt khả năng xử lý/)).toHaveProperty('type', 'checkbox');
    // An agency with no other organisation and no system in its scope is told so, not shown empty lists.
    expect((await screen.findByTestId('incident-no-systems')).textContent).toBe(
      'Chưa có hệ thống thông tin nào trong phạm vi của bạn.',
    );
    expect(screen.getByTestId('incident-no-other-organisations').textContent).toBe(
      'Không có cơ quan, đơn vị nào khác trong phạm vi của bạn.',
    );
    expect(screen.queryByTestId('incident-affectedOrganisationIds')).toBeNull();
  });

  it('refuses a short title and an impossible time on their fields, and sends nothing', async () => {
    serveForm(() => json({}, 500));
    const user = userEvent.setup();
    await open();
    await user.type(screen.getByTestId('incident-title'), 'X');
    await user.clear(screen.getByTestId('incident-detectedAt'));
    await user.type(screen.getByTestId('incident-detectedAt'), '31/02/2026 10:00');
    await user.click(screen.getByTestId('incident-save'));
    expect(await screen.findByText('Tên dài từ 3 đến 300 ký tự.')).toBeTruthy();
    expect(screen.getByText('Thời điểm không hợp lệ: nhập dd/mm/yyyy hh:mm.')).toBeTruthy();
    expect(sentTo('/api/incidents', 'POST')).toHaveLength(0);
  });

  it('sends the report with the detection time in Vietnam time and the chosen factors, then opens it', async () => {
    serveForm((req) => json({ ...(req.body as object), id: INCIDENT_ID }, 201));
    const user = userEvent.setup();
    const router = await open();
    await user.type(screen.getByTestId('incident-title'), 'Tấn công thay đổi giao diện');
    await user.selectOptions(screen.getByTestId('incident-type'), 'defacement');
    await user.clear(screen.getByTestId('incident-detectedAt'));
    await user.type(screen.getByTestId('incident-detectedAt'), '13/02/2026 10:00');
    await user.type(screen.getByTestId('incident-contactEmail'), 'an.nv@example.vn');
    await user.click(screen.getByTestId('incident-factor-outage'));
    await user.click(screen.getByTestId('incident-beyondCapability'));
    await user.click(screen.getByTestId('incident-save'));
    await waitFor(() => expect(router.state.location.href).toBe(`/incidents/view?id=${INCIDENT_ID}`));
    expect(sentTo('/api/incidents', 'POST')[0]?.body).toMatchObject({
      title: 'Tấn công thay đổi giao diện',
      organisationId: ORG_ID,
      type: 'defacement',
      detectedAt: '2026-02-13T10:00:00+07:00',
      contactEmail: 'an.nv@example.vn',
      contactName: null,
      severityFactors: ['outage'],
      beyondCapability: true,
      affectedOrganisationIds: [],
      vulnFindingId: null,
    });
  });

  it('opened from a vulnerability finding, starts from what the finding says and keeps the link', async () => {
    serveForm((req) => json({ ...(req.body as object), id: INCIDENT_ID }, 201));
    const user = userEvent.setup();
    await open(`/incidents/edit?vulnFindingId=${FINDING}`);
    expect((screen.getByTestId('incident-title') as HTMLInputElement).value).toBe(
      'Apache HTTP Server 2.4.49 Path Traversal — web01',
    );
    expect((screen.getByTestId('incident-description') as HTMLTextAreaElement).value).toContain('CVE-2021-41773');
    await user.click(screen.getByTestId('incident-save'));
    await waitFor(() => expect(sentTo('/api/incidents', 'POST')).toHaveLength(1));
    expect(sentTo('/api/incidents', 'POST')[0]?.body).toMatchObject({
      vulnFindingId: FINDING,
      type: 'unauthorised_access',
    });
  });
});
