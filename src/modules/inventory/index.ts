import type { TradelaneModule } from '../module.ts';
import { inventoryCli } from './cli.ts';
import { inventoryDemo } from './demo.ts';
import { inventoryRoutes } from './routes.ts';
import { inventoryMigrations } from './schema.ts';

/** One-pool inventory: warehouses, stock per SKU × warehouse, immutable movements, reservations, ASNs, receipts, transfers, counts, alerts. */
export const inventoryModule: TradelaneModule = {
  name: 'inventory',
  migrations: inventoryMigrations,
  routes: inventoryRoutes,
  demo: inventoryDemo,
  cli: inventoryCli,
  shareable: { warehouse: 'inv_warehouses', inbound_shipment: 'inv_inbound' },
};

// The inventory's public face for other modules: call these inside your own transaction.
// ctx.orgId is the seller whose stock is reserved, released or shipped.
export {
  reserve, planReservation, planReservations, planReads, reserveAsPlanned, reserveManyAsPlanned, reservationBatch, release, consume, stockFor, checkInventory, reservationsOf, StockShortage,
  type ReserveLine, type Reservation, type ReservationRow, type ReservationBatch, type PlannedLine, type ReservationPlan, type StockLine, type InventoryCheck,
} from './stock.ts';
export { listWarehouses } from './service.ts';
export { DEMO_SKUS } from './demo.ts';
