import type { Migration } from '../../kernel/migrate.ts';

/**
 * The traceability log. `trace_hashes` is the append-only Merkle tree in the stored-hash layout of
 * the merkle engine (every complete-subtree hash once, keyed by stored-hash index). `trace_log`
 * is the one row holding the tree state and the signing key; the sequencer locks it, so two
 * sequencers can never append at the same index (the log cannot fork).
 */
export const traceMigrations: Migration[] = [
  {
    id: 'trace_001_init',
    sql: `
CREATE TABLE trace_log (
  id int PRIMARY KEY CHECK (id = 1),
  origin text NOT NULL,
  verifier_key text NOT NULL,
  signer_sealed text NOT NULL,
  tree_size bigint NOT NULL DEFAULT 0,
  root bytea NOT NULL,
  checkpoint text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE trace_hashes (
  idx bigint PRIMARY KEY,
  hash bytea NOT NULL
);

CREATE TABLE trace_records (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  type text NOT NULL,
  subject_id text NOT NULL,
  content_sha256 text NOT NULL,
  public_metadata jsonb NOT NULL,
  recorded_at timestamptz NOT NULL,
  entry text NOT NULL,
  queue_seq bigserial NOT NULL,
  leaf_index bigint UNIQUE,
  source_event_id text UNIQUE
);
CREATE INDEX trace_records_pending ON trace_records (queue_seq) WHERE leaf_index IS NULL;
CREATE INDEX trace_records_subject ON trace_records (subject_id, queue_seq);
CREATE INDEX trace_records_org ON trace_records (org_id, id DESC);

CREATE TABLE trace_documents (
  org_id text NOT NULL,
  sha256 text NOT NULL,
  media_type text NOT NULL,
  body bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, sha256)
);

CREATE TABLE trace_checkpoints (
  tree_size bigint PRIMARY KEY,
  root bytea NOT NULL,
  note text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE trace_passports (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  gtin text NOT NULL,
  batch text NOT NULL,
  product jsonb NOT NULL,
  subjects text[] NOT NULL,
  record_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (gtin, batch)
);
CREATE INDEX trace_passports_org ON trace_passports (org_id, id DESC);

CREATE TABLE trace_trademarks (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  mark text NOT NULL,
  office text NOT NULL,
  registration_number text NOT NULL,
  classes int[] NOT NULL,
  gtin_prefixes text[] NOT NULL,
  authorised_org_ids text[] NOT NULL,
  record_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX trace_trademarks_org ON trace_trademarks (org_id);
`,
  },
];
