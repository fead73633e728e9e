// A shared PostgreSQL database for role center (center.databaseUrl): the connection pool and the
// numbered migrations in gateway/src/db/pg-migrations/NNN_name.sql, applied at start under a
// session advisory lock so that center instances starting together apply each one once.
import { fileURLToPath } from 'node:url';
import { LinliError } from '@linli/shared';
import pg from 'pg';
import { type Migration, readMigrations } from './migrate.ts';

export const PG_MIGRATIONS_DIR = fileURLToPath(new URL('./pg-migrations/', import.meta.url));

/** Any number: the advisory lock every instance takes around its migrations. */
const MIGRATION_LOCK = 0x11a11; // "linli"

/** BIGINT (epoch ms, COUNT) as a JavaScript number: every value stored fits in 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export type PgPool = pg.Pool;
export type PgClient = pg.PoolClient;

/** The URL without its password, for logs and errors. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** A pool on the database; resolves once a first query answered (throws with the reason). */
export async function openPg(
  url: string,
  o: { max?: number; connectTimeoutMs?: number } = {},
): Promise<pg.Pool> {
  const pool = new pg.Pool({
    connectionString: url,
    max: o.max ?? 10,
    connectionTimeoutMillis: o.connectTimeoutMs ?? 10_000,
    types,
  });
  // an idle client losing its server (restart, network) must not crash the process
  pool.on('error', () => {});
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => {});
    throw new LinliError(
      'DATABASE_UNREACHABLE',
      `PostgreSQL at ${redactUrl(url)} did not answer: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return pool;
}

/** A dedicated client (LISTEN), with the same type parsing. */
export function pgClient(url: string): pg.Client {
  return new pg.Client({ connectionString: url, types });
}

/** Run fn in a transaction on one client of the pool. */
export async function pgTx<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    c.release();
  }
}

/** Apply pending migrations, each in its own transaction, under the advisory lock; returns the
 *  names applied by this call (none when another instance applied them first). */
export async function migratePg(
  pool: pg.Pool,
  migrations: Migration[] = readMigrations(PG_MIGRATIONS_DIR),
): Promise<string[]> {
  const c = await pool.connect();
  try {
    await c.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await c.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
    const done = new Set(
      (await c.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
        (r) => r.version,
      ),
    );
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await c.query('BEGIN');
      try {
        await c.query(m.sql);
        await c.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
          m.version,
          m.name,
          Date.now(),
        ]);
        await c.query('COMMIT');
      } catch (err) {
        await c.query('ROLLBACK').catch(() => {});
        throw new LinliError('MIGRATION', `migration ${m.name} failed: ${(err as Error).message}`, {
          cause: err,
        });
      }
      applied.push(m.name);
    }
    return applied;
  } finally {
    await c.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    c.release();
  }
}
