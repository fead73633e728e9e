// The PostgreSQL test harness itself: a real server starts, answers, gives isolated databases
// and stops cleanly (its temp dir removed).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPostgres, startPostgres } from '../helpers/postgres.ts';

describe('postgres harness', () => {
  let server: RunningPostgres;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('answers queries on its URL and creates separate databases', async () => {
    const url = await server.newDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ db: string; v: string }>(
        'SELECT current_database() AS db, version() AS v',
      );
      expect(rows[0]!.db).toMatch(/^linli_/);
      expect(rows[0]!.v).toMatch(/PostgreSQL/);
    } finally {
      await client.end();
    }
  });

  it('stop() ends the server and refuses further connections', async () => {
    const other = await startPostgres();
    await other.stop();
    await other.stop();
    const client = new pg.Client({ connectionString: other.url, connectionTimeoutMillis: 2000 });
    await expect(client.connect()).rejects.toThrow();
  });
});
