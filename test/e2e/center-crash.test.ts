// kill -9 of the center during two stations' traffic (one on MQTT, one on the webhook): the
// stations retry until each revision is answered `stored`; afterwards the center's ledger shows
// 0 revisions lost and 0 applied twice (issue #11, DESIGN.md reliability contract).
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { migrate, openDb, provisionStation } from '@linli/gateway';
import { afterEach, describe, expect, it } from 'vitest';
import { alertMessage, type Json, MqttStation, postSigned } from '../../gateway/test/center/station-sim.ts';
import { freePort, HMAC_KEY, killed, removeDir, spawnGateway, tempDir } from './gateway-helpers.ts';

const ALERTS = 6;
const REVS = 5;
const KILL_AFTER = 20;
const MQTT_SECRETS = {
  password: 'crash-mqtt-password-0123456789',
  webhookSecret: 'crash-mqtt-webhook-0123456789',
};
const WEB_SECRETS = {
  password: 'crash-web-password-0123456789',
  webhookSecret: 'crash-web-webhook-0123456789',
};

let proc: ChildProcess | undefined;
let dir: string | undefined;
let station: MqttStation | undefined;

afterEach(async () => {
  await station?.end().catch(() => {});
  station = undefined;
  if (proc) {
    proc.kill('SIGKILL');
    await killed(proc);
  }
  proc = undefined;
  removeDir(dir);
  dir = undefined;
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('center crash safety', () => {
  it('kill -9 during stations’ traffic: 0 revisions lost, 0 applied twice', async () => {
    dir = tempDir();
    const db = openDb(join(dir, 'gateway.db'));
    migrate(db);
    await provisionStation(db, HMAC_KEY, 'cm', MQTT_SECRETS);
    await provisionStation(db, HMAC_KEY, 'cw', WEB_SECRETS);
    db.close();
    const [mqttPort, httpPort] = [await freePort(), await freePort()];
    const env = {
      LINLI_GW_ROLE: 'center',
      LINLI_GW_SITE: 'center',
      LINLI_GW_DATA_DIR: dir,
      LINLI_GW_MQTT_HOST: '127.0.0.1',
      LINLI_GW_MQTT_PORT: String(mqttPort),
      LINLI_GW_WS_PORT: '-1',
      LINLI_GW_HTTP_HOST: '127.0.0.1',
      LINLI_GW_HTTP_PORT: String(httpPort),
      LINLI_GW_HMAC_KEY: HMAC_KEY,
      LINLI_GW_ADMIN_PASSWORD: 'center-crash-admin-1',
    };
    proc = (await spawnGateway(env)).proc;
    const base = `http://127.0.0.1:${httpPort}`;
    station = await MqttStation.connect(`mqtt://127.0.0.1:${mqttPort}`, 'cm', MQTT_SECRETS.password);

    const receipts = new Set<string>();
    let killedOnce = false;
    let restarting: Promise<void> | undefined;
    const onReceipt = (key: string) => {
      receipts.add(key);
      if (!killedOnce && receipts.size >= KILL_AFTER) {
        killedOnce = true;
        const p = proc!;
        p.kill('SIGKILL');
        restarting = killed(p).then(async () => {
          await pause(300);
          proc = (await spawnGateway(env)).proc;
        });
      }
    };
    // one alert's revisions in order, each retried until the center answers `stored`
    const viaMqtt = async (alertId: string) => {
      for (let rev = 1; rev <= REVS; rev++) {
        const m = alertMessage('cm', { alertId, rev });
        for (;;) {
          try {
            await station!.send(m, 2000);
            break;
          } catch {
            await pause(100);
          }
        }
        onReceipt(`cm:${alertId}:${rev}`);
      }
    };
    const viaWebhook = async (alertId: string) => {
      for (let rev = 1; rev <= REVS; rev++) {
        const m = alertMessage('cw', { alertId, rev });
        for (;;) {
          const r = await postSigned(base, 'cw', WEB_SECRETS.webhookSecret, m).catch(() => undefined);
          if (r?.status === 200 && (r.body as Json).stored === true) break;
          await pause(100);
        }
        onReceipt(`cw:${alertId}:${rev}`);
      }
    };
    const t0 = Date.now();
    const ids = Array.from({ length: ALERTS }, (_, i) => `al-crash-${String(i).padStart(4, '0')}`);
    await Promise.all([...ids.map((id) => viaMqtt(`${id}m`)), ...ids.map((id) => viaWebhook(`${id}w`))]);
    await restarting;
    expect(killedOnce).toBe(true);
    console.log(`center crash: all stored ${Date.now() - t0} ms after the first send`);
    expect(receipts.size).toBe(2 * ALERTS * REVS);

    // the ledger, read from the center's database after one more kill -9
    proc!.kill('SIGKILL');
    await killed(proc!);
    proc = undefined;
    const check = openDb(join(dir, 'gateway.db'));
    const revisions = check.prepare('SELECT site, alert_id, rev FROM center_revisions').all() as {
      site: string;
      alert_id: string;
      rev: number;
    }[];
    const stored = new Set(revisions.map((r) => `${r.site}:${r.alert_id}:${r.rev}`));
    const lost = [...receipts].filter((k) => !stored.has(k));
    const twice = check
      .prepare('SELECT alert_id, rev, COUNT(*) AS n FROM alert_history GROUP BY alert_id, rev HAVING n > 1')
      .all();
    const heads = check.prepare("SELECT id, rev FROM alerts WHERE id LIKE 'al-crash-%'").all() as {
      id: string;
      rev: number;
    }[];
    check.close();
    console.log(
      `center crash ledger: ${JSON.stringify({ sent: receipts.size, stored: stored.size, lost: lost.length, appliedTwice: twice.length })}`,
    );
    expect(lost).toEqual([]);
    expect(twice).toEqual([]);
    expect(stored.size).toBe(2 * ALERTS * REVS);
    expect(heads).toHaveLength(2 * ALERTS);
    for (const h of heads) expect(h.rev).toBe(REVS);
  }, 120_000);
});
