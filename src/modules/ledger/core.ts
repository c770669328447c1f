import type { Db, Executor } from '../../kernel/db.ts';
import { AppError, badRequest, unprocessable } from '../../kernel/errors.ts';
import { newId } from '../../kernel/ids.ts';
import { enqueue } from '../../kernel/jobs.ts';
import { isCurrency } from '../../kernel/money.ts';
import {
  checkInvariants, planTransfers, type AccountState, type ExistingTransfer, type InvariantReport, type PendingTransferState,
  type TransferInput, type TransferResult,
} from '../../engines/ledger/index.ts';

/** Owner of the platform's own accounts (escrow, revenue, tax, FX position, provider cash). */
export const PLATFORM = 'platform';

export const ACCOUNT_KINDS = [
  'buyer_funds', 'escrow', 'seller_receivable', 'seller_payable', 'platform_revenue', 'carrier_payable', 'warehouse_payable',
  'deposit', 'tax_payable', 'fx_position', 'provider_cash',
] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

/** Kinds the platform itself owns (one per currency); the rest belong to an organisation. */
export const PLATFORM_KINDS: readonly AccountKind[] = ['escrow', 'platform_revenue', 'tax_payable', 'fx_position', 'provider_cash'];

/**
 * Balance limits per kind. Money we hold for someone (credit-normal) may not go below zero; the
 * cash we hold at providers may not be paid out beyond what came in; FX positions float.
 */
const KIND_FLAGS: Record<AccountKind, 'debits_lte_credits' | 'credits_lte_debits' | null> = {
  buyer_funds: 'debits_lte_credits', escrow: 'debits_lte_credits', seller_receivable: 'debits_lte_credits', seller_payable: 'debits_lte_credits',
  platform_revenue: 'debits_lte_credits', carrier_payable: 'debits_lte_credits', warehouse_payable: 'debits_lte_credits',
  deposit: 'debits_lte_credits', tax_payable: 'debits_lte_credits', fx_position: null, provider_cash: 'credits_lte_debits',
};

export interface AccountRow {
  id: string;
  org_id: string;
  currency: string;
  kind: AccountKind;
  name: string | null;
  debits_must_not_exceed_credits: boolean;
  credits_must_not_exceed_debits: boolean;
  debits_pending: number;
  debits_posted: number;
  credits_pending: number;
  credits_posted: number;
  created_at: Date;
}

export const publicAccount = (a: AccountRow) => ({
  id: a.id, org_id: a.org_id, currency: a.currency, kind: a.kind, name: a.name,
  flags: { debits_must_not_exceed_credits: a.debits_must_not_exceed_credits, credits_must_not_exceed_debits: a.credits_must_not_exceed_debits },
  debits_pending: a.debits_pending, debits_posted: a.debits_posted, credits_pending: a.credits_pending, credits_posted: a.credits_posted,
  /** credits − debits, posted: what the platform holds for the owner (negative for asset-like accounts). */
  balance: a.credits_posted - a.debits_posted,
  /** Posted balance plus incoming pending credits minus outgoing pending debits. */
  balance_with_pending: a.credits_posted + a.credits_pending - a.debits_posted - a.debits_pending,
  created_at: a.created_at,
});

const toState = (a: AccountRow): AccountState => ({
  id: a.id, currency: a.currency, debitsPending: a.debits_pending, debitsPosted: a.debits_posted, creditsPending: a.credits_pending, creditsPosted: a.credits_posted,
  debitsMustNotExceedCredits: a.debits_must_not_exceed_credits, creditsMustNotExceedDebits: a.credits_must_not_exceed_debits,
});

/** The account of an owner, kind and currency; created on first use with the kind's default flags. */
export async function ensureAccount(tx: Executor, orgId: string, kind: AccountKind, currency: string, name?: string): Promise<AccountRow> {
  if (!isCurrency(currency)) throw badRequest(`Unknown ISO 4217 currency "${currency}"`, 'currency');
  if (!(ACCOUNT_KINDS as readonly string[]).includes(kind)) throw badRequest(`Unknown account kind "${kind}"`, 'kind');
  const found = await tx.maybeOne<AccountRow>(`SELECT * FROM ledger_accounts WHERE org_id = $1 AND kind = $2 AND currency = $3`, [orgId, kind, currency]);
  if (found) return found;
  const flag = KIND_FLAGS[kind];
  await tx.query(
    `INSERT INTO ledger_accounts (id, org_id, currency, kind, name, debits_must_not_exceed_credits, credits_must_not_exceed_debits)
     VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (org_id, kind, currency) DO NOTHING`,
    [newId('acc'), orgId, currency, kind, name ?? null, flag === 'debits_lte_credits', flag === 'credits_lte_debits'],
  );
  return tx.one<AccountRow>(`SELECT * FROM ledger_accounts WHERE org_id = $1 AND kind = $2 AND currency = $3`, [orgId, kind, currency]);
}

export const platformAccount = (tx: Executor, kind: AccountKind, currency: string) => ensureAccount(tx, PLATFORM, kind, currency);

const toMs = (d: Date | string | null) => (d === null ? null : new Date(d).getTime());

/**
 * Apply a batch of transfers in the caller's transaction (TigerBeetle semantics: linked chains are
 * all-or-nothing, other transfers succeed or fail on their own, ids are idempotent).
 *
 * Locking, always in this order so concurrent batches never deadlock: the pending transfers being
 * posted/voided (by id), then every account touched (by id), FOR UPDATE. With the rows locked the
 * engine decides on the committed balances, so a flagged account can never be overdrawn.
 */
export async function createTransfers(tx: Executor, inputs: TransferInput[], now = Date.now()): Promise<TransferResult[]> {
  if (inputs.length === 0) return [];
  if (inputs.length > 8190) throw badRequest('At most 8190 transfers per batch', 'transfers');
  const pendingIds = [...new Set(inputs.filter((t) => t.pendingId).map((t) => t.pendingId!))].sort();
  const pendingRows = pendingIds.length
    ? await tx.query(
      `SELECT id, debit_account_id, credit_account_id, amount, currency, pending_status, timeout_at FROM ledger_transfers
        WHERE id = ANY($1) AND kind = 'pending' ORDER BY id FOR UPDATE`, [pendingIds])
    : [];
  const pendings = new Map<string, PendingTransferState>(pendingRows.map((p) => [p.id, {
    id: p.id, debitAccountId: p.debit_account_id, creditAccountId: p.credit_account_id, amount: p.amount, currency: p.currency,
    status: p.pending_status, timeoutAt: toMs(p.timeout_at),
  }]));
  const accountIds = new Set<string>();
  for (const t of inputs) {
    if (t.debitAccountId) accountIds.add(t.debitAccountId);
    if (t.creditAccountId) accountIds.add(t.creditAccountId);
  }
  for (const p of pendings.values()) { accountIds.add(p.debitAccountId); accountIds.add(p.creditAccountId); }
  const accountRows = await tx.query<AccountRow>(`SELECT * FROM ledger_accounts WHERE id = ANY($1) ORDER BY id FOR UPDATE`, [[...accountIds].sort()]);
  const accounts = new Map(accountRows.map((a) => [a.id, toState(a)]));
  const orgOf = new Map(accountRows.map((a) => [a.id, a.org_id]));
  const existingRows = await tx.query<{ id: string; content_hash: string }>(`SELECT id, content_hash FROM ledger_transfers WHERE id = ANY($1)`, [inputs.map((t) => String(t.id))]);
  const existing = new Map<string, ExistingTransfer>(existingRows.map((e) => [e.id, { id: e.id, contentHash: e.content_hash }]));

  const plan = planTransfers({ accounts, pendings, existing }, inputs, now);
  if (plan.applied.length === 0) return plan.results;

  // One round trip writes the journal rows, the settled pending transfers and the new balances
  // (data-modifying CTEs all run; each sees the same snapshot and touches different rows).
  const a = plan.applied;
  // A pending transfer created and posted/voided in the same batch is inserted with its final
  // status (sibling CTEs do not see each other's rows); older ones are updated.
  const finalStatus = new Map(plan.pendingChanges.map((p) => [p.id, p.status]));
  const insertedIds = new Set(a.map((t) => t.id));
  const settled = plan.pendingChanges.filter((p) => p.status !== 'pending' && !insertedIds.has(p.id));
  const c = plan.changedAccounts;
  await tx.query(
    `WITH ins AS (
       INSERT INTO ledger_transfers (id, kind, debit_account_id, credit_account_id, debit_org_id, credit_org_id, currency, amount, pending_id,
           pending_status, timeout_at, linked_group, content_hash, reason, reference_type, reference_id, fx_rate_id, fx_rate)
       SELECT id, kind, dr, cr, dro, cro, cur, amt, pid, pst, tmo, lg, ch, rsn, rt, ri, fxi, fxr
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[],
                     $10::timestamptz[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $25::text[])
              WITH ORDINALITY AS u(id, kind, dr, cr, dro, cro, cur, amt, pid, tmo, lg, ch, rsn, rt, ri, fxi, fxr, pst, ord)
        ORDER BY ord
       RETURNING 1),
     settle AS (
       UPDATE ledger_transfers t SET pending_status = u.status FROM unnest($18::text[], $19::text[]) AS u(id, status) WHERE t.id = u.id RETURNING 1),
     bal AS (
       UPDATE ledger_accounts acc SET debits_pending = u.dpe, debits_posted = u.dpo, credits_pending = u.cpe, credits_posted = u.cpo
         FROM unnest($20::text[], $21::bigint[], $22::bigint[], $23::bigint[], $24::bigint[]) AS u(id, dpe, dpo, cpe, cpo) WHERE acc.id = u.id RETURNING 1)
     SELECT (SELECT count(*) FROM ins)::int AS inserted, (SELECT count(*) FROM settle)::int AS settled, (SELECT count(*) FROM bal)::int AS balances`,
    [
      a.map((t) => t.id), a.map((t) => t.kind), a.map((t) => t.debitAccountId), a.map((t) => t.creditAccountId),
      a.map((t) => orgOf.get(t.debitAccountId)), a.map((t) => orgOf.get(t.creditAccountId)), a.map((t) => t.currency), a.map((t) => t.amount),
      a.map((t) => t.pendingId), a.map((t) => (t.timeoutAt === null ? null : new Date(t.timeoutAt).toISOString())), a.map((t) => t.linkedGroup),
      a.map((t) => t.contentHash), a.map((t) => t.reason), a.map((t) => t.referenceType), a.map((t) => t.referenceId), a.map((t) => t.fxRateId), a.map((t) => t.fxRate),
      settled.map((p) => p.id), settled.map((p) => p.status),
      c.map((x) => x.id), c.map((x) => x.debitsPending), c.map((x) => x.debitsPosted), c.map((x) => x.creditsPending), c.map((x) => x.creditsPosted),
      a.map((t) => (t.kind === 'pending' ? finalStatus.get(t.id) ?? 'pending' : null)),
    ],
  );
  for (const t of a) {
    if (t.kind === 'pending' && t.timeoutAt !== null) {
      await enqueue(tx, 'ledger.pending.expire', { transferId: t.id }, { runAt: new Date(t.timeoutAt), dedupeKey: 'ledger-expire:' + t.id });
    }
  }
  return plan.results;
}

/** For services: apply the batch or throw one 422 problem naming the first failure (nothing is written). */
export async function createTransfersOrThrow(tx: Executor, inputs: TransferInput[], now = Date.now()): Promise<TransferResult[]> {
  const results = await createTransfers(tx, inputs, now);
  const failed = results.find((r) => r.status === 'failed' && r.code !== 'linked_event_failed') ?? results.find((r) => r.status === 'failed');
  if (failed && failed.status === 'failed') {
    const code = failed.code === 'exceeds_credits' ? 'insufficient_funds' : failed.code === 'exists_with_different_content' ? 'transfer_id_conflict' : 'transfer_rejected';
    throw new AppError(code, code === 'transfer_id_conflict' ? 409 : 422, `Transfer ${failed.id} was rejected: ${failed.code}`, [], { transfer_id: failed.id, reason: failed.code, results });
  }
  return results;
}

/** Job: void a pending transfer whose timeout passed (no-op when it was posted or voided meanwhile). */
export async function expirePendingTransfer(db: Db, transferId: string, opts: { now?: number; scheduled?: boolean } = {}): Promise<TransferResult | null> {
  const now = opts.now ?? Date.now();
  return db.transaction(async (tx) => {
    const p = await tx.maybeOne(`SELECT pending_status, timeout_at FROM ledger_transfers WHERE id = $1 AND kind = 'pending'`, [transferId]);
    if (!p || p.pending_status !== 'pending') return null;
    // The job runner claims the job only once its run_at (= timeout_at) has passed on its clock.
    if (!opts.scheduled && p.timeout_at && new Date(p.timeout_at).getTime() > now) throw new Error('pending transfer not yet due');
    const [r] = await createTransfers(tx, [{ id: `${transferId}.expire`, kind: 'expire_pending', pendingId: transferId, reason: 'pending transfer timed out' }], now);
    return r;
  });
}

/** Both invariants over the whole ledger, computed by the database from the journal. */
export async function verifyLedger(ex: Executor): Promise<InvariantReport> {
  const accounts = (await ex.query<AccountRow>(`SELECT * FROM ledger_accounts ORDER BY id`)).map(toState);
  const journal = await ex.query(
    `SELECT acct AS "accountId", sum(dpo)::bigint AS "debitsPosted", sum(cpo)::bigint AS "creditsPosted", sum(dpe)::bigint AS "debitsPending", sum(cpe)::bigint AS "creditsPending"
       FROM (
         SELECT debit_account_id AS acct,
                COALESCE(sum(amount) FILTER (WHERE kind IN ('posted','post_pending')), 0) AS dpo, 0 AS cpo,
                COALESCE(sum(amount) FILTER (WHERE kind = 'pending' AND pending_status = 'pending'), 0) AS dpe, 0 AS cpe
           FROM ledger_transfers GROUP BY debit_account_id
         UNION ALL
         SELECT credit_account_id, 0, COALESCE(sum(amount) FILTER (WHERE kind IN ('posted','post_pending')), 0),
                0, COALESCE(sum(amount) FILTER (WHERE kind = 'pending' AND pending_status = 'pending'), 0)
           FROM ledger_transfers GROUP BY credit_account_id
       ) s GROUP BY acct`,
  );
  return checkInvariants(accounts, journal as any);
}

export function assertPositiveMinor(amount: number, field = 'amount') {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw unprocessable('invalid_amount', `${field} must be a positive integer number of minor units`, { field });
}
