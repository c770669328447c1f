import type { Migration } from '../../kernel/migrate.ts';

/** Catalogue tables. Every row carries org_id; SKU codes and product handles are unique per organisation. */
export const catalogMigrations: Migration[] = [
  {
    id: 'catalog_001_init',
    sql: `
CREATE TABLE catalog_products (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  handle text,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','archived')),
  brand text,
  origin_country text,
  content jsonb NOT NULL DEFAULT '{}',
  attributes jsonb NOT NULL DEFAULT '{}',
  compliance jsonb NOT NULL DEFAULT '{}',
  images jsonb NOT NULL DEFAULT '[]',
  available_from date,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX catalog_products_handle ON catalog_products (org_id, handle) WHERE handle IS NOT NULL;
CREATE INDEX catalog_products_org ON catalog_products (org_id, id DESC);

CREATE TABLE catalog_skus (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  product_id text NOT NULL REFERENCES catalog_products(id),
  code text NOT NULL,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','archived')),
  options jsonb NOT NULL DEFAULT '{}',
  hs_code text,
  hs_edition text,
  hs_source text,
  national_codes jsonb NOT NULL DEFAULT '{}',
  weight_grams int,
  length_mm int,
  width_mm int,
  height_mm int,
  prices jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, code)
);
CREATE INDEX catalog_skus_product ON catalog_skus (product_id);

CREATE TABLE catalog_documents (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  sha256 text NOT NULL,
  content_type text NOT NULL,
  filename text,
  size_bytes int NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX catalog_documents_org ON catalog_documents (org_id, sha256);

CREATE TABLE catalog_certificates (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  product_id text NOT NULL REFERENCES catalog_products(id),
  document_id text REFERENCES catalog_documents(id),
  type text NOT NULL,
  issuer text NOT NULL,
  number text NOT NULL,
  scope text,
  hs_prefixes text[],
  markets text[],
  issued_at date,
  expiry date,
  expiry_notified_for date,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX catalog_certificates_product ON catalog_certificates (product_id);
CREATE INDEX catalog_certificates_expiry ON catalog_certificates (expiry) WHERE revoked_at IS NULL;

CREATE TABLE catalog_listings (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  product_id text NOT NULL REFERENCES catalog_products(id),
  market text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  status text NOT NULL CHECK (status IN ('allowed','allowed_with_conditions','blocked')),
  rule_ids text[] NOT NULL DEFAULT '{}',
  result jsonb NOT NULL,
  rules_version text[] NOT NULL DEFAULT '{}',
  checked_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (product_id, market)
);
CREATE INDEX catalog_listings_org ON catalog_listings (org_id, market);

CREATE TABLE catalog_classifications (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  query text NOT NULL,
  result jsonb NOT NULL,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now()
);
`,
  },
  {
    // SKU codes are matched case-insensitively (order intake, CSV import, uniqueness checks):
    // without this index each lookup scanned the organisation's SKUs.
    id: 'catalog_002_sku_code_lower',
    sql: `CREATE INDEX catalog_skus_org_code_lower ON catalog_skus (org_id, lower(code));`,
  },
];
