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
      <span aria-hidden="true" className="lang-icon">文A</span>
      <select name="language" value={locale} onChange={(e) => void change(e.target.value as Locale)} aria-label={t('shell.language')}>
        {LOCALES.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>{l.label}</option>
        ))}
      </select>
    </label>
  );
}
