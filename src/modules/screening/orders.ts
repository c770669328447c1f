import type { Services } from '../../http/services.ts';
import { systemContext } from '../../kernel/context.ts';
import type { Db } from '../../kernel/db.ts';
import type { Subscriber } from '../../kernel/events.ts';
import { enqueue, type Job } from '../../kernel/jobs.ts';
import { hold, loadOrder } from '../orders/index.ts';
import { listsReady } from './lists.ts';
import { screenParty } from './service.ts';

/**
 * Order intake screening: when an order is accepted, its buyer and consignee are screened in the
 * background (a job, so intake never waits for the list index); a hold or block decision puts the
 * order on hold with reason "screening" and the matches enter the review queue.
 */
export const ORDER_SCREEN_JOB = 'screening.order';

export const orderScreeningSubscriber: Subscriber = {
  name: 'screening.orders',
  types: ['orders.order.accepted'],
  async handle(tx, e) {
    if (!e.orgId) return;
    await enqueue(tx, ORDER_SCREEN_JOB, { orderId: e.entityId, orgId: e.orgId }, { orgId: e.orgId, dedupeKey: `screening-order:${e.entityId}` });
  },
};

const HELD_DECISIONS = new Set(['hold', 'block']);
const TERMINAL = new Set(['cancelled', 'completed', 'delivered', 'returned', 'refunded', 'split', 'merged', 'on_hold']);

export function orderScreeningJob(s: Services) {
  return async (job: Job<{ orderId: string; orgId: string }>, db: Db) => {
    if (!(await listsReady(s))) {
      await enqueue(db, ORDER_SCREEN_JOB, job.payload, { runAt: new Date(Date.now() + 5000), orgId: job.payload.orgId });
      return;
    }
    await db.transaction(async (tx) => {
      const ctx = systemContext(job.payload.orgId, 'seller', `job:${job.id}`);
      const order = await loadOrder(tx, ctx, job.payload.orderId, { lock: true });
      const parties = [
        { role: 'buyer', name: order.buyer?.company || order.buyer?.name, countries: order.ship_to?.country ? [order.ship_to.country] : [] },
        { role: 'consignee', name: order.ship_to?.company || order.ship_to?.name, countries: order.ship_to?.country ? [order.ship_to.country] : [] },
      ].filter((p) => typeof p.name === 'string' && p.name.trim().length > 0);
      const hits: string[] = [];
      for (const p of parties) {
        const r = await screenParty(tx, s, ctx, { name: p.name, countries: p.countries, role: p.role as any, reference: `${order.id}:${p.role}` });
        if (HELD_DECISIONS.has(r.decision)) hits.push(`${p.role} "${p.name}" → ${r.decision} (score ${r.score.toFixed(2)}, screening ${r.screeningId})`);
      }
      if (hits.length && !TERMINAL.has(order.status)) await hold(tx, ctx, order.id, 'screening', `Denied-party screening: ${hits.join('; ')}`);
    });
  };
}
