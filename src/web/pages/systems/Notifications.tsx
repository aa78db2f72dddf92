import { useRouter } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { $api, queryClient } from '../../api/client.ts';
import type { Notification } from '../../api/schema.gen.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { notificationHref, numbers } from './ui.ts';
import './systems.css';

// The header imports the bell from here today; NotificationBell.tsx alone keeps this page out of the main bundle.
export { NotificationBell } from './NotificationBell.tsx';

/** Reading a notification changes the bell's count and the page's list. */
const notificationsChanged = () => queryClient.invalidateQueries({ queryKey: ['get', '/api/notifications'] });

/** Thông báo: the user's notifications (overdue targets, overdue inspections), newest first. */
export function NotificationsPage() {
  const { t, i18n } = useTranslation();
  const router = useRouter();
  const list = $api.useQuery('get', '/api/notifications');
  const readAll = $api.useMutation('post', '/api/notifications/read-all', { onSuccess: notificationsChanged });
  const readOne = $api.useMutation('post', '/api/notifications/{id}/read', { onSuccess: notificationsChanged });
  const unread = list.data?.filter((n) => !n.readAt).length ?? 0;
  const open = async (n: Notification) => {
    if (!n.readAt) await readOne.mutateAsync({ params: { path: { id: n.id } } }).catch(() => {});
    const href = notificationHref(n.link);
    if (href) void router.navigate({ href });
  };
  return (
    <>
      <div className="page-head">
        <h1>{t('nav.notifications')}</h1>
        {unread > 0 && (
          <button
            type="button"
            className="btn"
            disabled={readAll.isPending}
            onClick={() => readAll.mutate({})}
            data-testid="notifications-read-all"
          >
            {t('systems.notifications.readAll', numbers({ n: unread }, i18n.language))}
          </button>
        )}
      </div>
      <ErrorMessage error={list.error ?? readAll.error} />
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
