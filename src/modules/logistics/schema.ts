import type { Migration } from '../../kernel/migrate.ts';

/**
 * Logistics tables. Lanes and service bundles are a published catalogue: every organisation may
 * read published rows, so they carry `provider_org_id` (the publisher, the only one who may edit)
 * rather than a tenant `org_id`. Everything a seller creates (routing decisions, batch runs,
 * disruptions, bookings, documents, consolidations) is a tenant row with `org_id`; carriers see
 * bookings and their documents only through record grants.
 */
export const logisticsMigrations: Migration[] = [
  {
    id: 'logistics_001_init',
    sql: `
CREATE TABLE logistics_lanes (
  id text PRIMARY KEY,
  provider_org_id text NOT NULL,
  code text NOT NULL,
  name text NOT NULL,
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','published','archived')),
  version int NOT NULL DEFAULT 1,
  valid_from date NOT NULL,
  valid_to date NOT NULL,
  lane jsonb NOT NULL,
  suspended boolean NOT NULL DEFAULT false,
  suspended_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (provider_org_id, code)
);
CREATE INDEX logistics_lanes_published ON logistics_lanes (status) WHERE status = 'published';

CREATE TABLE logistics_lane_versions (
  lane_id text NOT NULL REFERENCES logistics_lanes(id),
  version int NOT NULL,
  lane jsonb NOT NULL,
  changed_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (lane_id, version)
);

CREATE TABLE logistics_bundles (
  id text PRIMARY KEY,
  provider_org_id text NOT NULL,
  name text NOT NULL,
  status text NOT NULL DEFAULT 'published' CHECK (status IN ('draft','published','archived')),
  bundle jsonb NOT NULL,
  services jsonb NOT NULL DEFAULT '[]',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE logistics_batch_runs (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  method text NOT NULL,
  status text NOT NULL,
  order_count int NOT NULL,
  totals jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX logistics_batch_runs_org ON logistics_batch_runs (org_id, id DESC);

CREATE TABLE logistics_decisions (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  order_ref text NOT NULL,
  batch_run_id text REFERENCES logistics_batch_runs(id),
  status text NOT NULL DEFAULT 'allocated' CHECK (status IN ('allocated','unroutable','booked','shipped','superseded')),
  order_input jsonb NOT NULL,
  winner_id text,
  winner jsonb,
  explanation jsonb,
  candidates jsonb NOT NULL,
  excluded jsonb NOT NULL,
  unroutable_reason text,
  landed_cost_minor bigint,
  currency text NOT NULL,
  delivery_date date,
  lane_ids text[] NOT NULL DEFAULT '{}',
  routing_date date NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX logistics_decisions_org ON logistics_decisions (org_id, id DESC);
CREATE INDEX logistics_decisions_order ON logistics_decisions (org_id, order_ref);

CREATE TABLE logistics_disruptions (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  description text NOT NULL,
  criteria jsonb NOT NULL,
  policy text NOT NULL DEFAULT 'confirm' CHECK (policy IN ('confirm','auto')),
  status text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed','applied','discarded')),
  report jsonb NOT NULL,
  applied_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX logistics_disruptions_org ON logistics_disruptions (org_id, id DESC);

CREATE TABLE logistics_consolidations (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  destination jsonb NOT NULL,
  order_refs text[] NOT NULL,
  plan jsonb NOT NULL,
  master_booking_id text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE logistics_bookings (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  carrier_org_id text NOT NULL,
  lane_id text NOT NULL REFERENCES logistics_lanes(id),
  lane_version int NOT NULL,
  order_refs text[] NOT NULL,
  decision_id text,
  consolidation_id text,
  status text NOT NULL DEFAULT 'requested' CHECK (status IN ('requested','accepted','rejected','cancelled')),
  adapter text NOT NULL,
  shipment jsonb NOT NULL,
  quote jsonb NOT NULL,
  ship_date date NOT NULL,
  chargeable_grams int NOT NULL,
  parcels int NOT NULL,
  tracking_number text,
  carrier_reference text,
  reject_reason text,
  decided_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX logistics_bookings_org ON logistics_bookings (org_id, id DESC);
CREATE INDEX logistics_bookings_carrier ON logistics_bookings (carrier_org_id, id DESC);
CREATE INDEX logistics_bookings_lane_day ON logistics_bookings (lane_id, ship_date) WHERE status IN ('requested','accepted');
CREATE UNIQUE INDEX logistics_bookings_tracking ON logistics_bookings (tracking_number) WHERE tracking_number IS NOT NULL;

CREATE TABLE logistics_documents (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  booking_id text NOT NULL REFERENCES logistics_bookings(id),
  kind text NOT NULL CHECK (kind IN ('label','commercial_invoice','packing_list')),
  filename text NOT NULL,
  sha256 text NOT NULL,
  bytes int NOT NULL,
  pdf bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX logistics_documents_booking ON logistics_documents (booking_id);
`,
  },
];
