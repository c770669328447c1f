import type { Services } from '../../http/services.ts';
import { enqueue } from '../../kernel/jobs.ts';
import type { TradelaneModule } from '../module.ts';
import { traceCli } from './cli.ts';
import { traceDemo } from './demo.ts';
import { openLog, publishCheckpoint, sequenceAll } from './log.ts';
import { SUBSCRIBED_TYPES } from './mapping.ts';
import { logKeys, TRACE_STATE, traceRoutes } from './routes.ts';
import { traceMigrations } from './schema.ts';
import { recordFromEvent } from './service.ts';

/** How often a checkpoint is published (kept for consistency proofs and audits). */
export const CHECKPOINT_INTERVAL_MS = Number(process.env.TRACE_CHECKPOINT_INTERVAL_MS ?? 60_000);

async function scheduleCheckpoint(s: Services, afterMs = CHECKPOINT_INTERVAL_MS) {
  const slot = Math.floor((Date.now() + afterMs) / CHECKPOINT_INTERVAL_MS);
  await enqueue(s.db, 'trace.checkpoint', {}, { dedupeKey: `trace.checkpoint:${slot}`, runAt: new Date(slot * CHECKPOINT_INTERVAL_MS) });
}

/**
 * Verifiable traceability log (issue 10): an append-only RFC 9162 Merkle log of trace records in
 * the database, signed C2SP checkpoints, public proofs and tiles, offline verification, and
 * digital product passports with a browser-verified history.
 */
export const traceModule: TradelaneModule = {
  name: 'trace',
  migrations: traceMigrations,
  routes: traceRoutes,
  subscribers: () => [{ name: 'trace.records', types: SUBSCRIBED_TYPES, handle: recordFromEvent }],
  jobs: (s) => ({
    // Batches every record queued in the last interval into the tree (see appendRecord).
    'trace.sequence': async () => { await sequenceAll(s.db, logKeys(s)); },
    // Periodic: sequence anything left over, publish the checkpoint, schedule the next run.
    'trace.checkpoint': async () => {
      await sequenceAll(s.db, logKeys(s));
      await publishCheckpoint(s.db);
      await scheduleCheckpoint(s);
    },
  }),
  async init(s) {
    const { keys, created } = await openLog(s.db, s.secrets, s.config.publicUrl);
    s.state.set(TRACE_STATE, keys);
    s.log.info({ origin: keys.origin, verifierKey: keys.verifierKey, keyUrl: `${s.config.publicUrl}/.well-known/tradelane-log-key` },
      created ? 'traceability log created; its verifier key' : 'traceability log verifier key');
    await scheduleCheckpoint(s, 0);
  },
  demo: traceDemo,
  cli: traceCli,
};

export { appendRecord, type AppendInput, type AppendedRecord, type PublicMetadata } from './service.ts';
export { verifyOffline, type VerifyInput, type VerifyResult, type VerifyStep } from './verify.ts';
export { EVENT_LEAVES } from './mapping.ts';
export { auditLog, sequenceAll, publishCheckpoint, type AuditReport } from './log.ts';
