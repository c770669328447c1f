// The only file in this engine that touches the filesystem: loads data tables for callers.
import { readFileSync } from 'node:fs';
import type { PostcodeTable } from './address';

const DATA_ROOT = new URL('../../../data/', import.meta.url);

export function loadPostcodeTable(): PostcodeTable {
  return JSON.parse(readFileSync(new URL('address/postcodes.json', DATA_ROOT), 'utf8')) as PostcodeTable;
}
