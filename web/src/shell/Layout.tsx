import { Component, useEffect, useRef, useState, type ErrorInfo, type ReactNode } from 'react';
import { Link, Navigate, NavLink, Outlet, useLocation } from 'react-router-dom';
import { BrandMark } from './AuthLayout';
import { useI18n, useT } from './i18n';
import { LanguageSwitcher } from './LanguageSwitcher';
import { NoOrganisation } from './Organisations';
import { OrgSwitcher } from './OrgSwitcher';
import { isVisible } from './permissions';
import { ADMIN_ORDER, navItems, type RegisteredNavItem } from './registry';
import { useSession } from './session';
import { Button, Loading } from './ui';

/** Routes that work without an organisation (the profile belongs to the user). */
const ORGLESS_PATHS = ['/profile', '/organisations/new'];

/** Navigation items this user may use in the current organisation. */
export function useVisibleNav(): RegisteredNavItem[] {
  const { me, organisation } = useSession();
  if (!me) return [];
  return navItems.filter((n) => isVisible(n, me.permissions, organisation?.kind));
}

/** The signed-in console: top bar, sidebar (a menu on phones) and the page. */
export function ConsoleLayout() {
  const session = useSession();
  const { t, pick } = useI18n();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const visible = useVisibleNav();
  const mainRef = useRef<HTMLElement>(null);
  const firstPath = useRef(location.pathname);
  useEffect(() => {
    setMenuOpen(false);
    // After client-side navigation, move focus to the new page so screen readers announce it.
    if (location.pathname !== firstPath.current) {
      firstPath.current = '';
      mainRef.current?.focus({ preventScroll: true });
    }
  }, [location.pathname]);

  if (session.status === 'loading') return <div className="page-center"><Loading /></div>;
  if (session.status !== 'signed-in' || !session.me) {
    const next = location.pathname + location.search;
    return <Navigate to={`/login${next && next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`} replace />;
  }
  const me = session.me;
  const needsOrg = !me.current_org_id && !ORGLESS_PATHS.includes(location.pathname);
  const main = visible.filter((n) => (n.order ?? 500) < ADMIN_ORDER);
  const admin = visible.filter((n) => (n.order ?? 500) >= ADMIN_ORDER);
  const link = (n: { path: string; label: RegisteredNavItem['label'] }) => (
    <li key={n.path}>
      <NavLink to={n.path} end={n.path === '/'} className={({ isActive }) => (isActive ? 'active' : undefined)}>{pick(n.label)}</NavLink>
    </li>
  );

  return (
    <div className="app">
      <a className="skip-link" href="#main">{t('shell.skipToContent')}</a>
      <header className="topbar">
        <button type="button" className="menu-toggle" aria-expanded={menuOpen} aria-controls="primary-nav" onClick={() => setMenuOpen((o) => !o)}>
          <span aria-hidden="true">☰</span>
          <span className="visually-hidden">{t('shell.menu')}</span>
        </button>
        <Link to="/" className="brand"><BrandMark /> <span>Tradelane</span></Link>
        <div className="topbar-org"><OrgSwitcher /></div>
        <div className="topbar-end">
          <LanguageSwitcher compact />
          <Link to="/profile" className="user-link" title={me.user.email}>
            <span className="avatar" aria-hidden="true">{(me.user.name || me.user.email).slice(0, 1).toUpperCase()}</span>
            <span className="user-name">{me.user.name}</span>
          </Link>
          <Button variant="ghost" size="sm" onClick={() => void session.signOut()}>{t('shell.signOut')}</Button>
        </div>
      </header>
      <div className="app-body">
        <nav id="primary-nav" className={`sidebar ${menuOpen ? 'open' : ''}`} aria-label={t('shell.navigation')}>
          <ul>
            {link({ path: '/', label: { en: 'Home', 'zh-CN': '首页', ar: 'الرئيسية' } })}
            {main.map(link)}
          </ul>
          {admin.length > 0 && (
            <>
              <p className="nav-group">{t('shell.administration')}</p>
              <ul>{admin.map(link)}</ul>
            </>
          )}
        </nav>
        <main id="main" className="main" tabIndex={-1} ref={mainRef}>
          <PageErrorBoundary key={`${me.current_org_id}|${location.pathname}`} t={t}>
            {needsOrg ? <NoOrganisation /> : <Outlet />}
          </PageErrorBoundary>
        </main>
      </div>
    </div>
  );
}

/** Hides a route the user has no permission for (its nav item says which); the server refuses anyway. */
export function RouteGuard({ item, children }: { item: RegisteredNavItem | undefined; children: ReactNode }) {
  const { me, organisation } = useSession();
  const t = useT();
  if (item && me && !isVisible(item, me.permissions, organisation?.kind)) {
    return (
      <div className="page">
        <h1>{t('shell.noAccessTitle')}</h1>
        <p className="muted">{t('shell.noAccess', { permission: item.permission ?? '' })}</p>
        <Link to="/">{t('shell.backHome')}</Link>
      </div>
    );
  }
  return <>{children}</>;
}

export function NotFound() {
  const t = useT();
  return (
    <div className="page">
      <h1>{t('shell.notFoundTitle')}</h1>
      <p className="muted">{t('shell.notFound')}</p>
      <Link to="/">{t('shell.backHome')}</Link>
    </div>
  );
}

/** One failing page must not take the whole console down. */
export class PageErrorBoundary extends Component<{ children: ReactNode; t: (k: string) => string }, { error: Error | null }> {
  override state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error('page crashed', error, info.componentStack);
  }
  override render() {
    if (this.state.error) {
      return (
        <div className="page">
          <div className="banner banner-error" role="alert">
            <div className="banner-body">
              <strong>{this.props.t('error.pageCrashed')}</strong>
              <p>{this.state.error.message}</p>
            </div>
          </div>
        </div>
      );
    }
    return this.props.children;
  }
}
