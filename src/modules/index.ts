import { catalogModule } from './catalog/index.ts';
import { identityModule } from './identity/index.ts';
import { inventoryModule } from './inventory/index.ts';
import { landedCostModule } from './landed-cost/index.ts';
import { ledgerModule } from './ledger/index.ts';
import { logisticsModule } from './logistics/index.ts';
import type { TradelaneModule } from './module.ts';
import { ordersModule } from './orders/index.ts';
import { screeningModule } from './screening/index.ts';
import { traceModule } from './trace/index.ts';
import { trackingModule } from './tracking/index.ts';
import { webhooksModule } from './webhooks/index.ts';

/**
 * Every module of the process, in dependency order (migrations and demo data run in this order:
 * catalogue SKUs exist before stock and orders; trace and tracking log what the others created).
 * A new capability is one folder under src/modules and one line here.
 */
export const modules: TradelaneModule[] = [
  identityModule,
  webhooksModule,
  ledgerModule,
  logisticsModule,
  catalogModule,
  landedCostModule,
  inventoryModule,
  ordersModule,
  traceModule,
  trackingModule,
  screeningModule,
];
