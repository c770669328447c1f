/**
 * Settlement statement arithmetic: opening balance, every posting in the period, closing balance.
 * Balances are credit-normal (credits − debits): money the platform holds for the organisation is
 * positive.
 */
export interface StatementPosting {
  transferId: string;
  at: string; // ISO instant
  accountId: string;
  accountKind: string;
  direction: 'credit' | 'debit';
  amount: number; // minor units, positive
  reason: string;
  referenceType: string | null;
  referenceId: string | null;
  counterpartyKind: string;
}

export interface StatementLine extends StatementPosting {
  signedAmount: number;
  runningBalance: number;
}

export interface Statement {
  opening: number;
  closing: number;
  totalCredits: number;
  totalDebits: number;
  lines: StatementLine[];
}

export function buildStatement(opening: number, postings: StatementPosting[]): Statement {
  let running = opening;
  let totalCredits = 0;
  let totalDebits = 0;
  const lines = postings.map((p) => {
    const signed = p.direction === 'credit' ? p.amount : -p.amount;
    if (signed > 0) totalCredits += signed;
    else totalDebits -= signed;
    running += signed;
    if (!Number.isSafeInteger(running)) throw new Error('statement balance overflow');
    return { ...p, signedAmount: signed, runningBalance: running };
  });
  return { opening, closing: running, totalCredits, totalDebits, lines };
}
