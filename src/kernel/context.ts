import { forbidden } from './errors.ts';

export const ORG_KINDS = ['seller', 'supplier', 'carrier', 'warehouse', 'broker', 'financier', 'operator', 'buyer'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

export const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Capabilities that permissions are granted on; a permission is `<capability>:<read|write|admin>`. */
export const CAPABILITIES = [
  'identity', 'audit', 'webhooks', 'catalog', 'orders', 'inventory', 'logistics', 'tracking', 'contracts',
  'landed_cost', 'customs', 'screening', 'ledger', 'trace', 'storefront', 'risk', 'finance', 'analytics', 'privacy', 'platform',
] as const;
export type Capability = (typeof CAPABILITIES)[number];
export type Level = 'read' | 'write' | 'admin';
export type Permission = `${Capability}:${Level}`;

const LEVEL_RANK: Record<Level, number> = { read: 1, write: 2, admin: 3 };

/** Least privilege: viewers read business data; members write it; admins manage the organisation. */
export function permissionsForRole(role: Role): Set<string> {
  if (role === 'owner') return new Set(['*']);
  const out = new Set<string>();
  for (const cap of CAPABILITIES) {
    if (role === 'admin') out.add(`${cap}:admin`);
    else if (role === 'member') {
      if (cap === 'identity' || cap === 'webhooks') out.add(`${cap}:read`);
      else if (cap !== 'audit' && cap !== 'platform') out.add(`${cap}:write`);
    } else if (role === 'viewer') {
      if (cap !== 'audit' && cap !== 'platform' && cap !== 'webhooks') out.add(`${cap}:read`);
    }
  }
  return out;
}

export function isPermission(p: string): p is Permission {
  const [cap, level] = p.split(':');
  return (CAPABILITIES as readonly string[]).includes(cap) && level in LEVEL_RANK;
}

/** Does a granted set contain `needed` (a higher level implies the lower ones)? */
export function grants(granted: ReadonlySet<string>, needed: string): boolean {
  if (granted.has('*') || granted.has(needed)) return true;
  const [cap, level] = needed.split(':') as [string, Level];
  for (let rank = LEVEL_RANK[level] + 1; rank <= 3; rank++) {
    const higher = (Object.keys(LEVEL_RANK) as Level[]).find((l) => LEVEL_RANK[l] === rank)!;
    if (granted.has(`${cap}:${higher}`)) return true;
  }
  return false;
}

/** Who is acting, for which organisation. Every use-case receives one; tenancy is read from here only. */
export interface AuthContext {
  requestId: string;
  userId: string | null;
  apiKeyId: string | null;
  sessionId: string | null;
  orgId: string;
  orgKind: OrgKind;
  role: Role | null;
  permissions: ReadonlySet<string>;
  ip?: string;
}

export function requirePermission(ctx: AuthContext, needed: string): void {
  if (!grants(ctx.permissions, needed)) throw forbidden(`This action needs the "${needed}" permission`);
}

/** Context for background jobs and the CLI acting on behalf of an organisation. */
export function systemContext(orgId: string, orgKind: OrgKind, requestId = 'system'): AuthContext {
  return { requestId, userId: null, apiKeyId: null, sessionId: null, orgId, orgKind, role: 'owner', permissions: new Set(['*']) };
}
