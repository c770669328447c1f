// The only file of this engine that touches the filesystem: loads data/ledger/fees.json.
import { readFileSync } from 'node:fs';
import type { FeeRules } from './fees.ts';

const DATA_ROOT = new URL('../../../data/ledger/', import.meta.url);

export function loadFeeRules(): FeeRules {
  return JSON.parse(readFileSync(new URL('fees.json', DATA_ROOT), 'utf8')) as FeeRules;
}
