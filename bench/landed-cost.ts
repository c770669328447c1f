// Landed-cost engine throughput on one core: a realistic mix of markets, codes and consignment
// sizes. Prints a table and, as the last line, {"bench":"landed-cost", ...}.
// Run: npm run bench -- landed-cost [--seconds N]
import { loadLandedCostData, quoteLandedCost, type LandedCostInput } from '../src/engines/landed-cost/index.ts';

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 5;

const t0 = performance.now();
const data = loadLandedCostData();
const loadMs = performance.now() - t0;

const fx = { id: 'bench-fx', source: 'synthetic bench snapshot (not real rates)', date: '2026-11-20', base: 'EUR', rates: { USD: '1.0850', GBP: '0.8650', JPY: '162.40', AUD: '1.6500', NZD: '1.8100', CHF: '0.9400', NOK: '11.600', SGD: '1.4500', CAD: '1.5000', PLN: '4.3000', SEK: '11.200' } };
const D = '2026-11-21';
/** Typical cross-border consignments: (destination, origin, sale currency, lines). */
const scenarios: LandedCostInput[] = [
  { destinationCountry: 'US', originCountry: 'CN', date: D, saleCurrency: 'USD', incoterm: 'DDP', shipping: 1500,
    lines: [{ hsCode: '6109100012', quantity: 3, unitValue: 1299, unitWeightKg: 0.2 }, { hsCode: '8507600090', quantity: 1, unitValue: 4500 }, { hsCode: '4202219000', quantity: 1, unitValue: 8900 }] },
  { destinationCountry: 'US', originCountry: 'VN', date: D, saleCurrency: 'EUR', incoterm: 'DAP', fx,
    lines: [{ hsCode: '6404199060', quantity: 2, unitValue: 5500 }, { hsCode: '0201100510', quantity: 1, unitValue: 3000, unitWeightKg: 2.5 }] },
  { destinationCountry: 'DE', originCountry: 'CN', date: D, saleCurrency: 'EUR', incoterm: 'DDP', registrations: { EU_IOSS: 'IM2760000000' }, shipping: 499,
    lines: [{ hsCode: '61091000', quantity: 2, unitValue: 1500 }, { hsCode: '95030075', quantity: 1, unitValue: 2999 }] },
  { destinationCountry: 'FR', originCountry: 'US', date: D, saleCurrency: 'USD', incoterm: 'DAP', fx, shipping: 2500,
    lines: [{ hsCode: '42022100', quantity: 1, unitValue: 45000 }, { hsCode: '64041100', quantity: 1, unitValue: 12000 }, { hsCode: '85076000', quantity: 4, unitValue: 2500 }] },
  { destinationCountry: 'PL', originCountry: 'GB', date: D, saleCurrency: 'GBP', incoterm: 'DDP', fx,
    lines: [{ hsCode: '61091000', quantity: 5, unitValue: 1200, preferentialOriginClaim: true }] },
  { destinationCountry: 'GB', originCountry: 'CN', date: D, saleCurrency: 'GBP', incoterm: 'DDP', registrations: { GB_VAT: 'GB123456789' },
    lines: [{ hsCode: '61091000', quantity: 2, unitValue: 1800 }, { hsCode: '85171300', quantity: 1, unitValue: 9900 }] },
  { destinationCountry: 'GB', originCountry: 'US', date: D, saleCurrency: 'USD', incoterm: 'DAP', fx, shipping: 3000,
    lines: [{ hsCode: '64041100', quantity: 1, unitValue: 25000 }, { hsCode: '42022100', quantity: 1, unitValue: 30000 }] },
  { destinationCountry: 'JP', originCountry: 'US', date: D, saleCurrency: 'USD', incoterm: 'DDP', fx, shipping: 2000,
    lines: [{ hsCode: '610910020', quantity: 4, unitValue: 3000 }, { hsCode: '420221210', quantity: 1, unitValue: 40000 }] },
  { destinationCountry: 'AU', originCountry: 'CN', date: D, saleCurrency: 'AUD', incoterm: 'DDP', registrations: { AU_GST: '51824753556' },
    lines: [{ hsCode: '950300', quantity: 2, unitValue: 2500, dutyRateOverride: { adValoremPct: 5, reason: 'broker ruling' } }] },
  { destinationCountry: 'NZ', originCountry: 'US', date: D, saleCurrency: 'USD', incoterm: 'DAP', fx,
    lines: [{ hsCode: '851762', quantity: 1, unitValue: 120000, dutyRateOverride: { adValoremPct: 0, reason: 'NZ tariff 0%' } }] },
  { destinationCountry: 'CH', originCountry: 'DE', date: D, saleCurrency: 'EUR', incoterm: 'DAP', fx, shipping: 900,
    lines: [{ hsCode: '610910', quantity: 2, unitValue: 2500 }, { hsCode: '490199', quantity: 1, unitValue: 1800, taxRatePct: '2.6' }] },
  { destinationCountry: 'NO', originCountry: 'CN', date: D, saleCurrency: 'NOK', incoterm: 'DDP', registrations: { NO_VOEC: 'VOEC2000000' },
    lines: [{ hsCode: '640411', quantity: 1, unitValue: 99000, dutyRateOverride: { adValoremPct: 0, reason: 'VOEC' } }] },
];
const linesPerRound = scenarios.reduce((s, q) => s + q.lines.length, 0);

// Warm up (JIT, tariff-line memo) and check every scenario quotes.
for (let i = 0; i < 2000; i++) for (const s of scenarios) quoteLandedCost(data, s);

let quotes = 0;
let lines = 0;
let sink = 0;
// CPU time of this process as well as wall time: on a shared machine wall time understates what one
// core does; CPU time (user + system, all threads incl. GC) is the conservative one-core figure.
const cpu0 = process.cpuUsage();
const start = performance.now();
const deadline = start + seconds * 1000;
while (performance.now() < deadline) {
  for (let r = 0; r < 200; r++) {
    for (const s of scenarios) {
      const q = quoteLandedCost(data, s);
      sink += q.totals.landedCost;
    }
    quotes += scenarios.length;
    lines += linesPerRound;
  }
}
const elapsed = (performance.now() - start) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const linesPerS = Math.round(lines / cpuSeconds);
const quotesPerS = Math.round(quotes / cpuSeconds);
const wallLinesPerS = Math.round(lines / elapsed);

console.log('landed-cost engine throughput (one core, pure quote; data load excluded)');
console.table([
  { metric: 'data load + compile (ms)', value: Math.round(loadMs) },
  { metric: 'scenarios (markets mix)', value: scenarios.length },
  { metric: 'lines per round', value: linesPerRound },
  { metric: 'wall seconds', value: +elapsed.toFixed(2) },
  { metric: 'CPU seconds (user+system)', value: +cpuSeconds.toFixed(2) },
  { metric: 'quotes/s (per CPU second)', value: quotesPerS },
  { metric: 'lines/s (per CPU second)', value: linesPerS },
  { metric: 'lines/s (wall clock)', value: wallLinesPerS },
  { metric: 'mean µs per line', value: +(1e6 / linesPerS).toFixed(2) },
]);
if (sink === 0) console.log('(sink)');

// HOOK(api-latency): whoever builds the HTTP module adds the API p50/p99 measurement here
// (e.g. `const api = await measureApiLatency()` against a local server) and merges its
// figures into the JSON below as "api_p50_ms" / "api_p99_ms". Keep the JSON as the last line.
const apiFigures: Record<string, number> = {};

console.log(JSON.stringify({ bench: 'landed-cost', lines_per_s: linesPerS, quotes_per_s: quotesPerS, wall_lines_per_s: wallLinesPerS, cpu_seconds: +cpuSeconds.toFixed(2), load_ms: Math.round(loadMs), seconds: +elapsed.toFixed(2), ...apiFigures }));
