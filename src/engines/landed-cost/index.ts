// Public face of the landed-cost engine. The engine is pure; loadLandedCostData is the only I/O.
export { LandedCostInputError } from './errors.ts';
export { quoteLandedCost, supportedMarkets, usPostalSpecificDutyPerItem, allocate } from './engine.ts';
export { compileLandedCostData, type LandedCostData, type RawLandedCostData } from './compile.ts';
export { loadLandedCostData, readLandedCostRaw, DEFAULT_DATA_DIR } from './load.ts';
export { importTariffFile, importFxRates, type TariffFileFormat, type ImportedTariff } from './importer.ts';
export { fxFactor, convert, importEcbRates, type FxSnapshot, type FxFactor } from './fx.ts';
export { minorUnitExponent } from './money.ts';
export type * from './types.ts';
