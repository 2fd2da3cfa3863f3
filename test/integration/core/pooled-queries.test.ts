import { eq, sql, TransactionRollbackError } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type DatabaseConnection } from '../../../core/db/client.ts';
import { members } from '../../../core/db/schema/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

const HUNG = Symbol('hung');
/** A query PgBouncer lost never settles: mark it instead of waiting for the test's timeout. */
const settled = <T>(promise: Promise<T>) => Promise.race([promise, new Promise<typeof HUNG>((resolve) => setTimeout(() => resolve(HUNG), 10_000))]);

/**
 * The pool as production runs it behind PgBouncer in transaction mode, with far more concurrent
 * work than connections: plain queries, parameterised ones and transactions (committed and
 * rolled back) interleaved. Each must settle with its own answer, none hang or cross over.
 */
describe('the connection pool behind PgBouncer in transaction mode', () => {
  let database: TestDatabase;
  let pool: DatabaseConnection;

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = connectDatabase(database.url, { max: 2 });
  });
  afterAll(async () => {
    await pool?.close();
    await database?.drop();
  });

  it('answers 90 interleaved queries and transactions on 2 connections, each with its own result', async () => {
    const { db } = pool;
    const work = Array.from({ length: 90 }, (_, i) => {
      if (i % 3 === 0) return settled(db.execute(sql.raw(`select ${i} as n`)).then((rows) => Number(rows[0]?.n)));
      if (i % 3 === 1) return settled(db.execute(sql`select ${i}::int as n`).then((rows) => Number(rows[0]?.n)));
      return settled(
        db
          .transaction(async (tx) => {
            const [row] = await tx.insert(members).values({ displayName: `member ${i}` }).returning({ id: members.id });
            if (i % 2 === 0) tx.rollback();
            return (await tx.select({ name: members.displayName }).from(members).where(eq(members.id, row!.id)))[0]?.name === `member ${i}` ? i : -i;
          })
          .catch((error: unknown) => (error instanceof TransactionRollbackError ? i : String(error))),
      );
    });
    const results = await Promise.all(work);
    expect(results).toEqual(Array.from({ length: 90 }, (_, i) => i));

    const kept = await db.select({ name: members.displayName }).from(members);
    const expected = Array.from({ length: 90 }, (_, i) => i).filter((i) => i % 3 === 2 && i % 2 === 1);
    expect(kept.map((row) => row.name).sort()).toEqual(expected.map((i) => `member ${i}`).sort());
  });
});
