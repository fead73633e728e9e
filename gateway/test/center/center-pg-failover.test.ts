// An operator's actions while a center instance dies (issue #17): instance A is a real process
// (SIGKILLed mid-test), instance B runs in this process, both on one real PostgreSQL. An action
// requested on A just before its death is not lost: it is pending in the shared database, B
// carries it down to the station and takes the station's answer. An action issued to B while A
// is being killed works; the same action asked again on B is the one A recorded, not a second
// one; each revision the station then sends is applied once.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionStationIn } from '../../src/center/stations.ts';
import { type RunningGateway, silentLogger, startGateway } from '../../src/index.ts';
import { type RunningPostgres, startPostgres } from '../helpers/postgres.ts';
import { actionResult, alertMessage, type Json, postSigned, supervisionMessage } from './station-sim.ts';

const KEY = 'center-pg-failover-hmac-key-0123456789';
const ADMIN_PASSWORD = 'center-pg-failover-admin-1';
const SECRETS = { password: 'station-s1-password-0001', webhookSecret: 'station-s1-webhook-secret-0001' };
const SERVER = fileURLToPath(new URL('../../src/server.ts', import.meta.url));

/** Instance A: `tsx gateway/src/server.ts` as its own process, resolved once it is ready. */
function spawnCenter(env: Record<string, string>): Promise<{ proc: ChildProcess; http: number }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', SERVER], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`center A not ready within 60 s:\n${out}`));
    }, 60_000);
    proc.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /linli-gateway ready (\{.*\})/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, http: (JSON.parse(m[1]!) as { http: number }).http });
      }
    });
    proc.stderr!.on('data', (b: Buffer) => {
      out += b.toString();
    });
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`center A exited (${code ?? signal}) before ready:\n${out}`));
    });
  });
}

async function call(
  base: string,
  cookie: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: { cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : {}) as Json };
}

describe('center on PostgreSQL: operator actions while an instance is killed', { timeout: 180_000 }, () => {
  let server: RunningPostgres;
  let url: string;
  let sql: pg.Client;
  let a: ChildProcess | undefined;
  let aBase: string;
  let b: RunningGateway;
  let bBase: string;
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'linli-center-pg-failover-'));
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    server = await startPostgres();
    url = await server.newDatabase();
    b = await startGateway({
      config: {
        site: 'center',
        role: 'center',
        dataDir: dir(),
        hmacKey: KEY,
        mqtt: { port: 0, wsPort: -1, host: '127.0.0.1' },
        http: { port: 0, host: '127.0.0.1' },
        center: { databaseUrl: url },
      },
      env: { LINLI_GW_ADMIN_PASSWORD: ADMIN_PASSWORD },
      log: silentLogger,
      print: () => {},
    });
    bBase = `http://127.0.0.1:${b.ports.http}`;
    await provisionStationIn(b.center!.center.stations, 's1', SECRETS);
    const started = await spawnCenter({
      LINLI_GW_ROLE: 'center',
      LINLI_GW_SITE: 'center',
      LINLI_GW_DATA_DIR: dir(),
      LINLI_GW_HMAC_KEY: KEY,
      LINLI_GW_CENTER_DATABASE_URL: url,
      LINLI_GW_ADMIN_PASSWORD: ADMIN_PASSWORD,
      LINLI_GW_MQTT_HOST: '127.0.0.1',
      LINLI_GW_MQTT_PORT: '0',
      LINLI_GW_WS_PORT: '-1',
      LINLI_GW_HTTP_HOST: '127.0.0.1',
      LINLI_GW_HTTP_PORT: '0',
      LINLI_GW_LOG_LEVEL: 'warn',
    });
    a = started.proc;
    aBase = `http://127.0.0.1:${started.http}`;
    sql = new pg.Client({ connectionString: url });
    await sql.connect();
  });

  afterAll(async () => {
    if (a && a.exitCode === null && a.signalCode === null) a.kill('SIGKILL');
    await sql?.end().catch(() => {});
    await b?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await server?.stop();
  });

  it('an action asked on A before its death and one asked on B during it both reach the station through B', async () => {
    for (const alertId of ['al-fo-0001', 'al-fo-0002']) {
      const r = await postSigned(aBase, 's1', SECRETS.webhookSecret, alertMessage('s1', { alertId, rev: 1 }));
      expect(r.status).toBe(200);
    }
    const login = await fetch(`${aBase}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;

    // on A: acknowledge the first alert; then A dies
    const onA = await call(aBase, cookie, 'POST', '/api/alerts/al-fo-0001/ack', {});
    expect(onA.status).toBe(202);
    const ackId = onA.body.action.id as string;
    const dead = new Promise<void>((r) => a!.once('exit', () => r()));
    // to B while A is being killed: resolve the second alert (the session cookie is A's)
    const [onB] = await Promise.all([
      call(bBase, cookie, 'POST', '/api/alerts/al-fo-0002/resolve', { outcome: 'assisted', note: '已上门' }),
      (async () => {
        a!.kill('SIGKILL');
        await dead;
      })(),
    ]);
    expect(onB.status).toBe(202);
    const resolveId = onB.body.action.id as string;
    // the operator, not seeing A's answer, acknowledges again on B: the action A recorded
    const again = await call(bBase, cookie, 'POST', '/api/alerts/al-fo-0001/ack', {});
    expect(again.status).toBe(202);
    expect(again.body.action.id).toBe(ackId);
    const pending = await call(bBase, cookie, 'GET', '/api/alerts');
    expect(pending.body.pendingActions.map((x: Json) => x.id).sort()).toEqual([ackId, resolveId].sort());

    // the station's next webhook (now answered by B) carries both requests down
    const sup = await postSigned(bBase, 's1', SECRETS.webhookSecret, supervisionMessage('s1', 'webhook'));
    expect(sup.status).toBe(200);
    const down = sup.body.actions as Json[];
    expect(down.map((x) => [x.actionId, x.action]).sort()).toEqual(
      [
        [ackId, 'acknowledge'],
        [resolveId, 'resolve'],
      ].sort(),
    );

    // the station applies them: new revisions and the action results, to B
    const rev2 = [
      alertMessage('s1', {
        alertId: 'al-fo-0001',
        rev: 2,
        state: 'acknowledged',
        action: 'acknowledged',
        by: 'center:admin',
      }),
      alertMessage('s1', {
        alertId: 'al-fo-0002',
        rev: 2,
        state: 'resolved',
        action: 'resolved',
        by: 'center:admin',
      }),
    ];
    for (const m of rev2) expect((await postSigned(bBase, 's1', SECRETS.webhookSecret, m)).status).toBe(200);
    for (const [id, alertId] of [
      [ackId, 'al-fo-0001'],
      [resolveId, 'al-fo-0002'],
    ] as const) {
      const r = await postSigned(
        bBase,
        's1',
        SECRETS.webhookSecret,
        actionResult('s1', id, alertId, true, { rev: 2 }),
      );
      expect(r.status).toBe(200);
    }
    // a late resend of the same revision (the station did not hear B's answer): stored once
    const dup = await postSigned(bBase, 's1', SECRETS.webhookSecret, rev2[0]!);
    expect(dup.body.duplicate).toBe(true);

    const one = await call(bBase, cookie, 'GET', '/api/alerts/al-fo-0001');
    expect(one.body.alert).toMatchObject({ state: 'acknowledged', rev: 2 });
    expect(one.body.actions).toMatchObject([{ id: ackId, state: 'applied', resultRev: 2 }]);
    const two = await call(bBase, cookie, 'GET', '/api/alerts/al-fo-0002');
    expect(two.body.alert).toMatchObject({ state: 'resolved', rev: 2 });
    expect(two.body.actions).toMatchObject([{ id: resolveId, state: 'applied', resultRev: 2 }]);
    expect((await call(bBase, cookie, 'GET', '/api/alerts')).body.pendingActions).toEqual([]);
    // each (alert, rev) applied once
    const history = await sql.query<{ alert_id: string; rev: number; n: string }>(
      "SELECT alert_id, rev, count(*) AS n FROM alert_history WHERE alert_id LIKE 'al-fo-%' GROUP BY alert_id, rev ORDER BY alert_id, rev",
    );
    expect(history.rows.map((r) => [r.alert_id, r.rev, Number(r.n)])).toEqual([
      ['al-fo-0001', 1, 1],
      ['al-fo-0001', 2, 1],
      ['al-fo-0002', 1, 1],
      ['al-fo-0002', 2, 1],
    ]);
    const actions = await sql.query('SELECT count(*) AS n FROM center_action_requests');
    expect(Number(actions.rows[0].n)).toBe(2);
  });
});
