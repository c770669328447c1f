/**
 * Group commit for transactions that are one round trip each.
 *
 * A use-case that writes without reading (every write deferred — creating a webhook endpoint with
 * its audit row, event and idempotency record; its `first` read is not made, see TransactionOptions)
 * is a whole transaction in one pipeline: BEGIN, its steps, COMMIT. When such transactions arrive
 * while an earlier group is still with the database, they wait for it and then travel together:
 * BEGIN, the first one's steps, the second one's steps, …, COMMIT — one connection, one round trip
 * and one commit (one WAL flush) for all of them.
 *
 * Why this is the same as running them one after another: none of them reads anything, so each
 * one's writes do not depend on what the others wrote; and each one's steps run in order, after the
 * steps of those before it. Appends (audit rows, outbox events: rows that no statement reads and
 * nothing depends on) are merged across the group: all rows of one append statement travel as one
 * multi-row INSERT, just before COMMIT. If anything in a group fails, nothing of it is committed and
 * every member is sent again on its own, so each one gets its own outcome — a failure (a duplicate
 * idempotency key, a constraint) stays with the member that caused it.
 */

import { AppendRows } from './appends.ts';

export type GroupStep = string | readonly [sql: string, params?: unknown[]];
/** A step of a whole transaction: a statement, or the rows of an append (which the group merges). */
export type WholeStep = GroupStep | AppendRows;

interface Member {
  /** The steps between BEGIN and COMMIT. */
  inner: WholeStep[];
  resolve(): void;
  reject(err: unknown): void;
}

export interface CommitGroupOptions {
  /** Groups with the database at once (each on its own connection). */
  inFlight?: number;
  /** Steps per group at most; a member with more travels alone. */
  maxSteps?: number;
  /**
   * Wait for the rest of the event loop's turn before sending (setImmediate): for a database that
   * runs on this thread (PGlite), where nothing else progresses while a group is with it, so
   * transactions would never find one in flight to wait for.
   */
  gatherTurn?: boolean;
}

export class CommitGroups {
  private readonly waiting: Member[] = [];
  private sending = 0;
  private readonly inFlight: number;
  private readonly maxSteps: number;
  private readonly gatherTurn: boolean;
  private gathering = false;
  /** Round trips made for groups, members committed through them, members sent again alone after their group failed. */
  readonly stats = { groups: 0, members: 0, resent: 0 };

  /**
   * `send`: runs the steps (BEGIN … COMMIT) in one round trip on a connection of its own; on failure
   * it must leave the connection out of any transaction (ROLLBACK).
   */
  constructor(private readonly send: (steps: GroupStep[]) => Promise<unknown>, opts: CommitGroupOptions = {}) {
    this.inFlight = opts.inFlight ?? 1;
    this.maxSteps = opts.maxSteps ?? 1000;
    this.gatherTurn = opts.gatherTurn ?? false;
  }

  /** A whole transaction: `steps` starts with BEGIN and ends with COMMIT. Settles when it has committed or failed. */
  commit(steps: WholeStep[]): Promise<void> {
    if (steps[0] !== 'BEGIN' || steps[steps.length - 1] !== 'COMMIT') throw new Error('CommitGroups.commit: steps must start with BEGIN and end with COMMIT');
    return new Promise((resolve, reject) => {
      this.waiting.push({ inner: steps.slice(1, -1), resolve, reject });
      this.pump();
    });
  }

  private pump() {
    if (!this.gatherTurn) return this.dispatch();
    if (this.gathering || this.sending >= this.inFlight) return;
    this.gathering = true;
    setImmediate(() => {
      this.gathering = false;
      this.dispatch();
    });
  }

  private dispatch() {
    while (this.sending < this.inFlight && this.waiting.length > 0) {
      const group: Member[] = [];
      let size = 2;
      while (this.waiting.length > 0 && (group.length === 0 || size + this.waiting[0].inner.length <= this.maxSteps)) {
        const m = this.waiting.shift()!;
        size += m.inner.length;
        group.push(m);
      }
      this.sending++;
      void this.run(group).finally(() => {
        this.sending--;
        this.pump();
      });
    }
  }

  private async run(group: Member[]) {
    this.stats.groups++;
    this.stats.members += group.length;
    if (group.length === 1) return this.alone(group[0]);
    // The group's steps: each member's statements in order, then the appends of all of them.
    const steps: WholeStep[] = ['BEGIN'];
    const merged = new Map<string, AppendRows>();
    for (const m of group) {
      for (const step of m.inner) {
        if (!(step instanceof AppendRows)) steps.push(step);
        else {
          const into = merged.get(step.sql);
          if (into) for (const row of step.rows) into.rows.push(row);
          else merged.set(step.sql, new AppendRows(step.sql, step.rows.slice()));
        }
      }
    }
    for (const rows of merged.values()) steps.push(rows);
    steps.push('COMMIT');
    try {
      await this.send(expand(steps));
    } catch {
      // Nothing of the group was committed: each member on its own, in order, for its own outcome.
      for (const m of group) {
        this.stats.resent++;
        await this.alone(m);
      }
      return;
    }
    for (const m of group) m.resolve();
  }

  private async alone(m: Member) {
    try {
      await this.send(expand(['BEGIN', ...m.inner, 'COMMIT']));
      m.resolve();
    } catch (err) {
      m.reject(err);
    }
  }
}

/** Steps with appends expanded into their statements. */
function expand(steps: WholeStep[]): GroupStep[] {
  const flat: GroupStep[] = [];
  for (const step of steps) {
    if (step instanceof AppendRows) step.statements(flat);
    else flat.push(step);
  }
  return flat;
}
