import type { TradelaneModule } from '../module.ts';
import { enqueue, type Job } from '../../kernel/jobs.ts';
import { ORG_SCREEN_JOB, organisationScreeningJob, organisationScreeningSubscriber } from './organisations.ts';
import type { Db } from '../../kernel/db.ts';
import { screeningCli } from './cli.ts';
import { DEMO_JOB, demoSettleJob, screeningDemo } from './demo.ts';
import { listsReady, registerBundledVersions } from './lists.ts';
import { screeningRoutes } from './routes.ts';
import { screeningMigrations } from './schema.ts';
import { RESCREEN_BATCH, RESCREEN_JOB, rescreenBatch } from './service.ts';
import { registerGateServices } from './gate.ts';
import { ORDER_SCREEN_JOB, orderScreeningJob, orderScreeningSubscriber } from './orders.ts';

/**
 * Denied-party screening (issue 9): parties screened on creation and change against the sanctions
 * lists (engine: src/engines/screening), list versions kept in tables, a review queue with
 * side-by-side comparison and decisions that suppress the same false positive, thresholds per
 * organisation, batch checks, and `tradelane screening import` for newer official files.
 * The list index (several seconds to build) is built on first use, never at start.
 */
export const screeningModule: TradelaneModule = {
  name: 'screening',
  migrations: screeningMigrations,
  routes: screeningRoutes,
  jobs: (s) => ({
    // Batched re-screen of every party after a list import; waits (re-scheduled) until the index is built.
    [RESCREEN_JOB]: async (job: Job<{ after: string; reason: string; org_id: string | null }>, db: Db) => {
      if (!(await listsReady(s))) {
        await enqueue(db, RESCREEN_JOB, job.payload, { runAt: new Date(Date.now() + 5000) });
        return;
      }
      const r = await rescreenBatch(s, job.payload.after, job.payload.org_id, RESCREEN_BATCH);
      if (r.next) await enqueue(db, RESCREEN_JOB, { ...job.payload, after: r.next });
      s.log.info({ reason: job.payload.reason, screened: r.screened, cached: r.cached, next: r.next }, 'screening re-screen batch');
    },
    [DEMO_JOB]: demoSettleJob(s) as any,
    [ORDER_SCREEN_JOB]: orderScreeningJob(s) as any,
    [ORG_SCREEN_JOB]: organisationScreeningJob(s) as any,
  }),
  subscribers: () => [orderScreeningSubscriber, organisationScreeningSubscriber],
  async init(s) {
    // Only the small version registry; the entries are imported and indexed on first screening.
    await registerBundledVersions(s.db);
    registerGateServices(s);
  },
  demo: screeningDemo,
  cli: screeningCli,
};

// The screening module's public face for other modules (order intake, booking, payout).
export { screenParty, assertPartyCleared, type ScreenPartyInput, type Decision as ScreeningDecision } from './service.ts';
export { screeningGate } from './gate.ts';
