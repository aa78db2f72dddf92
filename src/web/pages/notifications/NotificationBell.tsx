import { useTranslation } from 'react-i18next';
import { $api } from '../../api/client.ts';
import { formatNumber } from '../../lib/format.ts';
import { followLink } from '../../lib/router.ts';
import './notifications.css';

export const NOTIFICATIONS_PATH = '/notifications';

/** The header's bell: how many notifications are unread (re-read every minute and whenever one is read). */
export function NotificationBell() {
  const { t, i18n } = useTranslation();
  const unread = $api.useQuery(
    'get',
    '/api/notifications',
    { params: { query: { unread: 'true' } } },
    { refetchInterval: 60_000 },
  );
  const count = unread.data?.length ?? 0;
  const label = t('notifications.bell', { n: formatNumber(count, i18n.language) });
  return (
    <a
      className={`bell${count ? ' bell-unread' : ''}`}
      href={NOTIFICATIONS_PATH}
      onClick={followLink}
      data-testid="notification-bell"
      aria-label={label}
      title={label}
    >
      <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
        />
      </svg>
      {count > 0 && (
        <span className="bell-count" data-testid="notification-count">
          {count > 99 ? '99+' : formatNumber(count, i18n.language)}
        </span>
      )}
    </a>
  );
}
