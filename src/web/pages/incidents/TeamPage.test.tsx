// @vitest-environment jsdom
import { json, sentTo, serve } from '../../../../tests/web/network.ts';
import '../../i18n/index.ts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { clock, member, ORG_ID, team } from '../../../../tests/web/incidents.ts';
import { renderPage } from '../../../../tests/web/render.tsx';
import { TeamPage } from './TeamPage.tsx';

const changed = member({
  contactChangedAt: '2026-12-05T02:00:00.000Z',
  contactClock: clock({
    clock: 'contact_change',
    startsAt: '2026-12-05T02:00:00.000Z',
    dueAt: '2026-12-06T02:00:00.000Z',
    state: 'near',
    daysOff: [],
    recipients: ['national_incident_coordinator'],
  }),
  onCall: true,
});

const serveTeam = (overview = team()) =>
  serve({
    'GET /api/team': () => overview,
    'GET /api/organisations': () => [{ id: ORG_ID, code: 'SYT', name: 'Sở Y tế', type: 'department', parentId: null }],
    'POST /api/team/members': (req) => json({ id: 'new', ...(req.body as object) }, 201),
    [`POST /api/team/members/${changed.id}/contact-reported`]: () => ({ ...changed, contactReportedAt: 'x' }),
  });

describe('the response team page', () => {
  it('shows who is on call now, the coordinator of the day and the next periodic report', async () => {
    serveTeam(
      team({
        members: [changed],
        onCallNow: [
          {
            id: 's1',
            memberId: changed.id,
            memberName: changed.fullName,
            phone: '0987 654 321',
            email: 'binh@example.vn',
            startsAt: '2026-12-06T00:00:00.000Z',
            endsAt: '2026-12-06T12:00:00.000Z',
          },
        ],
      }),
    );
    renderPage(TeamPage, { url: '/incidents/team', role: 'agency' });
    const onCall = await screen.findByTestId('team-on-call');
    expect(onCall.textContent).toContain('Trần Thị Bình — 0987 654 321');
    expect(within(onCall).getByRole('link', { name: '0987 654 321' }).getAttribute('href')).toBe('tel:0987654321');
    expect(screen.getByTestId('team-coordinator').textContent).toBe(
      'Cơ quan điều phối quốc gia: Cục A05, Bộ Công an (chưa xác nhận văn bản)',
    );
    expect(screen.getByTestId('team-periodic').textContent).toContain('Sắp đến hạn');
    expect(screen.getByTestId('team-periodic').textContent).toContain('hạn hết ngày 14/12/2026');
    // An agency reads the roster and the changed contact's clock, but keeps nothing.
    expect(screen.getByTestId('member-contact-clock').textContent).toContain('Sắp đến hạn');
    expect(screen.queryByTestId('member-reported')).toBeNull();
    expect(screen.queryByTestId('member-new')).toBeNull();
    expect(screen.queryByTestId('shift-form')).toBeNull();
  });

  it('lets the Department mark a changed contact reported to the coordinator', async () => {
    serveTeam(team({ members: [changed] }));
    const user = userEvent.setup();
    renderPage(TeamPage, { url: '/incidents/team', role: 'department' });
    await user.click(await screen.findByTestId('member-reported'));
    await waitFor(() => expect(sentTo(`/api/team/members/${changed.id}/contact-reported`, 'POST')).toHaveLength(1));
  });

  it('refuses a member without a valid phone or e-mail on their fields, then adds one', async () => {
    serveTeam();
    const user = userEvent.setup();
    renderPage(TeamPage, { url: '/incidents/team', role: 'department' });
    await user.click(await screen.findByTestId('member-new'));
    await user.type(screen.getByTestId('member-fullName'), 'Phạm Minh Châu');
    await user.type(screen.getByTestId('member-phone'), 'gọi tôi');
    await user.type(screen.getByTestId('member-email'), 'chau@');
    await user.click(screen.getByTestId('member-save'));
    expect(await screen.findByText('Số điện thoại không hợp lệ.')).toBeTruthy();
    expect(screen.getByText('Địa chỉ thư điện tử không hợp lệ.')).toBeTruthy();
    expect(sentTo('/api/team/members', 'POST')).toHaveLength(0);
    await user.clear(screen.getByTestId('member-phone'));
    await user.type(screen.getByTestId('member-phone'), '0901 111 222');
    await user.clear(screen.getByTestId('member-email'));
    await user.type(screen.getByTestId('member-email'), 'chau@example.vn');
    await user.selectOptions(screen.getByTestId('member-organisation'), ORG_ID);
    await user.click(screen.getByTestId('member-save'));
    await waitFor(() => expect(sentTo('/api/team/members', 'POST')).toHaveLength(1));
    expect(sentTo('/api/team/members', 'POST')[0]?.body).toMatchObject({
      fullName: 'Phạm Minh Châu',
      organisationId: ORG_ID,
      phone: '0901 111 222',
      email: 'chau@example.vn',
      teamRole: 'member',
      validTo: null,
    });
  });
});
