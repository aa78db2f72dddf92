import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { api } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import { followLink, navigate, usePath } from '../../lib/router.ts';
import { useLoad } from '../../lib/useLoad.ts';
import { type Notification, notificationHref } from './systems.ts';
import './systems.css';

export const NOTIFICATIONS_PATH = '/notifications';

/** The header's bell: how many notifications are unread (re-read on every page change and every minute). */
export function NotificationBell() {
  const { t } = useTranslation();
  const path = usePath();
  const unread = useLoad(() => api<Notification[]>('GET', '/api/notifications?unread=true'), [path]);
  const { reload } = unread;
  useEffect(() => {
    const timer = setInterval(reload, 60_000);
    return () => clearInterval(timer);
  }, [reload]);
  const count = unread.data?.length ?? 0;
  return (
    <a
      className={`bell${count ? ' bell-unread' : ''}`}
      href={NOTIFICATIONS_PATH}
      onClick={followLink}
      data-testid="notification-bell"
      aria-label={t('systems.notifications.bell', { n: count })}
      title={t('systems.notifications.bell', { n: count })}
    >
      <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
        />
      </svg>
      {count > 0 && (
        <span className="bell-count" data-testid="notification-count">
          {count > 99 ? '99+' : count}
        </span>
      )}
    </a>
  );
}

/** Thông báo: the user's notifications (overdue targets, overdue inspections), newest first. */
export function NotificationsPage() {
  const { t } = useTranslation();
  const list = useLoad(() => api<Notification[]>('GET', '/api/notifications'), []);
  const unread = list.data?.filter((n) => !n.readAt).length ?? 0;
  const markAll = async () => {
    await api('POST', '/api/notifications/read-all');
    list.reload();
    navigate(NOTIFICATIONS_PATH, { replace: true }); // the bell re-counts on a path change
  };
  const open = async (n: Notification) => {
    if (!n.readAt) await api('POST', `/api/notifications/${n.id}/read`).catch(() => {});
    const href = notificationHref(n.link);
    if (href) navigate(href);
    else list.reload();
  };
  return (
    <>
      <div className="page-head">
        <h1>{t('nav.notifications')}</h1>
        {unread > 0 && (
          <button type="button" className="btn" onClick={() => void markAll()} data-testid="notifications-read-all">
            {t('systems.notifications.readAll', { n: unread })}
          </button>
        )}
      </div>
      <ErrorMessage error={list.error} />
      {list.data?.length === 0 && <p className="muted">{t('systems.notifications.empty')}</p>}
      <ul className="notifications" data-testid="notifications">
        {list.data?.map((n) => (
          <li key={n.id} className={n.readAt ? 'notification' : 'notification notification-unread'}>
            <button type="button" className="link link-plain" onClick={() => void open(n)}>
              <strong>{n.title}</strong>
            </button>
            <div className="small">{n.body}</div>
            <div className="muted small">{formatDateTime(n.createdAt)}</div>
          </li>
        ))}
      </ul>
    </>
  );
}
