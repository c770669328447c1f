import { existsSync, readFileSync } from 'node:fs';
import type { CliCommand } from '../module.ts';
import { auditLog, publishCheckpoint, readState, sequenceAll } from './log.ts';
import { logKeys } from './routes.ts';
import { verifyOffline } from './verify.ts';

function flags(args: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    if (args[i]!.startsWith('--')) {
      const [k, v] = args[i]!.slice(2).split('=');
      out[k!] = v ?? args[++i] ?? '';
    }
  }
  return out;
}

const fileOrText = (v: string) => (existsSync(v) ? readFileSync(v, 'utf8') : v);

export const traceCli: Record<string, CliCommand> = {
  verify: {
    summary: 'Verify a trace record offline: proof bundle, checkpoint, key (and document)',
    usage: 'tradelane verify --bundle proof.txt --key <verifier key | file> [--record entry.json] [--document invoice.pdf] [--checkpoint cp.txt --consistency proof.txt]',
    async run(_s, args) {
      const f = flags(args);
      if (!f.bundle || !f.key) throw new Error('--bundle and --key are required');
      const result = verifyOffline({
        bundle: readFileSync(f.bundle, 'utf8'),
        verifierKey: fileOrText(f.key).trim(),
        record: f.record ? readFileSync(f.record, 'utf8') : undefined,
        document: f.document ? new Uint8Array(readFileSync(f.document)) : undefined,
        checkpoint: f.checkpoint ? readFileSync(f.checkpoint, 'utf8') : undefined,
        consistency: f.consistency ? readFileSync(f.consistency, 'utf8').split('\n').filter(Boolean) : undefined,
      });
      for (const s of result.steps) console.log(`${s.ok ? 'ok  ' : 'FAIL'} ${s.check.padEnd(28)} ${s.detail}`);
      console.log(result.ok ? 'VERIFIED' : 'NOT VERIFIED');
      return result.ok ? 0 : 1;
    },
  },
  'trace audit': {
    summary: 'Recompute the traceability log and compare with storage and checkpoints',
    async run(s) {
      const r = await auditLog(s.db, logKeys(s));
      console.log(`tree size ${r.tree_size}: ${r.records_checked} records, ${r.stored_hashes_checked} stored hashes, ${r.checkpoints_checked} checkpoints checked`);
      for (const p of r.problems) console.log(`FAIL ${p}`);
      console.log(r.ok ? 'log is intact' : 'LOG IS NOT INTACT');
      return r.ok ? 0 : 1;
    },
  },
  'trace key': {
    summary: "Print the traceability log's verifier key",
    async run(s) { console.log(logKeys(s).verifierKey); },
  },
  'trace checkpoint': {
    summary: 'Sequence queued records and publish a checkpoint now (prints it)',
    async run(s) {
      await sequenceAll(s.db, logKeys(s));
      await publishCheckpoint(s.db);
      process.stdout.write((await readState(s.db)).checkpoint);
    },
  },
};
