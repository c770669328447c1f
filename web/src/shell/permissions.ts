/**
 * Permission checks in the browser, mirroring src/kernel/context.ts (a test keeps the lists equal).
 * A permission is "<capability>:<read|write|admin>"; "*" (owners) holds everything, and a higher
 * level implies the lower ones (admin ⊃ write ⊃ read). The server decides; this only hides what
 * the user cannot use.
 */
export const CAPABILITIES = [
  'identity', 'audit', 'webhooks', 'catalog', 'orders', 'inventory', 'logistics', 'tracking', 'contracts',
  'landed_cost', 'customs', 'screening', 'ledger', 'trace', 'storefront', 'risk', 'finance', 'analytics', 'privacy', 'platform',
] as const;
export const LEVELS = ['read', 'write', 'admin'] as const;
export type Level = (typeof LEVELS)[number];

export const ORG_KINDS = ['seller', 'supplier', 'carrier', 'warehouse', 'broker', 'financier', 'operator', 'buyer'] as const;
export const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;

const RANK: Record<Level, number> = { read: 1, write: 2, admin: 3 };

/** Does the granted list contain `needed`? An empty or missing `needed` is always allowed. */
export function hasPermission(granted: Iterable<string>, needed: string | undefined): boolean {
  if (!needed) return true;
  const set = granted instanceof Set ? (granted as Set<string>) : new Set(granted);
  if (set.has('*') || set.has(needed)) return true;
  const [capability, level] = needed.split(':') as [string, Level];
  const rank = RANK[level];
  if (!rank) return false;
  return LEVELS.some((l) => RANK[l] > rank && set.has(`${capability}:${l}`));
}

/** The highest level held on a capability, or null. */
export function levelOn(granted: Iterable<string>, capability: string): Level | null {
  for (const l of [...LEVELS].reverse()) if (hasPermission(granted, `${capability}:${l}`)) return l;
  return null;
}

export interface Visible {
  permission?: string;
  kinds?: string[];
}

/** Is a navigation item visible to this user in this organisation? */
export function isVisible(item: Visible, permissions: Iterable<string>, orgKind: string | null | undefined): boolean {
  if (item.kinds && item.kinds.length > 0 && (!orgKind || !item.kinds.includes(orgKind))) return false;
  return hasPermission(permissions, item.permission);
}
