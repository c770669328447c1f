// Test-only helper: reads the copied channel fixtures under data/fixtures/channels.
import { readFileSync, readdirSync } from 'node:fs';

export const FIXTURE_ROOT = new URL('../../../data/fixtures/channels/', import.meta.url);

export function fixtureText(relative: string): string {
  return readFileSync(new URL(relative, FIXTURE_ROOT), 'utf8');
}

export function fixture<T = any>(relative: string): T {
  return JSON.parse(fixtureText(relative)) as T;
}

export function fixtureFiles(dir: string): string[] {
  return readdirSync(new URL(`${dir}/`, FIXTURE_ROOT)).sort();
}
