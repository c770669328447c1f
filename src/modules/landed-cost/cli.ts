import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { CliCommand } from '../module.ts';
import * as svc from './service.ts';

function split(args: string[]): { positional: string[]; flags: Record<string, string> } {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    if (args[i].startsWith('--')) {
      const [k, v] = args[i].slice(2).split('=');
      flags[k] = v ?? args[++i] ?? '';
    } else positional.push(args[i]);
  }
  return { positional, flags };
}

export const landedCostCli: Record<string, CliCommand> = {
  'fx import': {
    summary: 'Import ECB euro reference rates (eurofxref CSV or XML) as FX snapshots',
    usage: 'tradelane fx import eurofxref-hist.csv',
    async run(s, args) {
      const { positional } = split(args);
      if (!positional[0]) throw new Error('usage: tradelane fx import <eurofxref.csv | eurofxref-hist.csv | eurofxref-daily.xml>');
      const content = readFileSync(positional[0], 'utf8');
      const r = await s.db.transaction((tx) => svc.importFxFile(tx, content));
      console.log(`${r.snapshots} FX snapshots (${r.format}, ${r.oldest} … ${r.newest}); ${r.added} new, ${r.snapshots - r.added} already stored`);
    },
  },
  'tariff import': {
    summary: 'Load a newer official tariff file offline (USITC HTS JSON/CSV export) and record its version',
    usage: 'tradelane tariff import usitc-hts-json hts_2026_revision_14.json --edition "HTS 2026 Revision 14" --as-of 2026-09-01',
    async run(s, args) {
      const { positional, flags } = split(args);
      const [format, file] = positional;
      if (!format || !file) throw new Error('usage: tradelane tariff import <usitc-hts-json | usitc-hts-csv> <file> [--edition "HTS 2026 Revision 14"] [--as-of YYYY-MM-DD] [--source-url URL]');
      const content = readFileSync(file, 'utf8');
      const r = await s.db.transaction((tx) => svc.importTariff(tx, format, content, { fileName: basename(file), edition: flags.edition, asOf: flags['as-of'], sourceUrl: flags['source-url'] }));
      console.log(`${r.lines} ${r.market} tariff lines from ${r.records} records: ${r.edition}${r.as_of ? `, as of ${r.as_of}` : ''} (import ${r.id}, sha256 ${r.sha256.slice(0, 12)}…). Quotes use it from the next start.`);
    },
  },
};
