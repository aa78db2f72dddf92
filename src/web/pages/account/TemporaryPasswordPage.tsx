import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { BrandMark } from '../../components/BrandMark.tsx';
import { LanguageSwitch } from '../../components/LanguageSwitch.tsx';
import { useSession } from '../../lib/session.ts';
import { PasswordForm } from './PasswordForm.tsx';

/**
 * The only page of a session whose password an administrator set (a new account, a reset): the server refuses
 * everything else until its owner replaces it, so the change comes first.
 */
export function TemporaryPasswordPage() {
  const { t } = useTranslation();
  const { me, signOut } = useSession();
  useEffect(() => {
    document.title = `${t('account.temporaryTitle')} · Khiên`;
  }, [t]);
  return (
    <div className="auth-screen" data-testid="temporary-password">
      <div className="auth-lang">
        <LanguageSwitch />
      </div>
      <div className="auth-card auth-card-wide">
        <div className="auth-brand">
          <BrandMark size={40} />
          <div>
            <div className="brand-name">Khiên</div>
            <div className="auth-tagline">{me.user.displayName}</div>
          </div>
        </div>
        <PasswordForm temporary />
        <p className="auth-foot">
          <button type="button" className="btn btn-quiet" onClick={() => void signOut()} data-testid="logout">
            {t('header.logout')}
          </button>
        </p>
      </div>
    </div>
  );
}
