import type { AuthContext } from './context.ts';
import type { Executor } from './db.ts';

const SECRET_FIELD = /password|secret|token|hash|totp/i;

/** Field-level diff: { field: [before, after] }; secret-looking fields are recorded as changed, never by value. */
export function diff(before: Record<string, unknown> | null | undefined, after: Record<string, unknown> | null | undefined) {
  const out: Record<string, [unknown, unknown]> = {};
  const record = (k: string, a: unknown, b: unknown) => { out[k] = SECRET_FIELD.test(k) ? ['[redacted]', '[redacted]'] : [a ?? null, b ?? null]; };
  if (!before || !after) {
    // created or deleted: every field that has a value
    const only = before ?? after ?? {};
    for (const k in only) if (only[k] !== undefined) before ? record(k, only[k], undefined) : record(k, undefined, only[k]);
    return out;
  }
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[k];
    const b = after[k];
    if (a === b || JSON.stringify(a) === JSON.stringify(b)) continue;
    record(k, a, b);
  }
  return out;
}

export interface AuditEntry {
  action: string; // e.g. "apikey.create"
  entityType: string;
  entityId: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  orgId?: string; // defaults to the actor's organisation
}

export async function recordAudit(tx: Executor, ctx: AuthContext, e: AuditEntry): Promise<void> {
  // Deferred: the audit row travels with COMMIT, in the same transaction as the change it records.
  await tx.defer(
    `INSERT INTO audit_log (org_id, actor_user_id, actor_api_key_id, action, entity_type, entity_id, diff, request_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [e.orgId ?? ctx.orgId, ctx.userId, ctx.apiKeyId, e.action, e.entityType, e.entityId, JSON.stringify(diff(e.before, e.after)), ctx.requestId],
    { append: true }, // one multi-row INSERT for all audit rows of the transaction
  );
}
