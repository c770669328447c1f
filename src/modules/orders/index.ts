import type { TradelaneModule } from '../module.ts';
import { pollJob } from './channels.ts';
import { ordersDemo } from './demo.ts';
import { orderRoutes } from './routes.ts';
import { orderMigrations } from './schema.ts';
import { shipBookedOrders } from './service.ts';

/** Order hub: one order model for every channel, strict state machine, split/merge, channel connections (webhooks, polling, CSV). */
export const ordersModule: TradelaneModule = {
  name: 'orders',
  migrations: orderMigrations,
  routes: orderRoutes,
  jobs: (s) => ({ 'orders.channel.poll': pollJob(s) as any }),
  // A carrier accepting a booking ships the hub orders in it from the booking's origin warehouse.
  subscribers: () => [{ name: 'orders.shipments', types: ['logistics.booking.accepted'], handle: shipBookedOrders }],
  demo: ordersDemo,
  shareable: { order: 'orders' },
};

// The order hub's public face for other modules (call inside your own transaction).
export { intake, acceptOrder, cancelOrder, getOrder, loadOrder, checkShipTo, hold, type IntakeOptions } from './service.ts';
export { ORDER_STATES, HOLD_REASONS, allowedFrom, assertTransition, type OrderState, type HoldReason } from './state.ts';
export { pollJob } from './channels.ts';
