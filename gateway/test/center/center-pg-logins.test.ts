// Failed staff logins of a center on PostgreSQL (issue #17), counted in the shared database: two
// real center instances on one real PostgreSQL. Wrong passwords spread over the two instances
// are limited as if they had all gone to one; failures racing on both instances all count; the
// window and the forgiveness of a success behave as in memory (shared/service/login-limiter.ts).
// Each login that is checked costs scrypt at STAFF_COST: slow on a loaded machine.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgLoginCounts } from '../../src/center/pg/login-counts.ts';
import { migratePg, openPg } from '../../src/db/pg.ts';
import { type RunningGateway, silentLogger, startGateway } from '../../src/index.ts';
import { type RunningPostgres, startPostgres } from '../helpers/postgres.ts';

const ADMIN_PASSWORD = 'center-pg-logins-admin-1';
const PER_ACCOUNT = 3;

interface Instance {
  gw: RunningGateway;
  dir: string;
  base: string;
}

async function startCenter(databaseUrl: string): Promise<Instance> {
  const dir = mkdtempSync(join(tmpdir(), 'linli-center-pg-logins-'));
  const gw = await startGateway({
    config: {
      site: 'center',
      role: 'center',
      dataDir: dir,
      hmacKey: 'center-pg-logins-hmac-key-0123456789',
      mqtt: { port: 0, wsPort: -1, host: '127.0.0.1' },
      http: { port: 0, host: '127.0.0.1' },
      center: { databaseUrl },
    },
    env: { LINLI_GW_ADMIN_PASSWORD: ADMIN_PASSWORD, LINLI_GW_LOGIN_MAX_FAILURES: String(PER_ACCOUNT) },
    log: silentLogger,
    print: () => {},
  });
  return { gw, dir, base: `http://127.0.0.1:${gw.ports.http}` };
}

async function login(i: Instance, username: string, password: string): Promise<number> {
  const r = await fetch(`${i.base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  await r.arrayBuffer();
  return r.status;
}

describe('center on PostgreSQL: failed logins counted across the instances', { timeout: 240_000 }, () => {
  let server: RunningPostgres;
  let url: string;
  let a: Instance;
  let b: Instance;
  let sql: pg.Client;

  beforeAll(async () => {
    server = await startPostgres();
    url = await server.newDatabase();
    [a, b] = await Promise.all([startCenter(url), startCenter(url)]);
    sql = new pg.Client({ connectionString: url });
    await sql.connect();
    // a second account, so that one account's lock does not hide the other's
    const r = await fetch(`${a.base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    const cookie = r.headers.get('set-cookie')!.split(';')[0]!;
    const made = await fetch(`${a.base}/api/staff`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'li.op', password: 'li-operator-pass-1', role: 'operator' }),
    });
    expect(made.status).toBe(201);
  });

  afterAll(async () => {
    await sql?.end().catch(() => {});
    for (const i of [a, b]) {
      await i?.gw.stop();
      if (i) rmSync(i.dir, { recursive: true, force: true });
    }
    await server?.stop();
  });

  it('wrong passwords alternating between A and B: the limit is reached as on one instance', async () => {
    expect(await login(a, 'li.op', 'wrong-password-0001')).toBe(401);
    expect(await login(b, 'li.op', 'wrong-password-0002')).toBe(401);
    expect(await login(a, 'li.op', 'wrong-password-0003')).toBe(401);
    // three failures in all: both instances refuse without checking, even the right password
    expect(await login(b, 'li.op', 'li-operator-pass-1')).toBe(429);
    expect(await login(a, 'li.op', 'li-operator-pass-1')).toBe(429);
    // another account from the same address is not locked by it
    expect(await login(b, 'admin', ADMIN_PASSWORD)).toBe(200);
    // a success on one instance forgives that pair's failures on the other
    expect(await login(a, 'admin', 'wrong-password-0004')).toBe(401);
    expect(await login(b, 'admin', 'wrong-password-0005')).toBe(401);
    expect(await login(a, 'admin', ADMIN_PASSWORD)).toBe(200);
    expect(await login(b, 'admin', 'wrong-password-0006')).toBe(401);
    expect(await login(a, 'admin', 'wrong-password-0007')).toBe(401);
    expect(await login(b, 'admin', ADMIN_PASSWORD)).toBe(200);
    // no address or account name in the table: keys are digests
    const rows = (await sql.query<{ key: string }>('SELECT key FROM login_failures')).rows;
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.key).toMatch(/^[0-9a-f]{64}$/);
  });

  it('failures racing on both instances all count', async () => {
    const key = 'race-key';
    const pools = await Promise.all([openPg(url, { max: 4 }), openPg(url, { max: 4 })]);
    try {
      const stores = pools.map((p) => new PgLoginCounts(p));
      const now = Date.now();
      await Promise.all(Array.from({ length: 20 }, (_, n) => stores[n % 2]!.add([key], now, 60_000)));
      expect((await stores[0]!.get([key], now)).get(key)?.failures).toBe(20);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('the window: a count ends with it and starts again at 1; a success forgives the pair', async () => {
    const pool = await openPg(url, { max: 2 });
    try {
      await migratePg(pool);
      const c = new PgLoginCounts(pool);
      await c.add(['k1', 'k2'], 1_000, 500);
      await c.add(['k1'], 1_200, 500);
      expect(await c.get(['k1', 'k2', 'k3'], 1_400)).toEqual(
        new Map([
          ['k1', { failures: 2, resetAt: 1_500 }],
          ['k2', { failures: 1, resetAt: 1_500 }],
        ]),
      );
      expect((await c.get(['k1'], 1_500)).size).toBe(0); // the window ended
      await c.add(['k1'], 1_600, 500);
      expect((await c.get(['k1'], 1_600)).get('k1')).toEqual({ failures: 1, resetAt: 2_100 });
      await c.delete('k1');
      expect((await c.get(['k1', 'k2'], 1_400)).has('k1')).toBe(false);
    } finally {
      await pool.end();
    }
  });
});
