// The only file of this engine that reads files: rule defaults, demurrage tariffs, customs checklists.
import { readFileSync } from 'node:fs';
import type { ExceptionTables } from './model.ts';

const DIR = new URL('../../../data/tracking/', import.meta.url);
const read = (f: string) => JSON.parse(readFileSync(new URL(f, DIR), 'utf8'));

export function loadExceptionTables(): ExceptionTables {
  const rules = read('exception-rules.json');
  const docs = read('customs-documents.json');
  const tariffs = read('demurrage-tariffs.json');
  return {
    source: rules.source, as_of: rules.as_of, defaults: rules.defaults, severity: rules.severity, notify: rules.notify,
    customsDocuments: { common: docs.common, byCustomsState: docs.byCustomsState, byDestination: docs.byDestination },
    tariffs: tariffs.tariffs,
  };
}
