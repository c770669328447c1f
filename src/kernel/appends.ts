import { splitPlaceholders } from './sql-inline.ts';

/** A statement and its parameters ($1, $2, …). */
type Statement = readonly [sql: string, params?: unknown[]];

/**
 * The rows of one append (`defer(…, {append: true})`) — of one transaction, or of a group of
 * transactions committed together (commit-groups.ts): sent as multi-row INSERTs of 64, 32, …, 2 or 1
 * rows, prepared statements with every row's parameters, so PostgreSQL plans each shape once per
 * connection instead of parsing and planning the rows' text on every commit.
 */
export class AppendRows {
  readonly rows: unknown[][];
  private readonly head: string;
  private readonly tuple: Array<string | number>;
  private readonly width: number;

  /** `rows`: each row's parameters (as text), in order; taken over, not copied. */
  constructor(readonly sql: string, rows: unknown[][]) {
    const at = sql.lastIndexOf('VALUES');
    if (at < 0) throw new Error(`defer(append): not an INSERT … VALUES statement: ${sql.slice(0, 80)}`);
    this.head = sql.slice(0, at + 6);
    this.tuple = splitPlaceholders(sql.slice(at + 6));
    this.width = rows[0].length;
    this.rows = rows;
  }

  /** The rows as statements (appended to `out`). */
  statements(out: Array<string | Statement>) {
    const rows = this.rows;
    let at = 0;
    for (let size = 64; size >= 1; size >>= 1) {
      while (rows.length - at >= size) {
        const params: unknown[] = [];
        for (let r = at; r < at + size; r++) {
          if (rows[r].length !== this.width) throw new Error(`defer(append): rows of "${this.sql.slice(0, 60)}" differ in parameter count`);
          for (const v of rows[r]) params.push(v);
        }
        out.push([size === 1 ? this.sql : this.text(size), params]);
        at += size;
      }
    }
  }

  /** The statement for `size` rows; texts are shared by every transaction. */
  private text(size: number): string {
    const key = this.sql + '\u0000' + size;
    let text = multiRowTexts.get(key);
    if (text === undefined) {
      text = this.head;
      for (let r = 0; r < size; r++) {
        if (r > 0) text += ',';
        for (const part of this.tuple) text += typeof part === 'string' ? part : '$' + (part + 1 + r * this.width);
      }
      if (multiRowTexts.size < 1000) multiRowTexts.set(key, text);
    }
    return text;
  }
}
const multiRowTexts = new Map<string, string>();
