import type { Migration } from '../../kernel/migrate.ts';

export const webhookMigrations: Migration[] = [
  {
    id: 'webhooks_001_init',
    sql: `
CREATE TABLE webhook_endpoints (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  url text NOT NULL,
  description text,
  event_types text[] NOT NULL,
  secret_sealed text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_org ON webhook_endpoints (org_id) WHERE active;

CREATE TABLE webhook_deliveries (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  endpoint_id text NOT NULL REFERENCES webhook_endpoints(id),
  event_id text NOT NULL,
  event_type text NOT NULL,
  body text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','succeeded','retrying','failed')),
  attempts int NOT NULL DEFAULT 0,
  last_status_code int,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id DESC);

CREATE TABLE webhook_attempts (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  delivery_id text NOT NULL REFERENCES webhook_deliveries(id),
  attempted_at timestamptz NOT NULL DEFAULT now(),
  status_code int,
  response_body text,
  duration_ms int NOT NULL,
  error text
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, attempted_at);
`,
  },
  {
    // Fan-out looks endpoints up by event type: with many endpoints in one organisation, a scan of the
    // organisation's endpoints per event grew with their number.
    id: 'webhooks_002_event_type_index',
    sql: `CREATE INDEX webhook_endpoints_event_types ON webhook_endpoints USING gin (event_types) WHERE active;`,
  },
];
