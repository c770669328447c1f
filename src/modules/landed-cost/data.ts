// Loading the landed-cost rule data for the module: the repository's data/ (through the engine's
// loader) plus the newest tariff file imported offline with `tradelane tariff import`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Executor } from '../../kernel/db.ts';
import {
  compileLandedCostData, DEFAULT_DATA_DIR, readLandedCostRaw, type FxSnapshot, type LandedCostData, type RawLandedCostData,
} from '../../engines/landed-cost/index.ts';

export const BUNDLED = 'bundled';

export interface TariffImportRow {
  id: string;
  market: string;
  format: string;
  edition: string;
  as_of: string;
  source: string;
  file_name: string;
  lines: number;
  imported_at: string;
}

/** The compiled data in use and which tariff import (or the bundled files) it was built from. */
export interface LoadedData {
  data: LandedCostData;
  /** id of the tariff import applied on top of data/, or "bundled" */
  version: string;
  /** raw markets.json header: schema version and compile date of the rule table */
  rules: { schemaVersion: string; compiled: string };
  usTariffImport: TariffImportRow | null;
}

// Compiling takes 0.4–1.9 s; one process keeps one compiled copy per data version (test files
// open many runtimes, and the data is immutable once compiled).
let rawBase: RawLandedCostData | null = null;
const compiledByVersion = new Map<string, LoadedData>();
let current: LoadedData | null = null;

function baseRaw(): RawLandedCostData {
  return (rawBase ??= readLandedCostRaw());
}

/** Raw data with an imported US tariff replacing the bundled one (Chapter 99 headings stay). */
export function rawWithTariff(tariff: Record<string, any> | null): RawLandedCostData {
  const raw = baseRaw();
  if (!tariff) return raw;
  const markets = raw.markets as any;
  return {
    ...raw,
    tariffs: { ...raw.tariffs, [tariff.id]: tariff },
    markets: { ...markets, markets: { ...markets.markets, [tariff.market]: { ...markets.markets[tariff.market], tariff: tariff.id } } },
  } as RawLandedCostData;
}

/** Load (or reuse) the compiled data for the newest recorded tariff import; sets the module's current data. */
export async function loadData(ex: Executor): Promise<LoadedData> {
  const latest = await ex.maybeOne<TariffImportRow>(
    `SELECT id, market, format, edition, as_of, source, file_name, lines, imported_at FROM landed_cost_tariff_imports WHERE market = 'US' ORDER BY imported_at DESC, id DESC LIMIT 1`,
  );
  const version = latest?.id ?? BUNDLED;
  let loaded = compiledByVersion.get(version);
  if (!loaded) {
    const tariff = latest ? (await ex.one<{ tariff: any }>(`SELECT tariff FROM landed_cost_tariff_imports WHERE id = $1`, [latest.id])).tariff : null;
    const raw = rawWithTariff(tariff);
    const markets = raw.markets as any;
    loaded = { data: compileLandedCostData(raw), version, rules: { schemaVersion: String(markets.schema_version), compiled: String(markets.compiled) }, usTariffImport: latest ?? null };
    compiledByVersion.set(version, loaded);
  }
  current = loaded;
  return loaded;
}

/** The data in use (loaded by the module's init; loaded lazily when another module calls first). */
export async function currentData(ex: Executor): Promise<LoadedData> {
  return current ?? loadData(ex);
}

/** FX snapshot files in data/fx: `{snapshots: [...]}` or an array of snapshots. */
export function bundledFxSnapshots(dir = join(DEFAULT_DATA_DIR, 'fx')): FxSnapshot[] {
  const out: FxSnapshot[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    const j = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    out.push(...(Array.isArray(j) ? j : j.snapshots ?? []));
  }
  return out;
}
