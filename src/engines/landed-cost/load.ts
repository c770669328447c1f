// The only file of this engine that touches the file system: reads data/tariffs and data/tax
// and hands plain objects to the pure compiler.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileLandedCostData, type LandedCostData, type RawLandedCostData } from './compile.ts';

export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../../data/', import.meta.url));

export const TARIFF_FILES = ['us-hts-2026-rev10.json', 'us-ch99-2026-rev10.json', 'gb-ukgt-2021.json', 'eu-cet-2020.json', 'jp-tariff-2026-07-09.json'];

export function readLandedCostRaw(dir: string = DEFAULT_DATA_DIR): RawLandedCostData {
  const json = (p: string) => JSON.parse(readFileSync(join(dir, p), 'utf8'));
  const tariffs: Record<string, any> = {};
  for (const f of TARIFF_FILES) {
    const j = json(join('tariffs', f));
    tariffs[j.id] = j;
  }
  return { markets: json('tax/markets.json'), tariffs, hs: json('tariffs/hs2022-to-hs2017.json') };
}

/** Load and precompile all landed-cost data from `dir` (default: the repository's data/). */
export function loadLandedCostData(dir?: string): LandedCostData {
  return compileLandedCostData(readLandedCostRaw(dir));
}
