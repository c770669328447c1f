import { createHash } from 'node:crypto';
import type { Services } from '../../http/services.ts';
import { randomToken } from '../../kernel/crypto.ts';
import type { Db, Executor } from '../../kernel/db.ts';
import { newId } from '../../kernel/ids.ts';
import { enqueue, type Job } from '../../kernel/jobs.ts';
import { getSetting } from '../../kernel/settings.ts';
import { signWebhook, verifyWebhookSignature } from '../webhooks/index.ts';

/**
 * Payment service providers behind one interface. The provider tells us outcomes asynchronously
 * through signed webhooks (POST /v1/payments/webhooks/<name>); the ledger is only moved when such
 * a webhook arrives, and every webhook is handled idempotently (event id, then transfer ids).
 *
 * Calls take the caller's transaction so the built-in sandbox can record its own side atomically;
 * an adapter for a real provider makes its HTTP call and ignores `tx`.
 */
export type ProviderEventType = 'payment.captured' | 'payment.failed' | 'refund.succeeded' | 'refund.failed' | 'payout.paid' | 'payout.failed';

export interface ProviderEvent {
  id: string; // the provider's event id (duplicates share it)
  type: ProviderEventType;
  providerRef: string; // the provider's id of the payment / refund / payout
  reference: string; // our id (pay_…, rfd_…, pot_…)
  amount: number;
  currency: string;
  reason?: string;
}

export interface BankDetails { holder: string; bankName: string; account: string }

export interface PaymentProvider {
  readonly name: string;
  authorise(tx: Executor, req: { reference: string; amount: number; currency: string }): Promise<{ providerRef: string; status: 'authorised' | 'declined'; reason?: string }>;
  /** Capture an authorisation; the result comes by webhook (payment.captured / payment.failed). */
  capture(tx: Executor, req: { providerRef: string; reference: string; amount: number; currency: string }): Promise<void>;
  refund(tx: Executor, req: { paymentProviderRef: string; reference: string; amount: number; currency: string }): Promise<{ providerRef: string }>;
  payout(tx: Executor, req: { reference: string; amount: number; currency: string; bank: BankDetails }): Promise<{ providerRef: string }>;
  verifyWebhook(headers: Record<string, string | string[] | undefined>, rawBody: Buffer): boolean;
  parseWebhook(rawBody: Buffer): ProviderEvent;
  /** The provider's own settlement report as CSV (what reconciliation compares against). */
  report?(ex: Executor): Promise<string>;
}

export interface SandboxOptions {
  seed: string;
  declineRate: number; // authorisations declined
  payoutFailureRate: number;
  duplicateRate: number; // webhooks delivered twice
  deliveryFailureRate: number; // first delivery attempt fails (network), retried by the job runner
  minDelayMs: number;
  maxDelayMs: number;
}

export const defaultSandboxOptions = (): SandboxOptions => ({
  seed: process.env.TRADELANE_SANDBOX_SEED ?? 'tradelane-sandbox',
  declineRate: Number(process.env.TRADELANE_SANDBOX_DECLINE_RATE ?? 0.05),
  payoutFailureRate: 0.05,
  duplicateRate: 0.3,
  deliveryFailureRate: 0.2,
  minDelayMs: 500,
  maxDelayMs: 4000,
});

/** Deterministic random numbers per (seed, key): the same payment always behaves the same way. */
export function seededRandom(seed: string, key: string): () => number {
  let s = createHash('sha256').update(`${seed}:${key}`).digest().readUInt32LE(0);
  return () => {
    // mulberry32
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SANDBOX_SIGNATURE_HEADER = 'sandbox-signature';

/**
 * A provider that behaves like a real one: it keeps its own books (ledger_sandbox_ops), declines
 * some authorisations, and reports outcomes by signed webhooks sent to our own endpoint after a
 * delay, sometimes twice, sometimes only on a retry — all decided by a seeded random generator.
 */
export class SandboxProvider implements PaymentProvider {
  readonly name = 'sandbox';
  constructor(private readonly secret: string, readonly options: SandboxOptions) {}

  private rng(key: string) { return seededRandom(this.options.seed, key); }

  private async schedule(tx: Executor, event: Omit<ProviderEvent, 'id'>) {
    const rnd = this.rng(`${event.type}:${event.reference}`);
    const body = JSON.stringify({ id: 'sbxevt_' + randomToken(12), type: event.type, created: new Date().toISOString(), data: {
      provider_ref: event.providerRef, reference: event.reference, amount: event.amount, currency: event.currency, reason: event.reason ?? null,
    } });
    const copies = rnd() < this.options.duplicateRate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const delay = this.options.minDelayMs + Math.floor(rnd() * Math.max(0, this.options.maxDelayMs - this.options.minDelayMs));
      const failFirst = rnd() < this.options.deliveryFailureRate;
      await enqueue(tx, 'ledger.sandbox.deliver', { body, failFirst }, { runAt: new Date(Date.now() + delay), maxAttempts: 12 });
    }
  }

  async authorise(tx: Executor, req: { reference: string; amount: number; currency: string }) {
    const providerRef = 'sbx_pi_' + randomToken(12);
    const declined = this.rng(`authorise:${req.reference}`)() < this.options.declineRate;
    await tx.query(`INSERT INTO ledger_sandbox_ops (provider_ref, kind, currency, amount, status, reference) VALUES ($1,'capture',$2,$3,$4,$5)`,
      [providerRef, req.currency, req.amount, declined ? 'declined' : 'authorised', req.reference]);
    return declined ? { providerRef, status: 'declined' as const, reason: 'card_declined' } : { providerRef, status: 'authorised' as const };
  }

  async capture(tx: Executor, req: { providerRef: string; reference: string; amount: number; currency: string }) {
    await tx.query(`UPDATE ledger_sandbox_ops SET status = 'succeeded' WHERE provider_ref = $1`, [req.providerRef]);
    await this.schedule(tx, { type: 'payment.captured', providerRef: req.providerRef, reference: req.reference, amount: req.amount, currency: req.currency });
  }

  async refund(tx: Executor, req: { paymentProviderRef: string; reference: string; amount: number; currency: string }) {
    const providerRef = 'sbx_re_' + randomToken(12);
    await tx.query(`INSERT INTO ledger_sandbox_ops (provider_ref, kind, currency, amount, status, reference) VALUES ($1,'refund',$2,$3,'succeeded',$4)`, [providerRef, req.currency, req.amount, req.reference]);
    await this.schedule(tx, { type: 'refund.succeeded', providerRef, reference: req.reference, amount: req.amount, currency: req.currency });
    return { providerRef };
  }

  async payout(tx: Executor, req: { reference: string; amount: number; currency: string; bank: BankDetails }) {
    const providerRef = 'sbx_po_' + randomToken(12);
    const failed = this.rng(`payout:${req.reference}`)() < this.options.payoutFailureRate;
    await tx.query(`INSERT INTO ledger_sandbox_ops (provider_ref, kind, currency, amount, status, reference) VALUES ($1,'payout',$2,$3,$4,$5)`,
      [providerRef, req.currency, req.amount, failed ? 'failed' : 'succeeded', req.reference]);
    await this.schedule(tx, { type: failed ? 'payout.failed' : 'payout.paid', providerRef, reference: req.reference, amount: req.amount, currency: req.currency, reason: failed ? 'account_closed' : undefined });
    return { providerRef };
  }

  sign(body: string): string { return signWebhook(this.secret, body); }

  verifyWebhook(headers: Record<string, string | string[] | undefined>, rawBody: Buffer): boolean {
    const h = headers[SANDBOX_SIGNATURE_HEADER];
    return typeof h === 'string' && verifyWebhookSignature(this.secret, h, rawBody.toString('utf8'));
  }

  parseWebhook(rawBody: Buffer): ProviderEvent {
    const j = JSON.parse(rawBody.toString('utf8'));
    return { id: j.id, type: j.type, providerRef: j.data.provider_ref, reference: j.data.reference, amount: j.data.amount, currency: j.data.currency, reason: j.data.reason ?? undefined };
  }

  /** Settlement report in the provider's own words: provider_ref,type,amount,currency,reference,created_at. */
  async report(ex: Executor): Promise<string> {
    const rows = await ex.query(`SELECT * FROM ledger_sandbox_ops WHERE status = 'succeeded' ORDER BY created_at, provider_ref`);
    const { formatDecimal } = await import('../../kernel/money.ts');
    return ['provider_ref,type,amount,currency,reference,created_at',
      ...rows.map((r) => [r.provider_ref, r.kind, formatDecimal(r.amount, r.currency), r.currency, r.reference, new Date(r.created_at).toISOString()].join(','))].join('\n') + '\n';
  }
}

/** Job: deliver one sandbox webhook to our own endpoint, signed at send time. */
export function sandboxDeliveryJob(services: Services) {
  return async (job: Job<{ body: string; failFirst: boolean }>, _db: Db) => {
    const sandbox = providerRegistry(services).get('sandbox') as SandboxProvider;
    if (job.payload.failFirst && job.attempts === 1) throw new Error('sandbox: simulated network failure, will retry');
    const res = await fetch(`${services.config.publicUrl.replace(/\/$/, '')}/v1/payments/webhooks/sandbox`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SANDBOX_SIGNATURE_HEADER]: sandbox.sign(job.payload.body) },
      body: job.payload.body,
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`webhook endpoint answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  };
}

export interface LedgerProviders { providers: Map<string, PaymentProvider> }

export function providerRegistry(services: Services): Map<string, PaymentProvider> {
  const s = services.state.get('ledger.providers') as Map<string, PaymentProvider> | undefined;
  if (!s) throw new Error('ledger module not initialised');
  return s;
}

/** Called from the module's init: the sandbox's webhook secret is generated once and kept sealed. */
export async function initProviders(services: Services, options: Partial<SandboxOptions> = {}) {
  // Insert-if-absent, then read back: several processes starting at once agree on one secret.
  await services.db.query(`INSERT INTO system_settings (key, value) VALUES ('ledger.sandbox.webhook_secret', $1) ON CONFLICT (key) DO NOTHING`,
    [JSON.stringify(services.secrets.seal('sbxsec_' + randomToken(24)))]);
  const sealed = (await getSetting<string>(services.db, 'ledger.sandbox.webhook_secret'))!;
  const sandbox = new SandboxProvider(services.secrets.open(sealed), { ...defaultSandboxOptions(), ...options });
  services.state.set('ledger.providers', new Map<string, PaymentProvider>([[sandbox.name, sandbox]]));
  return sandbox;
}

export const newPaymentId = () => newId('pay');
