import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/kernel/db.ts';
import { dbLabel, testDatabase } from '../helpers.ts';

// The kernel's transactions send BEGIN with the first statement and deferred writes with COMMIT, in
// single messages; whatever fails in such a message, nothing is half-written and the connection is clean.
describe(`transactions with combined round trips (${dbLabel})`, () => {
  let db: Db;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ db, drop } = await testDatabase());
    await db.exec(`CREATE TABLE tx_probe (id int PRIMARY KEY, v text)`);
  });
  afterAll(async () => { await db.close(); await drop(); });

  const ids = async () => (await db.query<{ id: number }>(`SELECT id FROM tx_probe ORDER BY id`)).map((r) => r.id);

  it('a deferred write that fails at commit takes the whole transaction with it', async () => {
    await db.query(`INSERT INTO tx_probe VALUES (1, 'x')`);
    await expect(db.transaction(async (tx) => {
      await tx.query(`INSERT INTO tx_probe VALUES (2, 'y')`);
      await tx.defer(`INSERT INTO tx_probe VALUES ($1, $2)`, [3, 'z']);
      await tx.defer(`INSERT INTO tx_probe VALUES ($1, $2)`, [1, 'duplicate']);
    })).rejects.toMatchObject({ code: '23505' });
    expect(await ids()).toEqual([1]);
  });

  it('the same when the whole transaction is one message (only deferred writes)', async () => {
    for (let i = 0; i < 25; i++) { // more than the pool has connections: none may be left aborted
      await expect(db.transaction(async (tx) => {
        await tx.defer(`INSERT INTO tx_probe VALUES ($1, 'a')`, [100 + i]);
        await tx.defer(`INSERT INTO tx_probe VALUES (1, 'duplicate')`);
      })).rejects.toMatchObject({ code: '23505' });
    }
    expect(await ids()).toEqual([1]);
  });

  it('an error the use-case caught still refuses the commit', async () => {
    await expect(db.transaction(async (tx) => {
      await tx.query(`INSERT INTO tx_probe VALUES (4, 'w')`);
      await tx.query(`INSERT INTO tx_probe VALUES (1, 'duplicate')`).catch(() => undefined);
    })).rejects.toThrow(/aborted/);
    expect(await ids()).toEqual([1]);
  });

  it('a first-read check that throws abandons the transaction even if the use-case swallows it', async () => {
    await expect(db.transaction(async (tx) => {
      await tx.query(`INSERT INTO tx_probe VALUES (5, 'v')`).catch(() => undefined);
      await tx.defer(`INSERT INTO tx_probe VALUES (6, 'v')`);
    }, { first: { sql: `SELECT v FROM tx_probe WHERE id = $1`, params: [1], check(rows) { if (rows.length) throw new Error('seen before'); } } })).rejects.toThrow('seen before');
    expect(await ids()).toEqual([1]);
  });

  it('statements started concurrently inside one transaction all run, in order', async () => {
    await db.transaction(async (tx) => {
      await Promise.all([10, 11, 12, 13].map((id) => tx.query(`INSERT INTO tx_probe VALUES ($1, $2)`, [id, `it's #${id}`])));
    });
    expect(await ids()).toEqual([1, 10, 11, 12, 13]);
    expect((await db.one(`SELECT v FROM tx_probe WHERE id = 12`)).v).toBe("it's #12");
  });

  it('queryMany: several statements in one round trip, each one\'s rows, typed as with parameters', async () => {
    const [inserted, read, none] = await db.transaction(async (tx) => tx.queryMany([
      [`INSERT INTO tx_probe VALUES ($1, $2), ($3, $4) RETURNING id`, [20, "o'clock \\ 20", 21, null]],
      [`SELECT id, v, $2::int8 AS big, $3::text[] AS arr FROM tx_probe WHERE id = ANY($1) ORDER BY id`, [[20, 21], 9_007_199_254_740_991, ['a', null, 'b"c']]],
      [`SELECT 1 FROM tx_probe WHERE false`],
    ]));
    expect(inserted.map((r) => r.id)).toEqual([20, 21]);
    expect(read).toEqual([{ id: 20, v: "o'clock \\ 20", big: 9_007_199_254_740_991, arr: ['a', null, 'b"c'] }, { id: 21, v: null, big: 9_007_199_254_740_991, arr: ['a', null, 'b"c'] }]);
    expect(none).toEqual([]);
    // deferred writes queued before a queryMany travel ahead of its statements (and are seen by them)
    const [[count]] = await db.transaction(async (tx) => {
      await tx.defer(`INSERT INTO tx_probe VALUES ($1, 'deferred')`, [22]);
      const out = await tx.queryMany([[`SELECT count(*)::int AS n FROM tx_probe WHERE id = $1`, [22]]]);
      await tx.query(`DELETE FROM tx_probe WHERE id = 22`);
      return out;
    });
    expect(count).toEqual({ n: 1 });
    // as the first statement, behind BEGIN and the first read
    let seen: any[] = [];
    const [[row]] = await db.transaction((tx) => tx.queryMany([[`SELECT v FROM tx_probe WHERE id = $1`, [20]]]), { first: { sql: `SELECT count(*)::int AS n FROM tx_probe WHERE id = $1`, params: [21], check(rows) { seen = rows; } } });
    expect(row.v).toBe("o'clock \\ 20");
    expect(seen).toEqual([{ n: 1 }]);
    // outside a transaction: one after another
    expect(await db.queryMany([[`SELECT $1::int AS a`, [1]], [`SELECT $1::text AS b`, ['x']]])).toEqual([[{ a: 1 }], [{ b: 'x' }]]);
    await db.query(`DELETE FROM tx_probe WHERE id IN (20, 21)`);
  });

  it('deferred appends: rows of one INSERT statement are written as one multi-row INSERT, in call order, and fail together', async () => {
    await db.exec(`CREATE TABLE tx_log (seq bigserial PRIMARY KEY, v text NOT NULL)`);
    const append = `INSERT INTO tx_log (v) VALUES ($1)`;
    await db.transaction(async (tx) => {
      for (const v of ['a', "b'", 'c']) {
        await tx.defer(append, [v], { append: true });
        await tx.defer(`INSERT INTO tx_probe VALUES ($1, $2)`, [40 + v.length, v]).catch(() => undefined);
      }
    }).catch(() => undefined); // tx_probe 41 twice: the whole transaction fails, appends included
    expect((await db.query(`SELECT v FROM tx_log`))).toEqual([]);
    await db.transaction(async (tx) => {
      for (const v of ['a', "b'", 'c', 'd']) await tx.defer(append, [v], { append: true });
      await tx.defer(`INSERT INTO tx_probe VALUES (43, 'between')`);
      await tx.defer(append, ['e'], { append: true });
    });
    expect((await db.query(`SELECT v FROM tx_log ORDER BY seq`)).map((r) => r.v)).toEqual(['a', "b'", 'c', 'd', 'e']);
    await expect(db.transaction((tx) => tx.defer(`UPDATE tx_log SET v = $1`, ['x'], { append: true }))).rejects.toThrow(/INSERT … VALUES/);
    await db.query(`DELETE FROM tx_probe WHERE id = 43`);
  });

  it('deferred appends beyond 64 rows: every row, in call order, with values as given at the call', async () => {
    await db.exec(`CREATE TABLE tx_many (seq bigserial PRIMARY KEY, n int NOT NULL, doc jsonb NOT NULL, tags text[] NOT NULL)`);
    const doc = { step: 0 };
    await db.transaction(async (tx) => {
      for (let n = 0; n < 151; n++) {
        doc.step = n; // changed after each call: the row keeps the value it had then
        await tx.defer(`INSERT INTO tx_many (n, doc, tags) VALUES ($1, $2, $3)`, [n, doc, [`t${n}`, "it's"]], { append: true });
      }
    });
    const rows = await db.query<{ n: number; doc: { step: number }; tags: string[] }>(`SELECT n, doc, tags FROM tx_many ORDER BY seq`);
    expect(rows.map((r) => r.n)).toEqual(Array.from({ length: 151 }, (_, i) => i));
    expect(rows.every((r) => r.doc.step === r.n && r.tags[0] === `t${r.n}` && r.tags[1] === "it's")).toBe(true);
  });

  it('write-only transactions committed concurrently: each gets its own outcome; a failing one takes none of the others with it', async () => {
    await db.exec(`CREATE TABLE tx_group (id int PRIMARY KEY, v text NOT NULL)`);
    await db.query(`INSERT INTO tx_group VALUES (1000, 'taken')`);
    const before = db.commitGroups ? { ...db.commitGroups } : null;
    const outcomes = await Promise.allSettled(Array.from({ length: 60 }, (_, i) => db.transaction(async (tx) => {
      // every 20th collides with the row that is already there
      await tx.defer(`INSERT INTO tx_group VALUES ($1, $2)`, [i % 20 === 7 ? 1000 : 2000 + i, `writer ${i}`]);
      await tx.defer(`INSERT INTO tx_probe VALUES ($1, 'group')`, [3000 + i]);
      return i;
    })));
    const failed = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [i] : []));
    expect(failed).toEqual([7, 27, 47]);
    for (const i of failed) expect((outcomes[i] as PromiseRejectedResult).reason).toMatchObject({ code: '23505' });
    const ok = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
    expect(outcomes.filter((o) => o.status === 'fulfilled').map((o) => (o as PromiseFulfilledResult<number>).value)).toEqual(ok);
    expect((await db.query<{ id: number }>(`SELECT id FROM tx_group WHERE id >= 2000 ORDER BY id`)).map((r) => r.id - 2000)).toEqual(ok);
    expect((await db.query<{ id: number }>(`SELECT id FROM tx_probe WHERE id >= 3000 ORDER BY id`)).map((r) => r.id - 3000)).toEqual(ok);
    if (before && db.commitGroups) {
      // PostgreSQL: they travelled in groups, and the groups with a failing member were sent again one by one
      expect(db.commitGroups.members - before.members).toBe(60);
      expect(db.commitGroups.groups - before.groups).toBeLessThan(60);
      expect(db.commitGroups.resent - before.resent).toBeGreaterThanOrEqual(3);
    }
    await db.query(`DELETE FROM tx_probe WHERE id >= 3000`);
  });

  it('a whole transaction makes no first read: a conflicting one fails by itself at COMMIT, also when committed together with others', async () => {
    let checked = 0;
    const write = (id: number, v: string) => db.transaction(async (tx) => { await tx.defer(`INSERT INTO tx_group VALUES ($1, $2)`, [id, v]); return v; },
      { first: { sql: `SELECT v FROM tx_group WHERE id = $1`, params: [id], check() { checked++; } } });
    const outcomes = await Promise.allSettled([write(6000, 'a'), write(6001, 'b'), write(6000, 'c'), write(6002, 'd'), write(6001, 'e')]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'rejected']);
    expect((await db.query(`SELECT id, v FROM tx_group WHERE id >= 6000 ORDER BY id`)).map((r) => `${r.id}${r.v}`)).toEqual(['6000a', '6001b', '6002d']);
    expect(checked).toBe(0);
    // with a statement of its own the read is made, and its check runs first
    await expect(db.transaction(async (tx) => { await tx.query(`SELECT 1`); await tx.defer(`INSERT INTO tx_group VALUES (6003, 'x')`); },
      { first: { sql: `SELECT v FROM tx_group WHERE id = $1`, params: [6000], check(rows) { if (rows.length) throw new Error('seen before'); } } })).rejects.toThrow('seen before');
  });

  it('precede: a write that travels ahead of the next round trip; later statements see it; its failure fails the transaction', async () => {
    const seen = await db.transaction(async (tx) => {
      await tx.query(`INSERT INTO tx_probe VALUES (50, 'a')`);
      await tx.precede(`UPDATE tx_probe SET v = $1 WHERE id = $2`, ['b', 50]);
      return (await tx.one(`SELECT v FROM tx_probe WHERE id = $1`, [50])).v; // prepared statement, the update ahead of it
    });
    expect(seen).toBe('b');
    const [[many]] = await db.transaction(async (tx) => {
      await tx.precede(`UPDATE tx_probe SET v = $1 WHERE id = $2`, ['c', 50]); // the first round trip: behind BEGIN
      return tx.queryMany([[`SELECT v FROM tx_probe WHERE id = $1`, [50]]]);
    });
    expect(many.v).toBe('c');
    await db.transaction(async (tx) => { await tx.precede(`UPDATE tx_probe SET v = 'd' WHERE id = 50`); }); // only at COMMIT
    expect((await db.one(`SELECT v FROM tx_probe WHERE id = 50`)).v).toBe('d');
    await expect(db.transaction(async (tx) => {
      await tx.query(`INSERT INTO tx_probe VALUES (51, 'x')`);
      await tx.precede(`INSERT INTO tx_probe VALUES (1, 'duplicate')`);
      await tx.query(`SELECT 1`).catch(() => undefined); // the failure surfaces here and is swallowed…
    })).rejects.toThrow(); // …and the transaction still does not commit
    expect(await db.maybeOne(`SELECT 1 FROM tx_probe WHERE id = 51`)).toBeUndefined();
    await db.query(`DELETE FROM tx_probe WHERE id = 50`);
  });

  it('queryMany: a failing statement fails the call and nothing of the transaction stays', async () => {
    await expect(db.transaction(async (tx) => {
      await tx.query(`INSERT INTO tx_probe VALUES (30, 'a')`);
      await tx.queryMany([[`INSERT INTO tx_probe VALUES ($1, 'b')`, [31]], [`INSERT INTO tx_probe VALUES ($1, 'dup')`, [1]], [`INSERT INTO tx_probe VALUES (32, 'c')`]]);
    })).rejects.toMatchObject({ code: '23505' });
    expect(await ids()).toEqual([1, 10, 11, 12, 13]);
  });

  it('a prepared statement survives its table changing shape', async () => {
    await db.exec(`CREATE TABLE tx_shape (id int PRIMARY KEY)`);
    await db.query(`INSERT INTO tx_shape VALUES ($1)`, [1]);
    const read = () => db.query(`SELECT * FROM tx_shape WHERE id = $1`, [1]);
    for (let i = 0; i < 6; i++) await read(); // past the point where PostgreSQL caches a generic plan
    await db.exec(`ALTER TABLE tx_shape ADD COLUMN note text DEFAULT 'n'`);
    expect(await read()).toEqual([{ id: 1, note: 'n' }]);
    await db.exec(`ALTER TABLE tx_shape ADD COLUMN more int DEFAULT 2`);
    expect(await db.transaction((tx) => tx.query(`SELECT * FROM tx_shape WHERE id = $1`, [1]))).toEqual([{ id: 1, note: 'n', more: 2 }]);
    // the same inside pipelines (queryMany), on every pooled connection that had prepared it
    const many = () => db.transaction(async (tx) => {
      await tx.query(`SELECT 1`);
      return (await tx.queryMany([[`SELECT * FROM tx_shape WHERE id = $1`, [1]], [`SELECT count(*)::int AS n FROM tx_shape WHERE id = $1`, [1]]]))[0];
    });
    await Promise.all(Array.from({ length: 8 }, () => Promise.all(Array.from({ length: 6 }, many))));
    await db.exec(`ALTER TABLE tx_shape ADD COLUMN last text DEFAULT 'z'`);
    const after = await Promise.all(Array.from({ length: 8 }, many));
    for (const rows of after) expect(rows).toEqual([{ id: 1, note: 'n', more: 2, last: 'z' }]);
  });
});
