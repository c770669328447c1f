#!/usr/bin/env node
// npm run bench -- <name> [args]  → runs bench/<name>.ts; its last printed line is one JSON object.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { NODE_FLAGS } from './node-flags.mjs';
const [name, ...rest] = process.argv.slice(2);
const available = readdirSync(new URL('../bench/', import.meta.url)).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, ''));
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name>\navailable: ${available.join(', ')}`);
  process.exit(2);
}
const file = new URL(`../bench/${name}.ts`, import.meta.url).pathname;
if (!existsSync(file)) process.exit(2);
const r = spawnSync(process.execPath, [...NODE_FLAGS, '--import', 'tsx', file, ...rest], { stdio: 'inherit' });
process.exit(r.status ?? 1);
