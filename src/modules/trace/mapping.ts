import type { StoredEvent } from '../../kernel/events.ts';
import type { JsonValue } from './record.ts';

/**
 * Which domain events become traceability-log records, and what of them is public.
 * ONE table, so any module can add its events here: key = event type (exact, or a prefix ending in
 * "*"), value = the leaf type, the subject, and the minimal public metadata. The full event
 * (payload included) is never public: only its SHA-256 enters the log as content_sha256, so the
 * owner can later prove what the event said without publishing it.
 */
export interface LeafFromEvent {
  type: string;
  subjectId: string;
  publicMetadata: Record<string, JsonValue>;
}

type Mapper = (e: StoredEvent) => LeafFromEvent | null;
const str = (v: unknown): string | null => (typeof v === 'string' && v.length <= 200 ? v : null);

export const EVENT_LEAVES: Record<string, Mapper> = {
  // Orders: each status change of an order (created, accepted, shipped, delivered, cancelled, …).
  'orders.order.*': (e) => ({
    type: `order.${e.type.slice('orders.order.'.length)}`,
    subjectId: e.entityId,
    publicMetadata: { status: str((e.payload as any).to) ?? e.type.slice('orders.order.'.length) },
  }),
  // Logistics: carrier bookings and shipments handed over.
  'logistics.booking.accepted': (e) => ({ type: 'shipment.booked', subjectId: e.entityId, publicMetadata: { stage: 'booked' } }),
  'logistics.booking.cancelled': (e) => ({ type: 'shipment.booking_cancelled', subjectId: e.entityId, publicMetadata: { stage: 'cancelled' } }),
  'logistics.order.shipped': (e) => ({ type: 'shipment.dispatched', subjectId: str((e.payload as any).order_ref) ?? e.entityId, publicMetadata: { stage: 'dispatched' } }),
  'logistics.shipment.*': (e) => ({ type: `shipment.${e.type.slice('logistics.shipment.'.length)}`, subjectId: e.entityId, publicMetadata: { stage: e.type.slice('logistics.shipment.'.length) } }),
  'tracking.*': (e) => ({ type: `shipment.${e.type.split('.').slice(-1)[0]}`, subjectId: e.entityId, publicMetadata: { stage: e.type.split('.').slice(-1)[0]! } }),
  // Ledger: escrow released to the seller (payment settled), refunded.
  'ledger.escrow.released': (e) => ({ type: 'payment.escrow_released', subjectId: e.entityId, publicMetadata: { status: str((e.payload as any).status) ?? 'released' } }),
  'ledger.escrow.refunded': (e) => ({ type: 'payment.escrow_refunded', subjectId: e.entityId, publicMetadata: {} }),
  // Catalog and customs: product certificates (CE, RoHS, …) and customs certificates of origin.
  'catalog.certificate.added': (e) => ({
    type: 'product.certificate_added',
    subjectId: str((e.payload as any).product_id) ?? e.entityId,
    publicMetadata: { certificate_type: str((e.payload as any).type) ?? 'certificate', certificate_id: e.entityId },
  }),
  'catalog.certificate.removed': (e) => ({ type: 'product.certificate_removed', subjectId: str((e.payload as any).product_id) ?? e.entityId, publicMetadata: { certificate_id: e.entityId } }),
  'customs.certificate.*': (e) => ({ type: `customs.certificate_${e.type.split('.').slice(-1)[0]}`, subjectId: e.entityId, publicMetadata: {} }),
};

export const SUBSCRIBED_TYPES = Object.keys(EVENT_LEAVES);

export function leafForEvent(e: StoredEvent): LeafFromEvent | null {
  const exact = EVENT_LEAVES[e.type];
  if (exact) return exact(e);
  for (const [pattern, map] of Object.entries(EVENT_LEAVES)) {
    if (pattern.endsWith('*') && e.type.startsWith(pattern.slice(0, -1))) return map(e);
  }
  return null;
}
