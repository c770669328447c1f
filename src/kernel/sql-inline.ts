/**
 * Parameters written into SQL text as quoted literals, for the few places where a statement travels
 * as text: `exec` inside a transaction (its BEGIN and `first` read go in the same simple-protocol
 * message) and, on PGlite, statements beyond the prepared-statement limit. Everything else travels
 * as prepared statements with parameters (db.ts).
 *
 * Safety: every value becomes a single-quoted literal with quotes doubled and, when it holds a
 * backslash, the E'' form with backslashes doubled — what libpq's PQescapeLiteral does; the database
 * speaks UTF-8, so there is no multibyte escape trick. A quoted literal is of type "unknown" and is
 * resolved from its context, exactly like an untyped parameter of the extended protocol (which is how
 * node-postgres sends every parameter), so the SQL means the same. Values are converted to text the
 * way node-postgres converts parameters (arrays → array literals, objects → JSON, Buffers → bytea hex).
 */

type Part = string | number; // text, or a parameter index (0-based)

const templates = new Map<string, Part[]>();

/** Split SQL into text and $n placeholders, skipping quoted strings, identifiers, comments and dollar quotes. */
export function splitPlaceholders(sql: string): Part[] {
  const cached = templates.get(sql);
  if (cached) return cached;
  const parts: Part[] = [];
  let last = 0;
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === 39 /* ' */) {
      // E'...' strings treat backslash as an escape; standard strings only double the quote.
      const escapes = i > 0 && (sql[i - 1] === 'E' || sql[i - 1] === 'e') && !/[A-Za-z0-9_]/.test(sql[i - 2] ?? ' ');
      i++;
      while (i < n) {
        const d = sql.charCodeAt(i);
        if (escapes && d === 92 /* \ */) { i += 2; continue; }
        if (d === 39) { if (sql.charCodeAt(i + 1) === 39) { i += 2; continue; } break; }
        i++;
      }
      i++;
    } else if (c === 34 /* " */) {
      i = sql.indexOf('"', i + 1);
      i = i < 0 ? n : i + 1;
    } else if (c === 45 /* - */ && sql.charCodeAt(i + 1) === 45) {
      i = sql.indexOf('\n', i);
      i = i < 0 ? n : i + 1;
    } else if (c === 47 /* / */ && sql.charCodeAt(i + 1) === 42 /* * */) {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql.startsWith('/*', i)) { depth++; i += 2; } else if (sql.startsWith('*/', i)) { depth--; i += 2; } else i++;
      }
    } else if (c === 36 /* $ */) {
      const digits = /^\$(\d+)/.exec(sql.slice(i, i + 8));
      if (digits && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? ' ')) {
        if (i > last) parts.push(sql.slice(last, i));
        parts.push(Number(digits[1]) - 1);
        i += digits[0].length;
        last = i;
        continue;
      }
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 66));
      if (tag && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? ' ')) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        i = end < 0 ? n : end + tag[0].length;
      } else i++;
    } else i++;
  }
  if (last < n) parts.push(sql.slice(last));
  if (templates.size < 5000) templates.set(sql, parts);
  return parts;
}

/** libpq's PQescapeLiteral: '' doubles quotes; E'' with doubled backslashes when a backslash occurs. */
export function quoteLiteral(s: string): string {
  if (s.includes('\u0000')) throw new Error('A text value cannot contain the NUL character');
  let out = "'";
  let backslash = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === "'") out += "''";
    else if (ch === '\\') { out += '\\\\'; backslash = true; } else out += ch;
  }
  out += "'";
  return backslash ? ' E' + out : out;
}

function arrayLiteral(values: unknown[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i];
    if (v === null || v === undefined) out += 'NULL';
    else if (Array.isArray(v)) out += arrayLiteral(v);
    else {
      const text = Buffer.isBuffer(v) ? '\\x' + v.toString('hex') : toText(v);
      out += '"' + text.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
    }
  }
  return out + '}';
}

/** A parameter as node-postgres would send it, as text (null for SQL NULL). */
export function toText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
    return String(v);
  }
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new Error('Invalid Date given as a SQL parameter');
    return v.toISOString();
  }
  if (Buffer.isBuffer(v)) return '\\x' + v.toString('hex');
  if (v instanceof Uint8Array) return '\\x' + Buffer.from(v).toString('hex');
  if (Array.isArray(v)) return arrayLiteral(v);
  return JSON.stringify(v);
}

export function literal(v: unknown): string {
  return v === null || v === undefined ? 'NULL' : quoteLiteral(toText(v));
}

/** `sql` with each $n replaced by the literal of params[n-1]. */
export function inlineParams(sql: string, params?: readonly unknown[]): string {
  if (!params || params.length === 0) return sql;
  const parts = splitPlaceholders(sql);
  let out = '';
  for (const p of parts) {
    if (typeof p === 'string') out += p;
    else {
      if (p >= params.length) throw new Error(`SQL refers to $${p + 1} but only ${params.length} parameter(s) were given`);
      out += literal(params[p]);
    }
  }
  return out;
}
