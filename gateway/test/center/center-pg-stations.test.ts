// Station accounts of a center on PostgreSQL (issue #17): two real center instances (each its
// own embedded broker and HTTP API) on one real PostgreSQL. A station added by the CLI
// authenticates on both (MQTT CONNECT and webhook signature); rotated on one instance, its old
// password and webhook secret stop working on the other within moments, without a database round
// trip per CONNECT (the in-memory copy follows LISTEN/NOTIFY); while the other's LISTEN connection
// is down it reads through to the database, so a rotation then is not missed either. The CLI's
// mosquitto-files export reads the shared accounts; copy-to-database moves a SQLite file's.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLogger } from '@linli/shared/service';
import mqtt from 'mqtt';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgStationStore, warnLocalStations } from '../../src/center/pg/stations.ts';
import { StationStore } from '../../src/center/stations.ts';
import { run } from '../../src/cli/main.ts';
import { migrate, openDb } from '../../src/db/index.ts';
import { type RunningGateway, silentLogger, startGateway } from '../../src/index.ts';
import { verifyMosquittoHash } from '../../src/registry/mosquitto.ts';
import { type RunningPostgres, startPostgres } from '../helpers/postgres.ts';
import { until } from '../helpers/until.ts';
import { postSigned, supervisionMessage } from './station-sim.ts';

const KEY = 'center-pg-stations-hmac-key-0123456789';

interface Instance {
  gw: RunningGateway;
  dir: string;
  base: string;
  mqttUrl: string;
}

async function startCenter(databaseUrl: string): Promise<Instance> {
  const dir = mkdtempSync(join(tmpdir(), 'linli-center-pg-stations-'));
  const gw = await startGateway({
    config: {
      site: 'center',
      role: 'center',
      dataDir: dir,
      hmacKey: KEY,
      // refused CONNECTs are the point here: do not block the test's address
      mqtt: { port: 0, wsPort: -1, host: '127.0.0.1', authFailLimit: 10_000 },
      http: { port: 0, host: '127.0.0.1' },
      center: { databaseUrl, webhookFailLimit: 10_000 },
    },
    env: { LINLI_GW_ADMIN_PASSWORD: 'center-pg-admin-1' },
    log: silentLogger,
    print: () => {},
  });
  return {
    gw,
    dir,
    base: `http://127.0.0.1:${gw.ports.http}`,
    mqttUrl: `mqtt://127.0.0.1:${gw.ports.mqtt}`,
  };
}

/** Whether the broker admits the station with this password (CONNACK accepted). */
async function admits(i: Instance, site: string, password: string): Promise<boolean> {
  const c = mqtt.connect(i.mqttUrl, {
    clientId: `station-${site}`,
    username: site,
    password,
    reconnectPeriod: 0,
    connectTimeout: 5000,
  });
  try {
    return await new Promise<boolean>((resolve, reject) => {
      c.once('connect', () => resolve(true));
      c.once('error', (err) => {
        const code = (err as { code?: number }).code;
        if (code === 4 || code === 5 || /not authori[sz]ed|bad user/i.test(err.message)) resolve(false);
        else reject(err);
      });
    });
  } finally {
    await c.endAsync(true).catch(() => {});
  }
}

async function webhookStatus(i: Instance, site: string, secret: string): Promise<number> {
  return (await postSigned(i.base, site, secret, supervisionMessage(site, 'webhook', Date.now()))).status;
}

describe('center on PostgreSQL: station accounts shared by the instances', { timeout: 120_000 }, () => {
  let server: RunningPostgres;
  let url: string;
  let a: Instance;
  let b: Instance;
  let cliDir: string;
  let sql: pg.Client;

  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const code = await run(argv, {
      out: (l) => out.push(l),
      err: (l) => out.push(l),
      env: {
        LINLI_GW_ROLE: 'center',
        LINLI_GW_DATA_DIR: cliDir,
        LINLI_GW_HMAC_KEY: KEY,
        LINLI_GW_CENTER_DATABASE_URL: url,
      },
    });
    return { code, out: out.join('\n') };
  };

  beforeAll(async () => {
    server = await startPostgres();
    url = await server.newDatabase();
    [a, b] = await Promise.all([startCenter(url), startCenter(url)]);
    cliDir = mkdtempSync(join(tmpdir(), 'linli-center-pg-stations-cli-'));
    sql = new pg.Client({ connectionString: url });
    await sql.connect();
  });

  afterAll(async () => {
    await sql?.end().catch(() => {});
    for (const i of [a, b]) {
      await i?.gw.stop();
      if (i) rmSync(i.dir, { recursive: true, force: true });
    }
    if (cliDir) rmSync(cliDir, { recursive: true, force: true });
    await server?.stop();
  });

  it('a station added by the CLI authenticates on both instances (MQTT and webhook); not in SQLite', async () => {
    const added = await cli('center', 'station', 'add', 's1', '--json');
    expect(added.code, added.out).toBe(0);
    const s = JSON.parse(added.out) as { password: string; webhookSecret: string };
    for (const i of [a, b]) {
      await until(() => admits(i, 's1', s.password), `s1 admitted by ${i.base}`);
      expect(await admits(i, 's1', 'not-the-password-0123456789')).toBe(false);
      expect(await webhookStatus(i, 's1', s.webhookSecret)).toBe(200);
      expect(await webhookStatus(i, 's1', 'not-the-webhook-secret-0123456789')).toBe(401);
      expect(i.gw.center!.center.stations.list().map((x) => x.site)).toEqual(['s1']);
    }
    // in the shared database only; neither secret in clear
    for (const i of [a, b, { dir: cliDir }]) {
      const db = openDb(join(i.dir, 'gateway.db'));
      expect(db.prepare('SELECT count(*) AS n FROM center_stations').get()).toEqual({ n: 0 });
      db.close();
    }
    const row = (await sql.query('SELECT * FROM center_stations')).rows[0];
    expect(JSON.stringify(row)).not.toContain(s.password);
    expect(JSON.stringify(row)).not.toContain(s.webhookSecret);
    // the same name again, from either place: refused
    expect((await cli('center', 'station', 'add', 's1')).code).toBe(1);
    await expect(Promise.resolve(b.gw.center!.center.stations.add('s1'))).rejects.toThrow(/exists/);
  });

  it('rotated on A: the old password and webhook secret stop working on B promptly; the new ones work', async () => {
    const old = await a.gw.center!.center.stations.rotate('s1', {
      password: 'old-station-password-0001',
      webhookSecret: 'old-station-webhook-secret-0001',
    });
    await until(() => admits(b, 's1', old.password), 'the first rotation on B');
    const t0 = Date.now();
    const fresh = await a.gw.center!.center.stations.rotate('s1');
    // B's copy follows the NOTIFY sent at the commit: the old password is refused within moments
    await until(async () => !(await admits(b, 's1', old.password)), 'the old password refused on B', 5_000);
    const refusedAfterMs = Date.now() - t0;
    expect(refusedAfterMs).toBeLessThan(5_000);
    expect(await admits(b, 's1', fresh.password)).toBe(true);
    expect(await admits(a, 's1', old.password)).toBe(false);
    expect(await webhookStatus(b, 's1', old.webhookSecret)).toBe(401);
    expect(await webhookStatus(b, 's1', fresh.webhookSecret)).toBe(200);
  });

  it('a full reload whose snapshot predates a rotation does not bring the old password back', async () => {
    const store = b.gw.center!.center.stations as unknown as {
      pool: pg.Pool;
      reload(): Promise<void>;
      authenticate(site: string, password: string): Promise<boolean>;
    };
    const first = await a.gw.center!.center.stations.rotate('s1', {
      password: 'reload-station-password-0001',
      webhookSecret: 'reload-station-webhook-secret-0001',
    });
    await until(() => store.authenticate('s1', first.password), 'the first rotation on B');
    // B's full reload reads the table now, but its answer is held back; so is every re-read of s1
    const query = store.pool.query;
    let openSnapshot!: () => void;
    const snapshotHeld = new Promise<void>((resolve) => {
      openSnapshot = resolve;
    });
    let holdRereads = false;
    let openRereads!: () => void;
    const rereadsHeld = new Promise<void>((resolve) => {
      openRereads = resolve;
    });
    store.pool.query = (async (...args: unknown[]) => {
      const result = await (query as (...x: unknown[]) => Promise<unknown>).apply(store.pool, args);
      const text = String(args[0]);
      if (text === 'SELECT * FROM center_stations') await snapshotHeld;
      else if (holdRereads && text.includes('FROM center_stations WHERE site')) await rereadsHeld;
      return result;
    }) as pg.Pool['query'];
    try {
      const reloading = store.reload();
      await new Promise((r) => setTimeout(r, 200)); // the snapshot (first password) is taken
      const fresh = await a.gw.center!.center.stations.rotate('s1'); // B re-reads s1 on the NOTIFY
      await until(() => store.authenticate('s1', fresh.password), 'the second rotation on B');
      holdRereads = true; // the reload's own re-read of what it was told: held back
      openSnapshot();
      await new Promise((r) => setTimeout(r, 200)); // the reload installs its snapshot
      expect(await store.authenticate('s1', fresh.password)).toBe(true);
      expect(await store.authenticate('s1', first.password)).toBe(false);
      openRereads();
      await reloading;
      expect(await store.authenticate('s1', fresh.password)).toBe(true);
    } finally {
      store.pool.query = query;
      openSnapshot();
      openRereads();
    }
  });

  it('CONNECTs are authenticated from the copy: no database round trip per CONNECT', async () => {
    const s = await a.gw.center!.center.stations.rotate('s1', {
      password: 'copy-station-password-0001',
      webhookSecret: 'copy-station-webhook-secret-0001',
    });
    await until(() => admits(b, 's1', s.password), 'the rotation on B');
    // every query B's station store sends, counted
    const pool = (b.gw.center!.center.stations as unknown as { pool: pg.Pool }).pool;
    const query = pool.query;
    let reads = 0;
    pool.query = ((...args: Parameters<pg.Pool['query']>) => {
      if (String(args[0]).includes('center_stations')) reads++;
      return (query as (...x: unknown[]) => unknown).apply(pool, args);
    }) as pg.Pool['query'];
    try {
      for (let n = 0; n < 10; n++) expect(await admits(b, 's1', s.password)).toBe(true);
      expect(await admits(b, 's1', 'not-the-password-0123456789')).toBe(false);
      expect(await admits(b, 'nobody', 'not-the-password-0123456789')).toBe(false);
      for (let n = 0; n < 5; n++) expect(await webhookStatus(b, 's1', s.webhookSecret)).toBe(200);
    } finally {
      pool.query = query;
    }
    // (the copy's reload every minute may fall in between: one read)
    expect(reads).toBeLessThanOrEqual(1);
  });

  it("while B's LISTEN connection is down, B reads through: a rotation then is not missed", async () => {
    const s = await a.gw.center!.center.stations.rotate('s1', {
      password: 'before-cut-password-0001',
      webhookSecret: 'before-cut-webhook-secret-0001',
    });
    await until(() => admits(b, 's1', s.password), 'the rotation on B');
    // cut every LISTEN connection (A's and B's); they reconnect after 1 s
    await sql.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN linli_center_stations%'",
    );
    // rotated through the database behind both instances' backs (no NOTIFY reaches anyone now)
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    const behind = await PgStationStore.open({ pool, gatewayKey: KEY, log: silentLogger });
    const next = await behind.rotate('s1');
    await behind.close();
    await pool.end();
    expect(await admits(b, 's1', s.password)).toBe(false);
    expect(await admits(b, 's1', next.password)).toBe(true);
    expect(await webhookStatus(b, 's1', next.webhookSecret)).toBe(200);
    // once listening again (reloaded), B follows NOTIFYs as before
    await until(
      async () =>
        Number(
          (
            await sql.query(
              "SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE 'LISTEN linli_center_stations%'",
            )
          ).rows[0].n,
        ) >= 2,
      'the LISTEN connections back',
    );
    const last = await a.gw.center!.center.stations.rotate('s1');
    await until(async () => !(await admits(b, 's1', next.password)), 'the next rotation on B', 5_000);
    expect(await admits(b, 's1', last.password)).toBe(true);
  });

  it('removed by the CLI: refused on both; mosquitto-files exports the shared accounts', async () => {
    const added = JSON.parse((await cli('center', 'station', 'add', 's2', '--json')).out) as {
      password: string;
    };
    const dir = join(cliDir, 'mq');
    const files = await cli('center', 'mosquitto-files', dir, '--instances', 'c1,c2');
    expect(files.code, files.out).toBe(0);
    const pw = readFileSync(join(dir, 'password_file'), 'utf8');
    const line = pw.split('\n').find((l) => l.startsWith('s2:'))!;
    expect(verifyMosquittoHash(added.password, line.slice('s2:'.length))).toBe(true);
    expect(pw).toMatch(/^s1:/m);
    expect((await cli('center', 'station', 'list')).out).toMatch(/^s1\tadded .*\ns2\tadded /);
    await until(() => admits(b, 's2', added.password), 's2 admitted on B');
    expect((await cli('center', 'station', 'remove', 's2')).code).toBe(0);
    for (const i of [a, b])
      await until(async () => !(await admits(i, 's2', added.password)), `s2 refused on ${i.base}`, 5_000);
    expect(b.gw.center!.center.stations.list().map((x) => x.site)).toEqual(['s1']);
  });

  it("copy-to-database: a SQLite file's accounts are copied with their secrets; existing ones kept", async () => {
    const db = openDb(join(cliDir, 'gateway.db'));
    migrate(db);
    const local = new StationStore(db, KEY);
    const s3 = local.add('s3');
    local.add('s1'); // already in the database: left as it is there
    // at start, an instance with accounts only in its SQLite file says so, with the command
    const store = b.gw.center!.center.stations as PgStationStore;
    const warned = memoryLogger('warn');
    warnLocalStations(db, KEY, store, warned.log);
    expect(warned.records).toMatchObject([{ level: 'warn', fields: { sites: ['s3'], count: 1 } }]);
    expect(warned.records[0]!.msg).toMatch(/center station copy-to-database/);
    const r = await cli('center', 'station', 'copy-to-database');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/copied 1 station account.*1 already there/);
    await until(() => admits(a, 's3', s3.password), 's3 admitted on A');
    expect(await webhookStatus(b, 's3', s3.webhookSecret)).toBe(200);
    await until(async () => store.list().some((x) => x.site === 's3'), "s3 in B's copy");
    const quiet = memoryLogger('warn');
    warnLocalStations(db, KEY, store, quiet.log);
    expect(quiet.records).toEqual([]);
    db.close();
  });
});
