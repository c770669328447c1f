import type { Services } from '../../http/services.ts';
import { systemContext } from '../../kernel/context.ts';
import type { Db } from '../../kernel/db.ts';
import type { Subscriber } from '../../kernel/events.ts';
import { enqueue, type Job } from '../../kernel/jobs.ts';
import { directory, organisationProfile } from '../identity/index.ts';
import { listsReady } from './lists.ts';
import { screenParty } from './service.ts';

/**
 * Every organisation that joins is screened against the denied-party lists on behalf of the platform
 * operator (know-your-customer for the marketplace; with several operator organisations, the first by
 * name): the operator's screening keeps it as a party of
 * role "organisation", and a possible match enters the operator's review queue. Runs as a job, so
 * sign-up never waits for the list index.
 */
export const ORG_SCREEN_JOB = 'screening.organisation';

export const organisationScreeningSubscriber: Subscriber = {
  name: 'screening.organisations',
  types: ['identity.organisation.created'],
  async handle(tx, e) {
    await enqueue(tx, ORG_SCREEN_JOB, { orgId: e.entityId }, { dedupeKey: `screening-organisation:${e.entityId}` });
  },
};

export function organisationScreeningJob(s: Services) {
  return async (job: Job<{ orgId: string }>, db: Db) => {
    // Without an operator there is nobody to screen for — and no reason to build the list index.
    const [operator] = await directory(db, 'operator');
    if (!operator) return;
    if (!(await listsReady(s))) {
      await enqueue(db, ORG_SCREEN_JOB, job.payload, { runAt: new Date(Date.now() + 5000) });
      return;
    }
    await db.transaction(async (tx) => {
      const org = await organisationProfile(tx, job.payload.orgId);
      if (!org || org.kind === 'operator') return;
      const ctx = systemContext(operator.id, 'operator', `job:${job.id}`);
      await screenParty(tx, s, ctx, { name: org.name, type: 'entity', countries: org.country ? [org.country] : [], role: 'organisation', reference: `organisation:${org.id}` });
    });
  };
}
