import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite, openPostgres } from '../../kernel/db.ts';
import { dbLabel, onPostgres, testDatabase } from '../../../test/helpers.ts';
import { verifyLedger } from './core.ts';

const root = new URL('../../../', import.meta.url).pathname;
// The first run would submit FIRST_RUN transfer pairs but is killed after KILL_AFTER acknowledgements,
// mid-stream; the restarted run submits ids 0…COUNT−1 again (COUNT is beyond anything the first run reached).
const FIRST_RUN = 100_000;
const KILL_AFTER = 80;
const EXTRA = 120;

/**
 * Run the child in ONE node process (node --import tsx, not the tsx CLI, which would put the script
 * in a grandchild that SIGKILL does not reach). Resolves with its acks when it exits.
 */
function runChild(target: string, count: number, killAfter: number | null): Promise<{ acks: Map<number, string>; killed: boolean; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/ledger-fault-child.ts'), target, String(count)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const acks = new Map<number, string>();
    let output = '';
    let killed = false;
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const line of lines) {
        output += line + '\n';
        const m = /^ack (\d+) (\w+)$/.exec(line);
        if (m) acks.set(Number(m[1]), m[2]);
        if (killAfter !== null && acks.size >= killAfter && !killed) {
          killed = true;
          child.kill('SIGKILL'); // no chance to finish the transaction in flight or to close the database
        }
      }
    });
    child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    child.on('error', reject);
    child.on('exit', () => resolve({ acks, killed, output }));
  });
}

describe(`ledger survives SIGKILL mid-stream (${dbLabel}${onPostgres ? '' : ', file-backed'})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tradelane-ledger-fault-'));
  let drop = async () => {};
  afterAll(async () => { await drop(); rmSync(dir, { recursive: true, force: true }); });

  it('no transfer is lost or applied twice; `tradelane ledger verify` passes after restart', async () => {
    let target = join(dir, 'db');
    if (onPostgres) {
      const t = await testDatabase();
      await t.db.close();
      target = t.url!;
      drop = t.drop;
    }
    const first = await runChild(target, FIRST_RUN, KILL_AFTER);
    expect(first.killed, first.output).toBe(true);
    expect(first.acks.size).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(first.output).not.toMatch(/done/);
    const count = first.acks.size + EXTRA;

    // Restart: the child submits the stream again from the first id.
    const second = await runChild(target, count, null);
    expect(second.output).toMatch(/done/);
    const reapplied = [...first.acks.keys()].filter((i) => second.acks.get(i) !== 'exists');
    expect(reapplied, `acknowledged before the crash (${first.acks.size}) but created again: ${reapplied.slice(0, 20)}`).toEqual([]);
    const created = [...second.acks.values()].filter((s) => s === 'created').length;
    expect(created).toBeGreaterThanOrEqual(EXTRA - 1); // the tail (one pair may have committed unacknowledged)
    expect(created).toBeLessThanOrEqual(EXTRA);

    // The ledger CLI, in its own process, verifies both invariants.
    const env = { ...process.env, LOG_LEVEL: 'warn', TRADELANE_DEMO: '0', ...(onPostgres ? { DATABASE_URL: target, TRADELANE_DATA: dir } : { TRADELANE_DATA: target, DATABASE_URL: '' }) };
    const cli = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'ledger', 'verify'], { cwd: root, env, encoding: 'utf8' });
    expect(cli.status, cli.stdout + cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/OK: both invariants hold/);

    const db = onPostgres ? await openPostgres(target, 2) : await openPglite(target);
    try {
      const n = await db.one(`SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM ledger_transfers WHERE id LIKE 'fault-%'`);
      expect(n).toEqual({ n: 2 * count, d: 2 * count });
      const a = await db.one(`SELECT credits_posted - debits_posted AS balance FROM ledger_accounts WHERE org_id = 'fault-a'`);
      const b = await db.one(`SELECT credits_posted - debits_posted AS balance FROM ledger_accounts WHERE org_id = 'fault-b'`);
      const expectedIn = Array.from({ length: count }, (_, i) => 1 + (i % 7)).reduce((s, x) => s + x, 0);
      expect(a.balance).toBe(expectedIn - count);
      expect(b.balance).toBe(count);
      expect((await verifyLedger(db)).ok).toBe(true);
    } finally {
      await db.close();
    }
  }, 240_000);
});
