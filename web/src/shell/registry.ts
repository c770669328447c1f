import type { ConsoleModule, NavItem, PageRoute } from './types';

/**
 * Every capability's pages, found at build time: web/src/modules/<name>/index.tsx exporting
 * `consoleModule`. Adding a folder is enough; no shared file lists them.
 */
const found = import.meta.glob<{ consoleModule?: ConsoleModule }>('../modules/*/index.tsx', { eager: true });

export const consoleModules: ConsoleModule[] = Object.entries(found)
  .sort(([a], [b]) => a.localeCompare(b))
  .flatMap(([path, mod]) => {
    if (!mod.consoleModule) {
      console.warn(`${path} does not export "consoleModule"; skipped`);
      return [];
    }
    return [mod.consoleModule];
  });

export interface RegisteredNavItem extends NavItem {
  module: string;
}

/** Items with order ≥ ADMIN_ORDER are grouped under "Administration" in the sidebar. */
export const ADMIN_ORDER = 900;

export const navItems: RegisteredNavItem[] = consoleModules
  .flatMap((m) => (m.nav ?? []).map((n) => ({ ...n, module: m.name })))
  .sort((a, b) => (a.order ?? 500) - (b.order ?? 500) || a.label.en.localeCompare(b.label.en));

export const signedInRoutes: PageRoute[] = consoleModules.flatMap((m) => m.routes);
export const publicRoutes: PageRoute[] = consoleModules.flatMap((m) => m.publicRoutes ?? []);

/** The nav item guarding a route: the one whose path equals the route path or is its prefix ("/orders" for "/orders/:id"). */
export function navItemFor(routePath: string): RegisteredNavItem | undefined {
  return navItems
    .filter((n) => routePath === n.path || (n.path !== '/' && routePath.startsWith(n.path + '/')))
    .sort((a, b) => b.path.length - a.path.length)[0];
}
