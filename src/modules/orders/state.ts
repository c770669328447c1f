import { illegalTransition } from '../../kernel/errors.ts';

/**
 * The order state machine. Every change of `orders.status` goes through assertTransition, writes a
 * timeline row, an audit entry and the event `orders.order.<to>`.
 *   draft → pending_payment → accepted → allocated → partially_shipped → shipped → delivered → completed
 * with cancelled, on_hold (reason) and returned / refunded, plus split / merged (terminal: the order
 * lives on in the orders made from it; lineage is kept).
 */
export const ORDER_STATES = [
  'draft', 'pending_payment', 'accepted', 'allocated', 'partially_shipped', 'shipped', 'delivered', 'completed',
  'cancelled', 'on_hold', 'returned', 'refunded', 'split', 'merged',
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export const HOLD_REASONS = ['screening', 'fraud', 'compliance', 'address', 'stock', 'manual'] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

const TRANSITIONS: Record<OrderState, OrderState[]> = {
  draft: ['pending_payment', 'accepted', 'on_hold', 'cancelled', 'split', 'merged'],
  pending_payment: ['accepted', 'on_hold', 'cancelled', 'split', 'merged'],
  accepted: ['allocated', 'partially_shipped', 'shipped', 'on_hold', 'cancelled', 'split', 'merged'],
  allocated: ['partially_shipped', 'shipped', 'on_hold', 'cancelled', 'split'],
  partially_shipped: ['shipped', 'on_hold'],
  shipped: ['delivered', 'returned'],
  delivered: ['completed', 'returned'],
  completed: ['returned', 'refunded'],
  on_hold: ['cancelled'], // plus the state it was held from (release)
  returned: ['refunded', 'completed'],
  refunded: [],
  cancelled: [],
  split: [],
  merged: [],
};

/** Allowed next states; from on_hold that is the held-from state (release) or cancelled. */
export function allowedFrom(from: OrderState, heldFrom?: string | null): OrderState[] {
  if (from === 'on_hold') return heldFrom ? [heldFrom as OrderState, 'cancelled'] : ['cancelled'];
  return TRANSITIONS[from] ?? [];
}

export function assertTransition(from: OrderState, to: OrderState, heldFrom?: string | null): void {
  const allowed = allowedFrom(from, heldFrom);
  if (!allowed.includes(to)) throw illegalTransition('Order', from, to, allowed);
}

/** States whose stock is reserved (or partly shipped) in the inventory. */
export const RESERVED_STATES: OrderState[] = ['accepted', 'allocated', 'partially_shipped'];
/** States an order can still be merged or cancelled from without touching shipped goods. */
export const OPEN_STATES: OrderState[] = ['draft', 'pending_payment', 'accepted', 'allocated', 'on_hold'];
