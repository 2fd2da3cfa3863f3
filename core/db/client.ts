import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema/index.ts';

export type Database = PostgresJsDatabase<typeof schema>;
/** A database handle or an open transaction: queries take either. */
export type Queryable = Pick<Database, 'select' | 'selectDistinct' | 'selectDistinctOn' | 'insert' | 'update' | 'delete' | 'execute' | 'transaction'>;

export type DatabaseConnection = { db: Database; sql: postgres.Sql; close(): Promise<void> };

/**
 * One pool per process. `max` bounds connections; Postgres notices are dropped, not logged.
 * Behind PgBouncer in transaction mode the pool must send one query at a time per connection:
 * no named prepared statements (the next query may reach a server connection that never saw
 * the statement), and no pipelining (PgBouncer 1.18 hands the server back at the first
 * ReadyForQuery and drops the replies to the queries queued behind it, which then hang).
 * `max_pipeline: 0` needs the patch in patches/ to keep transactions working.
 */
export function connectDatabase(url: string, options: { max?: number } = {}): DatabaseConnection {
  const sql = postgres(url, { max: options.max ?? 10, prepare: false, max_pipeline: 0, onnotice: () => {}, connection: { application_name: 'lyceum' } });
  const db = drizzle(sql, { schema });
  return { db, sql, close: () => sql.end({ timeout: 5 }) };
}

/** postgres.js's own codes for a lost connection, and Postgres's for a server going down or starting. */
const CONNECTION_LOSS = new Set(['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', 'ECONNREFUSED', 'ECONNRESET', '57P01', '57P02', '57P03']);

/**
 * Whether an error says the database connection was lost (a restart, a failover). postgres.js
 * 3.4.9 can leave such a rejection unobserved when a connection dies inside a transaction
 * (porsager/postgres#1201, #1192); the query that used it fails on its own and is retried.
 */
export function isConnectionLoss(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CONNECTION_LOSS.has(code);
}
