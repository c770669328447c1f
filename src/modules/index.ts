import { identityModule } from './identity/index.ts';
import type { TradelaneModule } from './module.ts';
import { webhooksModule } from './webhooks/index.ts';

/**
 * Every module of the process, in dependency order (migrations and demo data run in this order).
 * A new capability is one folder under src/modules and one line here.
 */
export const modules: TradelaneModule[] = [
  identityModule,
  webhooksModule,
  (await import('./ledger/index.ts')).ledgerModule,
  (await import('./logistics/index.ts')).logisticsModule,
  (await import('./catalog/index.ts')).catalogModule,
  (await import('./landed-cost/index.ts')).landedCostModule,
  (await import('./trace/index.ts')).traceModule,
  (await import('./inventory/index.ts')).inventoryModule,
  (await import('./orders/index.ts')).ordersModule,
  (await import('./tracking/index.ts')).trackingModule,
  (await import('./screening/index.ts')).screeningModule,
];
