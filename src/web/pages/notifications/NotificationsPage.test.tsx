// @vitest-environment jsdom
import { lastQuery, sentTo, serve } from '../../../../tests/web/network.ts';
import '../../i18n/index.ts';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderPage, renderWithProviders } from '../../../../tests/web/render.tsx';
import type { Notification } from '../../api/schema.gen.ts';
import { NotificationBell } from './NotificationBell.tsx';
import { NotificationsPage } from './NotificationsPage.tsx';

const SYSTEM = '5b1f7c3e-0000-4000-8000-000000000001';
const note = (over: Partial<Notification>): Notification => ({
  id: '9c0e4d11-0000-4000-8000-000000000001',
  kind: 'dossier_returned',
  title: 'Hồ sơ đề xuất cấp độ bị trả lại, cần bổ sung: Cổng dịch vụ công',
  body: 'Hồ sơ cấp độ 2 được trả lại với ý kiến: “Thiếu sơ đồ mạng”.',
  link: `/systems/view?id=${SYSTEM}&tab=dossier`,
  urgent: false,
  createdAt: '2026-12-06T01:05:00.000Z',
  readAt: null,
  emailedAt: null,
  ...over,
});

describe('the notifications page', () => {
  it('lists the user’s notifications, marks urgent ones, and opening one marks it read and goes to its page', async () => {
    let list = [
      note({}),
      note({
        id: '9c0e4d11-0000-4000-8000-000000000002',
        kind: 'incident',
        title: 'Sự cố nghiêm trọng: mã độc tống tiền',
        urgent: true,
        link: '/incidents/view?id=1',
        emailedAt: '2026-12-06T01:06:00.000Z',
      }),
      note({ id: '9c0e4d11-0000-4000-8000-000000000003', title: 'Đã đọc', readAt: '2026-12-05T01:00:00.000Z' }),
    ];
    serve({
      'GET /api/notifications': () => list,
      'POST /api/notifications/9c0e4d11-0000-4000-8000-000000000001/read': () => {
        list = list.map((n, i) => (i === 0 ? { ...n, readAt: '2026-12-06T02:00:00.000Z' } : n));
        return { updated: 1 };
      },
    });
    const router = renderPage(NotificationsPage, { url: '/notifications', role: 'agency' });
    const items = await within(await screen.findByTestId('notifications')).findAllByRole('listitem');
    expect(items.map((li) => li.querySelector('strong')?.textContent)).toEqual([
      'Hồ sơ đề xuất cấp độ bị trả lại, cần bổ sung: Cổng dịch vụ công',
      'Sự cố nghiêm trọng: mã độc tống tiền',
      'Đã đọc',
    ]);
    // Two unread; the urgent one says so, and when it was e-mailed (province time, dd/mm/yyyy).
    expect(screen.getByTestId('notifications-read-all').textContent).toBe('Đánh dấu đã đọc tất cả (2)');
    expect(within(items[1] as HTMLElement).getByText('Khẩn')).toBeTruthy();
    expect(items[1]?.textContent).toContain('đã gửi thư lúc 06/12/2026 08:06');
    expect(within(items[0] as HTMLElement).queryByText('Khẩn')).toBeNull();
    expect(items[0]?.className).toContain('notification-unread');
    expect(items[2]?.className).not.toContain('notification-unread');

    await userEvent.click(within(items[0] as HTMLElement).getByRole('button'));
    await waitFor(() => expect(router.state.location.href).toBe(`/systems/view?id=${SYSTEM}&tab=dossier`));
    expect(sentTo('/api/notifications/9c0e4d11-0000-4000-8000-000000000001/read', 'POST')).toHaveLength(1);
  });

  it('marks every notification read at once, and says when there is none', async () => {
    let list = [note({})];
    serve({
      'GET /api/notifications': () => list,
      'POST /api/notifications/read-all': () => {
        list = [];
        return { updated: 1 };
      },
    });
    renderPage(NotificationsPage, { url: '/notifications', role: 'viewer' });
    await userEvent.click(await screen.findByTestId('notifications-read-all'));
    await screen.findByText('Không có thông báo nào.');
    expect(screen.queryByTestId('notifications-read-all')).toBeNull();
    expect(sentTo('/api/notifications/read-all', 'POST')).toHaveLength(1);
  });

  it('the bell counts the unread ones only', async () => {
    serve({ 'GET /api/notifications': () => [note({}), note({ id: '9c0e4d11-0000-4000-8000-000000000009' })] });
    renderWithProviders(<NotificationBell />, 'agency');
    expect((await screen.findByTestId('notification-count')).textContent).toBe('2');
    expect(lastQuery('/api/notifications').get('unread')).toBe('true');
    expect(screen.getByTestId('notification-bell').getAttribute('aria-label')).toBe('Thông báo chưa đọc: 2');
  });
});
