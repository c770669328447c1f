import { resolve } from 'node:path';
import { withTx } from '../../kernel/db.ts';
import type { CliCommand } from '../module.ts';
import { IMPORTABLE_LISTS, listVersionsOverview, parseOfficialFile, recordListVersion } from './lists.ts';
import { enqueueRescreen } from './service.ts';

export const screeningCli: Record<string, CliCommand> = {
  'screening import': {
    summary: 'Import a newer official sanctions list file offline as a new list version; re-screens all parties in the background',
    usage: `tradelane screening import <${IMPORTABLE_LISTS.join('|')}> <file or OFAC CSV directory> [--date YYYY-MM-DD] [--json]`,
    async run(s, args) {
      const positional = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--date');
      const [listId, file] = positional;
      if (!listId || !file) {
        console.error(`usage: ${screeningCli['screening import'].usage}`);
        return 2;
      }
      const dateAt = args.indexOf('--date');
      const path = resolve(file);
      const parsed = parseOfficialFile(listId, path, dateAt >= 0 ? args[dateAt + 1] : undefined);
      const { version, created } = await recordListVersion(s.db, listId, `file:${path}`, parsed);
      // The re-screen runs as batched jobs (the server's job runner, or the next start).
      const job = created ? await withTx(s.db, (tx) => enqueueRescreen(tx, `list ${listId} ${version.id}`)) : null;
      const out = { list_id: listId, version_id: version.id, publication_date: version.publication_date, entities: parsed.entities.length, sha256: parsed.sha256, created, rescreen_job: job };
      if (args.includes('--json')) console.log(JSON.stringify(out));
      else {
        console.log(created ? `imported ${listId} published ${version.publication_date}: ${parsed.entities.length} entries (version ${version.id})` : `${listId}: this file is already version ${version.id} (published ${version.publication_date}); nothing to do`);
        if (job) console.log(`re-screen of all parties queued (job ${job})`);
      }
      return 0;
    },
  },
  'screening lists': {
    summary: 'Show each sanctions list with its current version and publication date',
    async run(s) {
      for (const l of await listVersionsOverview(s.db)) {
        console.log(`${l.list_id.padEnd(14)} ${l.publication_date}  ${String(l.age_days).padStart(5)} days${l.out_of_date ? '  OUT OF DATE' : ''}${l.in_use ? '' : '  (not in use)'}  ${l.versions.length} version(s)`);
      }
      return 0;
    },
  },
};
