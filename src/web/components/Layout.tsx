import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { followLink } from '../lib/router.ts';
import { useCan, useSession } from '../lib/session.ts';
import { ROUTES } from '../routes.ts';
import { BrandMark } from './BrandMark.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';

export function Layout({ path, children }: { path: string; children: ReactNode }) {
  const { t } = useTranslation();
  const { me, signOut } = useSession();
  const can = useCan();
  return (
    <div className="shell">
      <header className="topbar">
        <a className="brand" href="/" onClick={followLink}>
          <BrandMark />
          <span>
            <span className="brand-name">Khiên</span>
            <span className="brand-tagline">{t('app.tagline')}</span>
          </span>
        </a>
        <div className="topbar-right">
          <LanguageSwitch />
          <a className="user-chip" href="/account" onClick={followLink} data-testid="current-user">
            <span className="user-name">{me.user.displayName}</span>
            <span className="user-role">{t(`roles.${me.role}`)}</span>
          </a>
          <button type="button" className="btn btn-quiet" onClick={() => void signOut()} data-testid="logout">
            {t('header.logout')}
          </button>
        </div>
      </header>
      <nav className="sidebar" aria-label={t('nav.label')}>
        <ul>
          {ROUTES.filter((r) => can(r.permission)).map((r) => (
            <li key={r.path}>
              <a
                href={r.path}
                onClick={followLink}
                data-testid={`nav-${r.key}`}
                aria-current={path === r.path ? 'page' : undefined}
              >
                {t(`nav.${r.key}`)}
              </a>
            </li>
          ))}
        </ul>
        <div className="sidebar-foot">
          <a href="/api/docs" target="_blank" rel="noreferrer">
            {t('nav.apiDocs')}
          </a>
        </div>
      </nav>
      <main className="content">{children}</main>
    </div>
  );
}
