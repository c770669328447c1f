// Script entry for the importers (the CLI can call runImportCli later):
//   npx tsx src/engines/landed-cost/tools/import-file.ts tariff usitc-hts-json <file> --edition "HTS 2026 Revision 14" --as-of 2026-09-01 [--out data/tariffs/us-hts-2026-rev10.json]
//   npx tsx src/engines/landed-cost/tools/import-file.ts fx ecb-csv|ecb-xml <file> [--out data/fx/ecb-snapshots.json]
// The parse functions are pure (importer.ts); this file only reads and writes files.
import { readFileSync, writeFileSync } from 'node:fs';
import { importFxRates, importTariffFile, type TariffFileFormat } from '../importer.ts';

export function runImportCli(argv: string[]): string {
  const [kind, format, file, ...rest] = argv;
  const opt = (name: string) => { const i = rest.indexOf(`--${name}`); return i >= 0 ? rest[i + 1] : undefined; };
  if (!kind || !format || !file) throw new Error('usage: import-file.ts tariff|fx <format> <file> [--edition E --as-of YYYY-MM-DD] [--out path]');
  const content = readFileSync(file, 'utf8');
  let result: unknown;
  let summary: string;
  if (kind === 'tariff') {
    const t = importTariffFile(format as TariffFileFormat, content, { edition: opt('edition') ?? 'HTS (imported)', asOf: opt('as-of') ?? '', id: opt('id') ?? 'us-hts-2026-rev10', sourceUrl: opt('source-url') });
    result = t;
    summary = `${t.stats.lines} tariff lines from ${t.stats.records} records (${t.edition}, as of ${t.as_of})`;
  } else if (kind === 'fx') {
    const snaps = importFxRates(format as 'ecb-csv' | 'ecb-xml', content);
    result = { source: `ECB eurofxref (${format}) imported from ${file}`, snapshots: snaps };
    summary = `${snaps.length} FX snapshots, newest ${snaps[0].date}`;
  } else throw new Error(`unknown kind "${kind}" (tariff | fx)`);
  const out = opt('out');
  if (out) writeFileSync(out, JSON.stringify(result) + '\n');
  return out ? `${summary} -> ${out}` : summary;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try { console.log(runImportCli(process.argv.slice(2))); } catch (e) { console.error((e as Error).message); process.exit(1); }
}
