// File loader for the HS engine: reads data/hs/*.csv|json with fs. Kept apart from the engine
// so that the engine itself stays pure (it only receives plain objects).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { buildNomenclature, type HsNomenclature, type HsRow, type SectionRow } from './nomenclature.ts';
import { buildClassifierIndex, type ClassifierIndex, type Glossary } from './classify.ts';
import type { NationalFormats } from './national.ts';

export const HS_DATA_DIR = fileURLToPath(new URL('../../../data/hs/', import.meta.url));

function readCsv<T>(file: string): T[] {
  return parse(readFileSync(HS_DATA_DIR + file, 'utf8'), { columns: true, skip_empty_lines: true }) as T[];
}

export function loadHsRows(): { rows: HsRow[]; sections: SectionRow[] } {
  const raw = readCsv<Record<string, string>>('hs.csv');
  const rows: HsRow[] = raw.map((r) => ({
    section: r.section,
    hscode: r.hscode,
    description: r.description,
    parent: r.parent,
    level: Number(r.level) as HsRow['level'],
  }));
  return { rows, sections: readCsv<SectionRow>('sections.csv') };
}

export function loadNomenclature(): HsNomenclature {
  const { rows, sections } = loadHsRows();
  return buildNomenclature(rows, sections, 'HS 2022');
}

export function loadGlossary(): Glossary {
  return JSON.parse(readFileSync(HS_DATA_DIR + 'glossary.json', 'utf8')) as Glossary;
}

export function loadNationalFormats(): NationalFormats {
  return JSON.parse(readFileSync(HS_DATA_DIR + 'national-formats.json', 'utf8')) as NationalFormats;
}

/** Everything the HS engine needs, loaded once. */
export function loadHsEngineData(): { nomenclature: HsNomenclature; index: ClassifierIndex; nationalFormats: NationalFormats } {
  const nomenclature = loadNomenclature();
  return { nomenclature, index: buildClassifierIndex(nomenclature, loadGlossary()), nationalFormats: loadNationalFormats() };
}
