import type { Migration } from '../../kernel/migrate.ts';

/**
 * One-pool inventory. Stock levels live per (seller org, SKU, warehouse); every change is an
 * immutable row in inv_movements written in the same transaction as the level, so a level always
 * equals the sum of its movements (`tradelane inventory check` proves it).
 */
export const inventoryMigrations: Migration[] = [
  {
    id: 'inventory_001_init',
    sql: `
CREATE TABLE inv_warehouses (
  id text PRIMARY KEY,
  org_id text NOT NULL,               -- the operating organisation: a warehouse org, or the seller itself
  code text NOT NULL,
  name text NOT NULL,
  country text NOT NULL,
  time_zone text NOT NULL,
  address jsonb NOT NULL,
  capabilities text[] NOT NULL DEFAULT '{}',
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, code)
);

CREATE TABLE inv_stock (
  org_id text NOT NULL,               -- the seller owning the goods
  sku text NOT NULL,
  warehouse_id text NOT NULL REFERENCES inv_warehouses(id),
  on_hand int NOT NULL DEFAULT 0,
  reserved int NOT NULL DEFAULT 0,
  in_transit int NOT NULL DEFAULT 0,
  safety int NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, sku, warehouse_id),
  CONSTRAINT inv_stock_never_negative CHECK (on_hand >= 0 AND reserved >= 0 AND in_transit >= 0 AND safety >= 0),
  CONSTRAINT inv_stock_no_oversell CHECK (reserved <= on_hand)
);
CREATE INDEX inv_stock_warehouse ON inv_stock (warehouse_id, org_id, sku);

CREATE TABLE inv_movements (
  seq bigserial PRIMARY KEY,
  org_id text NOT NULL,
  sku text NOT NULL,
  warehouse_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('receipt','inbound','reservation','release','shipment','transfer_out','transfer_in','count_adjustment','damage')),
  d_on_hand int NOT NULL DEFAULT 0,
  d_reserved int NOT NULL DEFAULT 0,
  d_in_transit int NOT NULL DEFAULT 0,
  reference_type text,
  reference_id text,
  reason text,
  actor_org_id text,
  actor_user_id text,
  request_id text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inv_movements_stock ON inv_movements (org_id, sku, warehouse_id, seq);
CREATE INDEX inv_movements_warehouse ON inv_movements (warehouse_id, seq);
CREATE INDEX inv_movements_reference ON inv_movements (reference_id);

-- Movements are history: never changed, never deleted.
CREATE FUNCTION inv_movements_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'inventory movements are immutable';
END $$;
CREATE TRIGGER inv_movements_no_change BEFORE UPDATE OR DELETE ON inv_movements FOR EACH ROW EXECUTE FUNCTION inv_movements_immutable();

CREATE TABLE inv_reservations (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  order_id text NOT NULL,
  sku text NOT NULL,
  warehouse_id text NOT NULL,
  qty int NOT NULL CHECK (qty > 0),
  consumed int NOT NULL DEFAULT 0,
  released int NOT NULL DEFAULT 0,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','released','consumed')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (consumed + released <= qty)
);
CREATE INDEX inv_reservations_order ON inv_reservations (org_id, order_id);

CREATE TABLE inv_inbound (
  id text PRIMARY KEY,
  org_id text NOT NULL,               -- seller
  warehouse_id text NOT NULL REFERENCES inv_warehouses(id),
  warehouse_org_id text NOT NULL,
  kind text NOT NULL DEFAULT 'asn' CHECK (kind IN ('asn','transfer')),
  from_warehouse_id text,
  reference text NOT NULL,
  carrier text,
  tracking_number text,
  expected_at date,
  status text NOT NULL CHECK (status IN ('in_transit','partially_received','received','cancelled')),
  lines jsonb NOT NULL,               -- [{sku, qty, received, damaged}]
  note text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inv_inbound_org ON inv_inbound (org_id, id DESC);
CREATE INDEX inv_inbound_warehouse_org ON inv_inbound (warehouse_org_id, id DESC);

CREATE TABLE inv_receipts (
  id text PRIMARY KEY,
  org_id text NOT NULL,               -- seller owning the goods
  inbound_id text NOT NULL REFERENCES inv_inbound(id),
  warehouse_id text NOT NULL,
  warehouse_org_id text NOT NULL,
  lines jsonb NOT NULL,               -- [{sku, expected, received, damaged, discrepancy}]
  discrepancies int NOT NULL,
  note text,
  received_by text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inv_receipts_warehouse_org ON inv_receipts (warehouse_org_id, id DESC);
CREATE INDEX inv_receipts_org ON inv_receipts (org_id, id DESC);

CREATE TABLE inv_counts (
  id text PRIMARY KEY,
  org_id text NOT NULL,               -- seller whose stock was counted
  warehouse_id text NOT NULL,
  counted_by_org_id text NOT NULL,
  lines jsonb NOT NULL,               -- [{sku, expected, counted, difference}]
  note text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE inv_alerts (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  sku text NOT NULL,
  warehouse_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('low_stock','stock_out')),
  available int NOT NULL,
  safety int NOT NULL,
  opened_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz
);
-- At most one open alert of a kind per stock row: repeated dips do not repeat the event.
CREATE UNIQUE INDEX inv_alerts_open ON inv_alerts (org_id, sku, warehouse_id, kind) WHERE resolved_at IS NULL;
`,
  },
];
