#!/usr/bin/env node
// Build the web console once (first `npm start`), or again when its sources are newer than the build.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'web/dist/index.html');
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}
const src = join(root, 'web/src');
if (!existsSync(src)) process.exit(0);
if (existsSync(dist) && statSync(dist).mtimeMs >= newest(src)) process.exit(0);
console.log('Building the web console…');
const r = spawnSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
