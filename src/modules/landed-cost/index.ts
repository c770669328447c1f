import type { TradelaneModule } from '../module.ts';
import { landedCostCli } from './cli.ts';
import { loadData } from './data.ts';
import { landedCostDemo } from './demo.ts';
import { landedCostRoutes } from './routes.ts';
import { landedCostMigrations } from './schema.ts';
import { seedBundledFx } from './service.ts';

/**
 * Landed cost: quotes of duties, import VAT/GST, fees and low-value regimes (stored with their
 * explanation), FX snapshots, tariff imports, market data dates and per-SKU margins.
 */
export const landedCostModule: TradelaneModule = {
  name: 'landed-cost',
  migrations: landedCostMigrations,
  routes: landedCostRoutes,
  async init(s) {
    // the snapshots shipped in data/fx are stored on first start (existing ids are left alone)
    await s.db.transaction((tx) => seedBundledFx(tx));
    s.state.set('landed-cost', await loadData(s.db));
  },
  demo: landedCostDemo,
  cli: landedCostCli,
};

// Public face for other modules (checkout and order intake call quote() inside their transaction).
export { quote, getQuote, resolveFx, type StoredQuote } from './service.ts';
export { quoteInputSchema, type QuoteInput } from './inputs.ts';
