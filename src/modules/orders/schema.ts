import type { Migration } from '../../kernel/migrate.ts';

/** Order hub: one order model for every channel, its timeline and lineage, and channel connections. */
export const orderMigrations: Migration[] = [
  {
    id: 'orders_001_init',
    sql: `
CREATE TABLE orders (
  id text PRIMARY KEY,
  org_id text NOT NULL,                     -- the seller
  channel text NOT NULL,
  external_id text,                         -- the channel's id; NULL for orders made by split/merge
  external_number text,
  connection_id text,
  status text NOT NULL,
  held_from text,                           -- state to return to when a hold is released
  hold_reason text,
  hold_detail jsonb,
  buyer jsonb NOT NULL,
  buyer_key text NOT NULL,                  -- buyer + normalised address, for merge candidates
  ship_to jsonb,
  ship_country text,
  currency text NOT NULL,
  subtotal bigint NOT NULL,
  shipping bigint NOT NULL DEFAULT 0,
  tax bigint NOT NULL DEFAULT 0,
  discount bigint NOT NULL DEFAULT 0,
  total bigint NOT NULL,
  taxes_included boolean NOT NULL DEFAULT false,
  tax_lines jsonb NOT NULL DEFAULT '[]',
  payment_status text NOT NULL,
  fulfilment_status text NOT NULL,
  tags text[] NOT NULL DEFAULT '{}',
  note text NOT NULL DEFAULT '',
  warnings jsonb NOT NULL DEFAULT '[]',
  market_check jsonb,
  channel_payload jsonb,                    -- the channel's order verbatim, beside the normalised fields
  channel_updated_at timestamptz,
  parent_order_id text,
  merged_into text,
  placed_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX orders_channel_external ON orders (org_id, channel, external_id);
CREATE INDEX orders_org ON orders (org_id, id DESC);
CREATE INDEX orders_org_status ON orders (org_id, status, id DESC);
CREATE INDEX orders_buyer_key ON orders (org_id, buyer_key);

CREATE TABLE order_lines (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  order_id text NOT NULL REFERENCES orders(id),
  line_no int NOT NULL,
  external_line_id text,
  sku text NOT NULL,
  title text NOT NULL DEFAULT '',
  qty int NOT NULL CHECK (qty > 0),
  shipped_qty int NOT NULL DEFAULT 0,
  unit_price bigint NOT NULL,
  line_total bigint NOT NULL,
  currency text NOT NULL,
  tax_lines jsonb NOT NULL DEFAULT '[]',
  UNIQUE (order_id, line_no)
);

CREATE TABLE order_timeline (
  seq bigserial PRIMARY KEY,
  org_id text NOT NULL,
  order_id text NOT NULL,
  kind text NOT NULL,                       -- state | channel | shipment | note | market_check | lineage
  from_state text,
  to_state text,
  detail jsonb NOT NULL DEFAULT '{}',
  actor_org_id text,
  actor_user_id text,
  request_id text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_timeline_order ON order_timeline (order_id, seq);

CREATE TABLE order_shipments (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  order_id text NOT NULL REFERENCES orders(id),
  warehouse_id text NOT NULL,
  lines jsonb NOT NULL,
  carrier text,
  tracking_number text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_shipments_order ON order_shipments (order_id);

CREATE TABLE order_lineage (
  org_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('split','merge')),
  source_order_id text NOT NULL,
  result_order_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source_order_id, result_order_id)
);
CREATE INDEX order_lineage_result ON order_lineage (result_order_id);

CREATE TABLE order_views (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  user_id text,
  name text NOT NULL,
  filters jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_views_org ON order_views (org_id);

CREATE TABLE channel_connections (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  channel text NOT NULL CHECK (channel IN ('shopify','woocommerce','amazon','ebay')),
  name text NOT NULL,
  config jsonb NOT NULL DEFAULT '{}',
  webhook_secret_sealed text,
  access_token_sealed text,
  active boolean NOT NULL DEFAULT true,
  poll_interval_seconds int,
  last_polled_at timestamptz,
  last_poll jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX channel_connections_org ON channel_connections (org_id);

-- One row per verified inbound delivery: a re-delivered webhook (same delivery id) is acknowledged without effect.
CREATE TABLE channel_deliveries (
  connection_id text NOT NULL REFERENCES channel_connections(id),
  delivery_id text NOT NULL,
  org_id text NOT NULL,
  topic text NOT NULL,
  external_id text,
  order_id text,
  outcome text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, delivery_id)
);
`,
  },
];
