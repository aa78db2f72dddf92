// @vitest-environment jsdom
import { json, sentTo, serve } from '../../../../tests/web/network.ts';
import '../../i18n/index.ts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { detail, INCIDENT_ID } from '../../../../tests/web/incidents.ts';
import { renderPage } from '../../../../tests/web/render.tsx';
import type { IncidentDetail } from '../../api/schema.gen.ts';
import { IncidentDetailPage } from './IncidentDetailPage.tsx';
import { incidentViewSearch } from './searchParams.ts';

const PATH = `/api/incidents/${INCIDENT_ID}`;

const open = (d: IncidentDetail, role: 'department' | 'agency' = 'department') => {
  serve({
    [`GET ${PATH}`]: () => d,
    [`GET ${PATH}/assignees`]: () => ({
      members: [{ id: 'm1', fullName: 'Trần Thị Bình', organisationName: 'Sở TT&TT', teamRole: 'lead', onCall: true }],
      users: [{ id: 'u1', displayName: 'Lê Minh Tuấn' }],
    }),
    [`POST ${PATH}/transitions`]: () =>
      json(
        {
          error: {
            code: 'CONFLICT',
            message: 'Closing needs the closing report (form 04) issued first',
            key: 'incidents.closingReportRequired',
          },
        },
        409,
      ),
    [`POST ${PATH}/steps`]: (req) => json({ id: 's2', ...(req.body as object), actorName: 'x', createdAt: '' }, 201),
    [`POST ${PATH}/tasks`]: (req) => json({ id: 't1', ...(req.body as object) }, 201),
  });
  return renderPage(IncidentDetailPage, {
    url: `/incidents/view?id=${INCIDENT_ID}`,
    path: '/incidents/view',
    role,
    validateSearch: (s) => incidentViewSearch.parse(s),
  });
};

describe('an incident’s page', () => {
  it('shows each clock with its rule, due day after the holidays, and whom it goes to', async () => {
    open(detail());
    const clocks = await screen.findByTestId('incident-clocks');
    const [notice, closing] = within(clocks).getAllByTestId('incident-clock');
    expect(notice?.textContent).toContain('Thông báo sự cố');
    expect(notice?.textContent).toContain('Quá hạn');
    expect(notice?.textContent).toContain('hạn hết ngày 23/02/2026');
    expect(notice?.textContent).toContain('QĐ 05/2017/QĐ-TTg, Điều 11 khoản 1 điểm a');
    expect(notice?.textContent).toContain('Ngày nghỉ trong thời hạn: 16/02/2026 (Tết Nguyên đán)');
    expect(notice?.textContent).toContain(
      'Gửi: Cơ quan chủ quản, Đơn vị chuyên trách ứng cứu sự cố, Cơ quan điều phối quốc gia',
    );
    expect(closing?.textContent).toContain('Báo cáo kết thúc ứng phó (mẫu 04)');
    expect(closing?.textContent).toContain('hạn hết ngày 04/05/2026');
    expect(closing?.textContent).toContain('30/04/2026 (Ngày Chiến thắng (30/4))');
  });

  it('explains the severity by the rule and the facts it was decided on', async () => {
    open(detail());
    const basis = await screen.findByTestId('incident-severity-basis');
    expect(basis.textContent).toContain('Thông thường');
    expect(basis.textContent).toContain('QĐ 05/2017/QĐ-TTg, Điều 9');
    expect(basis.textContent).toContain('Cổng thông tin điện tử (cấp độ 2)');
    expect(basis.textContent).toContain('Hệ thống bị gián đoạn dịch vụ');
    expect(screen.getByTestId('incident-field-affectedOrganisationIds').textContent).toBe('Sở Tài chính');
    expect(screen.getByTestId('incident-field-contactName').textContent).toBe(
      'Nguyễn Văn An · Phó Giám đốc · 0912 345 678 · an.nv@example.vn',
    );
  });

  it('says a system’s level is not approved rather than showing a dash', async () => {
    const d = detail();
    const system = { id: 'sys-2', name: 'Cơ sở dữ liệu ngành', level: null, critical: false, qualifies: false };
    open(detail({ severityBasis: d.severityBasis && { ...d.severityBasis, systems: [system] } }));
    const basis = await screen.findByTestId('incident-severity-basis');
    expect(basis.textContent).toContain('Cơ sở dữ liệu ngành (cấp độ chưa được phê duyệt)');
    expect(basis.textContent).not.toContain('cấp độ —');
  });

  it('says why closing is refused: the closing report (form 04) first', async () => {
    const user = userEvent.setup();
    open(detail());
    await user.click(await screen.findByTestId('incident-to-closed'));
    expect((await screen.findByTestId('error')).textContent).toContain(
      'Chỉ đóng sự cố khi đã ban hành báo cáo kết thúc ứng phó (mẫu 04).',
    );
    expect(sentTo(`${PATH}/transitions`, 'POST')[0]?.body).toEqual({ to: 'closed' });
  });

  it('records a step with its time in Vietnam time, and offers the on-call member first for a task', async () => {
    const user = userEvent.setup();
    open(detail());
    const form = await screen.findByTestId('step-form');
    await user.selectOptions(within(form).getByTestId('step-select'), 'contain');
    await user.clear(within(form).getByTestId('step-at'));
    await user.type(within(form).getByTestId('step-at'), '14/02/2026 08:30');
    await user.type(within(form).getByTestId('step-note'), 'Cô lập máy chủ web');
    await user.click(within(form).getByTestId('step-add'));
    await waitFor(() => expect(sentTo(`${PATH}/steps`, 'POST')).toHaveLength(1));
    expect(sentTo(`${PATH}/steps`, 'POST')[0]?.body).toEqual({
      step: 'contain',
      at: '2026-02-14T08:30:00+07:00',
      note: 'Cô lập máy chủ web',
    });
    const owner = screen.getByTestId('task-owner') as HTMLSelectElement;
    await waitFor(() => expect(owner.options.length).toBe(3));
    expect(owner.options[1]?.textContent).toBe('Trần Thị Bình — Sở TT&TT (đang trực)');
    await user.type(screen.getByTestId('task-title'), 'Rà soát mã độc');
    await user.selectOptions(owner, 'm:m1');
    await user.click(screen.getByTestId('task-add'));
    await waitFor(() => expect(sentTo(`${PATH}/tasks`, 'POST')).toHaveLength(1));
    expect(sentTo(`${PATH}/tasks`, 'POST')[0]?.body).toEqual({
      title: 'Rà soát mã độc',
      memberId: 'm1',
      assigneeId: null,
      dueOn: null,
    });
  });

  it('gives an affected agency the record to read, without any form', async () => {
    open(detail({ access: { edit: false, manage: false, transitions: [] } }), 'agency');
    await screen.findByTestId('incident-timeline');
    expect(screen.queryByTestId('incident-actions')).toBeNull();
    expect(screen.queryByTestId('step-form')).toBeNull();
    expect(screen.queryByTestId('task-form')).toBeNull();
    expect(screen.queryByTestId('evidence-file')).toBeNull();
    expect(sentTo(`${PATH}/assignees`)).toHaveLength(0);
  });
});
