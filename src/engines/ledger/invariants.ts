import type { AccountState } from './transfers.ts';

/**
 * The two ledger invariants:
 *  1. per currency, the sum of all balances is zero (Σ debits = Σ credits, posted and pending);
 *  2. every account's stored balances equal the sums of its journaled transfers.
 */
export interface JournalTotals {
  accountId: string;
  debitsPosted: number;
  creditsPosted: number;
  debitsPending: number;
  creditsPending: number;
}

export interface InvariantReport {
  ok: boolean;
  currencies: { currency: string; debitsPosted: number; creditsPosted: number; debitsPending: number; creditsPending: number; ok: boolean }[];
  accountMismatches: { accountId: string; stored: Omit<JournalTotals, 'accountId'>; journal: Omit<JournalTotals, 'accountId'> }[];
  accounts: number;
}

export function checkInvariants(accounts: AccountState[], journal: JournalTotals[]): InvariantReport {
  const byCurrency = new Map<string, { debitsPosted: number; creditsPosted: number; debitsPending: number; creditsPending: number }>();
  for (const a of accounts) {
    const c = byCurrency.get(a.currency) ?? { debitsPosted: 0, creditsPosted: 0, debitsPending: 0, creditsPending: 0 };
    c.debitsPosted += a.debitsPosted;
    c.creditsPosted += a.creditsPosted;
    c.debitsPending += a.debitsPending;
    c.creditsPending += a.creditsPending;
    byCurrency.set(a.currency, c);
  }
  const currencies = [...byCurrency].sort(([a], [b]) => a.localeCompare(b)).map(([currency, c]) => ({
    currency, ...c, ok: c.debitsPosted === c.creditsPosted && c.debitsPending === c.creditsPending,
  }));
  const sums = new Map(journal.map((j) => [j.accountId, j]));
  const zero = { debitsPosted: 0, creditsPosted: 0, debitsPending: 0, creditsPending: 0 };
  const accountMismatches: InvariantReport['accountMismatches'] = [];
  for (const a of accounts) {
    const j = sums.get(a.id) ?? { accountId: a.id, ...zero };
    const stored = { debitsPosted: a.debitsPosted, creditsPosted: a.creditsPosted, debitsPending: a.debitsPending, creditsPending: a.creditsPending };
    const fromJournal = { debitsPosted: j.debitsPosted, creditsPosted: j.creditsPosted, debitsPending: j.debitsPending, creditsPending: j.creditsPending };
    if (JSON.stringify(stored) !== JSON.stringify(fromJournal)) accountMismatches.push({ accountId: a.id, stored, journal: fromJournal });
  }
  return { ok: currencies.every((c) => c.ok) && accountMismatches.length === 0, currencies, accountMismatches, accounts: accounts.length };
}

/** Journal sums computed in memory (property tests; the database computes the same in SQL). */
export function journalTotals(transfers: { kind: string; debitAccountId: string; creditAccountId: string; amount: number; id: string }[], pendingStatus: (id: string) => string): JournalTotals[] {
  const out = new Map<string, JournalTotals>();
  const get = (id: string) => {
    let j = out.get(id);
    if (!j) out.set(id, (j = { accountId: id, debitsPosted: 0, creditsPosted: 0, debitsPending: 0, creditsPending: 0 }));
    return j;
  };
  for (const t of transfers) {
    const d = get(t.debitAccountId);
    const c = get(t.creditAccountId);
    if (t.kind === 'posted' || t.kind === 'post_pending') {
      d.debitsPosted += t.amount;
      c.creditsPosted += t.amount;
    } else if (t.kind === 'pending' && pendingStatus(t.id) === 'pending') {
      d.debitsPending += t.amount;
      c.creditsPending += t.amount;
    }
  }
  return [...out.values()];
}
