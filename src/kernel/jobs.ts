import type { Db, Executor } from './db.ts';
import { newId } from './ids.ts';
import type { Logger } from './log.ts';

/**
 * Timed and retried work in the same database: escrow timeouts, SLA checks, webhook deliveries,
 * e-mails. Picked with FOR UPDATE SKIP LOCKED under a lease, so several workers (or processes) never
 * run the same job at once, and a job whose worker died is picked up again when its lease expires.
 */
export interface Job<P = any> {
  id: string;
  kind: string;
  payload: P;
  attempts: number;
  maxAttempts: number;
  orgId: string | null;
}

export interface EnqueueOptions {
  runAt?: Date;
  /** At most one live job per key; enqueueing again is a no-op. */
  dedupeKey?: string;
  maxAttempts?: number;
  orgId?: string | null;
}

export async function enqueue(tx: Executor, kind: string, payload: unknown, opts: EnqueueOptions = {}): Promise<string> {
  const id = newId('job');
  const rows = await tx.query<{ id: string }>(
    `INSERT INTO jobs (id, kind, payload, run_at, dedupe_key, max_attempts, org_id)
     VALUES ($1, $2, $3, COALESCE($4::timestamptz, now()), $5, $6, $7)
     ON CONFLICT (dedupe_key) WHERE status IN ('queued','running') DO NOTHING RETURNING id`,
    [id, kind, JSON.stringify(payload ?? {}), opts.runAt ?? null, opts.dedupeKey ?? null, opts.maxAttempts ?? 10, opts.orgId ?? null],
  );
  return rows[0]?.id ?? 'deduplicated';
}

export type JobHandler = (job: Job, db: Db) => Promise<void>;

/** Exponential backoff with a cap: 2s, 4s, 8s … 1h. */
export const backoffSeconds = (attempt: number) => Math.min(3600, 2 ** attempt);

export class JobRunner {
  private handlers = new Map<string, JobHandler>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  private active = 0;

  constructor(private readonly db: Db, private readonly log?: Logger, private readonly leaseSeconds = 60) {}

  register(kind: string, handler: JobHandler) {
    this.handlers.set(kind, handler);
  }

  start(intervalMs = 250) {
    this.stopped = false;
    const tick = async () => {
      if (this.stopped) return;
      const n = await this.runDue().catch((err) => { this.log?.error({ err }, 'job runner tick failed'); return 0; });
      if (!this.stopped) this.timer = setTimeout(tick, n > 0 ? 0 : intervalMs);
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    while (this.active > 0) await new Promise((r) => setTimeout(r, 5));
  }

  /** Claim and run due jobs once; returns how many ran. `now` lets tests move time forward. */
  async runDue(limit = 20, now?: Date): Promise<number> {
    const kinds = [...this.handlers.keys()];
    if (kinds.length === 0) return 0;
    const claimed = await this.db.transaction((tx) =>
      tx.query(
        `UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = COALESCE($3::timestamptz, now()) + make_interval(secs => $2), updated_at = now()
          WHERE id IN (SELECT id FROM jobs
                        WHERE kind = ANY($1) AND run_at <= COALESCE($3::timestamptz, now())
                          AND (status = 'queued' OR (status = 'running' AND locked_until < COALESCE($3::timestamptz, now())))
                        ORDER BY run_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
          RETURNING id, kind, payload, attempts, max_attempts, org_id`,
        [kinds, this.leaseSeconds, now ?? null],
      ),
    );
    for (const r of claimed) {
      const job: Job = { id: r.id, kind: r.kind, payload: r.payload, attempts: r.attempts, maxAttempts: r.max_attempts, orgId: r.org_id };
      this.active++;
      try {
        await this.handlers.get(job.kind)!(job, this.db);
        await this.db.query(`UPDATE jobs SET status = 'done', locked_until = NULL, last_error = NULL, updated_at = now() WHERE id = $1`, [job.id]);
      } catch (err: any) {
        const dead = job.attempts >= job.maxAttempts;
        this.log?.warn({ jobId: job.id, kind: job.kind, attempt: job.attempts, err: err?.message }, dead ? 'job failed for good' : 'job failed; will retry');
        await this.db.query(
          `UPDATE jobs SET status = $2, run_at = now() + make_interval(secs => $3), locked_until = NULL, last_error = $4, updated_at = now() WHERE id = $1`,
          [job.id, dead ? 'dead' : 'queued', backoffSeconds(job.attempts), String(err?.message ?? err).slice(0, 2000)],
        );
      } finally {
        this.active--;
      }
    }
    return claimed.length;
  }
}
