import type { RouteDef } from '../http/route.ts';
import type { Services } from '../http/services.ts';
import type { Subscriber } from '../kernel/events.ts';
import type { JobHandler } from '../kernel/jobs.ts';
import type { Migration } from '../kernel/migrate.ts';

/** What the demo seeding hands each module: the demo organisations and their owners, by kind. */
export interface DemoOrgs {
  [kind: string]: { orgId: string; userId: string; email: string; password: string; name: string };
}

export interface CliCommand {
  summary: string;
  usage?: string;
  run(services: Services, args: string[]): Promise<number | void>;
}

/**
 * A business capability. It owns its tables (migrations), its routes, its event subscribers and
 * jobs, optional demo data, and CLI commands. Modules talk to each other only through index.ts.
 */
export interface TradelaneModule {
  name: string;
  migrations?: Migration[];
  routes?: RouteDef<any, any, any>[];
  subscribers?(services: Services): Subscriber[];
  jobs?(services: Services): Record<string, JobHandler>;
  /** Load data (rule tables, indexes) into services.state at start. */
  init?(services: Services): Promise<void>;
  /** Add demo data; called once on first start, in module order. */
  demo?(services: Services, orgs: DemoOrgs): Promise<void>;
  cli?: Record<string, CliCommand>;
  /** Record types other organisations can be granted access to: entity type → owning table. */
  shareable?: Record<string, string>;
}
