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
    // Fan-out looks endpoints up by (organisation, event type) in a B-tree: scanning the
    // organisation's endpoints per event grew with their number, and a GIN index on the array is not
    // chosen by the planner (array selectivity estimates; PGlite never gathers statistics).
    id: 'webhooks_002_subscriptions',
    sql: `
CREATE TABLE webhook_subscriptions (
  org_id text NOT NULL,
  event_type text NOT NULL,
  endpoint_id text NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
  PRIMARY KEY (org_id, event_type, endpoint_id)
);
CREATE INDEX webhook_subscriptions_endpoint ON webhook_subscriptions (endpoint_id);
INSERT INTO webhook_subscriptions (org_id, event_type, endpoint_id)
  SELECT DISTINCT org_id, unnest(event_types), id FROM webhook_endpoints;
`,
  },
];
