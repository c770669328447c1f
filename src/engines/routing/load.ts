// The routing engine's only I/O: reading its data files and loading the HiGHS WebAssembly solver.
// Kept apart from the pure engine so callers decide when I/O happens.
import { readFileSync } from 'node:fs';
import loadHighsModule from 'highs';
import type { HighsSolver } from './batch.ts';
import type { EmissionFactors } from './emissions.ts';
import type { Warehouse } from './route.ts';
import type { Lane } from './types.ts';

const DATA_DIR = new URL('../../../data/routing/', import.meta.url);

export function loadEmissionFactors(): EmissionFactors {
  return JSON.parse(readFileSync(new URL('emission-factors.json', DATA_DIR), 'utf8')) as EmissionFactors;
}

export interface DemoNetworkFile {
  source: string;
  as_of: string;
  warehouses: Warehouse[];
  lanes: Lane[];
}

export function loadDemoLanes(): DemoNetworkFile {
  return JSON.parse(readFileSync(new URL('demo-lanes.json', DATA_DIR), 'utf8')) as DemoNetworkFile;
}

let highsPromise: Promise<HighsSolver> | undefined;

/** Load (once) the HiGHS MIP solver compiled to WebAssembly (`highs` npm package). */
export function loadHighs(): Promise<HighsSolver> {
  highsPromise ??= (loadHighsModule as unknown as () => Promise<HighsSolver>)();
  return highsPromise;
}
