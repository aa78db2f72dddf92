import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../lib/format.ts';
import { useSession } from '../../lib/session.ts';
import { PasswordForm } from './PasswordForm.tsx';
import { TokensSection } from './TokensSection.tsx';
import { TotpSection } from './TotpSection.tsx';

export function AccountPage() {
  const { t } = useTranslation();
  const { me } = useSession();
  return (
    <>
      <h1>{t('nav.account')}</h1>
      <section className="panel">
        <h2>{t('account.profile')}</h2>
        <dl className="facts">
          <dt>{t('users.username')}</dt>
          <dd>
            <code>{me.user.username}</code>
          </dd>
          <dt>{t('users.displayName')}</dt>
          <dd>{me.user.displayName}</dd>
          <dt>{t('users.email')}</dt>
          <dd>{me.user.email ?? '—'}</dd>
          <dt>{t('users.role')}</dt>
          <dd>{t(`roles.${me.role}`)}</dd>
          <dt>{t('users.lastLogin')}</dt>
          <dd>{formatDateTime(me.user.lastLoginAt) || '—'}</dd>
        </dl>
      </section>
      <div className="two-col">
        <PasswordForm />
        <TotpSection />
      </div>
      <TokensSection />
    </>
  );
}
