// Deterministic demo network (warehouses + lanes) for the demo seeding and the tests, and a
// seeded random network generator for the benchmark. Prices are illustrative, of realistic
// magnitude for 2026 cross-border e-commerce; they are not any carrier's published tariff.
import type { Lane, Mode, RateCard, WeightBreak } from './types.ts';
import type { Product, Warehouse } from './route.ts';

export const DEMO_VALID_FROM = '2026-01-01';
export const DEMO_VALID_TO = '2026-12-31';

const US_ZONES = [
  { zone: 'US-W', postcodePrefixes: ['8', '9'] },
  { zone: 'US-C', postcodePrefixes: ['5', '6', '7'] },
  { zone: 'US-E', postcodePrefixes: ['0', '1', '2', '3', '4'] },
];
const US_REMOTE = [
  { country: 'US', postcodePrefix: '995', feeMinor: 1200 }, // Alaska
  { country: 'US', postcodePrefix: '996', feeMinor: 1200 },
  { country: 'US', postcodePrefix: '997', feeMinor: 1200 },
  { country: 'US', postcodePrefix: '998', feeMinor: 1200 },
  { country: 'US', postcodePrefix: '999', feeMinor: 1200 },
  { country: 'US', postcodePrefix: '967', feeMinor: 1000 }, // Hawaii
  { country: 'US', postcodePrefix: '968', feeMinor: 1000 },
];
const DE_ZONES = [{ zone: 'DE', postcodePrefixes: [] }];
const DE_REMOTE = [
  { country: 'DE', postcodePrefix: '18565', feeMinor: 800 }, // Hiddensee (island)
  { country: 'DE', postcodePrefix: '25938', feeMinor: 800 }, // Föhr
  { country: 'DE', postcodePrefix: '25980', feeMinor: 800 }, // Sylt
];
const CA_ZONES = [{ zone: 'CA', postcodePrefixes: [] }];

/** Breaks for every zone: [fromKg, perKg, perParcel] in minor units, plus a per-zone per-kg uplift. */
function breaks(zones: { zone: string }[], table: [number, number, number][], zoneUpliftPerKg: number[] = []): WeightBreak[] {
  return zones.flatMap((z, zi) =>
    table.map(([fromKg, perKg, perParcel]) => ({
      zone: z.zone,
      fromGrams: Math.round(fromKg * 1000),
      perKgMinor: perKg + (zoneUpliftPerKg[zi] ?? 0),
      perParcelMinor: perParcel,
    })),
  );
}

function card(p: Partial<RateCard> & Pick<RateCard, 'currency' | 'weightBreaks'>): RateCard {
  return {
    volumetricDivisor: 5000,
    weightIncrementGrams: 500,
    minimumChargeMinor: 0,
    fuelSurchargeBp: 0,
    peakSurcharges: [],
    remoteAreaFees: [],
    ...p,
  };
}

type LaneSpec = Omit<Lane, 'validFrom' | 'validTo' | 'version' | 'restrictions' | 'cutoffWeekdays'> &
  Partial<Pick<Lane, 'restrictions' | 'cutoffWeekdays'>>;

function lane(spec: LaneSpec): Lane {
  return {
    validFrom: DEMO_VALID_FROM,
    validTo: DEMO_VALID_TO,
    version: 1,
    cutoffWeekdays: [1, 2, 3, 4, 5],
    restrictions: { liquids: false, magnets: false },
    ...spec,
  };
}

const PEAK_2026 = [{ from: '2026-11-15', to: '2026-12-24', perKgMinor: 50, perParcelMinor: 100 }];

export const DEMO_WAREHOUSES: Warehouse[] = [
  { id: 'wh-cn-szx', country: 'CN', postcode: '518000', providerOrgId: 'org-szx-fulfil', stock: {} },
  { id: 'wh-us-ont', country: 'US', postcode: '91761', providerOrgId: 'org-ontario-3pl', stock: {} },
  { id: 'wh-ca-yyz', country: 'CA', postcode: 'L5T2N7', providerOrgId: 'org-gta-3pl', stock: {} },
  { id: 'wh-de-dus', country: 'DE', postcode: '47059', providerOrgId: 'org-duisburg-log', stock: {} },
];

/** The demo network's lanes (several carriers; every mode the product sells). */
export function generateDemoLanes(): Lane[] {
  const lanes: Lane[] = [
    // --- Express integrator, China → US / DE / CA, duty-paid or unpaid.
    lane({
      id: 'ln-exp-cn-us',
      providerOrgId: 'org-swift-express',
      name: 'Swift Express Worldwide CN→US',
      origin: { country: 'CN', port: 'CNSZX' },
      destination: { country: 'US', zones: US_ZONES },
      mode: 'express',
      distanceKm: 11_700,
      transit: { minDays: 3, typicalDays: 4, maxDays: 6, p50: 4, p90: 5 },
      rateCard: card({
        currency: 'USD',
        weightBreaks: breaks(US_ZONES, [
          [0, 3000, 2500],
          [5, 2200, 2500],
          [20, 1600, 2500],
        ], [0, 100, 200]),
        minimumChargeMinor: 3500,
        fuelSurchargeBp: 2650,
        peakSurcharges: PEAK_2026,
        remoteAreaFees: US_REMOTE,
      }),
      capacity: { perDayKg: 5000, perDayParcels: 2000 },
      restrictions: { allowedBatteries: ['UN3481', 'UN3091'], liquids: false, magnets: true, maxWeightGrams: 70_000, maxLengthCm: 120, maxLengthPlusGirthCm: 300, maxDeclaredValueMinor: 500_000 },
      clearance: { ddp: true, dap: true, destinations: ['US', 'CA', 'DE'] },
      rating: 4.6,
    }),
    lane({
      id: 'ln-exp-cn-de',
      providerOrgId: 'org-swift-express',
      name: 'Swift Express Worldwide CN→DE',
      origin: { country: 'CN', port: 'CNSZX' },
      destination: { country: 'DE', zones: DE_ZONES },
      mode: 'express',
      distanceKm: 9_000,
      transit: { minDays: 3, typicalDays: 4, maxDays: 7 },
      rateCard: card({
        currency: 'USD',
        weightBreaks: breaks(DE_ZONES, [
          [0, 3200, 2500],
          [5, 2400, 2500],
          [20, 1700, 2500],
        ]),
        minimumChargeMinor: 3500,
        fuelSurchargeBp: 2650,
        peakSurcharges: PEAK_2026,
        remoteAreaFees: DE_REMOTE,
      }),
      capacity: { perDayKg: 4000, perDayParcels: 1500 },
      restrictions: { allowedBatteries: ['UN3481', 'UN3091'], liquids: false, magnets: true, maxWeightGrams: 70_000, maxLengthCm: 120, maxLengthPlusGirthCm: 300 },
      clearance: { ddp: true, dap: true, destinations: ['US', 'CA', 'DE'] },
      rating: 4.6,
    }),
    // --- China–US e-commerce dedicated line (air main leg, DDP, US last mile included).
    lane({
      id: 'ln-line-cn-us',
      providerOrgId: 'org-pacific-line',
      name: 'Pacific Line CN→US DDP',
      origin: { country: 'CN', port: 'CNSZX' },
      destination: { country: 'US', zones: US_ZONES },
      mode: 'dedicated_line',
      distanceKm: 11_700,
      transit: { minDays: 7, typicalDays: 9, maxDays: 14, p50: 9, p90: 12 },
      cutoffWeekdays: [1, 3, 5],
      rateCard: card({
        currency: 'USD',
        volumetricDivisor: 6000,
        weightIncrementGrams: 100,
        weightBreaks: breaks(US_ZONES, [
          [0, 950, 350],
          [2, 880, 350],
          [10, 820, 350],
        ], [0, 50, 100]),
        minimumChargeMinor: 500,
        fuelSurchargeBp: 800,
        peakSurcharges: PEAK_2026,
        remoteAreaFees: US_REMOTE,
      }),
      capacity: { perDayKg: 8000, perDayParcels: 6000, perWeekKg: 40_000 },
      restrictions: { allowedBatteries: ['UN3481'], liquids: false, magnets: false, maxWeightGrams: 30_000, maxLengthCm: 100, maxLengthPlusGirthCm: 250, maxDeclaredValueMinor: 80_000 },
      clearance: { ddp: true, dap: false, destinations: ['US'] },
      rating: 4.1,
    }),
    // --- China–Europe dedicated line (DDP with IOSS).
    lane({
      id: 'ln-line-cn-de',
      providerOrgId: 'org-silk-line',
      name: 'Silk Line CN→DE DDP',
      origin: { country: 'CN', port: 'CNSZX' },
      destination: { country: 'DE', zones: DE_ZONES },
      mode: 'dedicated_line',
      distanceKm: 9_000,
      transit: { minDays: 8, typicalDays: 10, maxDays: 15 },
      cutoffWeekdays: [2, 5],
      rateCard: card({
        currency: 'USD',
        volumetricDivisor: 6000,
        weightIncrementGrams: 100,
        weightBreaks: breaks(DE_ZONES, [
          [0, 1050, 400],
          [2, 980, 400],
          [10, 900, 400],
        ]),
        minimumChargeMinor: 600,
        fuelSurchargeBp: 800,
        remoteAreaFees: DE_REMOTE,
      }),
      capacity: { perDayKg: 5000, perDayParcels: 4000 },
      restrictions: { allowedBatteries: ['UN3481'], liquids: false, magnets: false, maxWeightGrams: 30_000, maxLengthCm: 100, maxLengthPlusGirthCm: 250, maxDeclaredValueMinor: 15_000 },
      clearance: { ddp: true, dap: false, destinations: ['DE'] },
      rating: 3.9,
    }),
    // --- Postal (ePacket-style registered small packet, DAP only, ≤ 2 kg).
    lane({
      id: 'ln-post-cn-us',
      providerOrgId: 'org-post-cn',
      name: 'Registered small packet CN→US',
      origin: { country: 'CN' },
      destination: { country: 'US', zones: [{ zone: 'US', postcodePrefixes: [] }] },
      mode: 'postal',
      distanceKm: 11_700,
      transit: { minDays: 10, typicalDays: 15, maxDays: 25 },
      rateCard: card({
        currency: 'USD',
        volumetricDivisor: 8000,
        weightIncrementGrams: 1,
        weightBreaks: [{ zone: 'US', fromGrams: 0, perKgMinor: 1150, perParcelMinor: 180 }],
        minimumChargeMinor: 0,
      }),
      restrictions: { liquids: false, magnets: false, maxWeightGrams: 2000, maxLengthCm: 60, maxLengthPlusGirthCm: 90, maxDeclaredValueMinor: 40_000 },
      clearance: { ddp: false, dap: true, destinations: ['US', 'DE', 'CA'] },
      rating: 3.2,
    }),
    // --- Consolidated sea freight to the door (LCL + delivery), Shenzhen → Germany via Suez / via the Cape.
    lane({
      id: 'ln-sea-suez-cn-de',
      providerOrgId: 'org-blue-ocean',
      name: 'LCL door CN→DE via Suez',
      origin: { country: 'CN', port: 'CNYTN' },
      destination: { country: 'DE', zones: DE_ZONES },
      mode: 'sea',
      via: ['malacca', 'red-sea', 'suez', 'mediterranean'],
      distanceKm: 19_600,
      transit: { minDays: 32, typicalDays: 38, maxDays: 48 },
      cutoffWeekdays: [4],
      rateCard: card({
        currency: 'USD',
        volumetricDivisor: 1000, // LCL: 1 m³ charged as 1,000 kg
        weightIncrementGrams: 1000,
        weightBreaks: breaks(DE_ZONES, [
          [0, 20, 0], // USD 200 per m³ (1 m³ = 1,000 kg chargeable)
          [1000, 18, 0],
          [5000, 15, 0],
        ]),
        minimumChargeMinor: 15_000,
        fuelSurchargeBp: 1200,
      }),
      capacity: { perWeekKg: 200_000 },
      restrictions: { allowedBatteries: ['UN3480', 'UN3481', 'UN3090', 'UN3091'], liquids: true, magnets: true },
      clearance: { ddp: true, dap: true, destinations: ['DE'] },
      rating: 4.0,
    }),
    lane({
      id: 'ln-sea-cape-cn-de',
      providerOrgId: 'org-blue-ocean',
      name: 'LCL door CN→DE via Cape of Good Hope',
      origin: { country: 'CN', port: 'CNYTN' },
      destination: { country: 'DE', zones: DE_ZONES },
      mode: 'sea',
      via: ['malacca', 'cape-of-good-hope'],
      distanceKm: 25_900,
      transit: { minDays: 42, typicalDays: 50, maxDays: 60 },
      cutoffWeekdays: [4],
      rateCard: card({
        currency: 'USD',
        volumetricDivisor: 1000,
        weightIncrementGrams: 1000,
        weightBreaks: breaks(DE_ZONES, [
          [0, 26, 0],
          [1000, 24, 0],
          [5000, 21, 0],
        ]),
        minimumChargeMinor: 18_000,
        fuelSurchargeBp: 1500,
      }),
      capacity: { perWeekKg: 150_000 },
      restrictions: { allowedBatteries: ['UN3480', 'UN3481', 'UN3090', 'UN3091'], liquids: true, magnets: true },
      clearance: { ddp: true, dap: true, destinations: ['DE'] },
      rating: 4.0,
    }),
    // --- China–Europe block train (Xi'an → Duisburg), door delivery.
    lane({
      id: 'ln-rail-cn-de',
      providerOrgId: 'org-steel-silk-rail',
      name: 'China–Europe rail Xi’an→Duisburg, door',
      origin: { country: 'CN', port: 'CNXIY' },
      destination: { country: 'DE', zones: DE_ZONES },
      mode: 'rail',
      via: ['kazakhstan', 'russia', 'belarus', 'poland'],
      distanceKm: 10_500,
      transit: { minDays: 16, typicalDays: 20, maxDays: 28 },
      cutoffWeekdays: [2, 6],
      rateCard: card({
        currency: 'USD',
        volumetricDivisor: 3000,
        weightIncrementGrams: 1000,
        weightBreaks: breaks(DE_ZONES, [
          [0, 170, 0], // USD 510 per m³ at 333 kg/m³
          [300, 150, 0],
          [1500, 130, 0],
        ]),
        minimumChargeMinor: 12_000,
        fuelSurchargeBp: 500,
      }),
      capacity: { perWeekKg: 120_000 },
      restrictions: { allowedBatteries: ['UN3481'], liquids: false, magnets: true },
      clearance: { ddp: true, dap: true, destinations: ['DE'] },
      rating: 3.8,
    }),
    // --- Stock transfers into overseas warehouses (priced per kg; bulk).
    lane({
      id: 'ln-xfer-rail-szx-dus',
      providerOrgId: 'org-steel-silk-rail',
      name: 'Rail transfer Shenzhen WH → Duisburg WH',
      origin: { country: 'CN', warehouseIds: ['wh-cn-szx'] },
      destination: { country: 'DE', zones: DE_ZONES, warehouseId: 'wh-de-dus' },
      mode: 'rail',
      via: ['kazakhstan', 'russia', 'belarus', 'poland'],
      distanceKm: 11_500,
      transit: { minDays: 18, typicalDays: 22, maxDays: 30 },
      cutoffWeekdays: [2, 6],
      rateCard: card({ currency: 'USD', volumetricDivisor: 3000, weightIncrementGrams: 100, weightBreaks: breaks(DE_ZONES, [[0, 45, 0]]), fuelSurchargeBp: 500 }),
      capacity: { perWeekKg: 300_000 },
      restrictions: { allowedBatteries: ['UN3481'], liquids: false, magnets: true },
      clearance: { ddp: true, dap: true, destinations: ['DE'] },
      rating: 3.8,
    }),
    lane({
      id: 'ln-xfer-sea-szx-dus',
      providerOrgId: 'org-blue-ocean',
      name: 'Sea transfer Shenzhen WH → Duisburg WH via Suez',
      origin: { country: 'CN', warehouseIds: ['wh-cn-szx'] },
      destination: { country: 'DE', zones: DE_ZONES, warehouseId: 'wh-de-dus' },
      mode: 'sea',
      via: ['malacca', 'red-sea', 'suez', 'mediterranean'],
      distanceKm: 19_900,
      transit: { minDays: 34, typicalDays: 40, maxDays: 50 },
      cutoffWeekdays: [4],
      rateCard: card({ currency: 'USD', volumetricDivisor: 1000, weightIncrementGrams: 100, weightBreaks: breaks(DE_ZONES, [[0, 8, 0]]), fuelSurchargeBp: 1200 }),
      capacity: { perWeekKg: 1_000_000 },
      restrictions: { allowedBatteries: ['UN3480', 'UN3481', 'UN3090', 'UN3091'], liquids: true, magnets: true },
      clearance: { ddp: true, dap: true, destinations: ['DE'] },
      rating: 4.0,
    }),
    lane({
      id: 'ln-xfer-air-szx-dus',
      providerOrgId: 'org-swift-express',
      name: 'Air freight transfer Shenzhen WH → Duisburg WH',
      origin: { country: 'CN', warehouseIds: ['wh-cn-szx'] },
      destination: { country: 'DE', zones: DE_ZONES, warehouseId: 'wh-de-dus' },
      mode: 'air',
      distanceKm: 9_000,
      transit: { minDays: 3, typicalDays: 5, maxDays: 8 },
      rateCard: card({ currency: 'USD', volumetricDivisor: 6000, weightIncrementGrams: 500, weightBreaks: breaks(DE_ZONES, [[0, 650, 0], [45, 520, 0], [100, 450, 0]]), minimumChargeMinor: 2000, fuelSurchargeBp: 2000 }),
      capacity: { perDayKg: 20_000 },
      restrictions: { allowedBatteries: ['UN3481'], liquids: false, magnets: true },
      clearance: { ddp: true, dap: true, destinations: ['DE'] },
      rating: 4.5,
    }),
    // --- Canada → US cross-border parcel from the Toronto warehouse (trucked to a US hub, then injected).
    lane({
      id: 'ln-road-yyz-us',
      providerOrgId: 'org-northbound',
      name: 'Northbound cross-border CA→US DDP',
      origin: { country: 'CA', warehouseIds: ['wh-ca-yyz'] },
      destination: { country: 'US', zones: US_ZONES },
      mode: 'road',
      distanceKm: 3_000,
      transit: { minDays: 3, typicalDays: 4, maxDays: 6 },
      rateCard: card({
        currency: 'USD',
        volumetricDivisor: 5000,
        weightIncrementGrams: 500,
        weightBreaks: breaks(US_ZONES, [
          [0, 300, 900],
          [10, 250, 900],
        ], [150, 50, 0]),
        minimumChargeMinor: 1000,
        fuelSurchargeBp: 1500,
        remoteAreaFees: US_REMOTE,
      }),
      capacity: { perDayKg: 3000, perDayParcels: 1500 },
      restrictions: { allowedBatteries: ['UN3481', 'UN3091'], liquids: true, magnets: true, maxWeightGrams: 30_000, maxLengthPlusGirthCm: 330 },
      clearance: { ddp: true, dap: true, destinations: ['US'] },
      rating: 4.3,
    }),
    // --- Domestic last mile.
    lane({
      id: 'ln-lm-us-ground',
      providerOrgId: 'org-us-ground',
      name: 'US Ground (from Ontario, CA warehouse)',
      origin: { country: 'US', warehouseIds: ['wh-us-ont'] },
      destination: { country: 'US', zones: US_ZONES },
      mode: 'last_mile',
      distanceKm: 2_500,
      transit: { minDays: 1, typicalDays: 3, maxDays: 5 },
      cutoffWeekdays: [1, 2, 3, 4, 5, 6],
      rateCard: card({
        currency: 'USD',
        volumetricDivisor: 5000,
        weightIncrementGrams: 454, // carriers bill US ground by the pound
        weightBreaks: breaks(US_ZONES, [
          [0, 110, 520],
          [10, 90, 520],
        ], [0, 60, 110]),
        minimumChargeMinor: 600,
        fuelSurchargeBp: 1650,
        peakSurcharges: [{ from: '2026-11-15', to: '2026-12-24', perKgMinor: 0, perParcelMinor: 45 }],
        remoteAreaFees: US_REMOTE,
      }),
      capacity: { perDayParcels: 20_000 },
      restrictions: { allowedBatteries: ['UN3480', 'UN3481', 'UN3090', 'UN3091'], liquids: true, magnets: true, maxWeightGrams: 68_000, maxLengthCm: 274, maxLengthPlusGirthCm: 419 },
      clearance: { ddp: false, dap: false, destinations: [] },
      rating: 4.4,
    }),
    lane({
      id: 'ln-lm-de-parcel',
      providerOrgId: 'org-de-paket',
      name: 'DE parcel (from Duisburg warehouse)',
      origin: { country: 'DE', warehouseIds: ['wh-de-dus'] },
      destination: { country: 'DE', zones: DE_ZONES },
      mode: 'last_mile',
      distanceKm: 350,
      transit: { minDays: 1, typicalDays: 2, maxDays: 3 },
      cutoffWeekdays: [1, 2, 3, 4, 5, 6],
      rateCard: card({
        currency: 'EUR',
        volumetricDivisor: 5000,
        weightIncrementGrams: 1000,
        weightBreaks: breaks(DE_ZONES, [
          [0, 40, 420],
          [5, 30, 420],
        ]),
        minimumChargeMinor: 450,
        fuelSurchargeBp: 700,
        remoteAreaFees: DE_REMOTE,
      }),
      capacity: { perDayParcels: 10_000 },
      restrictions: { allowedBatteries: ['UN3481', 'UN3091'], liquids: true, magnets: true, maxWeightGrams: 31_500, maxLengthCm: 120, maxLengthPlusGirthCm: 300 },
      clearance: { ddp: false, dap: false, destinations: [] },
      rating: 4.5,
    }),
    lane({
      id: 'ln-lm-ca-parcel',
      providerOrgId: 'org-ca-parcel',
      name: 'CA parcel (from Toronto warehouse)',
      origin: { country: 'CA', warehouseIds: ['wh-ca-yyz'] },
      destination: { country: 'CA', zones: CA_ZONES },
      mode: 'last_mile',
      distanceKm: 1_500,
      transit: { minDays: 1, typicalDays: 3, maxDays: 6 },
      rateCard: card({ currency: 'CAD', weightBreaks: breaks(CA_ZONES, [[0, 150, 800]]), minimumChargeMinor: 900, fuelSurchargeBp: 1800 }),
      restrictions: { allowedBatteries: ['UN3481'], liquids: true, magnets: true, maxWeightGrams: 30_000 },
      clearance: { ddp: false, dap: false, destinations: [] },
      rating: 4.2,
    }),
  ];
  return lanes;
}

/** Demo catalogue used by the scenarios. Unit values in USD cents. */
export const DEMO_PRODUCTS: Record<string, Product> = {
  'EARBUDS-X1': { sku: 'EARBUDS-X1', unitWeightGrams: 180, lengthCm: 12, widthCm: 9, heightCm: 5, unitValueMinor: 2900, battery: 'UN3481' },
  'POWERBANK-20K': { sku: 'POWERBANK-20K', unitWeightGrams: 420, lengthCm: 15, widthCm: 8, heightCm: 3, unitValueMinor: 2400, battery: 'UN3480' },
  'YOGA-MAT': { sku: 'YOGA-MAT', unitWeightGrams: 1100, lengthCm: 62, widthCm: 14, heightCm: 14, unitValueMinor: 1800 },
  'MAGNETIC-TILES-60': { sku: 'MAGNETIC-TILES-60', unitWeightGrams: 1600, lengthCm: 30, widthCm: 22, heightCm: 10, unitValueMinor: 3500, magnet: true },
  'PERFUME-50ML': { sku: 'PERFUME-50ML', unitWeightGrams: 250, lengthCm: 10, widthCm: 7, heightCm: 7, unitValueMinor: 4200, liquid: true },
  'LED-STRIP-5M': { sku: 'LED-STRIP-5M', unitWeightGrams: 300, lengthCm: 16, widthCm: 16, heightCm: 4, unitValueMinor: 1500 },
};

// ------------------------------------------------------------------------------------------------
// Seeded random networks for benchmarks and property tests.

/** mulberry32: small, fast, deterministic PRNG returning [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticNetwork {
  warehouses: Warehouse[];
  lanes: Lane[];
  products: Record<string, Product>;
}

const SYN_COUNTRIES = ['US', 'DE', 'GB', 'FR', 'CA', 'AU', 'JP', 'NL'];

/**
 * A random but plausible network: `warehouseCount` warehouses (a third in CN, the rest spread over
 * destination markets), `laneCount` lanes (cross-border from CN, domestic last mile from overseas
 * warehouses), `skuCount` products. All prices in USD.
 */
export function generateSyntheticNetwork(opts: { seed: number; warehouseCount: number; laneCount: number; skuCount: number; stockPerSku?: [number, number] }): SyntheticNetwork {
  const rnd = seededRandom(opts.seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const products: Record<string, Product> = {};
  for (let i = 0; i < opts.skuCount; i++) {
    const sku = `SKU-${String(i).padStart(4, '0')}`;
    products[sku] = { sku, unitWeightGrams: int(80, 2500), lengthCm: int(5, 40), widthCm: int(5, 25), heightCm: int(2, 15), unitValueMinor: int(500, 9000) };
  }
  const [lo, hi] = opts.stockPerSku ?? [0, 60];
  const warehouses: Warehouse[] = [];
  for (let i = 0; i < opts.warehouseCount; i++) {
    const country = i % 3 === 0 ? 'CN' : SYN_COUNTRIES[i % SYN_COUNTRIES.length]!;
    const stock: Record<string, number> = {};
    for (const sku of Object.keys(products)) if (rnd() < 0.6) stock[sku] = int(lo, hi);
    warehouses.push({ id: `wh-${String(i).padStart(2, '0')}-${country.toLowerCase()}`, country, postcode: '10000', stock, safetyStock: {} });
  }
  const zones = [
    { zone: 'Z1', postcodePrefixes: ['1', '2', '3'] },
    { zone: 'Z2', postcodePrefixes: ['4', '5', '6'] },
    { zone: 'Z3', postcodePrefixes: [] },
  ];
  const lanes: Lane[] = [];
  const modes: Mode[] = ['express', 'dedicated_line', 'postal', 'air'];
  for (let i = 0; i < opts.laneCount; i++) {
    const overseas = warehouses.filter((w) => w.country !== 'CN');
    const domestic = i % 2 === 1 && overseas.length > 0;
    const origin = domestic ? pick(overseas) : pick(warehouses.filter((w) => w.country === 'CN'));
    const destCountry = domestic ? origin.country : pick(SYN_COUNTRIES);
    const mode: Mode = domestic ? 'last_mile' : pick(modes);
    const perKg = domestic ? int(60, 200) : mode === 'express' ? int(1800, 3200) : mode === 'postal' ? int(900, 1300) : int(700, 1200);
    const typical = domestic ? int(1, 4) : mode === 'express' ? int(3, 5) : int(7, 16);
    lanes.push({
      id: `ln-${String(i).padStart(3, '0')}`,
      providerOrgId: `org-${i % 12}`,
      origin: domestic ? { country: origin.country, warehouseIds: [origin.id] } : { country: 'CN', warehouseIds: [origin.id] },
      destination: { country: destCountry, zones },
      mode,
      distanceKm: domestic ? int(100, 2500) : int(8000, 12000),
      transit: { minDays: Math.max(1, typical - 1), typicalDays: typical, maxDays: typical + 3 },
      cutoffWeekdays: rnd() < 0.7 ? [1, 2, 3, 4, 5] : [1, 3, 5],
      rateCard: {
        currency: 'USD',
        volumetricDivisor: mode === 'express' ? 5000 : 6000,
        weightIncrementGrams: mode === 'express' ? 500 : 100,
        weightBreaks: zones.flatMap((z, zi) => [
          { zone: z.zone, fromGrams: 0, perKgMinor: perKg + zi * 40, perParcelMinor: domestic ? 450 : 300 },
          { zone: z.zone, fromGrams: 5000, perKgMinor: Math.round(perKg * 0.85) + zi * 40, perParcelMinor: domestic ? 450 : 300 },
        ]),
        minimumChargeMinor: domestic ? 500 : 800,
        fuelSurchargeBp: int(500, 2500),
        peakSurcharges: [],
        remoteAreaFees: [],
      },
      capacity: { perDayKg: int(300, 3000), perDayParcels: int(300, 3000) },
      restrictions: { allowedBatteries: ['UN3481'], liquids: rnd() < 0.3, magnets: rnd() < 0.5, maxWeightGrams: 30_000 },
      clearance: { ddp: rnd() < 0.7, dap: true, destinations: SYN_COUNTRIES },
      validFrom: DEMO_VALID_FROM,
      validTo: DEMO_VALID_TO,
      version: 1,
      rating: Math.round((3 + rnd() * 2) * 10) / 10,
    });
  }
  return { warehouses, lanes, products };
}
