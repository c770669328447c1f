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
  {
    // The reservation hot path as SQL functions (called from stock.ts): PL/pgSQL keeps a statement's
    // plan per connection, and plan_cache_mode = force_generic_plan makes it use that plan every
    // time — these multi-part statements cost more to plan than to run, on PostgreSQL and PGlite.
    // A function is a plain statement with its parameters, no logic of its own: stock.ts decides.
    // Changing one means a new migration with CREATE OR REPLACE FUNCTION (same signature) —
    // never edit this one. Stock rows are updated in place many times a second: fillfactor 50
    // leaves room on the page for HOT updates (no new index entries, no index bloat).
    id: 'inventory_002_reserve_in_one_statement',
    sql: `
ALTER TABLE inv_stock SET (fillfactor = 50);

-- Where each line would be reserved, read without locks: the given warehouse, else the active
-- warehouse with the most available stock if it covers the line; when none does, what all active
-- warehouses have together (anywhere). One row per line, in line order.
CREATE FUNCTION inv_plan_lines(p_org text, p_skus text[], p_asked text[], p_qtys int[])
RETURNS TABLE (warehouse_id text, anywhere int)
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $fn$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH p AS MATERIALIZED (
    SELECT w.ord, w.sku, w.qty, COALESCE(w.asked, (
        SELECT s.warehouse_id FROM inv_stock s JOIN inv_warehouses h ON h.id = s.warehouse_id AND h.active
         WHERE s.org_id = p_org AND s.sku = w.sku AND s.on_hand - s.reserved >= w.qty
         ORDER BY s.on_hand - s.reserved DESC, s.warehouse_id LIMIT 1)) AS warehouse_id
      FROM unnest(p_skus, p_asked, p_qtys) WITH ORDINALITY AS w(sku, asked, qty, ord)
  )
  SELECT p.warehouse_id,
         CASE WHEN p.warehouse_id IS NULL THEN (
           SELECT COALESCE(sum(s.on_hand - s.reserved), 0)::int FROM inv_stock s JOIN inv_warehouses h ON h.id = s.warehouse_id AND h.active
            WHERE s.org_id = p_org AND s.sku = p.sku AND s.on_hand - s.reserved > 0) END
    FROM p ORDER BY p.ord;
END $fn$;

-- Reserve all lines (merged per SKU and warehouse, sorted) all or nothing, in one statement:
-- pick a warehouse for lines without one (as inv_plan_lines); lock the chosen rows that have the
-- quantity available, in (sku, warehouse) order, with FOR UPDATE (under READ COMMITTED it waits for
-- a concurrent writer and re-checks on the newest row; a row that does not fit is not locked);
-- only if every line's row was locked: add to reserved, insert the reservations (p_ids) and the
-- movements. One row per line, in line order: the reservation when made, else what stock.ts needs
-- to name the shortages (was_locked: the locking step ran; fits: this line's row was locked).
CREATE FUNCTION inv_reserve_lines(p_org text, p_skus text[], p_asked text[], p_qtys int[], p_ids text[], p_order text, p_actor_org text, p_actor_user text, p_request text)
RETURNS TABLE (sku text, asked text, warehouse_id text, qty int, id text, consumed int, released int, status text, created_at timestamptz,
               on_hand int, level_reserved int, in_transit int, safety int, was_locked boolean, fits boolean, anywhere int)
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $fn$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH pick AS (
    SELECT w.ord, w.sku, w.asked, w.qty, w.rsv_id, COALESCE(w.asked, (
        SELECT s.warehouse_id FROM inv_stock s JOIN inv_warehouses h ON h.id = s.warehouse_id AND h.active
         WHERE s.org_id = p_org AND s.sku = w.sku AND s.on_hand - s.reserved >= w.qty
         ORDER BY s.on_hand - s.reserved DESC, s.warehouse_id LIMIT 1)) AS warehouse_id
      FROM unnest(p_skus, p_asked, p_qtys, p_ids) WITH ORDINALITY AS w(sku, asked, qty, rsv_id, ord)
  ), locked AS (
    SELECT s.sku, s.warehouse_id FROM inv_stock s JOIN pick p ON s.sku = p.sku AND s.warehouse_id = p.warehouse_id
     WHERE s.org_id = p_org AND s.on_hand - s.reserved >= p.qty AND (SELECT bool_and(pp.warehouse_id IS NOT NULL) FROM pick pp)
     ORDER BY s.sku, s.warehouse_id
       FOR UPDATE OF s
  ), verdict AS (
    SELECT count(*) = cardinality(p_skus) AS fits FROM locked
  ), moved AS (
    UPDATE inv_stock s SET reserved = s.reserved + p.qty, updated_at = now()
      FROM pick p
     WHERE (SELECT v.fits FROM verdict v) AND s.org_id = p_org AND s.sku = p.sku AND s.warehouse_id = p.warehouse_id AND s.on_hand - s.reserved >= p.qty
    RETURNING p.rsv_id, s.on_hand, s.reserved, s.in_transit, s.safety
  ), rsv AS (
    INSERT INTO inv_reservations (id, org_id, order_id, sku, warehouse_id, qty)
    SELECT p.rsv_id, p_org, p_order, p.sku, p.warehouse_id, p.qty FROM moved m JOIN pick p ON p.rsv_id = m.rsv_id ORDER BY p.rsv_id
    RETURNING inv_reservations.id, inv_reservations.consumed, inv_reservations.released, inv_reservations.status, inv_reservations.created_at
  ), mv AS (
    INSERT INTO inv_movements (org_id, sku, warehouse_id, kind, d_reserved, reference_type, reference_id, actor_org_id, actor_user_id, request_id)
    SELECT p_org, p.sku, p.warehouse_id, 'reservation', p.qty, 'order', p_order, p_actor_org, p_actor_user, p_request FROM moved m JOIN pick p ON p.rsv_id = m.rsv_id ORDER BY p.rsv_id
  )
  SELECT p.sku, p.asked, p.warehouse_id, p.qty, r.id, r.consumed, r.released, r.status, r.created_at,
         m.on_hand, m.reserved, m.in_transit, m.safety, (SELECT bool_and(pp.warehouse_id IS NOT NULL) FROM pick pp), l.sku IS NOT NULL,
         CASE WHEN p.warehouse_id IS NULL THEN (
           SELECT COALESCE(sum(s.on_hand - s.reserved), 0)::int FROM inv_stock s JOIN inv_warehouses h ON h.id = s.warehouse_id AND h.active
            WHERE s.org_id = p_org AND s.sku = p.sku AND s.on_hand - s.reserved > 0) END
    FROM pick p LEFT JOIN rsv r ON r.id = p.rsv_id LEFT JOIN moved m ON m.rsv_id = p.rsv_id LEFT JOIN locked l ON l.sku = p.sku AND l.warehouse_id = p.warehouse_id
   ORDER BY p.ord;
END $fn$;
`,
  },
  {
    // One line (a hot SKU, a one-line order, a split part): the same outcome as inv_reserve_lines
    // with a smaller plan — pick, one conditional UPDATE (it takes the row lock only when the row
    // fits on the snapshot, and re-checks on the newest row), then the movement and reservation.
    // About a third cheaper than the many-line statement for one line on PGlite and PostgreSQL.
    id: 'inventory_003_reserve_one_line',
    sql: `
CREATE FUNCTION inv_reserve_one(p_org text, p_sku text, p_asked text, p_qty int, p_id text, p_order text, p_actor_org text, p_actor_user text, p_request text)
RETURNS TABLE (sku text, asked text, warehouse_id text, qty int, id text, consumed int, released int, status text, created_at timestamptz,
               on_hand int, level_reserved int, in_transit int, safety int, was_locked boolean, fits boolean, anywhere int)
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $fn$
#variable_conflict use_column
DECLARE
  v_wh text;
  v_on_hand int;
  v_reserved int;
  v_in_transit int;
  v_safety int;
BEGIN
  v_wh := COALESCE(p_asked, (
    SELECT s.warehouse_id FROM inv_stock s JOIN inv_warehouses h ON h.id = s.warehouse_id AND h.active
     WHERE s.org_id = p_org AND s.sku = p_sku AND s.on_hand - s.reserved >= p_qty
     ORDER BY s.on_hand - s.reserved DESC, s.warehouse_id LIMIT 1));
  IF v_wh IS NULL THEN
    RETURN QUERY SELECT p_sku, p_asked, NULL::text, p_qty, NULL::text, NULL::int, NULL::int, NULL::text, NULL::timestamptz, NULL::int, NULL::int, NULL::int, NULL::int, false, false,
      (SELECT COALESCE(sum(s.on_hand - s.reserved), 0)::int FROM inv_stock s JOIN inv_warehouses h ON h.id = s.warehouse_id AND h.active
        WHERE s.org_id = p_org AND s.sku = p_sku AND s.on_hand - s.reserved > 0);
    RETURN;
  END IF;
  UPDATE inv_stock s SET reserved = s.reserved + p_qty, updated_at = now()
   WHERE s.org_id = p_org AND s.sku = p_sku AND s.warehouse_id = v_wh AND s.on_hand - s.reserved >= p_qty
  RETURNING s.on_hand, s.reserved, s.in_transit, s.safety INTO v_on_hand, v_reserved, v_in_transit, v_safety;
  IF NOT FOUND THEN
    RETURN QUERY SELECT p_sku, p_asked, v_wh, p_qty, NULL::text, NULL::int, NULL::int, NULL::text, NULL::timestamptz, NULL::int, NULL::int, NULL::int, NULL::int, true, false, NULL::int;
    RETURN;
  END IF;
  INSERT INTO inv_movements (org_id, sku, warehouse_id, kind, d_reserved, reference_type, reference_id, actor_org_id, actor_user_id, request_id)
  VALUES (p_org, p_sku, v_wh, 'reservation', p_qty, 'order', p_order, p_actor_org, p_actor_user, p_request);
  RETURN QUERY
  INSERT INTO inv_reservations AS r (id, org_id, order_id, sku, warehouse_id, qty) VALUES (p_id, p_org, p_order, p_sku, v_wh, p_qty)
  RETURNING r.sku, p_asked, r.warehouse_id, r.qty, r.id, r.consumed, r.released, r.status, r.created_at, v_on_hand, v_reserved, v_in_transit, v_safety, true, true, NULL::int;
END $fn$;
`,
  },
];
