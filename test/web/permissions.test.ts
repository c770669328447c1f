/** The console's permission checks agree with the server's (src/kernel/context.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CAPABILITIES as SERVER_CAPABILITIES, ORG_KINDS as SERVER_KINDS, ROLES as SERVER_ROLES, grants, permissionsForRole } from '../../src/kernel/context.ts';
import { CAPABILITIES, hasPermission, isVisible, levelOn, ORG_KINDS, ROLES } from '../../web/src/shell/permissions.ts';

describe('console permissions', () => {
  it('uses the same capability, kind and role lists as the server', () => {
    expect([...CAPABILITIES]).toEqual([...SERVER_CAPABILITIES]);
    expect([...ORG_KINDS]).toEqual([...SERVER_KINDS]);
    expect([...ROLES]).toEqual([...SERVER_ROLES]);
  });

  it('higher levels imply lower ones; "*" holds everything', () => {
    expect(hasPermission(['orders:admin'], 'orders:read')).toBe(true);
    expect(hasPermission(['orders:write'], 'orders:read')).toBe(true);
    expect(hasPermission(['orders:write'], 'orders:admin')).toBe(false);
    expect(hasPermission(['orders:read'], 'inventory:read')).toBe(false);
    expect(hasPermission(['*'], 'ledger:admin')).toBe(true);
    expect(hasPermission([], undefined)).toBe(true);
    expect(hasPermission([], 'orders:bogus')).toBe(false);
  });

  it('agrees with the server on every role and random grants', () => {
    const perm = fc.tuple(fc.constantFrom(...CAPABILITIES), fc.constantFrom('read', 'write', 'admin')).map(([c, l]) => `${c}:${l}`);
    fc.assert(
      fc.property(fc.array(fc.oneof(perm, fc.constant('*')), { maxLength: 8 }), perm, (held, needed) => {
        expect(hasPermission(held, needed)).toBe(grants(new Set(held), needed));
      }),
      { numRuns: 500 },
    );
    for (const role of SERVER_ROLES) {
      const held = permissionsForRole(role);
      for (const c of CAPABILITIES) for (const l of ['read', 'write', 'admin']) expect(hasPermission(held, `${c}:${l}`)).toBe(grants(held, `${c}:${l}`));
    }
  });

  it('filters navigation by permission and organisation kind', () => {
    const viewer = [...permissionsForRole('viewer')];
    expect(isVisible({ permission: 'orders:read' }, viewer, 'seller')).toBe(true);
    expect(isVisible({ permission: 'identity:admin' }, viewer, 'seller')).toBe(false);
    expect(isVisible({ permission: 'orders:read', kinds: ['carrier'] }, viewer, 'seller')).toBe(false);
    expect(isVisible({ kinds: ['carrier', 'warehouse'] }, viewer, 'warehouse')).toBe(true);
    expect(isVisible({}, [], null)).toBe(true);
  });

  it('reports the highest level held', () => {
    expect(levelOn(['orders:write'], 'orders')).toBe('write');
    expect(levelOn(['*'], 'audit')).toBe('admin');
    expect(levelOn([...permissionsForRole('member')], 'audit')).toBeNull();
  });
});
