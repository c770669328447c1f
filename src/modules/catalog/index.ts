import type { TradelaneModule } from '../module.ts';
import { catalogCli } from './cli.ts';
import { noticeRuleChanges, notifyExpiringCertificates, recheckForRuleChange, scheduleExpiryScan } from './compliance.ts';
import { catalogDemo } from './demo.ts';
import { catalogRoutes, documentStore } from './routes.ts';
import { catalogMigrations } from './schema.ts';

/**
 * Catalogue and product compliance: products and SKUs with multilingual content, HS codes
 * (HS 2022 + national extensions) with a classification assistant, CSV import/export, images and
 * certificates in a content-addressed document store, and market-access listings per product ×
 * market that are re-checked when products, certificates or the rules change.
 */
export const catalogModule: TradelaneModule = {
  name: 'catalog',
  migrations: catalogMigrations,
  routes: catalogRoutes,
  jobs: () => ({
    'catalog.certificates.expiry_scan': async (_job, db) => {
      await notifyExpiringCertificates(db);
      await scheduleExpiryScan(db);
    },
    'catalog.rules.recheck': async (_job, db) => { await recheckForRuleChange(db); },
  }),
  async init(s) {
    documentStore(s);
    // The HS index loads lazily on first use (a second or two), so other modules' start is not slowed.
    await noticeRuleChanges(s.db);
    // Daily at 01:00 UTC; the first run is the next 01:00 (the dedupe key holds one job per day).
    await scheduleExpiryScan(s.db, new Date());
  },
  demo: catalogDemo,
  cli: catalogCli,
};

// The catalogue's public face for other modules (the order hub calls these inside its transaction).
export { getSkus, checkSkusForMarket, checkSkuSetsForMarket, marketAccessReads, type SkuSetCheck, recheckForRuleChange, notifyExpiringCertificates, type CatalogSku, type ListingStatus } from './compliance.ts';
export type { MarketAccessResult } from '../../engines/market-access/index.ts';
export { LocalDocumentStore, type DocumentStore } from './documents.ts';
