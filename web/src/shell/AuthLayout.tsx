import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { LanguageSwitcher } from './LanguageSwitcher';
import { useT } from './i18n';

/** The frame of pages outside the signed-in console (sign in, sign up, password reset, invitations). */
export function AuthLayout({ title, children, footer }: { title: ReactNode; children: ReactNode; footer?: ReactNode }) {
  const t = useT();
  return (
    <div className="auth-page">
      <header className="auth-top">
        <Link to="/" className="brand"><BrandMark /> Tradelane</Link>
        <LanguageSwitcher compact />
      </header>
      <main className="auth-main" id="main">
        <div className="auth-card">
          <h1>{title}</h1>
          {children}
        </div>
        {footer && <div className="auth-footer">{footer}</div>}
        <p className="auth-tagline muted small">{t('shell.tagline')}</p>
      </main>
    </div>
  );
}

export function BrandMark() {
  return (
    <svg className="brand-mark" viewBox="0 0 32 32" width="24" height="24" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="7" fill="currentColor" />
      <path d="M7 11h18M7 16h13M7 21h8" stroke="white" strokeWidth="3" strokeLinecap="round" />
    </svg>
  );
}
