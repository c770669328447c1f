import type { Migration } from '../../kernel/migrate.ts';

/**
 * landed_cost_quotes: every quote with its input and the engine's full explanation (tenant rows).
 * fx_snapshots and landed_cost_tariff_imports are platform reference data (no org_id): exchange
 * rates and newer official tariff files loaded offline with the CLI.
 */
export const landedCostMigrations: Migration[] = [
  {
    id: 'landed_cost_001_init',
    sql: `
CREATE TABLE landed_cost_quotes (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  reference text,
  destination_country text NOT NULL,
  market text NOT NULL,
  origin_country text NOT NULL,
  quote_date date NOT NULL,
  sale_currency text NOT NULL,
  destination_currency text NOT NULL,
  incoterm text NOT NULL,
  fx_snapshot_id text,
  landed_cost bigint NOT NULL,
  import_charges bigint NOT NULL,
  input jsonb NOT NULL,
  result jsonb NOT NULL,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX landed_cost_quotes_org ON landed_cost_quotes (org_id, id DESC);

CREATE TABLE fx_snapshots (
  id text PRIMARY KEY,
  source text NOT NULL,
  date date NOT NULL,
  base text NOT NULL,
  rates jsonb NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX fx_snapshots_date ON fx_snapshots (date DESC, id);

CREATE TABLE landed_cost_tariff_imports (
  id text PRIMARY KEY,
  market text NOT NULL,
  format text NOT NULL,
  edition text NOT NULL,
  as_of text NOT NULL,
  source text NOT NULL,
  file_name text NOT NULL,
  file_sha256 text NOT NULL,
  lines int NOT NULL,
  tariff jsonb NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX landed_cost_tariff_imports_market ON landed_cost_tariff_imports (market, imported_at DESC);
`,
  },
];
