// kill -9 of the station gateway process during traffic (presses folding into alerts, center
// acknowledgements coming down): after a restart every revision the station wrote reaches the
// center, in order per alert, none lost (a row leaves the outbox only on the center's receipt).

import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@linli/shared/service';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.ts';
import { openDb } from '../../src/db/open.ts';
import { openRegistry } from '../../src/registry/index.ts';
import { tempDir } from '../engine/helpers.ts';
import { TestCenter, until } from './test-center.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const SITE = 's1';
const HMAC_KEY = 'outbox-crash-test-hmac-key-0123';
const PASSWORD = 'station-password-0123';
const DEVICES = 4;
const secretOf = (id: string) => `secret-of-${id}-0123456789`;

let proc: ChildProcess | undefined;
let center: TestCenter | undefined;
const clients: MqttClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true).catch(() => {})));
  if (proc && proc.exitCode === null && proc.signalCode === null) {
    const p = proc;
    p.kill('SIGKILL');
    await new Promise((r) => p.once('exit', r));
  }
  proc = undefined;
  await center?.stop();
  center = undefined;
});

function spawnStation(env: Record<string, string>): Promise<ChildProcess> {
  const p = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'gateway/src/server.ts')], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`station not ready:\n${out}`)), 45_000);
    p.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('linli-gateway ready')) {
        clearTimeout(timer);
        resolve(p);
      }
    });
    p.stderr!.on('data', (b: Buffer) => {
      out += b.toString();
    });
    p.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`station exited (${code ?? signal}) before ready:\n${out}`));
    });
  });
}

describe('station crash safety of the outbox', () => {
  it('kill -9 during traffic: after restart every revision is delivered, in order, none lost', async () => {
    const dir = tempDir();
    const ids = Array.from({ length: DEVICES }, (_, i) => `kp${i}`);
    {
      const db = openDb(join(dir, 'gateway.db'));
      migrate(db);
      const registry = openRegistry(db, { secretKey: HMAC_KEY });
      for (const id of ids) registry.provision({ id, site: SITE, kind: 'pendant', secret: secretOf(id) });
      db.close();
    }
    center = new TestCenter(SITE, PASSWORD, 'unused-webhook-key-0123');
    await center.startMqtt();
    const port = await freePort();
    const env = {
      LINLI_GW_DATA_DIR: dir,
      LINLI_GW_SITE: SITE,
      LINLI_GW_MQTT_HOST: '127.0.0.1',
      LINLI_GW_MQTT_PORT: String(port),
      LINLI_GW_WS_PORT: '-1',
      LINLI_GW_HTTP_PORT: '-1',
      LINLI_GW_HMAC_KEY: HMAC_KEY,
      LINLI_GW_RATE_LIMIT: '10000',
      LINLI_GW_RATE_BURST: '10000',
      LINLI_GW_UPLINK_MQTT_URL: `mqtt://127.0.0.1:${center.mqttPort}`,
      LINLI_GW_UPLINK_PASSWORD: PASSWORD,
      LINLI_GW_UPLINK_SUPERVISION_S: '1',
      LINLI_GW_UPLINK_ACK_TIMEOUT_S: '2',
      LINLI_GW_UPLINK_RETRY_BASE_MS: '100',
      LINLI_GW_UPLINK_RETRY_MAX_S: '1',
    };
    proc = await spawnStation(env);

    let sending = true;
    let n = 0;
    for (const id of ids) {
      const c = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
        clientId: `linli-${SITE}-${id}`,
        username: id,
        password: secretOf(id),
        clean: false,
        reconnectPeriod: 200,
      });
      c.on('error', () => {});
      clients.push(c);
      await new Promise<void>((resolve) => c.once('connect', () => resolve()));
      const loop = () => {
        if (!sending) return;
        n++;
        const payload = JSON.stringify({ id: `${id}-${n}`, seq: n, ts: Date.now(), type: 'sos' });
        c.publish(`linli/v1/${SITE}/dev/${id}/evt`, payload, { qos: 1 }, () => setTimeout(loop, 20));
      };
      loop();
    }
    // the center acknowledges each alert as it sees it (an action request down during traffic)
    const asked = new Set<string>();
    const acknowledger = setInterval(() => {
      for (const e of center!.ledger)
        if (!asked.has(e.alertId) && e.state === 'raised' && e.context.device) {
          asked.add(e.alertId);
          center!.sendAction({
            actionId: `act-${e.alertId}`,
            alertId: e.alertId,
            action: 'acknowledge',
            by: 'center:wang',
          });
        }
    }, 100);
    try {
      await until(() => center!.ledger.length >= 15, 'traffic at the center before the kill', 45_000);
      proc.kill('SIGKILL');
      await new Promise((r) => proc!.once('exit', r));
      const beforeRestart = center.ledger.length;
      proc = await spawnStation(env);
      await until(() => center!.ledger.length >= beforeRestart + 10, 'traffic after the restart', 45_000);
      sending = false;
      await new Promise((r) => setTimeout(r, 300)); // the last presses' acknowledgements
    } finally {
      clearInterval(acknowledger);
      sending = false;
    }

    const db = openDb(join(dir, 'gateway.db'));
    try {
      const depth = () => (db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n;
      await until(() => depth() === 0, 'the outbox drained after the restart', 45_000);
      const history = db.prepare('SELECT alert_id, rev FROM alert_history ORDER BY alert_id, rev').all() as {
        alert_id: string;
        rev: number;
      }[];
      const byAlert = new Map<string, number[]>();
      for (const h of history) byAlert.set(h.alert_id, [...(byAlert.get(h.alert_id) ?? []), h.rev]);
      expect(history.length).toBeGreaterThan(25);
      for (const [alertId, revs] of byAlert) expect(center.revs(alertId), alertId).toEqual(revs); // none lost, in order
      expect(center.ledger.length).toBe(history.length);
      // the center's acknowledgements were applied once each
      const acked = db
        .prepare(
          "SELECT COUNT(*) AS n FROM alert_history WHERE action = 'acknowledged' AND by = 'center:wang'",
        )
        .get() as { n: number };
      const applied = db.prepare('SELECT COUNT(*) AS n FROM center_actions WHERE applied = 1').get() as {
        n: number;
      };
      expect(acked.n).toBe(applied.n);
      expect(applied.n).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  }, 180_000);
});
