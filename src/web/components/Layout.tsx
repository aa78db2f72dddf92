import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { followLink, usePath } from '../lib/router.ts';
import { useCan, useSession } from '../lib/session.ts';
import { NotificationBell } from '../pages/notifications/NotificationBell.tsx';
import { PAGES } from '../pages.ts';
import { BrandMark } from './BrandMark.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';

type NavPage = (typeof PAGES)[number];

export function Layout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { me, signOut } = useSession();
  const can = useCan();
  const path = usePath();
  // The phone's menu: closed by default, closed again when a page is chosen.
  const [menuOpen, setMenuOpen] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new path is the event that closes the menu.
  useEffect(() => setMenuOpen(false), [path]);
  const current = PAGES.find((p) => p.path === path);
  // Each page's title names it (tabs, history, screen readers); pages may refine it with what they show.
  useEffect(() => {
    document.title = current ? `${t(`nav.${current.key}`)} · Khiên` : 'Khiên';
  }, [current, t]);

  const visible = PAGES.filter((r) => can(r.permission) && !r.hideInNav?.(can));
  // Consecutive pages of one section form a group; pages without a section are groups of their own.
  const groups: { section?: NavPage['section']; routes: NavPage[] }[] = [];
  for (const r of visible) {
    const last = groups.at(-1);
    if (r.section && last?.section === r.section) last.routes.push(r);
    else groups.push({ section: r.section, routes: [r] });
  }
  const link = (r: NavPage) => (
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
  );
  return (
    <div className="shell">
      <header className="topbar">
        <button
          type="button"
          className="menu-button"
          aria-expanded={menuOpen}
          aria-controls="sidebar"
          onClick={() => setMenuOpen((o) => !o)}
          data-testid="menu-button"
        >
          <span aria-hidden="true">☰</span>
          <span className="sr-only">{t('nav.menu')}</span>
        </button>
        <a className="brand" href="/" onClick={followLink}>
          <BrandMark />
          <span>
            <span className="brand-name">Khiên</span>
            <span className="brand-tagline">{t('app.tagline')}</span>
          </span>
        </a>
        <div className="topbar-right">
          <LanguageSwitch />
          <NotificationBell />
          <a className="user-chip" href="/account" onClick={followLink} data-testid="current-user">
            <span className="user-name">{me.user.displayName}</span>
            <span className="user-role">{t(`roles.${me.role}`)}</span>
          </a>
          <button type="button" className="btn btn-quiet" onClick={() => void signOut()} data-testid="logout">
            {t('header.logout')}
          </button>
        </div>
      </header>
      <nav id="sidebar" className="sidebar" data-open={menuOpen} aria-label={t('nav.label')}>
        <ul>
          {groups.map((g) =>
            g.section ? (
              <li key={g.section} className="nav-section">
                <span className="nav-section-title">{t(`nav.section.${g.section}`)}</span>
                <ul>{g.routes.map(link)}</ul>
              </li>
            ) : (
              g.routes.map(link)
            ),
          )}
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
