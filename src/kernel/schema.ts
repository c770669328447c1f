import type { Migration } from './migrate.ts';

/** Kernel tables: outbox, subscriber cursors, jobs, audit log, idempotency keys, record grants. */
export const kernelMigrations: Migration[] = [
  {
    id: 'kernel_001_init',
    sql: `
CREATE TABLE outbox (
  id bigserial PRIMARY KEY,
  tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  event_id text NOT NULL UNIQUE,
  type text NOT NULL,
  org_id text,
  audience text[] NOT NULL DEFAULT '{}',
  entity_type text NOT NULL,
  entity_id text NOT NULL,
  payload jsonb NOT NULL,
  request_id text,
  actor_user_id text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_order ON outbox (tx_id, id);
CREATE INDEX outbox_entity ON outbox (entity_type, entity_id, id);
CREATE INDEX outbox_org ON outbox (org_id, id);

CREATE TABLE outbox_cursors (
  subscriber text PRIMARY KEY,
  tx_id xid8 NOT NULL DEFAULT '0',
  event_id bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE jobs (
  id text PRIMARY KEY,
  kind text NOT NULL,
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','running','done','dead')),
  run_at timestamptz NOT NULL DEFAULT now(),
  attempts int NOT NULL DEFAULT 0,
  max_attempts int NOT NULL DEFAULT 10,
  locked_until timestamptz,
  last_error text,
  dedupe_key text,
  org_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_due ON jobs (run_at) WHERE status IN ('queued','running');
CREATE UNIQUE INDEX jobs_dedupe ON jobs (dedupe_key) WHERE status IN ('queued','running');

CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  org_id text NOT NULL,
  actor_user_id text,
  actor_api_key_id text,
  action text NOT NULL,
  entity_type text NOT NULL,
  entity_id text NOT NULL,
  diff jsonb NOT NULL,
  request_id text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_org ON audit_log (org_id, id DESC);
CREATE INDEX audit_entity ON audit_log (org_id, entity_type, entity_id, id DESC);

CREATE TABLE idempotency_keys (
  scope text NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  status_code int NOT NULL,
  response jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, key)
);

CREATE TABLE record_grants (
  id text PRIMARY KEY,
  owner_org_id text NOT NULL,
  grantee_org_id text NOT NULL,
  entity_type text NOT NULL,
  entity_id text NOT NULL,
  permissions text[] NOT NULL,
  reason text,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE UNIQUE INDEX record_grants_live ON record_grants (grantee_org_id, entity_type, entity_id) WHERE revoked_at IS NULL;
CREATE INDEX record_grants_owner ON record_grants (owner_org_id, entity_type, entity_id);
`,
  },
  {
    // The outbox is the dispatcher's queue, read only in (tx_id, id) order (outbox_order); an event's
    // history is the audit log's. Two indexes nothing read cost every event two index insertions.
    id: 'kernel_003_outbox_unused_indexes',
    sql: `DROP INDEX IF EXISTS outbox_entity; DROP INDEX IF EXISTS outbox_org;`,
  },
];
