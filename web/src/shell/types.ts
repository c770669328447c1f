import type { ReactNode } from 'react';

/**
 * The contract between the console shell and each capability's pages.
 * A capability adds web/src/modules/<name>/index.tsx exporting `consoleModule: ConsoleModule`;
 * the shell discovers them with import.meta.glob, so no shared file needs editing.
 */
export type Locale = 'en' | 'zh-CN' | 'ar';
export type Messages = Record<string, string>;

export interface NavItem {
  path: string; // e.g. "/orders"
  label: Partial<Record<Locale, string>> & { en: string; 'zh-CN': string };
  /** Permission needed to see the item, e.g. "orders:read". */
  permission?: string;
  /** Organisation kinds that see it (default: all). */
  kinds?: string[];
  /** Sort order in the navigation (lower first). */
  order?: number;
}

export interface PageRoute {
  path: string; // may contain :params, e.g. "/orders/:id"
  element: ReactNode;
}

export interface ConsoleModule {
  name: string;
  nav?: NavItem[];
  routes: PageRoute[];
  /** Message catalogue additions, keyed by locale; keys should be prefixed with the module name. */
  messages?: Partial<Record<Locale, Messages>>;
  /** Public pages outside the signed-in shell (tracking page, passport, storefront). */
  publicRoutes?: PageRoute[];
}
