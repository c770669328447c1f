import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Services } from '../../http/services.ts';
import type { Db, Executor } from '../../kernel/db.ts';
import { newId } from '../../kernel/ids.ts';
import {
  buildIndex,
  importBisDplTsv,
  importEuDerivedJson,
  importOfacSdnCsv,
  importOfacXml,
  importUkOfsiConListCsv,
  importUnConsolidatedXml,
  type ListVersion,
  type SanctionedEntity,
  type ScreeningIndex,
} from '../../engines/screening/index.ts';
import { loadSanctionsLists, readListVersions, readNameVariants } from '../../engines/screening/load.ts';

/** A row of screening_list_versions. */
export interface ListVersionRow {
  id: string;
  list_id: string;
  title: string;
  publication_date: string;
  source: string;
  storage: 'bundled' | 'stored';
  sha256: string;
  stale: boolean;
  entity_count: number | null;
  imported_at: string;
}

/** The index in use plus what it was built from: entities by id (for side-by-side review) and the versions. */
export interface LoadedLists {
  index: ScreeningIndex;
  entities: Map<string, SanctionedEntity>;
  versions: ListVersionRow[];
  versionByList: Map<string, ListVersionRow>;
  /** Joined version ids: a screening result cached for a party is reused only under the same key. */
  key: string;
}

const dateOf = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10));

/** Register the bundled list snapshots (data/sanctions/lists.json) as versions; cheap, no import. */
export async function registerBundledVersions(db: Executor): Promise<void> {
  for (const v of readListVersions()) {
    await db.query(
      `INSERT INTO screening_list_versions (id, list_id, title, publication_date, source, storage, sha256, files, stale)
       VALUES ($1,$2,$3,$4,$5,'bundled',$6,$7,$8) ON CONFLICT (list_id, sha256) DO NOTHING`,
      [newId('slv'), v.listId, v.title, v.publicationDate, v.sourceUrl, v.files.map((f) => f.sha256).join('+'), JSON.stringify(v.files), !!v.stale],
    );
  }
}

/** The version in force per list: newest publication date, then newest import; stale lists excluded. */
export async function currentVersions(ex: Executor): Promise<ListVersionRow[]> {
  const rows = await ex.query<ListVersionRow>(
    `SELECT DISTINCT ON (list_id) id, list_id, title, publication_date, source, storage, sha256, stale, entity_count, imported_at
       FROM screening_list_versions WHERE NOT stale ORDER BY list_id, publication_date DESC, imported_at DESC, id DESC`,
  );
  return rows.map((r) => ({ ...r, publication_date: dateOf(r.publication_date) }));
}

export const versionsKey = (versions: ListVersionRow[]) => versions.map((v) => v.id).sort().join(',');

/**
 * Index cache shared by every runtime of this process, keyed by the versions it holds (the bundled
 * import + index build takes several seconds; tests open many runtimes). services.state holds
 * the runtime's current reference.
 */
/** Index and entries built from a set of list contents; shared across runtimes by content. */
interface BuiltIndex { index: ScreeningIndex; entities: Map<string, SanctionedEntity>; counts: Map<string, number> }
const processCache = new Map<string, Promise<BuiltIndex>>();
const readyKeys = new Set<string>();
let bundledCache: Promise<{ entities: SanctionedEntity[]; versions: ListVersion[] }> | undefined;

/** Same list contents → same index, whatever database (and version ids) they were registered in. */
const contentKey = (versions: ListVersionRow[]) => versions.map((v) => `${v.list_id}:${v.sha256}`).sort().join(',');

function bundledLists() {
  // A microtask hop so the caller's request is not blocked synchronously before it awaits.
  bundledCache ??= Promise.resolve().then(() => {
    const { entities, listVersions } = loadSanctionsLists();
    return { entities, versions: listVersions };
  });
  return bundledCache;
}

async function buildIndexFor(ex: Executor, versions: ListVersionRow[]): Promise<BuiltIndex> {
  const entities: SanctionedEntity[] = [];
  const engineVersions: ListVersion[] = [];
  const counts = new Map<string, number>();
  const needBundled = versions.some((v) => v.storage === 'bundled');
  const bundled = needBundled ? await bundledLists() : { entities: [], versions: [] };
  for (const v of versions) {
    let listEntities: SanctionedEntity[];
    if (v.storage === 'bundled') listEntities = bundled.entities.filter((e) => e.listId === v.list_id);
    else listEntities = (await ex.query<{ entity: SanctionedEntity }>(`SELECT entity FROM screening_list_entities WHERE version_id = $1 ORDER BY entity_id`, [v.id])).map((r) => r.entity);
    entities.push(...listEntities);
    counts.set(v.list_id, listEntities.length);
    engineVersions.push({ listId: v.list_id, title: v.title, publisher: '', publicationDate: v.publication_date, sourceUrl: v.source, files: v.sha256.split('+').map((sha256) => ({ path: '', sha256 })), recordCount: listEntities.length });
  }
  const index = buildIndex(entities, engineVersions, { nameVariants: readNameVariants() });
  return { index, entities: new Map(entities.map((e) => [e.id, e])), counts };
}

/**
 * The index for the versions now in force (one small query per call, so a list imported by the CLI
 * in another process is picked up). Built on first use, never at start.
 */
export async function loadedLists(s: Pick<Services, 'db' | 'state'>, ex: Executor = s.db): Promise<LoadedLists> {
  const versions = await currentVersions(ex);
  const key = versionsKey(versions);
  const held = s.state.get('screening.lists') as { key: string; loaded: LoadedLists } | undefined;
  if (held?.key === key) return held.loaded;
  const ck = contentKey(versions);
  let promise = processCache.get(ck);
  if (!promise) {
    // Read through the caller's executor: on PGlite an open transaction holds the only connection.
    promise = buildIndexFor(ex, versions);
    processCache.set(ck, promise);
    promise.then(() => readyKeys.add(ck), () => processCache.delete(ck));
  }
  const built = await promise;
  for (const v of versions) {
    const n = built.counts.get(v.list_id) ?? 0;
    if (v.entity_count !== n) {
      await ex.query(`UPDATE screening_list_versions SET entity_count = $2 WHERE id = $1`, [v.id, n]);
      v.entity_count = n;
    }
  }
  const loaded: LoadedLists = { index: built.index, entities: built.entities, versions, versionByList: new Map(versions.map((v) => [v.list_id, v])), key };
  s.state.set('screening.lists', { key, loaded });
  return loaded;
}

/** Is the index for the current versions built? If not, starts building it in the background. */
export async function listsReady(s: Pick<Services, 'db' | 'state'>): Promise<boolean> {
  const key = contentKey(await currentVersions(s.db));
  if (readyKeys.has(key)) return true;
  loadedLists(s).catch(() => {});
  return false;
}

// ------------------------------------------------------------------------------------------------
// Import of a newer official file (CLI)

export const IMPORTABLE_LISTS = ['us_ofac_sdn', 'us_ofac_cons', 'un_sc', 'eu_fsf', 'us_bis_dpl', 'gb_hmt'] as const;

const TITLES: Record<string, string> = {
  us_ofac_sdn: 'US OFAC Specially Designated Nationals (SDN) list, CSV',
  us_ofac_cons: 'US OFAC Consolidated (non-SDN) list, XML',
  un_sc: 'UN Security Council Consolidated List, XML',
  eu_fsf: 'EU Consolidated Financial Sanctions List (derived JSON)',
  us_bis_dpl: 'US Commerce BIS Denied Persons List, tab-separated',
  gb_hmt: 'UK HM Treasury / OFSI Consolidated List (ConList CSV)',
};

function readMaybeGzip(path: string): Buffer {
  const raw = readFileSync(path);
  return raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
}

export interface ImportOutcome {
  version: ListVersionRow;
  created: boolean;
  entities: number;
  rescreenJob?: string;
}

/**
 * Parse an official file with the engine importer for its list and record it as a new version.
 * OFAC SDN CSV is a directory holding sdn.csv, alt.csv, add.csv, sdn_comments.csv (.gz allowed).
 * `publicationDate` is needed for formats that carry no date (OFAC CSV, BIS DPL); for the others
 * the date in the file wins.
 */
export function parseOfficialFile(listId: string, path: string, publicationDate?: string): { entities: SanctionedEntity[]; publicationDate: string; sha256: string; files: { path: string; sha256: string }[] } {
  const files: { path: string; sha256: string }[] = [];
  const read = (p: string) => {
    const bytes = readMaybeGzip(p);
    files.push({ path: basename(p), sha256: createHash('sha256').update(bytes).digest('hex') });
    return bytes.toString('utf8');
  };
  const need = (d: string | undefined) => {
    if (!d || !/^\d{4}-\d{2}-\d{2}/.test(d)) throw new Error(`${listId}: the file carries no publication date; pass --date YYYY-MM-DD`);
    return d.slice(0, 10);
  };
  let entities: SanctionedEntity[];
  let date: string;
  switch (listId) {
    case 'us_ofac_sdn': {
      if (!statSync(path).isDirectory()) throw new Error('us_ofac_sdn: pass the directory holding sdn.csv, alt.csv, add.csv, sdn_comments.csv');
      const names = readdirSync(path);
      const pick = (stem: string) => names.find((n) => n.toLowerCase() === stem || n.toLowerCase() === stem + '.gz');
      const sdn = pick('sdn.csv');
      if (!sdn) throw new Error('us_ofac_sdn: sdn.csv not found in ' + path);
      const opt = (stem: string) => { const n = pick(stem); return n ? read(join(path, n)) : undefined; };
      entities = importOfacSdnCsv({ sdn: read(join(path, sdn)), alt: opt('alt.csv'), add: opt('add.csv'), comments: opt('sdn_comments.csv') });
      date = need(publicationDate);
      break;
    }
    case 'us_ofac_cons': { const r = importOfacXml(read(path), 'us_ofac_cons'); entities = r.entities; date = need(r.publishDate || publicationDate); break; }
    case 'un_sc': { const r = importUnConsolidatedXml(read(path)); entities = r.entities; date = need(r.dateGenerated || publicationDate); break; }
    case 'eu_fsf': { const r = importEuDerivedJson(read(path)); entities = r.entities; date = need(r.generated || publicationDate); break; }
    case 'us_bis_dpl': entities = importBisDplTsv(read(path)); date = need(publicationDate); break;
    case 'gb_hmt': { const r = importUkOfsiConListCsv(read(path)); entities = r.entities.map((e) => ({ ...e, listId: 'gb_hmt', id: e.id.replace(/^[^:]+:/, 'gb_hmt:') })); date = need(r.lastUpdated || publicationDate); break; }
    default: throw new Error(`unknown list "${listId}"; one of ${IMPORTABLE_LISTS.join(', ')}`);
  }
  if (entities.length === 0) throw new Error(`${listId}: no entries found in ${path}`);
  return { entities, publicationDate: date, sha256: files.map((f) => f.sha256).join('+'), files };
}

/** Store a parsed list as a new version (idempotent on the file hash). */
export async function recordListVersion(db: Db, listId: string, source: string, parsed: ReturnType<typeof parseOfficialFile>): Promise<{ version: ListVersionRow; created: boolean }> {
  return db.transaction(async (tx) => {
    const existing = await tx.maybeOne<ListVersionRow>(`SELECT * FROM screening_list_versions WHERE list_id = $1 AND sha256 = $2`, [listId, parsed.sha256]);
    if (existing) return { version: { ...existing, publication_date: dateOf(existing.publication_date) }, created: false };
    const id = newId('slv');
    const version = await tx.one<ListVersionRow>(
      `INSERT INTO screening_list_versions (id, list_id, title, publication_date, source, storage, sha256, files, entity_count)
       VALUES ($1,$2,$3,$4,$5,'stored',$6,$7,$8) RETURNING *`,
      [id, listId, TITLES[listId] ?? listId, parsed.publicationDate, source, parsed.sha256, JSON.stringify(parsed.files), parsed.entities.length],
    );
    for (let i = 0; i < parsed.entities.length; i += 1000) {
      const chunk = parsed.entities.slice(i, i + 1000);
      await tx.query(
        `INSERT INTO screening_list_entities (version_id, entity_id, entity)
         SELECT $1, e->>'id', e FROM jsonb_array_elements($2::jsonb) AS e`,
        [id, JSON.stringify(chunk)],
      );
    }
    return { version: { ...version, publication_date: dateOf(version.publication_date) }, created: true };
  });
}

export async function listVersionsOverview(ex: Executor, now = new Date()) {
  const all = await ex.query<ListVersionRow>(`SELECT * FROM screening_list_versions ORDER BY list_id, publication_date DESC, imported_at DESC`);
  const current = new Set((await currentVersions(ex)).map((v) => v.id));
  const byList = new Map<string, any>();
  for (const v of all) {
    const date = dateOf(v.publication_date);
    const ageDays = Math.floor((now.getTime() - Date.parse(date)) / 86_400_000);
    const row = { id: v.id, publication_date: date, age_days: ageDays, source: v.source, storage: v.storage, sha256: v.sha256, entity_count: v.entity_count, imported_at: v.imported_at, stale: v.stale, current: current.has(v.id) };
    if (!byList.has(v.list_id)) byList.set(v.list_id, { list_id: v.list_id, title: v.title, current: null, versions: [] });
    const entry = byList.get(v.list_id);
    entry.versions.push(row);
    if (row.current) entry.current = row;
  }
  return [...byList.values()].map((l) => ({
    ...l,
    publication_date: l.current?.publication_date ?? l.versions[0].publication_date,
    age_days: l.current?.age_days ?? l.versions[0].age_days,
    // A list not refreshed for 90 days is flagged: screening against it may miss new designations.
    out_of_date: !l.current || l.current.age_days > 90,
    in_use: !!l.current,
  }));
}
