// kill -9 of the gateway process during a burst of presses loses no acknowledged event, and
// after a restart the devices' retries are stored exactly once (DESIGN.md reliability contract).
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { openDb } from '@linli/gateway';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import {
  freePort,
  HMAC_KEY,
  killed,
  provision,
  removeDir,
  secretOf,
  spawnGateway,
  tempDir,
} from './gateway-helpers.ts';

const DEVICES = 5;
const IN_FLIGHT = 8;
const KILL_AFTER_ACKS = 150;

let proc: ChildProcess | undefined;
let dir: string | undefined;
const clients: MqttClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true).catch(() => {})));
  if (proc) {
    proc.kill('SIGKILL');
    await killed(proc);
  }
  proc = undefined;
  removeDir(dir);
  dir = undefined;
});

describe('gateway crash safety', () => {
  it('kill -9 during a burst of presses loses no acknowledged event; retries are stored once', async () => {
    dir = tempDir();
    const ids = Array.from({ length: DEVICES }, (_, i) => `crash${i}`);
    provision(dir, (r) => {
      for (const id of ids) r.provision({ id, site: 'site1', kind: 'pendant', secret: secretOf(id) });
    });
    const port = await freePort();
    const env = {
      LINLI_GW_DATA_DIR: dir,
      LINLI_GW_SITE: 'site1',
      LINLI_GW_MQTT_HOST: '127.0.0.1',
      LINLI_GW_MQTT_PORT: String(port),
      LINLI_GW_WS_PORT: '-1',
      LINLI_GW_HTTP_PORT: '-1',
      LINLI_GW_HMAC_KEY: HMAC_KEY,
      LINLI_GW_RATE_LIMIT: '100000',
      LINLI_GW_RATE_BURST: '100000',
    };
    proc = (await spawnGateway(env)).proc;

    const sent = new Set<string>();
    const acked = new Set<string>();
    let stopSending = false;
    let onAck: (() => void) | undefined;
    for (const id of ids) {
      const c = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
        clientId: `linli-site1-${id}`,
        username: id,
        password: secretOf(id),
        clean: false,
        reconnectPeriod: 200,
        connectTimeout: 5000,
      });
      c.on('error', () => {});
      clients.push(c);
      await new Promise<void>((resolve) => c.once('connect', () => resolve()));
      let n = 0;
      const sendOne = () => {
        if (stopSending) return;
        const eventId = `${id}-${n++}`;
        sent.add(`${id}/${eventId}`);
        const payload = JSON.stringify({ id: eventId, seq: n, ts: Date.now(), type: 'sos' });
        // QoS 1: MQTT.js keeps it until PUBACK and resends it after a reconnect
        c.publish(`linli/v1/site1/dev/${id}/evt`, payload, { qos: 1 }, (err) => {
          if (err) return;
          acked.add(`${id}/${eventId}`);
          onAck?.();
          sendOne();
        });
      };
      for (let k = 0; k < IN_FLIGHT; k++) sendOne();
    }

    await new Promise<void>((resolve) => {
      onAck = () => {
        if (acked.size >= KILL_AFTER_ACKS) resolve();
      };
    });
    proc.kill('SIGKILL');
    await killed(proc);
    stopSending = true;
    const ackedAtKill = new Set(acked);

    // Every event the gateway acknowledged before it died is in the database.
    const stored = (file: string) => {
      const db = openDb(file);
      const rows = db.prepare('SELECT device_id, event_id FROM events').all() as {
        device_id: string;
        event_id: string;
      }[];
      db.close();
      return rows.map((r) => `${r.device_id}/${r.event_id}`);
    };
    const dbFile = join(dir, 'gateway.db');
    const afterCrash = new Set(stored(dbFile));
    const lost = [...ackedAtKill].filter((k) => !afterCrash.has(k));
    expect(lost).toEqual([]);
    expect(ackedAtKill.size).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);

    // Restart on the same port: the devices reconnect and resend what was never acknowledged.
    proc = (await spawnGateway(env)).proc;
    await expect.poll(() => acked.size, { timeout: 20_000, interval: 100 }).toBe(sent.size);
    proc.kill('SIGTERM');
    await killed(proc);
    proc = undefined;

    const final = stored(dbFile);
    expect(final.length).toBe(new Set(final).size); // nothing stored twice
    expect(new Set(final)).toEqual(sent); // everything sent is stored
    const db = openDb(dbFile);
    const alerts = db.prepare("SELECT device_id, count FROM alerts WHERE type = 'sos'").all() as {
      device_id: string;
      count: number;
    }[];
    db.close();
    // every press folded into one open alert per device, counted exactly once
    expect(alerts).toHaveLength(DEVICES);
    expect(alerts.reduce((s, a) => s + a.count, 0)).toBe(sent.size);
  });
});
