// Issue #10 defect 2 against a real Mosquitto 2.0: with the generated mosquitto.conf (queue
// sized by the default LINLI_GW_QUEUE_EVENTS_PER_S x LINLI_GW_QUEUE_OUTAGE_S), a 60 s gateway
// outage while devices send 150 events/s loses nothing: every event Mosquitto PUBACKed to a
// device is stored once after the gateway is back. (With Mosquitto's default queue of 1000
// messages, 8,000 of these 9,000 would be dropped.)
import type { RunningGateway } from '@linli/gateway';
import { loadConfig } from '@linli/gateway/config.ts';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { secretOf, startTestGateway } from './gateway-helpers.ts';
import { MosquittoRig } from './mosquitto-helpers.ts';

const DEVICES = 10;
const RATE = 150; // events per second, all devices together
const OUTAGE_S = 60;

const rig = new MosquittoRig();
let gw: RunningGateway | undefined;

afterEach(async () => {
  rig.gw = gw;
  gw = undefined;
  await rig.stop();
});

describe('external Mosquitto queue while the gateway is down', () => {
  it(`a ${OUTAGE_S} s gateway outage at ${RATE} events/s: every PUBACKed event stored once`, {
    timeout: 600_000,
  }, async () => {
    const ids = Array.from({ length: DEVICES }, (_, i) => `q${i}`);
    const d = rig.provision(ids.map((id) => ({ id, kind: 'door-contact' as const })));
    const defaults = loadConfig({}, {}).mqtt;
    let dropped = '';
    const conf = await rig.generatedConf({
      eventsPerS: defaults.queueEventsPerS,
      outageS: defaults.queueOutageS,
    });
    const url = await rig.startBroker(conf, (chunk) => {
      if (/dropped/i.test(chunk)) dropped += chunk;
    });
    const config = rig.gatewayConfig;
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
            rig.onStop(() => c.endAsync(true));
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
