import { createHash } from 'node:crypto';

/**
 * Pure double-entry transfer engine modelled on TigerBeetle. Given the (locked) state of the
 * accounts and pending transfers a batch touches, it decides the outcome of every transfer and the
 * new balances, without any I/O. The database layer loads the state, calls `planTransfers`, and
 * writes what it returns in the same transaction; property tests run the same code in memory.
 *
 * Amounts are integer minor units (JS safe integers). Every transfer moves `amount` from the debit
 * account to the credit account of the same currency, so for every currency the sum of all
 * debits equals the sum of all credits, posted and pending alike.
 */

export interface AccountFlags {
  /** debits_pending + debits_posted may never exceed credits_posted (a balance that cannot go below zero). */
  debitsMustNotExceedCredits: boolean;
  /** credits_pending + credits_posted may never exceed debits_posted. */
  creditsMustNotExceedDebits: boolean;
}

export interface AccountState extends AccountFlags {
  id: string;
  currency: string;
  debitsPending: number;
  debitsPosted: number;
  creditsPending: number;
  creditsPosted: number;
}

export type TransferKind = 'posted' | 'pending' | 'post_pending' | 'void_pending' | 'expire_pending';
export type PendingStatus = 'pending' | 'posted' | 'voided' | 'expired';

export interface TransferInput {
  /** Client-supplied, unique forever: the same id with the same content is a no-op. */
  id: string;
  kind: TransferKind;
  debitAccountId?: string; // required for posted/pending; taken from the pending transfer otherwise
  creditAccountId?: string;
  /** Minor units. For post_pending: 0 or omitted posts the full pending amount; less posts part (the rest is released). */
  amount?: number;
  pendingId?: string; // for post/void/expire
  /** Seconds after which a pending transfer is voided automatically (0/undefined: never). */
  timeoutSeconds?: number;
  /** Links this transfer to the next one: the chain succeeds or fails as a whole. */
  linked?: boolean;
  reason: string;
  referenceType?: string | null;
  referenceId?: string | null;
  fxRateId?: string | null;
  fxRate?: string | null;
}

export interface PendingTransferState {
  id: string;
  debitAccountId: string;
  creditAccountId: string;
  amount: number;
  currency: string;
  status: PendingStatus;
  timeoutAt: number | null; // ms epoch
}

export interface ExistingTransfer {
  id: string;
  contentHash: string;
}

export type FailureCode =
  | 'linked_event_failed'
  | 'linked_event_chain_open'
  | 'id_invalid'
  | 'exists_with_different_content'
  | 'id_already_in_batch'
  | 'accounts_must_be_different'
  | 'debit_account_not_found'
  | 'credit_account_not_found'
  | 'currencies_must_match'
  | 'amount_must_be_positive'
  | 'amount_not_safe_integer'
  | 'pending_id_required'
  | 'pending_transfer_not_found'
  | 'pending_transfer_not_pending'
  | 'pending_transfer_already_posted'
  | 'pending_transfer_already_voided'
  | 'pending_transfer_expired'
  | 'exceeds_pending_transfer_amount'
  | 'timeout_reserved_for_pending_transfer'
  | 'exceeds_credits'
  | 'exceeds_debits'
  | 'overflow';

export type TransferResult =
  | { id: string; status: 'created' }
  | { id: string; status: 'exists' }
  | { id: string; status: 'failed'; code: FailureCode };

/** A transfer as it is journaled: accounts and amount resolved (post/void take them from the pending transfer). */
export interface AppliedTransfer {
  id: string;
  kind: TransferKind;
  debitAccountId: string;
  creditAccountId: string;
  currency: string;
  amount: number;
  pendingId: string | null;
  timeoutAt: number | null;
  contentHash: string;
  linkedGroup: string | null; // id of the first transfer of its chain
  reason: string;
  referenceType: string | null;
  referenceId: string | null;
  fxRateId: string | null;
  fxRate: string | null;
}

export interface LedgerState {
  accounts: Map<string, AccountState>;
  pendings: Map<string, PendingTransferState>;
  existing: Map<string, ExistingTransfer>;
}

export interface Plan {
  results: TransferResult[];
  applied: AppliedTransfer[];
  /** Accounts whose balances changed, with their new balances. */
  changedAccounts: AccountState[];
  /** Pending transfers whose status changed (posted / voided / expired) and new pending ones. */
  pendingChanges: PendingTransferState[];
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,127}$/;

/** Stable hash of what a client asked for (not of derived fields), so a retry can be recognised. */
export function transferContentHash(t: TransferInput): string {
  const canonical = [
    t.kind, t.debitAccountId ?? '', t.creditAccountId ?? '', t.amount ?? 0, t.pendingId ?? '', t.timeoutSeconds ?? 0,
    t.linked ? 1 : 0, t.reason, t.referenceType ?? '', t.referenceId ?? '', t.fxRateId ?? '', t.fxRate ?? '',
  ];
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex').slice(0, 32);
}

/** Split a batch into events: a single transfer, or a chain of transfers linked to the next. */
export function chainsOf(inputs: TransferInput[]): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let start = 0;
  for (let i = 0; i < inputs.length; i++) {
    if (!inputs[i].linked) {
      out.push({ start, end: i });
      start = i + 1;
    }
  }
  if (start < inputs.length) out.push({ start, end: inputs.length - 1 }); // open chain: fails below
  return out;
}

const cloneAccount = (a: AccountState): AccountState => ({ ...a });
const clonePending = (p: PendingTransferState): PendingTransferState => ({ ...p });

/**
 * Decide a batch. Chains are applied all-or-nothing; independent transfers succeed or fail on
 * their own (TigerBeetle semantics). `now` is the clock for timeouts (ms epoch).
 */
export function planTransfers(state: LedgerState, inputs: TransferInput[], now: number): Plan {
  const results: TransferResult[] = new Array(inputs.length);
  const applied: AppliedTransfer[] = [];
  // Working copies: a failed chain rolls back by discarding its scratch maps.
  const accounts = new Map<string, AccountState>();
  const pendings = new Map<string, PendingTransferState>();
  const seenIds = new Set<string>();
  const getAccount = (id: string, scratch: Map<string, AccountState>) => scratch.get(id) ?? accounts.get(id) ?? state.accounts.get(id);
  const getPending = (id: string, scratch: Map<string, PendingTransferState>) => scratch.get(id) ?? pendings.get(id) ?? state.pendings.get(id);

  for (const { start, end } of chainsOf(inputs)) {
    const chainOpen = inputs[end].linked === true;
    const isChain = end > start;
    const scratchAccounts = new Map<string, AccountState>();
    const scratchPendings = new Map<string, PendingTransferState>();
    const chainApplied: AppliedTransfer[] = [];
    const chainResults: TransferResult[] = [];
    let failedAt = -1;
    let failure: FailureCode | null = null;
    let existsCount = 0;

    for (let i = start; i <= end; i++) {
      const t = inputs[i];
      const r = chainOpen ? { code: 'linked_event_chain_open' as FailureCode } : applyOne(t, i === start ? null : inputs[start].id);
      if ('code' in r) {
        failedAt = i;
        failure = r.code;
        break;
      }
      if (r.exists) existsCount++;
      chainResults.push({ id: t.id, status: r.exists ? 'exists' : 'created' });
    }

    // A chain whose every transfer already exists is a retry: all "exists". A chain mixing old and
    // new transfers is a client error (ids reused in another chain).
    if (failure === null && isChain && existsCount > 0 && existsCount < end - start + 1) {
      failure = 'exists_with_different_content';
      failedAt = start + chainResults.findIndex((r) => r.status === 'exists');
    }

    if (failure !== null) {
      for (let i = start; i <= end; i++) {
        results[i] = { id: inputs[i].id, status: 'failed', code: i === failedAt ? failure : 'linked_event_failed' };
      }
      if (!isChain) results[start] = { id: inputs[start].id, status: 'failed', code: failure };
      for (let i = start; i <= end; i++) seenIds.delete(inputs[i].id);
      continue;
    }
    for (let i = start; i <= end; i++) results[i] = chainResults[i - start];
    for (const [id, a] of scratchAccounts) accounts.set(id, a);
    for (const [id, p] of scratchPendings) pendings.set(id, p);
    applied.push(...chainApplied);

    function applyOne(t: TransferInput, linkedGroup: string | null): { exists: boolean } | { code: FailureCode } {
      if (typeof t.id !== 'string' || !ID_PATTERN.test(t.id)) return { code: 'id_invalid' };
      if (seenIds.has(t.id)) return { code: 'id_already_in_batch' };
      const hash = transferContentHash(t);
      const prior = state.existing.get(t.id);
      if (prior) {
        if (prior.contentHash !== hash) return { code: 'exists_with_different_content' };
        seenIds.add(t.id);
        return { exists: true };
      }
      if (t.timeoutSeconds && t.kind !== 'pending') return { code: 'timeout_reserved_for_pending_transfer' };

      let debitId: string;
      let creditId: string;
      let amount: number;
      let pending: PendingTransferState | undefined;
      if (t.kind === 'posted' || t.kind === 'pending') {
        if (!t.debitAccountId) return { code: 'debit_account_not_found' };
        if (!t.creditAccountId) return { code: 'credit_account_not_found' };
        debitId = t.debitAccountId;
        creditId = t.creditAccountId;
        amount = t.amount ?? 0;
        if (!Number.isSafeInteger(amount)) return { code: 'amount_not_safe_integer' };
        if (amount <= 0) return { code: 'amount_must_be_positive' };
      } else {
        if (!t.pendingId) return { code: 'pending_id_required' };
        pending = getPending(t.pendingId, scratchPendings);
        if (!pending) return { code: 'pending_transfer_not_found' };
        if (pending.status === 'posted') return { code: 'pending_transfer_already_posted' };
        if (pending.status === 'voided') return { code: 'pending_transfer_already_voided' };
        if (pending.status === 'expired') return { code: 'pending_transfer_expired' };
        if (t.kind !== 'expire_pending' && pending.timeoutAt !== null && now >= pending.timeoutAt) return { code: 'pending_transfer_expired' };
        // Optional account ids must match the pending transfer's when given.
        if (t.debitAccountId && t.debitAccountId !== pending.debitAccountId) return { code: 'debit_account_not_found' };
        if (t.creditAccountId && t.creditAccountId !== pending.creditAccountId) return { code: 'credit_account_not_found' };
        debitId = pending.debitAccountId;
        creditId = pending.creditAccountId;
        if (t.kind === 'post_pending') {
          amount = t.amount ? t.amount : pending.amount;
          if (!Number.isSafeInteger(amount) || amount < 0) return { code: 'amount_not_safe_integer' };
          if (amount > pending.amount) return { code: 'exceeds_pending_transfer_amount' };
        } else {
          if (t.amount && t.amount !== pending.amount) return { code: 'exceeds_pending_transfer_amount' };
          amount = pending.amount;
        }
      }
      if (debitId === creditId) return { code: 'accounts_must_be_different' };
      const debitBase = getAccount(debitId, scratchAccounts);
      const creditBase = getAccount(creditId, scratchAccounts);
      if (!debitBase) return { code: 'debit_account_not_found' };
      if (!creditBase) return { code: 'credit_account_not_found' };
      if (debitBase.currency !== creditBase.currency) return { code: 'currencies_must_match' };
      const dr = cloneAccount(debitBase);
      const cr = cloneAccount(creditBase);

      if (t.kind === 'posted') {
        dr.debitsPosted += amount;
        cr.creditsPosted += amount;
      } else if (t.kind === 'pending') {
        dr.debitsPending += amount;
        cr.creditsPending += amount;
      } else {
        // Release the whole reservation; post what is posted.
        dr.debitsPending -= pending!.amount;
        cr.creditsPending -= pending!.amount;
        if (t.kind === 'post_pending') {
          dr.debitsPosted += amount;
          cr.creditsPosted += amount;
        }
      }
      for (const a of [dr, cr]) {
        if (![a.debitsPending, a.debitsPosted, a.creditsPending, a.creditsPosted, a.debitsPending + a.debitsPosted, a.creditsPending + a.creditsPosted].every(Number.isSafeInteger)) return { code: 'overflow' };
      }
      // Balance limits only bind when the transfer adds debits/credits (voids only release).
      if (t.kind === 'posted' || t.kind === 'pending' || t.kind === 'post_pending') {
        if (dr.debitsMustNotExceedCredits && dr.debitsPending + dr.debitsPosted > dr.creditsPosted) return { code: 'exceeds_credits' };
        if (cr.creditsMustNotExceedDebits && cr.creditsPending + cr.creditsPosted > cr.debitsPosted) return { code: 'exceeds_debits' };
      }

      scratchAccounts.set(dr.id, dr);
      scratchAccounts.set(cr.id, cr);
      let timeoutAt: number | null = null;
      if (t.kind === 'pending') {
        timeoutAt = t.timeoutSeconds ? now + t.timeoutSeconds * 1000 : null;
        scratchPendings.set(t.id, { id: t.id, debitAccountId: debitId, creditAccountId: creditId, amount, currency: dr.currency, status: 'pending', timeoutAt });
      } else if (pending) {
        const p = clonePending(pending);
        p.status = t.kind === 'post_pending' ? 'posted' : t.kind === 'void_pending' ? 'voided' : 'expired';
        scratchPendings.set(p.id, p);
      }
      seenIds.add(t.id);
      chainApplied.push({
        id: t.id, kind: t.kind, debitAccountId: debitId, creditAccountId: creditId, currency: dr.currency, amount,
        pendingId: pending?.id ?? null, timeoutAt, contentHash: hash, linkedGroup: isChain ? (linkedGroup ?? t.id) : null,
        reason: t.reason, referenceType: t.referenceType ?? null, referenceId: t.referenceId ?? null, fxRateId: t.fxRateId ?? null, fxRate: t.fxRate ?? null,
      });
      return { exists: false };
    }
  }

  return { results, applied, changedAccounts: [...accounts.values()], pendingChanges: [...pendings.values()] };
}

/** The two balance columns a transfer moves, as seen by one account (credit-normal: credits − debits). */
export function postedBalance(a: Pick<AccountState, 'creditsPosted' | 'debitsPosted'>): number {
  return a.creditsPosted - a.debitsPosted;
}
