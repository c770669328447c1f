import { api } from './api';
import { LOCALES, useI18n } from './i18n';
import { useSession } from './session';
import type { Locale } from './types';

/** Language picker: remembered in this browser and, when signed in, on the user's profile. */
export function LanguageSwitcher({ compact }: { compact?: boolean }) {
  const { locale, setLocale, t } = useI18n();
  const session = useSession();
  async function change(next: Locale) {
    setLocale(next);
    if (session.status === 'signed-in') {
      try {
        await api.patch('/v1/me', { locale: next });
      } catch {
        /* the local choice still applies; the profile keeps its old language */
      }
    }
  }
  return (
    <label className={`lang-switch ${compact ? 'compact' : ''}`}>
      <span className="visually-hidden">{t('shell.language')}</span>
      <svg aria-hidden="true" focusable="false" className="lang-icon" viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" strokeWidth="1.8">
        <circle cx="12" cy="12" r="9" />
        <path d="M3 12h18M12 3c2.5 2.6 3.8 5.6 3.8 9s-1.3 6.4-3.8 9M12 3c-2.5 2.6-3.8 5.6-3.8 9s1.3 6.4 3.8 9" />
      </svg>
      <select name="language" value={locale} onChange={(e) => void change(e.target.value as Locale)} aria-label={t('shell.language')}>
        {LOCALES.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>{l.label}</option>
        ))}
      </select>
    </label>
  );
}
