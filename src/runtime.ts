import type { FastifyInstance } from 'fastify';
import { buildApp } from './http/app.ts';
import type { RouteDef } from './http/route.ts';
import type { Services } from './http/services.ts';
import { loadConfig, type Config } from './kernel/config.ts';
import { SecretBox } from './kernel/crypto.ts';
import { openDatabase, type Db } from './kernel/db.ts';
import { EventDispatcher } from './kernel/events.ts';
import { JobRunner } from './kernel/jobs.ts';
import { createLogger, type Logger } from './kernel/log.ts';
import { emailJobHandler } from './kernel/mail.ts';
import { migrate } from './kernel/migrate.ts';
import { natsPublisher } from './kernel/nats.ts';
import { kernelMigrations } from './kernel/schema.ts';
import { settingsMigration } from './kernel/settings.ts';
import { modules as allModules } from './modules/index.ts';
import type { TradelaneModule } from './modules/module.ts';

export interface Runtime extends Services {
  modules: TradelaneModule[];
  app: FastifyInstance;
  routes: RouteDef[];
  /** Start background work: event dispatcher and job runner. */
  startWorkers(): void;
  close(): Promise<void>;
}

export const allMigrations = (modules: TradelaneModule[]) => [...kernelMigrations, settingsMigration, ...modules.flatMap((m) => m.migrations ?? [])];

/** Open the database, apply migrations, wire modules, subscribers and jobs, and build the HTTP app. */
export async function createRuntime(opts: { config?: Partial<Config>; db?: Db; log?: Logger; modules?: TradelaneModule[]; secrets?: SecretBox } = {}): Promise<Runtime> {
  const config = { ...loadConfig(), ...opts.config };
  const log = opts.log ?? createLogger(config.logLevel);
  const db = opts.db ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  const modules = opts.modules ?? allModules;
  await migrate(db, allMigrations(modules), (m) => log.debug(m));

  const secrets = opts.secrets ?? SecretBox.fromEnvOrDir(config.dataDir);
  const events = new EventDispatcher(db, log);
  const jobs = new JobRunner(db, log, config.jobLeaseSeconds);
  const services: Services = { config, db, log, secrets, events, jobs, state: new Map() };

  services.state.set('shareable', Object.assign({}, ...modules.map((m) => m.shareable ?? {})));
  jobs.register('email.send', emailJobHandler({ smtpUrl: config.smtpUrl, from: config.mailFrom, log }));
  for (const m of modules) {
    for (const [kind, handler] of Object.entries(m.jobs?.(services) ?? {})) jobs.register(kind, handler);
    for (const s of m.subscribers?.(services) ?? []) events.subscribe(s);
  }
  let nats: Awaited<ReturnType<typeof natsPublisher>> | null = null;
  if (config.natsUrl) {
    nats = await natsPublisher(config.natsUrl, log);
    events.subscribe(nats.subscriber);
  }
  for (const m of modules) await m.init?.(services);

  const { app, routes } = await buildApp(services, modules);
  return {
    ...services,
    modules,
    app,
    routes,
    startWorkers() {
      events.start();
      jobs.start();
    },
    async close() {
      await app.close();
      await events.stop();
      await jobs.stop();
      await nats?.close();
      await db.close();
    },
  };
}
