// Carbon estimate per leg: kg CO2e = factor (kg CO2e per tonne-km) × tonnes × km.
// The factor table is plain data (data/routing/emission-factors.json, loaded by load.ts).
import type { Lane, Mode } from './types.ts';

export interface EmissionFactor {
  kgCo2ePerTonneKm: number;
  basis: string; // which published category the value comes from
}

export interface EmissionFactors {
  source: string;
  as_of: string;
  unit: 'kg CO2e per tonne-km';
  /** Air legs shorter than this use the short-haul factor (DEFRA's split is 3,700 km). */
  airShortHaulThresholdKm: number;
  airShortHaul: EmissionFactor;
  modes: Record<Mode, EmissionFactor>;
}

/** Modes whose main leg flies (express integrators, airmail, most dedicated e-commerce lines). */
const AIR_MODES: ReadonlySet<Mode> = new Set(['air', 'express', 'postal', 'dedicated_line']);

export function emissionFactorFor(lane: Pick<Lane, 'mode' | 'distanceKm'>, factors: EmissionFactors): EmissionFactor {
  if (AIR_MODES.has(lane.mode) && (lane.distanceKm ?? Infinity) < factors.airShortHaulThresholdKm) return factors.airShortHaul;
  return factors.modes[lane.mode];
}

/** kg CO2e for `grams` carried over the lane's distance (0 when the lane has no distance). */
export function legEmissionsKg(lane: Pick<Lane, 'mode' | 'distanceKm'>, grams: number, factors: EmissionFactors): number {
  const km = lane.distanceKm ?? 0;
  return emissionFactorFor(lane, factors).kgCo2ePerTonneKm * (grams / 1_000_000) * km;
}
