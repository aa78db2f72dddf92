import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { $api } from '../../api/client.ts';
import type { Notification } from '../../api/schema.gen.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { formatDateTime, formatNumber } from '../../lib/format.ts';
import './notifications.css';

/**
 * Thông báo: what asks the signed-in user to act (dossier steps, overdue targets and inspections, advisories,
 * incidents…), newest first. Opening one marks it read and goes to its page.
 */
export function NotificationsPage() {
  const { t, i18n } = useTranslation();
  const router = useRouter();
  const queryClient = useQueryClient();
  // Reading a notification changes the bell's count and this list.
  const changed = () => queryClient.invalidateQueries({ queryKey: ['get', '/api/notifications'] });
  const list = $api.useQuery('get', '/api/notifications');
  const readAll = $api.useMutation('post', '/api/notifications/read-all', { onSuccess: changed });
  const readOne = $api.useMutation('post', '/api/notifications/{id}/read', { onSuccess: changed });
  const unread = list.data?.filter((n) => !n.readAt).length ?? 0;
  const open = async (n: Notification) => {
    // Going to the page matters more than the mark: a failed mark leaves it unread, to be read again.
    if (!n.readAt) await readOne.mutateAsync({ params: { path: { id: n.id } } }).catch(() => {});
    if (n.link) void router.navigate({ href: n.link });
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
            {t('notifications.readAll', { n: formatNumber(unread, i18n.language) })}
          </button>
        )}
      </div>
      <ErrorMessage error={list.error ?? readAll.error} />
      {list.data?.length === 0 && <p className="muted">{t('notifications.empty')}</p>}
      <ul className="notifications" data-testid="notifications">
        {list.data?.map((n) => (
          <li key={n.id} className={n.readAt ? 'notification' : 'notification notification-unread'}>
            <button type="button" className="link link-plain" onClick={() => void open(n)}>
              <strong>{n.title}</strong>
            </button>
            {n.urgent && <span className="badge badge-bad notification-urgent">{t('notifications.urgent')}</span>}
            <div className="small">{n.body}</div>
            <div className="muted small">
              {formatDateTime(n.createdAt)}
              {n.emailedAt && ` · ${t('notifications.emailed', { at: formatDateTime(n.emailedAt) })}`}
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
