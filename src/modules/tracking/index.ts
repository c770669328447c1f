import type { Services } from '../../http/services.ts';
import { systemContext } from '../../kernel/context.ts';
import { loadTrackingTables } from '../../engines/carriers/load.ts';
import { loadExceptionTables } from '../../engines/exceptions/load.ts';
import type { TradelaneModule } from '../module.ts';
import { evaluateDelivered, milestoneReached } from './contracts.ts';
import { trackingDemo } from './demo.ts';
import { scheduleSweep, sweepJob } from './exceptions.ts';
import { pollJob } from './feeds.ts';
import { trackingRoutes } from './routes.ts';
import { trackingMigrations } from './schema.ts';
import { shipmentFromBooking } from './shipments.ts';
import { attempt, STATE_KEY } from './state.ts';

/** Tracking, exceptions, SLA contracts with deposits and milestone payments, provider scorecards. */
export const trackingModule: TradelaneModule = {
  name: 'tracking',
  migrations: trackingMigrations,
  routes: trackingRoutes,
  shareable: { shipment: 'tracking_shipments', sla_contract: 'tracking_contracts' },
  async init(s: Services) {
    s.state.set(STATE_KEY, { tracking: loadTrackingTables(), exceptions: loadExceptionTables() });
    await scheduleSweep(s.db);
  },
  subscribers: (s) => [
    {
      // A booking accepted with a tracking number becomes a tracked shipment of the seller.
      name: 'tracking.bookings', types: ['logistics.booking.accepted'],
      async handle(tx, e) {
        if (!e.orgId) return;
        await attempt(tx, 'tl_from_booking', () => shipmentFromBooking(tx, s, systemContext(e.orgId!, 'seller', 'tracking'), e.entityId));
      },
    },
    { name: 'tracking.sla', types: ['tracking.shipment.delivered'], handle: async (tx, e) => { await evaluateDelivered(tx, s, e.entityId); } },
    { name: 'tracking.milestones', types: ['tracking.shipment.stage_reached'], handle: async (tx, e) => { await milestoneReached(tx, e.entityId, String(e.payload.stage)); } },
  ],
  jobs: (s) => ({ 'tracking.rules.sweep': sweepJob(s) as any, 'tracking.poll': pollJob(s) as any }),
  demo: trackingDemo,
};

// Public face for other modules (call inside your own transaction).
export { providerReliability, scorecards } from './scorecards.ts';
export { createShipment, getShipment, listShipments, type ShipmentInput } from './shipments.ts';
export { ingestEvents, ingestIot, mapCarrierPayload, normaliseInputs, evaluateShipment, type IngestResult, type EventInput } from './ingest.ts';
export { sweepRules, raiseFindings } from './exceptions.ts';
export { evaluateDelivered, createContract, postDeposit } from './contracts.ts';
export { pollOnce, httpPoller, type TrackingPoller } from './feeds.ts';
export { publicTracking } from './public.ts';
