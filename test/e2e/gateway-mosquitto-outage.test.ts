// Issue #10 defect 2 against a real Mosquitto 2.0: with the generated mosquitto.conf (queue
// sized by the default LINLI_GW_QUEUE_EVENTS_PER_S x LINLI_GW_QUEUE_OUTAGE_S), a 60 s gateway
// outage while devices send 150 events/s loses nothing: every event Mosquitto PUBACKed to a
// device is stored once after the gateway is back. (With Mosquitto's default queue of 1000
// messages, 8,000 of these 9,000 would be dropped.)
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningGateway } from '@linli/gateway';
import { loadConfig } from '@linli/gateway/config.ts';
import { aclFile, gatewayAccount, mosquittoConf, passwordFile } from '@linli/gateway/registry/index.ts';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import {
  freePort,
  killed,
  provision,
  removeDir,
  secretOf,
  startTestGateway,
  tempDir,
} from './gateway-helpers.ts';
import { startMosquitto } from './mosquitto-helpers.ts';

const GW_USER = 'linli-gateway';
const GW_PASS = 'gateway-broker-password-1';
const DEVICES = 10;
const RATE = 150; // events per second, all devices together
const OUTAGE_S = 60;

let mosq: ChildProcess | undefined;
let gw: RunningGateway | undefined;
let dir: string | undefined;
const clients: MqttClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true).catch(() => {})));
  await gw?.stop();
  gw = undefined;
  if (mosq) {
    mosq.kill('SIGTERM');
    await killed(mosq);
  }
  mosq = undefined;
  removeDir(dir);
  dir = undefined;
});

describe('external Mosquitto queue while the gateway is down', () => {
  it(`a ${OUTAGE_S} s gateway outage at ${RATE} events/s: every PUBACKed event stored once`, {
    timeout: 600_000,
  }, async () => {
    dir = tempDir();
    const d = dir;
    const ids = Array.from({ length: DEVICES }, (_, i) => `q${i}`);
    provision(d, (r) => {
      for (const id of ids) r.provision({ id, site: 'site1', kind: 'door-contact', secret: secretOf(id) });
      const accounts = [gatewayAccount(GW_USER, GW_PASS)];
      writeFileSync(join(d, 'passwd'), passwordFile(r.mosquittoDevices(), accounts), { mode: 0o600 });
      writeFileSync(join(d, 'acl'), aclFile(r.mosquittoDevices(), accounts), { mode: 0o600 });
    });
    const defaults = loadConfig({}, {}).mqtt;
    const port = await freePort();
    let dropped = '';
    mosq = await startMosquitto(
      d,
      mosquittoConf({
        passwordPath: join(d, 'passwd'),
        aclPath: join(d, 'acl'),
        persistenceDir: d,
        listener: { port, host: '127.0.0.1' },
        queue: { eventsPerS: defaults.queueEventsPerS, outageS: defaults.queueOutageS },
      }),
      (chunk) => {
        if (/dropped/i.test(chunk)) dropped += chunk;
      },
    );
    const url = `mqtt://127.0.0.1:${port}`;
    const config = { mqtt: { brokerUrl: url, username: GW_USER, password: GW_PASS } };
    // the gateway's persistent session exists, then the gateway goes away
    gw = await startTestGateway(d, config);
    await gw.stop();
    gw = undefined;

    const devices = await Promise.all(
      ids.map(
        (id) =>
          new Promise<MqttClient>((resolve, reject) => {
            const c = mqtt.connect(url, {
              clientId: `linli-site1-${id}`,
              username: id,
              password: secretOf(id),
              clean: false,
              reconnectPeriod: 1000,
            });
            clients.push(c);
            c.once('connect', () => resolve(c));
            c.once('error', reject);
          }),
      ),
    );
    const acked = new Set<string>();
    const failed: string[] = [];
    const total = RATE * OUTAGE_S;
    const perTick = RATE / 10; // every 100 ms
    const start = Date.now();
    for (let n = 0; n < total; ) {
      const due = start + (n / perTick) * 100;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      for (let k = 0; k < perTick && n < total; k++, n++) {
        const dev = ids[n % DEVICES]!;
        const eventId = `${dev}-${n}`;
        const payload = JSON.stringify({ id: eventId, seq: n, ts: Date.UTC(2026, 0, 1), type: 'door.open' });
        devices[n % DEVICES]!.publish(`linli/v1/site1/dev/${dev}/evt`, payload, { qos: 1 }, (err) => {
          if (err) failed.push(eventId);
          else acked.add(eventId);
        });
      }
    }
    await expect.poll(() => acked.size + failed.length, { timeout: 60_000 }).toBe(total);
    expect(failed).toEqual([]);

    gw = await startTestGateway(d, config);
    const storedCount = () =>
      (gw!.engine.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
    await expect.poll(storedCount, { timeout: 480_000, interval: 1000 }).toBeGreaterThanOrEqual(total);
    const rows = gw.engine.db.prepare('SELECT device_id, event_id FROM events').all() as {
      device_id: string;
      event_id: string;
    }[];
    expect(rows).toHaveLength(total);
    expect(new Set(rows.map((r) => r.event_id))).toEqual(acked);
    expect(rows.every((r) => r.event_id.startsWith(`${r.device_id}-`))).toBe(true);
    expect(dropped).toBe('');
  });
});
