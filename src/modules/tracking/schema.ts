import type { Migration } from '../../kernel/migrate.ts';

/**
 * Tracking tables. A shipment belongs to the seller organisation that owns it (org_id); the other
 * parties (carrier, warehouse, broker, buyer organisation) see it through record grants on
 * entity type "shipment". Events, IoT readings, exceptions, SLA evaluations and milestones carry
 * the shipment's org_id and are visible to whoever may see the shipment (narrower for money rows).
 */
export const trackingMigrations: Migration[] = [
  {
    id: 'tracking_001_init',
    sql: `
CREATE TABLE tracking_shipments (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  carrier text NOT NULL,
  tracking_number text NOT NULL,
  carrier_org_id text,
  warehouse_org_id text,
  broker_org_id text,
  buyer_org_id text,
  buyer_email text,
  seller_email text,
  booking_id text,
  order_id text,
  lane_id text,
  mode text,
  lane_transit jsonb,
  origin_country text,
  destination_country text,
  destination_postcode text,
  ship_date date,
  promised_delivery_at timestamptz,
  estimated_delivery_at timestamptz,
  freight_minor bigint,
  freight_currency text,
  parcels jsonb NOT NULL DEFAULT '[]',
  declared_value jsonb,
  handling jsonb,
  force_majeure boolean NOT NULL DEFAULT false,
  force_majeure_note text,
  status text NOT NULL DEFAULT 'pending',
  stage text,
  customs text,
  picked_up_at timestamptz,
  delivered_at timestamptz,
  first_event_at timestamptz,
  last_event_at timestamptz,
  event_count int NOT NULL DEFAULT 0,
  port_dwell_hours numeric,
  rules_checked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (carrier, tracking_number)
);
CREATE INDEX tracking_shipments_org ON tracking_shipments (org_id, id DESC);
CREATE INDEX tracking_shipments_carrier_org ON tracking_shipments (carrier_org_id, id DESC);
CREATE INDEX tracking_shipments_number ON tracking_shipments (tracking_number);
CREATE INDEX tracking_shipments_open ON tracking_shipments (rules_checked_at) WHERE delivered_at IS NULL AND status NOT IN ('cancelled','return_to_sender');

CREATE TABLE tracking_events (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  shipment_id text NOT NULL REFERENCES tracking_shipments(id),
  event_key text NOT NULL,
  status text NOT NULL,
  stage text,
  customs text,
  reason text,
  occurred_at timestamptz,
  local_time text,
  utc_offset text,
  time_basis text,
  location jsonb NOT NULL,
  description text NOT NULL,
  raw_status_code text NOT NULL,
  raw jsonb,
  source text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (shipment_id, event_key)
);

CREATE TABLE tracking_iot_readings (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  shipment_id text NOT NULL REFERENCES tracking_shipments(id),
  device_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('gps','temperature','humidity','shock')),
  recorded_at timestamptz NOT NULL,
  value jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (shipment_id, device_id, kind, recorded_at)
);
CREATE INDEX tracking_iot_shipment ON tracking_iot_readings (shipment_id, recorded_at);

-- Signed push endpoints of provider organisations (one or more per carrier org).
CREATE TABLE tracking_feeds (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  name text NOT NULL,
  carrier text NOT NULL,
  format text NOT NULL,
  secret_sealed text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  last_received_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tracking_feeds_org ON tracking_feeds (org_id);

-- Polling sources: a URL serving a carrier's tracking payload for ?tracking_numbers=a,b
CREATE TABLE tracking_poll_sources (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  carrier text NOT NULL,
  format text NOT NULL,
  url text NOT NULL,
  interval_minutes int NOT NULL DEFAULT 30,
  active boolean NOT NULL DEFAULT true,
  last_polled_at timestamptz,
  last_result jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tracking_rule_settings (
  org_id text PRIMARY KEY,
  settings jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tracking_exceptions (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  shipment_id text NOT NULL REFERENCES tracking_shipments(id),
  rule text NOT NULL,
  severity text NOT NULL,
  title text NOT NULL,
  facts jsonb NOT NULL,
  notify text[] NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','acknowledged','resolved','dismissed')),
  owner_org_id text NOT NULL,
  assignee text,
  cause text,
  since timestamptz NOT NULL,
  opened_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  resolution text,
  UNIQUE (shipment_id, rule)
);
CREATE INDEX tracking_exceptions_org ON tracking_exceptions (org_id, status, id DESC);

CREATE TABLE tracking_exception_notes (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  exception_id text NOT NULL REFERENCES tracking_exceptions(id),
  kind text NOT NULL,
  author_org_id text,
  author_user_id text,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tracking_exception_notes_exc ON tracking_exception_notes (exception_id, id);

-- One notification per shipment and milestone (or exception): no alert storms.
CREATE TABLE tracking_notifications (
  shipment_id text NOT NULL,
  topic text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (shipment_id, topic)
);

CREATE TABLE tracking_contracts (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  carrier_org_id text NOT NULL,
  seller_org_id text NOT NULL,
  lane_id text NOT NULL,
  name text NOT NULL,
  terms jsonb NOT NULL,
  demurrage jsonb,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','ended')),
  valid_from date NOT NULL,
  valid_to date NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tracking_contracts_lookup ON tracking_contracts (lane_id, carrier_org_id, seller_org_id) WHERE status = 'active';

CREATE TABLE tracking_sla_evaluations (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  shipment_id text NOT NULL UNIQUE REFERENCES tracking_shipments(id),
  contract_id text NOT NULL REFERENCES tracking_contracts(id),
  carrier_org_id text NOT NULL,
  lane_id text,
  evaluation jsonb NOT NULL,
  breached boolean NOT NULL,
  days_late int NOT NULL,
  penalty_minor bigint NOT NULL,
  currency text NOT NULL,
  status text NOT NULL CHECK (status IN ('met','excluded','penalised','insufficient_deposit','disputed','upheld','reversed')),
  transfer_id text,
  dispute_reason text,
  resolution_note text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tracking_sla_org ON tracking_sla_evaluations (org_id, id DESC);
CREATE INDEX tracking_sla_carrier ON tracking_sla_evaluations (carrier_org_id, id DESC);

CREATE TABLE tracking_milestones (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  shipment_id text NOT NULL REFERENCES tracking_shipments(id),
  contract_id text NOT NULL REFERENCES tracking_contracts(id),
  carrier_org_id text NOT NULL,
  stage text NOT NULL,
  label text,
  percent_bp int NOT NULL,
  amount_minor bigint NOT NULL,
  currency text NOT NULL,
  status text NOT NULL DEFAULT 'reached' CHECK (status IN ('reached','released')),
  reached_at timestamptz NOT NULL,
  accepted_by_org_id text,
  transfer_id text,
  released_at timestamptz,
  UNIQUE (shipment_id, stage)
);
`,
  },
  {
    // Version of the folded event list, for the in-process fold cache of the ingest path.
    id: 'tracking_002_fold_version',
    sql: `ALTER TABLE tracking_shipments ADD COLUMN fold_version text;`,
  },
];
