// Loader (the only file of this engine that touches the file system): reads the gzipped official
// list files from data/sanctions/raw, checks their sha256 against data/sanctions/lists.json and
// runs the pure importers. Screening itself (screen.ts) never does I/O.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import {
  importBisDplTsv,
  importEuDerivedJson,
  importOfacSdnCsv,
  importOfacXml,
  importUkOfsiConListCsv,
  importUnConsolidatedXml,
} from './importers';
import { buildIndex, type ScreeningIndex } from './screen';
import type { ListVersion, SanctionedEntity } from './types';

export const SANCTIONS_DATA_DIR = fileURLToPath(new URL('../../../data/sanctions/', import.meta.url));

interface ListsFile {
  source: string;
  as_of: string;
  lists: ListVersion[];
}

export function readListVersions(dataDir = SANCTIONS_DATA_DIR): ListVersion[] {
  return (JSON.parse(readFileSync(`${dataDir}lists.json`, 'utf8')) as ListsFile).lists;
}

/** Read one raw list file (gunzipped), verifying its sha256 against lists.json. */
export function readListFile(version: ListVersion, path: string, dataDir = SANCTIONS_DATA_DIR): string {
  const file = version.files.find((f) => f.path === path);
  if (!file) throw new Error(`${version.listId}: ${path} not declared in lists.json`);
  const bytes = gunzipSync(readFileSync(`${dataDir}${path}`));
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== file.sha256) throw new Error(`${version.listId}: ${path} sha256 ${sha} ≠ lists.json ${file.sha256}`);
  return bytes.toString('utf8');
}

function importList(version: ListVersion, dataDir: string): SanctionedEntity[] {
  const read = (suffix: string) => {
    const f = version.files.find((x) => x.path.endsWith(suffix));
    if (!f) throw new Error(`${version.listId}: no file *${suffix}`);
    return readListFile(version, f.path, dataDir);
  };
  const checkDate = (inFile: string) => {
    if (inFile && !inFile.startsWith(version.publicationDate)) {
      throw new Error(`${version.listId}: file says ${inFile}, lists.json says ${version.publicationDate}`);
    }
  };
  switch (version.listId) {
    case 'us_ofac_sdn':
      return importOfacSdnCsv({ sdn: read('sdn.csv.gz'), alt: read('alt.csv.gz'), add: read('add.csv.gz'), comments: read('sdn_comments.csv.gz') });
    case 'us_ofac_cons': {
      const r = importOfacXml(read('.xml.gz'), 'us_ofac_cons');
      checkDate(r.publishDate);
      return r.entities;
    }
    case 'un_sc': {
      const r = importUnConsolidatedXml(read('.xml.gz'));
      checkDate(r.dateGenerated);
      return r.entities;
    }
    case 'eu_fsf': {
      const r = importEuDerivedJson(read('all.json.gz'));
      checkDate(r.generated);
      return r.entities;
    }
    case 'us_bis_dpl':
      return importBisDplTsv(read('dpl.txt.gz'));
    case 'gb_hmt_2018': {
      const r = importUkOfsiConListCsv(read('.csv.gz'));
      checkDate(r.lastUpdated);
      return r.entities;
    }
    default:
      throw new Error(`no importer for list ${version.listId}`);
  }
}

export interface LoadedLists {
  entities: SanctionedEntity[];
  listVersions: ListVersion[];
}

/** Import every list (stale ones only when asked) and record each list's entry count. */
export function loadSanctionsLists(opts: { includeStale?: boolean; dataDir?: string } = {}): LoadedLists {
  const dataDir = opts.dataDir ?? SANCTIONS_DATA_DIR;
  const entities: SanctionedEntity[] = [];
  const listVersions: ListVersion[] = [];
  for (const v of readListVersions(dataDir)) {
    if (v.stale && !opts.includeStale) continue;
    const imported = importList(v, dataDir);
    entities.push(...imported);
    listVersions.push({ ...v, recordCount: imported.length });
  }
  return { entities, listVersions };
}

/** Spelling groups of common names (data/sanctions/name-variants.json). */
export function readNameVariants(dataDir = SANCTIONS_DATA_DIR): string[][] {
  return (JSON.parse(readFileSync(`${dataDir}name-variants.json`, 'utf8')) as { groups: string[][] }).groups;
}

/** Convenience: load the current lists and build the index. */
export function loadScreeningIndex(opts: { includeStale?: boolean; dataDir?: string } = {}): ScreeningIndex {
  const { entities, listVersions } = loadSanctionsLists(opts);
  return buildIndex(entities, listVersions, { nameVariants: readNameVariants(opts.dataDir) });
}
