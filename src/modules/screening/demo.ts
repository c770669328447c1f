import type { Services } from '../../http/services.ts';
import type { Db } from '../../kernel/db.ts';
import { systemContext } from '../../kernel/context.ts';
import { enqueue, type Job } from '../../kernel/jobs.ts';
import type { DemoOrgs } from '../module.ts';
import { listsReady } from './lists.ts';
import { createPendingParty, decideReview, rescreenBatch, type PartyInput } from './service.ts';

export const DEMO_JOB = 'screening.demo.settle';

/**
 * Demo parties of the seller: a clear carrier and buyer, a consignee that is a sanctioned entity
 * (Rosoboronexport — held in the queue), and a supplier whose name equals an SDN entry but is a
 * different company (decided as a false positive, so it stays cleared), with a beneficial owner.
 * They are created pending and screened by a job, so seeding never waits for the list index.
 */
export async function screeningDemo(s: Services, orgs: DemoOrgs): Promise<void> {
  const seller = orgs.seller;
  if (!seller) return;
  const ctx = systemContext(seller.orgId, 'seller', 'demo');
  const parties: PartyInput[] = [
    { name: 'Hanseatic Freight GmbH', type: 'organisation', role: 'carrier', countries: ['DE'], reference: 'demo-carrier-1' },
    { name: 'Maria Keller', type: 'person', role: 'buyer', countries: ['DE'], dob: '1988-03-14', reference: 'demo-buyer-1' },
    { name: 'Rosoboronexport', type: 'organisation', role: 'consignee', reference: 'demo-consignee-1' },
    { name: 'Golden Star Trading Co', type: 'organisation', role: 'supplier', countries: ['CN'], identifiers: [{ kind: 'registration', value: '91440300MA5F000001', country: 'CN' }], reference: 'demo-supplier-1' },
  ];
  await s.db.transaction(async (tx) => {
    const out = [];
    for (const p of parties) out.push(await createPendingParty(tx, ctx, p));
    const supplier = out[3];
    out.push(await createPendingParty(tx, ctx, { name: 'Chen Wei', type: 'person', role: 'beneficial_owner', countries: ['CN'], dob: '1975-06-02', owner_of: supplier.id, reference: 'demo-owner-1' }));
    await enqueue(tx, DEMO_JOB, { org_id: seller.orgId, false_positive_party: supplier.id }, { dedupeKey: `${DEMO_JOB}:${seller.orgId}` });
  });
}

/** Screens the demo parties once the index is ready (re-scheduling itself until then) and records the false-positive decision. */
export function demoSettleJob(s: Services) {
  return async (job: Job<{ org_id: string; false_positive_party: string }>, db: Db) => {
    if (!(await listsReady(s))) {
      await enqueue(db, DEMO_JOB, job.payload, { runAt: new Date(Date.now() + 5000) });
      return;
    }
    let after = '';
    for (;;) {
      const r = await rescreenBatch(s, after, job.payload.org_id);
      if (!r.next) break;
      after = r.next;
    }
    await db.transaction(async (tx) => {
      const ctx = systemContext(job.payload.org_id, 'seller', 'demo');
      const open = await tx.query<{ id: string }>(`SELECT id FROM screening_reviews WHERE party_id = $1 AND org_id = $2 AND status = 'open' ORDER BY id`, [job.payload.false_positive_party, job.payload.org_id]);
      for (const r of open) {
        await decideReview(tx, ctx, r.id, { decision: 'false_positive', reason: 'Different company: Golden Star Trading Co. is registered in Shenzhen (USCC 91440300MA5F000001); the SDN entry is a UAE company with other identifiers and addresses.' });
      }
    });
  };
}
