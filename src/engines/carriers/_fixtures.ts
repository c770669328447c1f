// Test-only helper: reads the copied carrier fixtures under data/fixtures/carriers.
import { readFileSync } from 'node:fs';

const ROOT = new URL('../../../data/fixtures/carriers/', import.meta.url);

export function fixtureText(relative: string): string {
  return readFileSync(new URL(relative, ROOT), 'utf8');
}

export function fixture<T = any>(relative: string): T {
  return JSON.parse(fixtureText(relative)) as T;
}
