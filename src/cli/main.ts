import { loadConfig } from '../kernel/config.ts';
import { createLogger } from '../kernel/log.ts';
import { migrate } from '../kernel/migrate.ts';
import { openDatabase } from '../kernel/db.ts';
import { allMigrations, createRuntime } from '../runtime.ts';
import { printDemoCredentials, seedDemo } from '../demo.ts';
import { modules } from '../modules/index.ts';

const HELP = `tradelane — cross-border trade platform

  tradelane start              run server, console and storefront (PORT, default 8080)
  tradelane migrate            apply database migrations
  tradelane demo               create the demo data (if not there yet)
${modules.flatMap((m) => Object.entries(m.cli ?? {}).map(([name, c]) => `  tradelane ${name.padEnd(20)}${c.summary}`)).join('\n')}

Environment: DATABASE_URL (PostgreSQL; default embedded PGlite in TRADELANE_DATA=./.tradelane),
NATS_URL, SMTP_URL, PORT, LOG_LEVEL, TRADELANE_DEMO=0 to skip demo data.`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === 'help' || cmd === '--help') {
    console.log(HELP);
    return 0;
  }
  if (cmd === 'migrate') {
    const config = loadConfig();
    const db = await openDatabase(config);
    const applied = await migrate(db, allMigrations(modules), (m) => console.log(m));
    console.log(applied.length ? `${applied.length} migrations applied` : 'database is up to date');
    await db.close();
    return 0;
  }
  if (cmd === 'start') {
    const rt = await createRuntime();
    const orgs = rt.config.demo ? await seedDemo(rt, rt.modules) : undefined;
    rt.startWorkers();
    await rt.app.listen({ port: rt.config.port, host: rt.config.host });
    const addr = rt.app.server.address();
    const url = `http://localhost:${typeof addr === 'object' && addr ? addr.port : rt.config.port}`;
    if (orgs) printDemoCredentials(orgs, url);
    else console.log(`Tradelane is running at ${url}`);
    let closing = false;
    const shutdown = async () => {
      if (closing) return;
      closing = true;
      await rt.close().catch(() => {});
      process.exit(0);
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
    return -1; // keep running
  }
  if (cmd === 'demo') {
    const rt = await createRuntime({ config: { logLevel: 'warn' } });
    const orgs = await seedDemo(rt, rt.modules);
    await rt.events.drain();
    printDemoCredentials(orgs, rt.config.publicUrl);
    await rt.close();
    return 0;
  }
  // Module commands: longest matching name wins ("ledger verify", "screening import", "verify").
  const all = modules.flatMap((m) => Object.entries(m.cli ?? {}));
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(' ');
    const found = all.find(([n]) => n === name);
    if (found) {
      const rt = await createRuntime({ config: { logLevel: process.env.LOG_LEVEL ?? 'warn' } });
      try {
        const code = await found[1].run(rt, argv.slice(words));
        await rt.events.drain();
        return typeof code === 'number' ? code : 0;
      } finally {
        await rt.close();
      }
    }
  }
  console.error(`unknown command "${argv.join(' ')}"\n\n${HELP}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => { if (code >= 0) process.exit(code); },
  (err) => { console.error(err?.message ?? err); process.exit(1); },
);
