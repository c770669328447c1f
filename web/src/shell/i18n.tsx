import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import ar from './i18n/ar.json';
import en from './i18n/en.json';
import zhCN from './i18n/zh-CN.json';
import { formatDateTime, formatMoney, formatNumber, type DateStyle } from './format';
import type { ConsoleModule, Locale, Messages } from './types';

/**
 * Message catalogues (shell + every module's `messages`), the current language and Intl formats.
 * English is the fallback for a missing key; "{name}" placeholders are filled from `vars`.
 */
export const LOCALES: { code: Locale; label: string; dir: 'ltr' | 'rtl' }[] = [
  { code: 'en', label: 'English', dir: 'ltr' },
  { code: 'zh-CN', label: '中文', dir: 'ltr' },
  { code: 'ar', label: 'العربية', dir: 'rtl' },
];
const STORAGE_KEY = 'tradelane.locale';

export const shellMessages: Record<Locale, Messages> = { en, 'zh-CN': zhCN, ar };

/** Map any BCP 47 tag ("zh-Hans-CN", "ar-EG", "en-GB") to a console language, or null. */
export function matchLocale(tag: string | null | undefined): Locale | null {
  if (!tag) return null;
  const t = tag.toLowerCase();
  if (t.startsWith('zh')) return 'zh-CN';
  if (t.startsWith('ar')) return 'ar';
  if (t.startsWith('en')) return 'en';
  return null;
}

export function storedLocale(): Locale | null {
  try {
    return matchLocale(localStorage.getItem(STORAGE_KEY));
  } catch {
    return null;
  }
}

function initialLocale(): Locale {
  return storedLocale() ?? matchLocale(typeof navigator !== 'undefined' ? navigator.language : null) ?? 'en';
}

export function mergeCatalogues(modules: ConsoleModule[]): Record<Locale, Messages> {
  const out: Record<Locale, Messages> = { en: { ...en }, 'zh-CN': { ...zhCN }, ar: { ...ar } };
  for (const m of modules) for (const [loc, msgs] of Object.entries(m.messages ?? {})) Object.assign(out[loc as Locale] ??= {}, msgs);
  return out;
}

export function interpolate(template: string, vars?: Record<string, string | number>): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export type Translate = (key: string, vars?: Record<string, string | number>) => string;

interface I18nValue {
  locale: Locale;
  /** The locale given to Intl (English follows the browser's region, e.g. en-GB dates). */
  intlLocale: string;
  dir: 'ltr' | 'rtl';
  setLocale(locale: Locale): void;
  t: Translate;
  /** Pick from an inline label object like NavItem.label. */
  pick(label: Partial<Record<Locale, string>> & { en: string }): string;
}

const I18nContext = createContext<I18nValue | null>(null);

export function I18nProvider({ modules, children }: { modules: ConsoleModule[]; children: ReactNode }) {
  const catalogues = useMemo(() => mergeCatalogues(modules), [modules]);
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  const dir = LOCALES.find((l) => l.code === locale)?.dir ?? 'ltr';

  useEffect(() => {
    document.documentElement.lang = locale;
    document.documentElement.dir = dir;
  }, [locale, dir]);

  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      /* private mode: the choice lasts for this page only */
    }
  }, []);

  const value = useMemo<I18nValue>(() => {
    const table = catalogues[locale];
    const fallback = catalogues.en;
    const t: Translate = (key, vars) => interpolate(table[key] ?? fallback[key] ?? key, vars);
    const browser = typeof navigator !== 'undefined' ? navigator.language : 'en';
    const intlLocale = locale === 'en' && /^en-/i.test(browser) ? browser : locale;
    return { locale, intlLocale, dir, setLocale, t, pick: (label) => label[locale] ?? label.en };
  }, [catalogues, locale, dir, setLocale]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18nValue {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside <I18nProvider>');
  return v;
}

export function useT(): Translate {
  return useI18n().t;
}

/** Intl formats in the current language and the viewer's time zone. */
export function useFormat() {
  const { intlLocale } = useI18n();
  return useMemo(
    () => ({
      money: (minor: number | bigint, currency: string) => formatMoney(minor, currency, intlLocale),
      dateTime: (value: string | number | Date, style?: DateStyle) => formatDateTime(value, intlLocale, style),
      number: (value: number, options?: Intl.NumberFormatOptions) => formatNumber(value, intlLocale, options),
    }),
    [intlLocale],
  );
}
