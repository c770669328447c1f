import type { Config } from '../kernel/config.ts';
import type { SecretBox } from '../kernel/crypto.ts';
import type { Db } from '../kernel/db.ts';
import type { EventDispatcher } from '../kernel/events.ts';
import type { JobRunner } from '../kernel/jobs.ts';
import type { Logger } from '../kernel/log.ts';

/** What the running process holds: handed to routes, subscribers and jobs. */
export interface Services {
  config: Config;
  db: Db;
  log: Logger;
  secrets: SecretBox;
  events: EventDispatcher;
  jobs: JobRunner;
  /** Per-module singletons (loaded rule data, indexes…), keyed by module name. */
  state: Map<string, unknown>;
}
