// Rule data the module loads once at start (services.state) and small shared helpers.
import type { Services } from '../../http/services.ts';
import type { Executor } from '../../kernel/db.ts';
import type { TrackingTables } from '../../engines/carriers/index.ts';
import { defaultSettings, RULE_IDS, type ExceptionTables, type RuleSettings } from '../../engines/exceptions/index.ts';

export interface TrackingData {
  tracking: TrackingTables;
  exceptions: ExceptionTables;
}

export const STATE_KEY = 'tracking';
export const data = (s: Pick<Services, 'state'>) => s.state.get(STATE_KEY) as TrackingData;

/** The organisation's rule settings: table defaults overlaid with what it saved. */
export async function ruleSettings(tx: Executor, s: Pick<Services, 'state'>, orgId: string): Promise<RuleSettings> {
  const base = defaultSettings(data(s).exceptions);
  const row = await tx.maybeOne(`SELECT settings FROM tracking_rule_settings WHERE org_id = $1`, [orgId]);
  if (!row) return base;
  const saved = row.settings as Partial<RuleSettings>;
  return {
    disabled: (saved.disabled ?? []).filter((r) => (RULE_IDS as readonly string[]).includes(r)),
    dwellHours: saved.dwellHours ?? base.dwellHours,
    noScanDays: saved.noScanDays ?? base.noScanDays,
    failedAttempts: saved.failedAttempts ?? base.failedAttempts,
  };
}

/**
 * Run `fn` so that a failure rolls back only its own writes (a savepoint), for optional side
 * effects inside a larger transaction (e.g. an escrow that may not exist).
 */
export async function attempt<T>(tx: Executor, name: string, fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: any }> {
  await tx.query(`SAVEPOINT ${name}`);
  try {
    const value = await fn();
    await tx.query(`RELEASE SAVEPOINT ${name}`);
    return { ok: true, value };
  } catch (error) {
    await tx.query(`ROLLBACK TO SAVEPOINT ${name}`);
    return { ok: false, error };
  }
}

export const iso = (d: unknown): string | null => (d === null || d === undefined ? null : d instanceof Date ? d.toISOString() : new Date(String(d)).toISOString());
export const isoDay = (d: unknown): string | null => (d === null || d === undefined ? null : d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10));
export const normalisePostcode = (p: string | null | undefined) => (p ?? '').toUpperCase().replace(/[^A-Z0-9]/g, '');
