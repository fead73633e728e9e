// Role center with its data in a real PostgreSQL (center.databaseUrl): two center instances
// (each its own embedded broker, HTTP API and SQLite file) share
// one database. A revision is stored once whichever instance gets it, the alarm API of either
// serves it, an operator's console on one sees what the other ingested (LISTEN/NOTIFY), and a
// bad or unreachable database is refused at start.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgCenterData } from '../../src/center/pg/store.ts';
import { provisionStationIn } from '../../src/center/stations.ts';
import { readMigrations } from '../../src/db/migrate.ts';
import { migratePg, openPg, PG_MIGRATIONS_DIR } from '../../src/db/pg.ts';
import { type RunningGateway, silentLogger, startGateway } from '../../src/index.ts';
import { type RunningPostgres, startPostgres } from '../helpers/postgres.ts';
import { until } from '../helpers/until.ts';
import { actionResult, alertMessage, type Json, MqttStation, postSigned } from './station-sim.ts';

const ADMIN_PASSWORD = 'center-pg-admin-1';
const PG_MIGRATIONS = readMigrations(PG_MIGRATIONS_DIR).map((m) => m.name);
const SECRETS = { password: 'station-s1-password-0001', webhookSecret: 'station-s1-webhook-secret-0001' };

interface Instance {
  gw: RunningGateway;
  dir: string;
  base: string;
  cookie: string;
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }>;
}

async function startCenter(databaseUrl: string): Promise<Instance> {
  const dir = mkdtempSync(join(tmpdir(), 'linli-center-pg-'));
  const gw = await startGateway({
    config: {
      site: 'center',
      role: 'center',
      dataDir: dir,
      hmacKey: 'center-pg-test-hmac-key-0123456789',
      mqtt: { port: 0, wsPort: -1, host: '127.0.0.1' },
      http: { port: 0, host: '127.0.0.1' },
      center: { databaseUrl },
    },
    env: { LINLI_GW_ADMIN_PASSWORD: ADMIN_PASSWORD },
    log: silentLogger,
    print: () => {},
  });
  // the account is in the shared database: the second instance finds it made
  await provisionStationIn(gw.center!.center.stations, 's1', SECRETS);
  const base = `http://127.0.0.1:${gw.ports.http}`;
  const res = await fetch(`${base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  const api = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: { cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    return { status: r.status, body: (text ? JSON.parse(text) : {}) as Json };
  };
  return { gw, dir, base, cookie, api };
}

describe('center on PostgreSQL: two instances, one database', () => {
  let server: RunningPostgres;
  let url: string;
  let a: Instance;
  let b: Instance;
  let station: MqttStation | undefined;
  let sql: pg.Client;

  beforeAll(async () => {
    server = await startPostgres();
    url = await server.newDatabase();
    // started together: the migrations are applied once, under the advisory lock
    [a, b] = await Promise.all([startCenter(url), startCenter(url)]);
    sql = new pg.Client({ connectionString: url });
    await sql.connect();
  });

  afterAll(async () => {
    await station?.end().catch(() => {});
    await sql?.end().catch(() => {});
    for (const i of [a, b]) {
      await i?.gw.stop();
      if (i) rmSync(i.dir, { recursive: true, force: true });
    }
    await server?.stop();
  });

  const count = async (q: string, ...p: unknown[]) =>
    Number((await sql.query<{ n: string }>(q, p)).rows[0]!.n);

  it('both instances started on one schema, applied once; health says postgres, reachable', async () => {
    expect(await count('SELECT COUNT(*) AS n FROM schema_migrations')).toBe(PG_MIGRATIONS.length);
    const health = await fetch(`${a.base}/healthz`);
    expect(health.status).toBe(200);
    expect((await health.json()) as Json).toMatchObject({
      status: 'ok',
      centerDatabase: { database: 'postgres', reachable: true },
    });
  });

  it('a revision is stored once in PostgreSQL whichever instance gets it; receipts after the commit', async () => {
    station = await MqttStation.connect(`mqtt://127.0.0.1:${a.gw.ports.mqtt}`, 's1', SECRETS.password);
    const m = alertMessage('s1', { alertId: 'al-pg-0001', rev: 1 });
    const receipt = await station.send(m);
    expect(receipt).toMatchObject({ kind: 'stored', alertId: 'al-pg-0001', rev: 1, duplicate: false });
    // committed before the receipt: the row is there when the station hears "stored"
    expect(await count("SELECT COUNT(*) AS n FROM center_revisions WHERE alert_id = 'al-pg-0001'")).toBe(1);
    // redelivered to the other instance (the first one died before its ack): a duplicate
    const again = await postSigned(b.base, 's1', SECRETS.webhookSecret, m);
    expect(again).toMatchObject({ status: 200, body: { stored: true, duplicate: true } });
    expect(await count("SELECT COUNT(*) AS n FROM alert_history WHERE alert_id = 'al-pg-0001'")).toBe(1);
    // nothing of it in either instance's SQLite file
    for (const i of [a, b])
      expect(
        i.gw.engine.db.prepare("SELECT COUNT(*) AS n FROM alerts WHERE id = 'al-pg-0001'").get(),
      ).toEqual({
        n: 0,
      });
  });

  it('the same revision posted to both instances at once is applied once', async () => {
    const m = alertMessage('s1', { alertId: 'al-pg-0002', rev: 1 });
    const answers = await Promise.all(
      [a, b, a, b].map((i) => postSigned(i.base, 's1', SECRETS.webhookSecret, m)),
    );
    expect(answers.every((r) => r.status === 200)).toBe(true);
    expect(answers.filter((r) => r.body.duplicate === false)).toHaveLength(1);
    expect(await count("SELECT COUNT(*) AS n FROM alert_history WHERE alert_id = 'al-pg-0002'")).toBe(1);
  });

  it("either instance's alarm API lists and details it; reports and history search read PostgreSQL", async () => {
    for (const i of [a, b]) {
      const list = await i.api('GET', '/api/alerts?site=s1');
      expect(list.status).toBe(200);
      expect(list.body.alerts.map((x: Json) => x.id)).toEqual(
        expect.arrayContaining(['al-pg-0001', 'al-pg-0002']),
      );
      const d = await i.api('GET', '/api/alerts/al-pg-0001');
      expect(d.body.alert).toMatchObject({ site: 's1', state: 'raised', rev: 1 });
      expect(d.body.history.map((h: Json) => h.action)).toEqual(['raised']);
      expect(d.body.resident).toMatchObject({ name: '李秀英' });
    }
    const now = Date.now();
    const search = await b.api(
      'GET',
      `/api/reports/alerts?from=0&to=${now + 60_000}&resident=${encodeURIComponent('秀英')}`,
    );
    expect(search.status).toBe(200);
    expect(search.body.alerts.map((x: Json) => x.id).sort()).toEqual(['al-pg-0001', 'al-pg-0002']);
    expect(search.body.alerts[0].residentName).toBe('李秀英');
    const summary = await a.api('GET', `/api/reports/summary?from=0&to=${now + 60_000}&bucket=day`);
    expect(summary.body.total.count).toBe(2);
    expect(summary.body.bySite).toMatchObject([{ site: 's1', count: 2 }]);
  });

  it("an operator's action on one instance is answered through the other; both see it", async () => {
    const ack = await b.api('POST', '/api/alerts/al-pg-0001/ack', {});
    expect(ack.status).toBe(202);
    const actionId = ack.body.action.id as string;
    // the station is connected to instance A: A's periodic resend or B's publish reaches it only
    // through a broker it is on, so the station answers by webhook to A
    const r = await postSigned(
      a.base,
      's1',
      SECRETS.webhookSecret,
      actionResult('s1', actionId, 'al-pg-0001', true, { rev: 2 }),
    );
    expect(r.status).toBe(200);
    const list = await a.api('GET', '/api/alerts');
    expect(list.body.pendingActions).toEqual([]);
    const d = await b.api('GET', '/api/alerts/al-pg-0001');
    expect(d.body.actions).toMatchObject([{ id: actionId, state: 'applied', resultRev: 2 }]);
  });

  it('a console on instance A sees live what instance B ingested (LISTEN/NOTIFY)', async () => {
    const ctl = new AbortController();
    const res = await fetch(`${a.base}/api/stream`, { headers: { cookie: a.cookie }, signal: ctl.signal });
    const reader = res.body!.getReader();
    let text = '';
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += new TextDecoder().decode(value);
      }
    })().catch(() => {});
    await until(() => text.includes('event: hello'), 'stream hello');
    const m = alertMessage('s1', { alertId: 'al-pg-0003', rev: 1 });
    expect((await postSigned(b.base, 's1', SECRETS.webhookSecret, m)).body.duplicate).toBe(false);
    await until(() => text.includes('al-pg-0003'), 'alert from instance B on instance A stream');
    expect(text).toMatch(/event: alert\.changed\ndata: .*"al-pg-0003"/);
    ctl.abort();
    await reading;
  });

  it("an instance's own technical alert is listed by both; only that instance acts on it", async () => {
    const own = a.gw.engine.alerts.raiseTechnical('gateway.broker-link', 'center', 'broker link down');
    await until(
      async () => (await b.api('GET', `/api/alerts/${own.id}`)).status === 200,
      'mirrored to PostgreSQL',
    );
    const onB = await b.api('POST', `/api/alerts/${own.id}/ack`, {});
    expect(onB.status).toBe(409);
    expect(onB.body.error.code).toBe('ALERT_ELSEWHERE');
    const onA = await a.api('POST', `/api/alerts/${own.id}/ack`, {});
    expect(onA.status).toBe(200);
    await until(
      async () => (await b.api('GET', `/api/alerts/${own.id}`)).body.alert?.state === 'acknowledged',
      'acknowledgement mirrored',
    );
    const d = await b.api('GET', `/api/alerts/${own.id}`);
    expect(d.body.history.map((h: Json) => h.action)).toEqual(['raised', 'acknowledged']);
  });

  it('one audit log for the center: either instance lists what was done on both', async () => {
    await b.api('POST', '/api/alerts/al-pg-0002/notes', { note: '已联系家属' });
    const entries = await until(async () => {
      const r = await a.api('GET', '/api/audit?limit=100');
      const e = r.body.entries as Json[];
      return e.some((x) => x.action === 'alert.note' && x.target === 'alert:al-pg-0002') &&
        e.filter((x) => x.action === 'staff.login').length >= 2
        ? e
        : undefined;
    }, 'audit entries of both instances on A');
    expect(entries.filter((x) => x.action === 'staff.login' && x.actor === 'admin')).toHaveLength(2);
    // the filters and the cursor work on the shared table
    const notes = await b.api('GET', '/api/audit?action=alert.note');
    expect(notes.body.entries.map((x: Json) => x.target)).toEqual(['alert:al-pg-0002']);
    const older = await a.api('GET', `/api/audit?before=${notes.body.entries[0].id}&action=alert.note`);
    expect(older.body.entries).toEqual([]);
  });

  it('device summaries and the stations overview come from PostgreSQL', async () => {
    const reg = {
      v: 1,
      kind: 'registry',
      site: 's1',
      mode: 'changes',
      at: Date.now(),
      devices: [{ id: 'p-9', kind: 'pendant', online: true, building: '3' }],
    };
    expect((await postSigned(a.base, 's1', SECRETS.webhookSecret, reg)).status).toBe(200);
    const devices = await b.api('GET', '/api/devices?site=s1');
    expect(devices.body.devices).toMatchObject([{ id: 'p-9', site: 's1', location: { building: '3' } }]);
    const st = await b.api('GET', '/api/center/stations');
    expect(st.body.stations).toMatchObject([{ site: 's1', devices: 1, openAlerts: 3 }]); // al-pg-0001..3
  });
});

describe('center on PostgreSQL: refused at start', () => {
  it('an unreachable database: start fails with the reason, password not shown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'linli-center-pg-bad-'));
    try {
      await expect(
        startGateway({
          config: {
            site: 'center',
            role: 'center',
            dataDir: dir,
            hmacKey: 'center-pg-test-hmac-key-0123456789',
            mqtt: { port: 0, wsPort: -1, host: '127.0.0.1' },
            http: { port: 0, host: '127.0.0.1' },
            center: { databaseUrl: 'postgres://linli:s3cret-pw@127.0.0.1:1/linli' },
          },
          log: silentLogger,
          print: () => {},
        }),
      ).rejects.toThrow(
        /^(?!.*s3cret-pw).*PostgreSQL at postgres:\/\/linli:\*\*\*@127\.0\.0\.1:1\/linli did not answer/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a URL that is not postgres://, or a database URL for a station, is a configuration error', async () => {
    const base = { site: 'x', dataDir: '/nonexistent', hmacKey: 'k'.repeat(32) };
    await expect(
      startGateway({
        config: { ...base, role: 'center', center: { databaseUrl: 'mysql://h/db' } },
        log: silentLogger,
      }),
    ).rejects.toThrow(/center\.databaseUrl/);
    await expect(
      startGateway({
        config: { ...base, role: 'edge', center: { databaseUrl: 'postgres://h/db' } },
        log: silentLogger,
      }),
    ).rejects.toThrow(/center\.databaseUrl.*role center/);
  });

  it('migrations: two instances migrating one new database at once apply each migration once', async () => {
    const server = await startPostgres();
    try {
      const url = await server.newDatabase();
      const pools = await Promise.all([openPg(url), openPg(url), openPg(url)]);
      const applied = await Promise.all(pools.map((p) => migratePg(p)));
      expect(applied.flat()).toEqual(PG_MIGRATIONS);
      const opened = await PgCenterData.open({ url, now: Date.now, onAlertChange: () => {} });
      await opened.close();
      await Promise.all(pools.map((p) => p.end()));
    } finally {
      await server.stop();
    }
  });
});
