import type { AuthContext } from './context.ts';
import type { Executor } from './db.ts';
import { notFound } from './errors.ts';
import { newId } from './ids.ts';

/**
 * Cross-party sharing of single records. The owner organisation grants another organisation
 * (its carrier, warehouse, broker…) read or write access to one record; modules ask here.
 */
export type GrantLevel = 'read' | 'write';

export async function shareRecord(
  tx: Executor,
  ownerOrgId: string,
  g: { granteeOrgId: string; entityType: string; entityId: string; permissions: GrantLevel[]; reason?: string; createdBy?: string | null },
): Promise<string> {
  const id = newId('grt');
  const rows = await tx.query<{ id: string }>(
    `INSERT INTO record_grants (id, owner_org_id, grantee_org_id, entity_type, entity_id, permissions, reason, created_by)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
     ON CONFLICT (grantee_org_id, entity_type, entity_id) WHERE revoked_at IS NULL
     DO UPDATE SET permissions = EXCLUDED.permissions, reason = EXCLUDED.reason
     RETURNING id`,
    [id, ownerOrgId, g.granteeOrgId, g.entityType, g.entityId, g.permissions, g.reason ?? null, g.createdBy ?? null],
  );
  return rows[0].id;
}

export async function revokeGrant(tx: Executor, ownerOrgId: string, grantId: string): Promise<void> {
  const rows = await tx.query(`UPDATE record_grants SET revoked_at = now() WHERE id = $1 AND owner_org_id = $2 AND revoked_at IS NULL RETURNING id`, [grantId, ownerOrgId]);
  if (rows.length === 0) throw notFound('Grant', grantId);
}

/** True when the caller's organisation owns the record or holds a live grant of the level. */
export async function canAccess(tx: Executor, ctx: AuthContext, rec: { entityType: string; entityId: string; ownerOrgId: string }, level: GrantLevel = 'read'): Promise<boolean> {
  if (rec.ownerOrgId === ctx.orgId) return true;
  const row = await tx.maybeOne(
    `SELECT 1 FROM record_grants WHERE grantee_org_id = $1 AND entity_type = $2 AND entity_id = $3 AND revoked_at IS NULL AND $4 = ANY(permissions)`,
    [ctx.orgId, rec.entityType, rec.entityId, level],
  );
  return !!row;
}

/** Throws 404 (not 403: existence is not revealed) unless the caller may access the record. */
export async function assertAccess(tx: Executor, ctx: AuthContext, rec: { entityType: string; entityId: string; ownerOrgId: string } | undefined, what: string, id: string, level: GrantLevel = 'read') {
  if (!rec || !(await canAccess(tx, ctx, rec, level))) throw notFound(what, id);
}

/** SQL condition for list queries: rows owned by $orgParam or shared with it. */
export function visibleToSql(alias: string, entityType: string, orgParam: string): string {
  return `(${alias}.org_id = ${orgParam} OR ${alias}.id IN (SELECT entity_id FROM record_grants WHERE grantee_org_id = ${orgParam} AND entity_type = '${entityType.replace(/'/g, "''")}' AND revoked_at IS NULL))`;
}
