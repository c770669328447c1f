#!/usr/bin/env node
/**
 * The whole test suite:
 *   1. every test (engines, modules, integration) on the embedded PGlite;
 *   2. the database integration tests (*.int.test.ts) again on PostgreSQL (TEST_DATABASE_URL,
 *      default postgres://postgres@127.0.0.1:5432/postgres) — skipped with a warning if unreachable
 *      outside CI, a failure in CI;
 *   3. browser tests (Playwright driving Debian's Chromium) when Chromium is installed.
 * Prints one closing line: "N passed, N failed, N skipped".
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import net from 'node:net';

const root = new URL('..', import.meta.url).pathname;
const reportDir = join(root, '.tradelane-test');
mkdirSync(reportDir, { recursive: true });
const pgUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const only = process.argv.slice(2);

function reachable(url) {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect({ host: u.hostname, port: Number(u.port || 5432) }, () => { s.end(); resolve(true); });
    s.on('error', () => resolve(false));
    s.setTimeout(2000, () => { s.destroy(); resolve(false); });
  });
}

const totals = { passed: 0, failed: 0, skipped: 0 };
let failedRuns = 0;

function vitest(label, args, env) {
  const report = join(reportDir, `${label}.json`);
  console.log(`\n=== ${label} ===`);
  const r = spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...args], {
    cwd: root, stdio: 'inherit', env: { ...process.env, ...env },
  });
  if (existsSync(report)) {
    const j = JSON.parse(readFileSync(report, 'utf8'));
    totals.passed += j.numPassedTests;
    // failed tests, plus files that failed without a failing test (import or setup errors)
    const brokenFiles = (j.testResults ?? []).filter((f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed')).length;
    totals.failed += j.numFailedTests + brokenFiles;
    totals.skipped += j.numPendingTests + j.numTodoTests;
  }
  if (r.status !== 0) failedRuns++;
}

const start = Date.now();
if (!only.length) {
  console.log('\n=== typecheck (tsc --noEmit) ===');
  const tc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
  if (tc.status !== 0) { console.error('typecheck failed'); failedRuns++; }
}
vitest('pglite', only, { TEST_DATABASE_URL: '' });

if (await reachable(pgUrl)) {
  vitest('postgres', only.length ? only : ['.int.test.ts'], { TEST_DATABASE_URL: pgUrl });
} else if (process.env.CI) {
  console.error(`PostgreSQL is not reachable at ${pgUrl}`);
  failedRuns++;
} else {
  console.warn(`\n!!! PostgreSQL not reachable at ${pgUrl}: integration tests ran on PGlite only`);
}

const browserDir = join(root, 'test/browser');
const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (existsSync(browserDir) && readdirSync(browserDir).some((f) => f.endsWith('.test.ts')) && !only.length) {
  if (chromium) vitest('browser', ['--config', 'test/browser/vitest.config.ts'], { CHROMIUM_PATH: chromium });
  else if (process.env.CI) { console.error('Chromium is missing: browser tests cannot run'); failedRuns++; }
  else console.warn('\n!!! Chromium not installed (apt-get install -y chromium): browser tests skipped');
}

const secs = Math.round((Date.now() - start) / 1000);
console.log(`\nTest suite finished in ${secs} s (PGlite + PostgreSQL${chromium ? ' + browser' : ''})`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedRuns > 0 || totals.failed > 0 ? 1 : 0);
