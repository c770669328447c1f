import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyBasisPoints, buildStatement, checkInvariants, commissionFor, convertMinor, journalTotals, planTransfers, reconcile,
  type AccountState, type AppliedTransfer, type LedgerState, type PendingTransferState, type TransferInput,
} from './index.ts';
import { loadFeeRules } from './load.ts';

const account = (id: string, currency = 'EUR', flag: 'd' | 'c' | null = null): AccountState => ({
  id, currency, debitsPending: 0, debitsPosted: 0, creditsPending: 0, creditsPosted: 0,
  debitsMustNotExceedCredits: flag === 'd', creditsMustNotExceedDebits: flag === 'c',
});

/** An in-memory ledger driving the pure engine exactly as the database layer does. */
class MemoryLedger {
  state: LedgerState = { accounts: new Map(), pendings: new Map(), existing: new Map() };
  journal: AppliedTransfer[] = [];
  constructor(accounts: AccountState[]) { for (const a of accounts) this.state.accounts.set(a.id, a); }
  apply(inputs: TransferInput[], now = 0) {
    const plan = planTransfers(this.state, inputs, now);
    for (const a of plan.changedAccounts) this.state.accounts.set(a.id, a);
    for (const p of plan.pendingChanges) this.state.pendings.set(p.id, p);
    for (const t of plan.applied) { this.journal.push(t); this.state.existing.set(t.id, { id: t.id, contentHash: t.contentHash }); }
    return plan.results;
  }
  invariants() {
    return checkInvariants([...this.state.accounts.values()], journalTotals(this.journal, (id) => this.state.pendings.get(id)?.status ?? 'none'));
  }
}

describe('transfer engine', () => {
  it('posts, reserves, posts part of a pending transfer and releases the rest', () => {
    const l = new MemoryLedger([account('cash', 'EUR', 'c'), account('buyer', 'EUR', 'd'), account('escrow', 'EUR', 'd')]);
    expect(l.apply([{ id: 't1', kind: 'posted', debitAccountId: 'cash', creditAccountId: 'buyer', amount: 1000, reason: 'capture' }])[0].status).toBe('created');
    expect(l.apply([{ id: 'p1', kind: 'pending', debitAccountId: 'buyer', creditAccountId: 'escrow', amount: 800, reason: 'hold' }])[0].status).toBe('created');
    expect(l.state.accounts.get('buyer')).toMatchObject({ debitsPending: 800, creditsPosted: 1000 });
    // Another 300 would exceed what the buyer has (1000 − 800 reserved).
    expect(l.apply([{ id: 'p2', kind: 'pending', debitAccountId: 'buyer', creditAccountId: 'escrow', amount: 300, reason: 'hold' }])[0]).toMatchObject({ status: 'failed', code: 'exceeds_credits' });
    expect(l.apply([{ id: 'x1', kind: 'post_pending', pendingId: 'p1', amount: 500, reason: 'release' }])[0].status).toBe('created');
    expect(l.state.accounts.get('buyer')).toMatchObject({ debitsPending: 0, debitsPosted: 500 });
    expect(l.state.accounts.get('escrow')).toMatchObject({ creditsPending: 0, creditsPosted: 500 });
    expect(l.apply([{ id: 'x2', kind: 'void_pending', pendingId: 'p1', reason: 'again' }])[0]).toMatchObject({ status: 'failed', code: 'pending_transfer_already_posted' });
    expect(l.invariants().ok).toBe(true);
  });

  it('is idempotent by id: same content is "exists", different content fails', () => {
    const l = new MemoryLedger([account('a'), account('b')]);
    const t: TransferInput = { id: 'same', kind: 'posted', debitAccountId: 'a', creditAccountId: 'b', amount: 5, reason: 'r' };
    expect(l.apply([t])[0].status).toBe('created');
    expect(l.apply([t])[0].status).toBe('exists');
    expect(l.apply([{ ...t, amount: 6 }])[0]).toMatchObject({ status: 'failed', code: 'exists_with_different_content' });
    expect(l.journal).toHaveLength(1);
    expect(l.state.accounts.get('b')!.creditsPosted).toBe(5);
  });

  it('applies a linked chain all or nothing; a retried chain is "exists" throughout', () => {
    const l = new MemoryLedger([account('a'), account('b', 'EUR', 'd'), account('c')]);
    const chain: TransferInput[] = [
      { id: 'c1', kind: 'posted', debitAccountId: 'a', creditAccountId: 'b', amount: 10, reason: 'r', linked: true },
      { id: 'c2', kind: 'posted', debitAccountId: 'b', creditAccountId: 'c', amount: 11, reason: 'r' }, // overdraws b
    ];
    const r = l.apply(chain);
    expect(r.map((x) => (x.status === 'failed' ? x.code : x.status))).toEqual(['linked_event_failed', 'exceeds_credits']);
    expect(l.journal).toHaveLength(0);
    expect(l.state.accounts.get('a')!.debitsPosted).toBe(0);
    const ok: TransferInput[] = [{ ...chain[0] }, { ...chain[1], amount: 10 }];
    expect(l.apply(ok).map((x) => x.status)).toEqual(['created', 'created']);
    expect(l.apply(ok).map((x) => x.status)).toEqual(['exists', 'exists']);
    expect(l.apply([{ ...chain[0], linked: true }]).map((x) => x.status === 'failed' && x.code)).toEqual(['linked_event_chain_open']);
  });

  it('refuses different currencies, same account, unknown accounts, non-integers', () => {
    const l = new MemoryLedger([account('e'), account('u', 'USD'), account('e2')]);
    const codes = l.apply([
      { id: 'a1', kind: 'posted', debitAccountId: 'e', creditAccountId: 'u', amount: 1, reason: 'r' },
      { id: 'a2', kind: 'posted', debitAccountId: 'e', creditAccountId: 'e', amount: 1, reason: 'r' },
      { id: 'a3', kind: 'posted', debitAccountId: 'nope', creditAccountId: 'e', amount: 1, reason: 'r' },
      { id: 'a4', kind: 'posted', debitAccountId: 'e', creditAccountId: 'e2', amount: 1.5, reason: 'r' },
      { id: 'a5', kind: 'posted', debitAccountId: 'e', creditAccountId: 'e2', amount: 0, reason: 'r' },
      { id: 'bad id!', kind: 'posted', debitAccountId: 'e', creditAccountId: 'e2', amount: 1, reason: 'r' },
    ]).map((r) => r.status === 'failed' && r.code);
    expect(codes).toEqual(['currencies_must_match', 'accounts_must_be_different', 'debit_account_not_found', 'amount_not_safe_integer', 'amount_must_be_positive', 'id_invalid']);
  });

  it('expires a pending transfer after its timeout: posting it then fails, the expiry releases it', () => {
    const l = new MemoryLedger([account('a'), account('b')]);
    l.apply([{ id: 'p', kind: 'pending', debitAccountId: 'a', creditAccountId: 'b', amount: 7, timeoutSeconds: 60, reason: 'r' }], 1_000);
    expect(l.apply([{ id: 'late', kind: 'post_pending', pendingId: 'p', reason: 'r' }], 61_000)[0]).toMatchObject({ code: 'pending_transfer_expired' });
    expect(l.apply([{ id: 'exp', kind: 'expire_pending', pendingId: 'p', reason: 'timeout' }], 61_000)[0].status).toBe('created');
    expect(l.state.pendings.get('p')!.status).toBe('expired');
    expect(l.state.accounts.get('a')!.debitsPending).toBe(0);
    expect(l.invariants().ok).toBe(true);
  });

  // Property: any sequence of transfers (posted, pending, post, void, linked chains, retries,
  // failures) keeps both invariants and never takes a flagged account past its limit.
  it('keeps both invariants under random transfer sequences (fast-check)', () => {
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const op = fc.record({
      kind: fc.constantFrom('posted', 'posted', 'pending', 'post_pending', 'void_pending', 'retry'),
      dr: fc.constantFrom(...ids), cr: fc.constantFrom(...ids), amount: fc.integer({ min: 0, max: 500 }),
      pendingPick: fc.nat(), linked: fc.boolean(), partial: fc.boolean(),
    });
    fc.assert(fc.property(fc.array(fc.array(op, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 30 }), (batches) => {
      const l = new MemoryLedger([account('a', 'EUR', 'c'), account('b', 'EUR', 'd'), account('c', 'EUR', 'd'), account('d'), account('e', 'EUR', 'd')]);
      let n = 0;
      const pendingIds: string[] = [];
      for (const batch of batches) {
        const inputs: TransferInput[] = batch.map((o, i) => {
          const linked = o.linked && i < batch.length - 1;
          if (o.kind === 'retry' && l.journal.length) {
            const t = l.journal[o.pendingPick % l.journal.length];
            return { id: t.id, kind: t.kind, debitAccountId: t.kind === 'posted' || t.kind === 'pending' ? t.debitAccountId : undefined, creditAccountId: t.kind === 'posted' || t.kind === 'pending' ? t.creditAccountId : undefined, amount: t.kind === 'void_pending' ? undefined : t.amount, pendingId: t.pendingId ?? undefined, reason: t.reason, linked: false };
          }
          const id = `t${n++}`;
          if (o.kind === 'post_pending' || o.kind === 'void_pending') {
            const pid = pendingIds.length ? pendingIds[o.pendingPick % pendingIds.length] : 'missing';
            return { id, kind: o.kind, pendingId: pid, amount: o.kind === 'post_pending' && o.partial ? o.amount : undefined, reason: 'r', linked };
          }
          if (o.kind === 'pending') pendingIds.push(id);
          return { id, kind: o.kind === 'retry' ? 'posted' : o.kind, debitAccountId: o.dr, creditAccountId: o.cr, amount: o.amount, reason: 'r', linked };
        });
        l.apply(inputs);
        for (const a of l.state.accounts.values()) {
          if (a.debitsMustNotExceedCredits && a.debitsPending + a.debitsPosted > a.creditsPosted) return false;
          if (a.creditsMustNotExceedDebits && a.creditsPending + a.creditsPosted > a.debitsPosted) return false;
        }
      }
      const inv = l.invariants();
      return inv.ok;
    }), { numRuns: 300 });
  });
});

describe('money arithmetic', () => {
  it('converts at an exact decimal rate less spread, rounding toward zero', () => {
    // 100.00 EUR at 7.6512 CNY/EUR less 0.4 % spread → 765.12 × 0.996 = 762.05952 → 762.05 CNY (toward zero)
    expect(convertMinor(10_000, 2, 2, '7.6512', '0.004')).toBe(76_205);
    // 1000.00 USD → JPY (0 decimals) at 151.237 → 151 237 JPY
    expect(convertMinor(100_000, 2, 0, '151.237')).toBe(151_237);
    // JPY → KWD (3 decimals)
    expect(convertMinor(1000, 0, 3, '0.00204')).toBe(2_040);
    expect(() => convertMinor(1, 2, 2, '1', '1')).toThrow();
  });
  it('rounds commission half up in basis points', () => {
    expect(applyBasisPoints(12_900, 500)).toBe(645);
    expect(applyBasisPoints(10, 500)).toBe(1); // 0.5 → 1
    expect(applyBasisPoints(9, 500)).toBe(0); // 0.45 → 0
  });
  it('applies tiers, minimums and the commission-free start from data/ledger/fees.json', () => {
    const rules = loadFeeRules();
    expect(rules.source).toMatch(/our own/i);
    const old = new Date('2025-01-01');
    const at = new Date('2026-11-20');
    expect(commissionFor(rules, { amount: 10_000, currency: 'EUR', tier: 'basic', sellerSince: old, at }).commission).toBe(800);
    expect(commissionFor(rules, { amount: 10_000, currency: 'EUR', tier: 'pro', sellerSince: old, at }).commission).toBe(500);
    expect(commissionFor(rules, { amount: 100, currency: 'EUR', tier: 'basic', sellerSince: old, at }).commission).toBe(30); // minimum
    expect(commissionFor(rules, { amount: 20, currency: 'EUR', tier: 'basic', sellerSince: old, at }).commission).toBe(20); // never above the amount
    const fresh = commissionFor(rules, { amount: 10_000, currency: 'EUR', tier: 'basic', sellerSince: new Date('2026-11-01'), at });
    expect(fresh).toMatchObject({ commission: 0, commissionFree: true });
  });
  it('builds statements whose closing equals opening plus postings', () => {
    const st = buildStatement(1000, [
      { transferId: 'a', at: 't', accountId: 'x', accountKind: 'seller_payable', direction: 'credit', amount: 500, reason: 'r', referenceType: null, referenceId: null, counterpartyKind: 'escrow' },
      { transferId: 'b', at: 't', accountId: 'x', accountKind: 'seller_payable', direction: 'debit', amount: 200, reason: 'r', referenceType: null, referenceId: null, counterpartyKind: 'carrier_payable' },
    ]);
    expect(st).toMatchObject({ opening: 1000, closing: 1300, totalCredits: 500, totalDebits: 200 });
    expect(st.lines.map((l) => l.runningBalance)).toEqual([1500, 1300]);
  });
  it('reconciles a provider report: matches, missing on each side, amount mismatch, duplicate', () => {
    const r = reconcile(
      [{ providerRef: 'p1', kind: 'capture', amount: 100, currency: 'EUR' }, { providerRef: 'p2', kind: 'capture', amount: 99, currency: 'EUR' }, { providerRef: 'p3', kind: 'refund', amount: 5, currency: 'EUR' }, { providerRef: 'p1', kind: 'capture', amount: 100, currency: 'EUR' }],
      [{ providerRef: 'p1', kind: 'capture', amount: 100, currency: 'EUR' }, { providerRef: 'p2', kind: 'capture', amount: 100, currency: 'EUR' }, { providerRef: 'p4', kind: 'payout', amount: 50, currency: 'EUR' }],
    );
    expect(r.matched).toBe(1);
    expect(r.differences.map((d) => `${d.type}:${d.providerRef}`).sort()).toEqual(['amount_mismatch:p2', 'duplicate_in_report:p1', 'missing_in_ledger:p3', 'missing_in_report:p4']);
  });
});

export type { PendingTransferState };
