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

  it('a prepared statement survives its table changing shape', async () => {
    await db.exec(`CREATE TABLE tx_shape (id int PRIMARY KEY)`);
    await db.query(`INSERT INTO tx_shape VALUES ($1)`, [1]);
    const read = () => db.query(`SELECT * FROM tx_shape WHERE id = $1`, [1]);
    for (let i = 0; i < 6; i++) await read(); // past the point where PostgreSQL caches a generic plan
    await db.exec(`ALTER TABLE tx_shape ADD COLUMN note text DEFAULT 'n'`);
    expect(await read()).toEqual([{ id: 1, note: 'n' }]);
    await db.exec(`ALTER TABLE tx_shape ADD COLUMN more int DEFAULT 2`);
    expect(await db.transaction((tx) => tx.query(`SELECT * FROM tx_shape WHERE id = $1`, [1]))).toEqual([{ id: 1, note: 'n', more: 2 }]);
  });
});
