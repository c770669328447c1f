import type { Migration } from '../../kernel/migrate.ts';

/**
 * Screening tables. List versions and their stored entities are platform-wide (no org_id: the
 * sanctions lists are public and the same for everyone); parties, screenings, review items and
 * thresholds belong to one organisation.
 */
export const screeningMigrations: Migration[] = [
  {
    id: 'screening_001_init',
    sql: `
CREATE TABLE screening_list_versions (
  id text PRIMARY KEY,
  list_id text NOT NULL,
  title text NOT NULL,
  publication_date date NOT NULL,
  source text NOT NULL,                 -- source URL or the file imported by the CLI
  storage text NOT NULL CHECK (storage IN ('bundled','stored')), -- bundled: data/sanctions files (by sha256); stored: rows in screening_list_entities
  sha256 text NOT NULL,                 -- of the uncompressed file(s), joined with '+'
  files jsonb NOT NULL DEFAULT '[]',
  stale boolean NOT NULL DEFAULT false,
  entity_count int,
  imported_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (list_id, sha256)
);

CREATE TABLE screening_list_entities (
  version_id text NOT NULL REFERENCES screening_list_versions(id),
  entity_id text NOT NULL,
  entity jsonb NOT NULL,
  PRIMARY KEY (version_id, entity_id)
);

CREATE TABLE screening_settings (
  org_id text PRIMARY KEY,
  hold_threshold numeric NOT NULL,
  block_threshold numeric NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE screening_parties (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  name text NOT NULL,
  type text NOT NULL CHECK (type IN ('person','organisation','vessel','aircraft','entity')),
  role text NOT NULL,
  dob text,
  countries jsonb NOT NULL DEFAULT '[]',
  identifiers jsonb NOT NULL DEFAULT '[]',
  reference text,
  owner_of text REFERENCES screening_parties(id),   -- beneficial owner of this party
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','clear','review','hold','block','insufficient','error')),
  fingerprint text NOT NULL,
  last_screening_id text,
  archived boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX screening_parties_org ON screening_parties (org_id, id DESC);
CREATE UNIQUE INDEX screening_parties_reference ON screening_parties (org_id, role, reference) WHERE reference IS NOT NULL AND NOT archived;

CREATE TABLE screening_results (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  party_id text REFERENCES screening_parties(id),
  source text NOT NULL,                 -- check, batch, party, rescreen, module
  query jsonb NOT NULL,
  fingerprint text NOT NULL,
  versions_key text NOT NULL,           -- the list versions used, joined ids
  list_versions jsonb NOT NULL,         -- [{version_id, list_id, publication_date}]
  engine_decision text NOT NULL,
  decision text NOT NULL,               -- after suppressed false positives and confirmed matches
  score numeric NOT NULL DEFAULT 0,
  thresholds jsonb NOT NULL,
  matches jsonb NOT NULL DEFAULT '[]',
  reasons jsonb NOT NULL DEFAULT '[]',
  error text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX screening_results_org ON screening_results (org_id, id DESC);
CREATE INDEX screening_results_party ON screening_results (party_id, id DESC);

CREATE TABLE screening_reviews (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  party_id text NOT NULL REFERENCES screening_parties(id),
  screening_id text NOT NULL REFERENCES screening_results(id),
  entity_id text NOT NULL,
  list_id text NOT NULL,
  version_id text NOT NULL,
  score numeric NOT NULL,
  severity text NOT NULL CHECK (severity IN ('review','hold','block')),
  party_fingerprint text NOT NULL,
  entry_hash text NOT NULL,
  query jsonb NOT NULL,
  entry jsonb NOT NULL,
  explanation jsonb NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','false_positive','confirmed_match','superseded')),
  reason text,
  decided_by text,
  decided_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX screening_reviews_org ON screening_reviews (org_id, status, id DESC);
CREATE INDEX screening_reviews_party ON screening_reviews (party_id, entity_id);
CREATE INDEX screening_reviews_suppress ON screening_reviews (org_id, party_fingerprint, entity_id, entry_hash);
`,
  },
];
