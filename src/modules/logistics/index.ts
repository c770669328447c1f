import type { TradelaneModule } from '../module.ts';
import { logisticsDemo } from './demo.ts';
import { logisticsRoutes } from './routes.ts';
import { logisticsMigrations } from './schema.ts';

/** Logistics network (lanes, rate cards, bundles), quotes, fulfilment routing, bookings, documents, consolidation. */
export const logisticsModule: TradelaneModule = {
  name: 'logistics',
  migrations: logisticsMigrations,
  routes: logisticsRoutes,
  demo: logisticsDemo,
  shareable: { booking: 'logistics_bookings' },
};

// Public face for other modules: call inside your own transaction.
export { createBooking, acceptBooking, rejectBooking, getBooking, generateDocuments, shipOrder, consolidate, customsDataCheck, type ComplianceCheck } from './bookings.ts';
export { routeAndStore, runBatch, simulateDisruption, applyDisruptionPlan } from './routing.ts';
export { quote, publishedEngineLanes, listLanes } from './lanes.ts';
export { carrierAdapter, registerCarrierAdapter, manualCarrier, toKarrioShippingRequest, fromKarrioShipment, s10TrackingNumber, isValidS10, type CarrierAdapter, type UnifiedShipment } from './carriers.ts';
export type { OrderInput, WarehouseInput, AddressInput } from './inputs.ts';
