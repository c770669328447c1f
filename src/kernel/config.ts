import { resolve } from 'node:path';

/** Process configuration, read once from the environment. Nothing secret is ever logged from here. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  natsUrl?: string;
  smtpUrl?: string;
  mailFrom: string;
  logLevel: string;
  publicUrl: string;
  rateLimitPerMinute: number;
  rateLimitPerMinuteIp: number;
  demo: boolean;
  /** How long a claimed job is leased before another worker may take it over (crash recovery). */
  jobLeaseSeconds: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a TCP port number, got "${env.PORT}"`);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    dataDir: resolve(env.TRADELANE_DATA ?? './.tradelane'),
    databaseUrl: env.DATABASE_URL || undefined,
    natsUrl: env.NATS_URL || undefined,
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM ?? 'Tradelane <no-reply@tradelane.local>',
    logLevel: env.LOG_LEVEL ?? 'info',
    publicUrl: env.PUBLIC_URL ?? `http://localhost:${port}`,
    rateLimitPerMinute: Number(env.RATE_LIMIT_PER_MINUTE ?? 6000),
    rateLimitPerMinuteIp: Number(env.RATE_LIMIT_PER_MINUTE_IP ?? 3000),
    demo: env.TRADELANE_DEMO !== '0',
    jobLeaseSeconds: Number(env.JOB_LEASE_SECONDS ?? 60),
  };
}
