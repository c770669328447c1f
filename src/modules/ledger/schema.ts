import type { Migration } from '../../kernel/migrate.ts';

/**
 * Ledger tables. Accounts owned by the platform itself (escrow, revenue, tax, FX position, provider
 * cash) carry org_id = 'platform'; the operator organisation sees them.
 * Transfers are an append-only journal; only a pending transfer's `pending_status` changes.
 */
export const ledgerMigrations: Migration[] = [
  {
    id: 'ledger_001_init',
    sql: `
CREATE TABLE ledger_accounts (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  kind text NOT NULL,
  name text,
  debits_must_not_exceed_credits boolean NOT NULL DEFAULT false,
  credits_must_not_exceed_debits boolean NOT NULL DEFAULT false,
  debits_pending bigint NOT NULL DEFAULT 0,
  debits_posted bigint NOT NULL DEFAULT 0,
  credits_pending bigint NOT NULL DEFAULT 0,
  credits_posted bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (NOT (debits_must_not_exceed_credits AND credits_must_not_exceed_debits)),
  CHECK (NOT debits_must_not_exceed_credits OR debits_pending + debits_posted <= credits_posted),
  CHECK (NOT credits_must_not_exceed_debits OR credits_pending + credits_posted <= debits_posted)
);
-- One account per organisation, kind and currency (the services find accounts by these).
CREATE UNIQUE INDEX ledger_accounts_owner ON ledger_accounts (org_id, kind, currency);

CREATE TABLE ledger_transfers (
  seq bigserial UNIQUE,
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('posted','pending','post_pending','void_pending','expire_pending')),
  -- No foreign keys here: the transfer engine resolves both accounts under FOR UPDATE locks before
  -- anything is written, so per-row FK triggers would only repeat that check on the hot path.
  debit_account_id text NOT NULL,
  credit_account_id text NOT NULL,
  debit_org_id text NOT NULL,
  credit_org_id text NOT NULL,
  currency text NOT NULL,
  amount bigint NOT NULL CHECK (amount >= 0),
  pending_id text,
  pending_status text CHECK (pending_status IN ('pending','posted','voided','expired')),
  timeout_at timestamptz,
  linked_group text,
  content_hash text NOT NULL,
  reason text NOT NULL,
  reference_type text,
  reference_id text,
  fx_rate_id text,
  fx_rate text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'pending') = (pending_status IS NOT NULL))
);
CREATE INDEX ledger_transfers_debit ON ledger_transfers (debit_account_id, seq);
CREATE INDEX ledger_transfers_credit ON ledger_transfers (credit_account_id, seq);
CREATE INDEX ledger_transfers_reference ON ledger_transfers (reference_type, reference_id);

CREATE TABLE ledger_fx_rates (
  id text PRIMARY KEY,
  source text NOT NULL,
  rate_date date NOT NULL,
  base text NOT NULL,
  quote text NOT NULL,
  rate text NOT NULL CHECK (rate ~ '^[0-9]+(\\.[0-9]+)?$'),
  spread text NOT NULL DEFAULT '0' CHECK (spread ~ '^0(\\.[0-9]+)?$'),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_fx_rates_pair ON ledger_fx_rates (base, quote, rate_date DESC);

CREATE TABLE ledger_seller_terms (
  org_id text PRIMARY KEY,
  tier text NOT NULL DEFAULT 'basic' CHECK (tier IN ('basic','pro','enterprise')),
  seller_since timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ledger_escrows (
  order_id text PRIMARY KEY,
  org_id text NOT NULL, -- the seller (owner); the buyer sees it too
  buyer_org_id text NOT NULL,
  currency text NOT NULL,
  amount bigint NOT NULL,
  tax_amount bigint NOT NULL DEFAULT 0,
  released bigint NOT NULL DEFAULT 0,
  refunded bigint NOT NULL DEFAULT 0,
  commission bigint NOT NULL DEFAULT 0,
  pending_transfer_id text,
  release_seq int NOT NULL DEFAULT 0,
  status text NOT NULL CHECK (status IN ('awaiting_payment','held','partially_released','released','refunded','cancelled')),
  payment_id text,
  carrier_delivered_at timestamptz,
  buyer_confirmed_at timestamptz,
  dispute_open boolean NOT NULL DEFAULT false,
  dispute_reason text,
  auto_release_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_escrows_seller ON ledger_escrows (org_id, created_at DESC);
CREATE INDEX ledger_escrows_buyer ON ledger_escrows (buyer_org_id, created_at DESC);

CREATE TABLE ledger_payments (
  id text PRIMARY KEY,
  org_id text NOT NULL, -- the paying buyer
  seller_org_id text NOT NULL,
  order_id text NOT NULL,
  provider text NOT NULL,
  provider_ref text,
  currency text NOT NULL,
  amount bigint NOT NULL,      -- goods and shipping, held in escrow
  tax_amount bigint NOT NULL,  -- duties and taxes collected at checkout (e.g. IOSS VAT)
  status text NOT NULL CHECK (status IN ('authorising','authorised','captured','failed','refunded')),
  failure_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX ledger_payments_provider_ref ON ledger_payments (provider, provider_ref);
CREATE INDEX ledger_payments_order ON ledger_payments (order_id);

CREATE TABLE ledger_refunds (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  payment_id text NOT NULL REFERENCES ledger_payments(id),
  provider text NOT NULL,
  provider_ref text,
  currency text NOT NULL,
  amount bigint NOT NULL,
  status text NOT NULL CHECK (status IN ('requested','succeeded','failed')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ledger_bank_accounts (
  org_id text NOT NULL,
  currency text NOT NULL,
  holder text NOT NULL,
  bank_name text NOT NULL,
  account_sealed text NOT NULL,
  account_last4 text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, currency)
);

CREATE TABLE ledger_payouts (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  provider text NOT NULL,
  provider_ref text,
  currency text NOT NULL,
  amount bigint NOT NULL,
  status text NOT NULL CHECK (status IN ('requested','paid','failed')),
  transfer_id text NOT NULL,
  account_last4 text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_payouts_org ON ledger_payouts (org_id, created_at DESC);

-- Provider webhooks already handled (duplicates are acknowledged and ignored).
CREATE TABLE ledger_provider_events (
  provider text NOT NULL,
  event_id text NOT NULL,
  type text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, event_id)
);

-- What the built-in sandbox provider itself believes happened (its side of a reconciliation).
CREATE TABLE ledger_sandbox_ops (
  provider_ref text PRIMARY KEY,
  kind text NOT NULL,
  currency text NOT NULL,
  amount bigint NOT NULL,
  status text NOT NULL,
  reference text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ledger_reconciliations (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  provider text NOT NULL,
  matched int NOT NULL,
  differences jsonb NOT NULL,
  totals jsonb NOT NULL,
  report_rows int NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
`,
  },
];
