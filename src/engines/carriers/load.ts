// The only file in this engine that reads files: the rule tables the mappers take as plain data.
import { readFileSync } from 'node:fs';
import type { TrackingTables } from './rules';

const ROOT = new URL('../../../data/fixtures/carriers/', import.meta.url);

export function loadTrackingTables(): TrackingTables {
  return {
    karrio: JSON.parse(readFileSync(new URL('karrio/tracking-status-mappings.json', ROOT), 'utf8')),
    rules: JSON.parse(readFileSync(new URL('tradelane-tracking-rules.json', ROOT), 'utf8')),
  };
}
