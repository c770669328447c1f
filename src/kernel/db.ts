import { parse, PGlite, protocol } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CommitGroups, type WholeStep } from './commit-groups.ts';
import { CACHE_CHANNEL, ReadCache } from './read-cache.ts';
import { runPipeline } from './pg-pipeline.ts';
import { AppendRows } from './appends.ts';
import { inlineParams, toText } from './sql-inline.ts';

/**
 * One database interface over the embedded PGlite and a PostgreSQL server. The same SQL runs on
 * both. `Executor` is what use-cases receive: the database itself or an open transaction.
 *
 * Round trips, not statements, are what a request pays for here (a socket write and a process
 * wake-up each on PostgreSQL; a protocol exchange with the WASM backend each on PGlite), and planning
 * a statement costs more than running a lookup by key. So a transaction sends pipelines: BEGIN (and
 * the `first` read, and `precede` writes) travel with its first statement, its deferred writes with
 * COMMIT, and `queryMany` sends many statements at once — statements with parameters always as
 * prepared statements, whose plans PostgreSQL keeps. A transaction that only defers writes is one
 * round trip, and such transactions are committed in groups (commit-groups.ts).
 */
export interface Executor {
  query<T = Record<string, any>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Exactly one row or throws. */
  one<T = Record<string, any>>(sql: string, params?: unknown[]): Promise<T>;
  /** Zero or one row. */
  maybeOne<T = Record<string, any>>(sql: string, params?: unknown[]): Promise<T | undefined>;
  /** Run several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Several statements in ONE round trip, in order (a pipeline of prepared statements): each
   * statement's rows. Batches use it for statements that do not depend on each other's results.
   * A failing statement fails the call (and, in a transaction, the transaction). In a transaction,
   * deferred writes queued so far travel ahead of the statements in the same message.
   */
  queryMany(statements: ReadonlyArray<Statement>): Promise<any[][]>;
  /**
   * A write whose result nobody reads (audit rows, outbox events, idempotency records): in a
   * transaction it is queued and sent together with COMMIT in one round trip, in call order; a
   * failure fails the commit. Outside a transaction it runs at once.
   *
   * `append`: the write is a single-row `INSERT … VALUES (…)` into a table that no statement of the
   * transaction reads and nothing in it depends on (audit_log, outbox). Rows of the same statement are
   * then sent as multi-row INSERTs, in call order, at the place of the first — and for transactions
   * committed together (commit-groups.ts), all of the group's rows just before its COMMIT — one
   * statement for PostgreSQL instead of one per row.
   */
  defer(sql: string, params?: unknown[], opts?: { append?: boolean }): Promise<void>;
  /**
   * A write whose result nobody reads but whose effect later statements of the transaction must see
   * (stock reservations decided on locked rows): it travels ahead of the transaction's next round
   * trip — a statement, queryMany or COMMIT — instead of costing one of its own. Outside a
   * transaction it runs at once.
   */
  precede(sql: string, params?: unknown[]): Promise<void>;
  /** Read a hot record through the process's read cache (read-cache.ts); inside a transaction, straight from the database. */
  cached<T>(key: string, load: () => Promise<T>): Promise<T>;
  /** These cached keys ("prefix*" for a family) are stale once this transaction commits: evicted now, after COMMIT, and in every server process. */
  invalidate(...keys: string[]): Promise<void>;
  readonly inTransaction: boolean;
}

/** A statement and its parameters ($1, $2, …). */
export type Statement = readonly [sql: string, params?: unknown[]];

/**
 * `first`: a read that travels in the transaction's first round trip, ahead of the use-case's first
 * statement; `check` sees its rows before the use-case sees any result and may throw to abandon the
 * transaction (the idempotency-key lookup uses it: a first request pays no round trip for it). When
 * the use-case runs no statement of its own (all its writes deferred: a whole transaction, committed
 * in one round trip, perhaps with others), the read is not made and `check` not called: use `first`
 * only where a conflicting commit fails by itself (the idempotency record's primary key does).
 */
export interface TransactionOptions { first?: { sql: string; params?: unknown[]; check(rows: any[]): void } }

export interface Db extends Executor {
  readonly kind: 'pglite' | 'postgres';
  transaction<T>(fn: (tx: Executor) => Promise<T>, opts?: TransactionOptions): Promise<T>;
  /** Whole one-round-trip transactions committed in groups (commit-groups.ts), where the backend does so. */
  readonly commitGroups?: CommitGroups['stats'];
  close(): Promise<void>;
}

/** Run `fn` in a transaction, reusing the caller's if it already is one. */
export function withTx<T>(ex: Executor | Db, fn: (tx: Executor) => Promise<T>): Promise<T> {
  if (ex.inTransaction || !('transaction' in ex)) return fn(ex);
  return (ex as Db).transaction(fn);
}

// int8 as JS number (ids, counts and minor units stay well within 2^53); numeric stays a string.
pg.types.setTypeParser(20, (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`int8 value ${v} exceeds the safe integer range`);
  return n;
});

const notifySql = `SELECT pg_notify('${CACHE_CHANNEL}', $1)`;

/** The executor outside any transaction: every statement on its own. */
function direct(run: (sql: string, params?: unknown[]) => Promise<any[]>, execAll: (sql: string) => Promise<void>, cache: ReadCache, notify: boolean): Executor {
  return {
    inTransaction: false,
    query: run as Executor['query'],
    one: async (sql, params) => exactlyOne(await run(sql, params), sql),
    maybeOne: async (sql, params) => (await run(sql, params))[0],
    exec: execAll,
    async queryMany(statements) {
      const out: any[][] = [];
      for (const [sql, params] of statements) out.push(await run(sql, params));
      return out;
    },
    defer: async (sql, params) => { await run(sql, params); },
    precede: async (sql, params) => { await run(sql, params); },
    cached: (key, load) => cache.get(key, load),
    async invalidate(...keys) {
      for (const k of keys) {
        cache.evict(k);
        if (notify) await run(notifySql, [k]);
      }
    },
  };
}

function exactlyOne(rows: any[], sql: string) {
  if (rows.length !== 1) throw new Error(`expected one row, got ${rows.length}: ${sql.slice(0, 80)}`);
  return rows[0];
}

class TransactionAborted extends Error {
  constructor() { super('The transaction was aborted by an earlier error and has been rolled back'); }
}

type Result = { rows: any[]; command?: string };

/** A statement text without parameters, or a statement with its parameters. */
type Step = string | Statement;
const inlineStep = (step: Step) => (typeof step === 'string' ? step : inlineParams(step[0], step[1]));

/** How a transaction talks to its connection; each call is one round trip. */
interface Wire {
  /** Simple-protocol text (several statements allowed); each statement's result. */
  simple(text: string): Promise<Result[]>;
  /** One statement with its parameters (prepared). */
  statement(sql: string, params: unknown[] | undefined): Promise<Result[]>;
  /**
   * Steps in ONE round trip, in order: texts (BEGIN, COMMIT; one statement each) run
   * unnamed, statements with parameters as prepared statements. Each step's result.
   */
  pipeline(steps: ReadonlyArray<Step>): Promise<Result[]>;
  /**
   * A whole transaction (BEGIN … COMMIT) in one round trip, perhaps together with other such
   * transactions (commit-groups.ts). Leaves no transaction open, also on failure.
   */
  whole(steps: WholeStep[]): Promise<void>;
}

const asText = (params: unknown[] | undefined) => (params ? params.map((v) => (v === null || v === undefined ? null : toText(v))) : []);

/** One open transaction, whatever the backend. */
class Transaction {
  private begun = false;
  private failed: unknown = null;
  /** Queued deferred writes: a statement with its parameters (as text), or the rows of one append (multi-row INSERT). */
  private readonly deferred: Array<Statement | AppendRows> = [];
  private readonly appends = new Map<string, AppendRows>();
  /** Writes that travel ahead of the next round trip (precede). */
  private readonly preceding: Statement[] = [];
  private readonly evictions: string[] = [];

  constructor(private readonly wire: Wire, private readonly cache: ReadCache, private readonly notify: boolean, private readonly opts: TransactionOptions = {}) {}

  /**
   * What must travel ahead of the next statement: BEGIN and the `first` read when nothing was sent
   * yet, then queued `precede` writes.
   */
  private opening(): { steps: Step[]; first?: TransactionOptions['first'] } {
    const steps: Step[] = [];
    const first = this.begun ? undefined : this.opts.first;
    if (!this.begun) steps.push('BEGIN');
    if (first) steps.push([first.sql, first.params]);
    steps.push(...this.preceding.splice(0));
    this.begun = true; // before sending: if a statement fails, the open transaction must be rolled back
    return { steps, first };
  }

  private checkFirst(first: TransactionOptions['first'], results: Result[]) {
    if (!first) return;
    try {
      first.check(results[1].rows);
    } catch (err) {
      this.failed = err; // nothing more runs and nothing commits, even if the use-case swallows it
      throw err;
    }
  }

  async run(sql: string, params?: unknown[]): Promise<any[]> {
    if (this.failed) throw this.failed;
    const { steps, first } = this.opening();
    const results = steps.length ? await this.wire.pipeline([...steps, [sql, params]]) : await this.wire.statement(sql, params);
    this.checkFirst(first, results);
    return lastRows(results);
  }

  async runMany(statements: ReadonlyArray<Statement>): Promise<any[][]> {
    if (this.failed) throw this.failed;
    if (statements.length === 0) return [];
    const { steps, first } = this.opening();
    // Deferred writes queued so far go ahead of the statements, in the same round trip: it is made
    // anyway, and COMMIT's gets shorter — it matters when these statements take locks that are held
    // until COMMIT (stock reservations), as every write behind them prolongs the hold.
    steps.push(...this.takeDeferred());
    const results = await this.wire.pipeline([...steps, ...statements]);
    this.checkFirst(first, results);
    return results.slice(steps.length).map((r) => r.rows);
  }

  async runText(text: string) {
    if (this.failed) throw this.failed;
    const { steps, first } = this.opening();
    const results = await this.wire.simple([...steps.map(inlineStep), text].join(';\n'));
    this.checkFirst(first, results);
  }

  /** What the use-case gets (one object per transaction; its methods live on the prototype). */
  readonly executor: Executor = new TransactionExecutor(this);

  defer(sql: string, params: unknown[] | undefined, append: boolean) {
    // Parameters are converted to text now: the write is what they were at the call.
    const values = asText(params);
    if (!append) return void this.deferred.push([sql, values]);
    const queued = this.appends.get(sql);
    if (queued) return void queued.rows.push(values);
    const entry = new AppendRows(sql, [values]);
    this.appends.set(sql, entry);
    this.deferred.push(entry);
  }

  precede(sql: string, params?: unknown[]) {
    this.preceding.push([sql, params]);
  }

  invalidate(keys: string[]) {
    for (const k of keys) {
      this.cache.evict(k);
      this.evictions.push(k);
      if (this.notify) this.deferred.push([notifySql, [k]]);
    }
  }

  /** The queued deferred writes as prepared statements, emptying the queue. */
  private takeDeferred(): Statement[] {
    this.appends.clear();
    const out: Statement[] = [];
    for (const d of this.deferred.splice(0)) {
      if (d instanceof AppendRows) d.statements(out);
      else out.push(d);
    }
    return out;
  }

  /**
   * Deferred writes and COMMIT in one round trip — with BEGIN if the use-case ran no statement of its
   * own: then it is a whole transaction (no `first` read, see TransactionOptions), which may be
   * committed together with others (Wire.whole, commit-groups.ts).
   */
  async commit() {
    if (this.failed) throw this.failed;
    if (!this.begun) {
      if (this.deferred.length === 0 && this.preceding.length === 0) return; // nothing written
      // A whole transaction: one round trip, perhaps with others. Its `first` read is not made — it
      // could only find what makes this COMMIT fail by itself (see TransactionOptions).
      const steps: WholeStep[] = ['BEGIN', ...this.preceding.splice(0), ...this.deferred.splice(0), 'COMMIT'];
      this.appends.clear();
      await this.wire.whole(steps); // it leaves nothing open, even when it fails: nothing to roll back
    } else {
      const { steps } = this.opening(); // the transaction is open: only queued `precede` writes
      const results = await this.wire.pipeline([...steps, ...this.takeDeferred(), 'COMMIT']);
      // COMMIT of a transaction that an earlier (caught) error aborted answers ROLLBACK, not an error.
      if (results[results.length - 1]?.command === 'ROLLBACK') throw new TransactionAborted();
    }
    for (const k of this.evictions) this.cache.evict(k);
  }

  async rollback() {
    if (this.begun) await this.wire.simple('ROLLBACK').catch(() => {});
  }

  /** Run the use-case and commit; on any error roll back and rethrow. */
  async complete<T>(fn: (tx: Executor) => Promise<T>): Promise<T> {
    try {
      const result = await fn(this.executor);
      await this.commit();
      return result;
    } catch (err) {
      await this.rollback();
      throw err;
    }
  }
}

/** The Executor of an open transaction. */
class TransactionExecutor implements Executor {
  readonly inTransaction = true;
  constructor(private readonly tx: Transaction) {}
  query<T = Record<string, any>>(sql: string, params?: unknown[]): Promise<T[]> { return this.tx.run(sql, params); }
  async one<T = Record<string, any>>(sql: string, params?: unknown[]): Promise<T> { return exactlyOne(await this.tx.run(sql, params), sql); }
  async maybeOne<T = Record<string, any>>(sql: string, params?: unknown[]): Promise<T | undefined> { return (await this.tx.run(sql, params))[0]; }
  exec(sql: string) { return this.tx.runText(sql); }
  queryMany(statements: ReadonlyArray<Statement>) { return this.tx.runMany(statements); }
  async precede(sql: string, params?: unknown[]) { this.tx.precede(sql, params); }
  async defer(sql: string, params?: unknown[], opts?: { append?: boolean }) { this.tx.defer(sql, params, opts?.append === true); }
  cached<T>(_key: string, load: () => Promise<T>) { return load(); }
  async invalidate(...keys: string[]) { this.tx.invalidate(keys); }
}

const lastRows = (results: { rows: any[] }[]) => results[results.length - 1]?.rows ?? [];

const SYNC = protocol.serialize.sync();

/**
 * `template`: a gzipped data-directory dump to start from (tests start from a migrated snapshot).
 *
 * Every call is ONE protocol exchange with the WASM backend (all its messages and one Sync; a
 * statement new to this connection is prepared once in an exchange of its own); PGlite's own query()
 * makes six exchanges (parse, describe, bind, describe, execute, sync) and its transaction() two more
 * for BEGIN and COMMIT. PGlite has one connection: from its first round trip until it ends, a
 * transaction holds PGlite's transaction and query locks (the ones its own transaction() takes), so
 * nothing else interleaves and transactions serialise; a whole transaction takes them only for its
 * group's exchange. One process owns the data directory, so the read cache needs no cross-process
 * notification.
 */
export async function openPglite(dataDir?: string, template?: Blob): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const lite = await PGlite.create(dataDir ? join(dataDir, 'pgdata') : undefined, { extensions: { pg_trgm }, ...(template ? { loadDataDir: template } : {}) });
  const send = async (...parts: Uint8Array[]) => {
    const message = new Uint8Array(parts.reduce((n, p) => n + p.length, SYNC.length));
    let at = 0;
    for (const p of parts) { message.set(p, at); at += p.length; }
    message.set(SYNC, at);
    const { messages } = await lite.execProtocol(message, { syncToFs: false });
    return parse.parseResults(messages, lite.parsers) as Result[];
  };
  // Statements with parameters are prepared once under a name and then only bound and executed:
  // PostgreSQL keeps their plans, and planning costs more than running a lookup by key.
  const prepared = new Map<string, string>();
  let preparedCount = 0;
  const prepare = async (sql: string) => {
    let name = prepared.get(sql);
    if (name === undefined) {
      if (prepared.size >= MAX_PREPARED) return null;
      name = 's' + ++preparedCount;
      await send(protocol.serialize.parse({ name, text: sql, types: [] }));
      prepared.set(sql, name);
    }
    return name;
  };
  // A table changed shape under a prepared "SELECT *" (tests, migrations): prepare it afresh under a
  // new name — at once outside a transaction; inside one the error has aborted it, so the
  // transaction is run again.
  const statementNow = async (sql: string, params: unknown[] | undefined, inTransaction: boolean): Promise<Result[]> => {
    try {
      return await send(...(await executeParts(sql, params)));
    } catch (err: any) {
      if (err?.code !== '0A000' || !prepared.has(sql)) throw err;
      const stale = prepared.get(sql);
      prepared.delete(sql);
      if (inTransaction) throw err;
      await send(protocol.serialize.query(`DEALLOCATE ${stale}`)).catch(() => undefined);
      return send(...(await executeParts(sql, params)));
    }
  };
  // Bind, describe and execute a prepared statement (prepared first if new); beyond MAX_PREPARED, run unnamed with its parameters inlined.
  const executeParts = async (sql: string, params: unknown[] | undefined): Promise<Uint8Array[]> => {
    const name = await prepare(sql);
    const execute = [protocol.serialize.describe({ type: 'P' }), protocol.serialize.execute({})];
    if (name === null) return [protocol.serialize.parse({ name: '', text: inlineParams(sql, params), types: [] }), protocol.serialize.bind({ statement: '', values: [] }), ...execute];
    const values = (params ?? []).map((v) => (v === null || v === undefined ? null : toText(v)));
    return [protocol.serialize.bind({ statement: name, values }), ...execute];
  };
  // Every step bound and executed (texts unnamed), in one exchange.
  const pipelineNow = async (steps: ReadonlyArray<Step>): Promise<Result[]> => {
    const parts: Uint8Array[] = [];
    for (const step of steps) {
      if (typeof step !== 'string') parts.push(...(await executeParts(step[0], step[1])));
      else parts.push(protocol.serialize.parse({ name: '', text: step, types: [] }), protocol.serialize.bind({ statement: '', values: [] }), protocol.serialize.describe({ type: 'P' }), protocol.serialize.execute({}));
    }
    try {
      return await send(...parts);
    } catch (err: any) {
      if (err?.code === '0A000') for (const step of steps) if (typeof step !== 'string') prepared.delete(step[0]); // re-prepared when the transaction runs again
      throw err;
    }
  };
  // One exchange at a time, in call order: a transaction holds PGlite's locks, so statements a
  // use-case starts concurrently (Promise.all) would otherwise overlap inside execProtocol.
  let tail: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>) => {
    const next = tail.then(fn);
    tail = next.catch(() => undefined);
    return next;
  };
  const simple = (text: string) => serial(() => send(protocol.serialize.query(text)));
  const txWire: Omit<Wire, 'whole'> = { simple, statement: (sql, params) => serial(() => statementNow(sql, params, true)), pipeline: (steps) => serial(() => pipelineNow(steps)) };
  const exclusive = <T>(fn: () => Promise<T>) => lite._runExclusiveTransaction(() => lite._runExclusiveQuery(fn));
  const cache = new ReadCache();
  // Whole one-round-trip transactions, committed in groups: one exchange and one commit for each group.
  const groups = new CommitGroups((steps) => exclusive(async () => {
    try {
      return await txWire.pipeline(steps);
    } catch (err) {
      await txWire.simple('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }), { gatherTurn: true });
  return {
    ...direct(async (sql, params) => lastRows(await exclusive(() => serial(() => statementNow(sql, params, false)))), async (sql) => { await exclusive(() => simple(sql)); }, cache, false),
    kind: 'pglite',
    async transaction(fn, opts) {
      for (let attempt = 1; ; attempt++) {
        // PGlite's locks are taken at the transaction's first round trip and held until it ends, so
        // nothing interleaves with it; a use-case that only defers writes takes them just for its
        // group's commit.
        let release: (() => void) | undefined;
        let held: Promise<void> | undefined;
        const hold = () => (held ??= new Promise<void>((acquired) => {
          void exclusive(() => new Promise<void>((done) => { release = done; acquired(); }));
        }));
        const wire: Wire = {
          simple: async (text) => { await hold(); return txWire.simple(text); },
          statement: async (sql, params) => { await hold(); return txWire.statement(sql, params); },
          pipeline: async (steps) => { await hold(); return txWire.pipeline(steps); },
          whole: (steps) => groups.commit(steps),
        };
        try {
          return await new Transaction(wire, cache, false, opts).complete(fn);
        } catch (err: any) {
          if (err?.code === '0A000' && attempt < 3) continue;
          throw err;
        } finally {
          release?.();
        }
      }
    },
    commitGroups: groups.stats,
    close: () => lite.close(),
  };
}

/** Distinct statement texts prepared per connection; beyond this (generated SQL), statements are sent inlined. */
const MAX_PREPARED = 2000;

const RETRYABLE = new Set(['40001', '40P01', '0A000']); // serialization failure, deadlock, prepared plan changed result type

/**
 * PostgreSQL through a node-postgres pool. A transaction's round trips with several steps (BEGIN
 * with its first statement, queryMany, COMMIT with its deferred writes) are pipelines
 * (pg-pipeline.ts); a lone statement is node-postgres' own prepared query. A dedicated connection LISTENs for read-cache invalidations from every process; while
 * it is down, nothing is cached.
 */
export async function openPostgres(url: string, max = Number(process.env.DATABASE_POOL_SIZE ?? 20)): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => {}); // idle client errors surface on next use
  const cache = new ReadCache();
  const listener = cacheListener(url, cache);
  // Statements are prepared under a name per connection (node-postgres does it on first use), so the
  // server plans each statement text once per connection instead of on every execution.
  const names = new Map<string, string>();
  let named = 0;
  const config = (sql: string, params?: unknown[]): pg.QueryConfig => {
    let name = names.get(sql);
    if (name === undefined && names.size < MAX_PREPARED) names.set(sql, (name = 'tl' + ++named));
    return { text: sql, values: params as any[], name };
  };
  // A table changed shape under a prepared "SELECT *" (tests, migrations): prepare it afresh under a new name.
  // In a transaction the error has aborted it: the transaction is run again (RETRYABLE).
  const withReplan = async (sql: string, params: unknown[] | undefined, exec: (c: pg.QueryConfig) => Promise<pg.QueryResult>, inTransaction = false) => {
    try {
      return await exec(config(sql, params));
    } catch (err: any) {
      if (err?.code !== '0A000' || !names.has(sql)) throw err;
      names.delete(sql);
      if (inTransaction) throw err;
      return exec(config(sql, params));
    }
  };
  const run = async (sql: string, params?: unknown[]) => (await withReplan(sql, params, (c) => pool.query(c))).rows;
  // Steps in one round trip on `client`, statements with parameters as prepared statements.
  const pipelineOn = async (client: pg.PoolClient, steps: ReadonlyArray<Step>) => {
    const named = steps.map((step) => (typeof step === 'string' ? { text: step } : { name: config(step[0]).name, text: step[0], values: step[1] ?? [] }));
    try {
      return await runPipeline(client, named, (forgotten) => forgotten.forEach((text) => names.delete(text)));
    } catch (err: any) {
      if (err?.code === '0A000') for (const step of steps) if (typeof step !== 'string') names.delete(step[0]); // prepared afresh when the transaction runs again
      throw err;
    }
  };
  // Whole one-round-trip transactions, committed in groups on a connection of their own.
  const groups = new CommitGroups(async (steps) => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      return await pipelineOn(client, steps);
    } catch (err) {
      await client.query('ROLLBACK').catch((e: Error) => { broken = e; });
      throw err;
    } finally {
      client.release(broken);
    }
  }, { inFlight: Number(process.env.DATABASE_COMMIT_GROUPS_IN_FLIGHT ?? 1) });
  return {
    ...direct(run, async (sql) => { await pool.query(sql); }, cache, true),
    kind: 'postgres',
    async transaction(fn, opts) {
      for (let attempt = 1; ; attempt++) {
        // The connection is taken at the transaction's first round trip: a use-case that only
        // defers writes never holds one of its own (its commit goes through the commit groups).
        let client: Promise<pg.PoolClient> | null = null;
        const connection = () => (client ??= pool.connect());
        const wire: Wire = {
          async simple(text) {
            const r = (await (await connection()).query(text)) as unknown as pg.QueryResult | pg.QueryResult[];
            return Array.isArray(r) ? r : [r];
          },
          statement: async (sql, params) => {
            const c = await connection();
            return [await withReplan(sql, params, (cfg) => c.query(cfg), true)];
          },
          pipeline: async (steps) => pipelineOn(await connection(), steps),
          whole: (steps) => groups.commit(steps),
        };
        try {
          return await new Transaction(wire, cache, true, opts).complete(fn);
        } catch (err: any) {
          if (RETRYABLE.has(err?.code) && attempt < 5) continue;
          throw err;
        } finally {
          if (client) (client as Promise<pg.PoolClient>).then((c) => c.release(), () => undefined);
        }
      }
    },
    commitGroups: groups.stats,
    async close() {
      await listener.stop();
      await pool.end();
    },
  };
}

/** LISTEN on the cache channel; reconnects with back-off. The cache is off until the first LISTEN succeeds. */
function cacheListener(url: string, cache: ReadCache) {
  let client: pg.Client | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const state = {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await client?.end().catch(() => {});
    },
  };
  cache.disable();
  const connect = async (delay: number) => {
    if (stopped) return;
    const c = new pg.Client({ connectionString: url });
    client = c;
    const lost = () => {
      if (client !== c) return;
      cache.disable();
      client = null;
      if (!stopped) timer = setTimeout(() => connect(Math.min(delay * 2, 5000)), delay);
    };
    c.on('error', lost);
    c.on('end', lost);
    c.on('notification', (n) => { if (n.payload) cache.evict(n.payload); });
    try {
      await c.connect();
      await c.query(`LISTEN ${CACHE_CHANNEL}`);
      if (stopped) return void (await c.end().catch(() => {}));
      cache.enable();
    } catch {
      await c.end().catch(() => {});
      lost();
    }
  };
  void connect(100);
  return state;
}

export async function openDatabase(opts: { databaseUrl?: string; dataDir?: string }): Promise<Db> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl) : openPglite(opts.dataDir);
}
