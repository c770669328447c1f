import type pg from 'pg';
// node-postgres' own row parser and value serialiser, so pipelined results and parameters are
// exactly what its query() gives and takes.
import Result from 'pg/lib/result.js';
import utils from 'pg/lib/utils.js';

/** One execution in a pipeline: a named statement (prepared once per connection) with parameters, or a text run unnamed. */
export interface PipelineStep { name?: string; text: string; values?: unknown[] }
export interface StepResult { rows: any[]; command?: string }

/**
 * Several executions in ONE round trip on a node-postgres client, with the extended protocol:
 * Parse (named statements only the first time on this connection), Bind, Describe, Execute for each
 * step, and one Sync at the end. PostgreSQL keeps the plans of named statements, so a batch of
 * statements pays neither a round trip each (as separate queries would) nor planning each (as one
 * multi-statement simple query would). A failing step fails the call; the steps after it are not run.
 * After a failure, whether the named statements first sent here were prepared is unknown: `forget`
 * gets their texts, and the caller names them afresh.
 */
export function runPipeline(client: pg.PoolClient, steps: PipelineStep[], forget: (texts: string[]) => void): Promise<StepResult[]> {
  return new Promise((resolve, reject) => {
    const fail = (err: unknown, parsing: Array<[string, string]>) => {
      forget(parsing.map(([, text]) => text));
      reject(err);
    };
    client.query(new Pipeline(steps, resolve, fail) as unknown as pg.QueryConfig);
  });
}

/** A node-postgres "submittable": the client hands it the protocol messages of its round trip. */
class Pipeline {
  private readonly results: StepResult[] = [];
  private current: InstanceType<typeof Result> | null = null;
  private failure: unknown = null;
  private readonly parsing: Array<[string, string]> = [];

  constructor(
    private readonly steps: PipelineStep[],
    private readonly resolve: (r: StepResult[]) => void,
    private readonly reject: (err: unknown, parsing: Array<[string, string]>) => void,
  ) {}

  submit(connection: any) {
    // values are serialised before anything is written, so a bad value fails before the round trip
    let values: unknown[][];
    try {
      values = this.steps.map((s) => (s.values ?? []).map((v) => utils.prepareValue(v)));
    } catch (err) {
      return err;
    }
    const known = connection.parsedStatements as Record<string, string>;
    connection.stream.cork?.();
    try {
      this.steps.forEach((s, i) => {
        const name = s.name ?? '';
        if (!name || (known[name] === undefined && !this.parsing.some(([n]) => n === name))) {
          connection.parse({ name, text: s.text, types: [] });
          if (name) this.parsing.push([name, s.text]);
        }
        connection.bind({ statement: name, values: values[i] });
        connection.describe({ type: 'P', name: '' });
        connection.execute({ portal: '', rows: 0 });
      });
      connection.sync();
    } finally {
      connection.stream.uncork?.();
    }
    return null;
  }

  handleRowDescription(msg: any) {
    this.current = new Result();
    this.current.addFields(msg.fields);
  }

  handleDataRow(msg: any) {
    if (this.failure) return;
    try {
      this.current!.rows.push(this.current!.parseRow(msg.fields));
    } catch (err) {
      this.failure = err; // e.g. an int8 beyond 2^53: reported once the round trip is over
    }
  }

  handleCommandComplete(msg: any) {
    const r = this.current ?? new Result();
    r.addCommandComplete(msg);
    this.results.push({ rows: r.rows, command: r.command });
    this.current = null;
  }

  handleEmptyQuery() {
    this.results.push({ rows: [] });
  }

  handlePortalSuspended() {}

  handleCopyInResponse(connection: any) {
    connection.sendCopyFail('COPY is not supported in a pipeline');
  }

  handleCopyData() {}

  handleError(err: unknown) {
    this.reject(err, this.parsing);
  }

  handleReadyForQuery(connection: any) {
    // the named statements parsed here are prepared on this connection from now on (node-postgres'
    // own queries read the same record)
    for (const [name, text] of this.parsing) connection.parsedStatements[name] = text;
    if (this.failure) return this.reject(this.failure, []);
    this.resolve(this.results);
  }
}
