// Issue #10 defects 1 and 7 against a real Mosquitto 2.0: the generated mosquitto.conf binds
// client ids to accounts, so a device looping on the gateway's client id cannot take its
// session; the gateway notices a session taken over (metric, technical alert) where the broker
// does not bind ids; and the broker link is supervised (health, metric, technical alert).
import { type RunningGateway, silentLogger, startGateway } from '@linli/gateway';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { HMAC_KEY, secretOf, startTestGateway } from './gateway-helpers.ts';
import { GW_PASS, GW_USER, MosquittoRig } from './mosquitto-helpers.ts';

const rig = new MosquittoRig();
let gw: RunningGateway | undefined;

afterEach(async () => {
  rig.gw = gw;
  gw = undefined;
  await rig.stop();
});

/** Registry with devices m1 (presses) and m2 (the hijacker), and Mosquitto started from the generated conf. */
async function setup(bindClientIds: boolean): Promise<{ url: string; conf: string[] }> {
  rig.provision([
    { id: 'm1', kind: 'pendant' },
    { id: 'm2', kind: 'pendant' },
  ]);
  const generated = await rig.generatedConf({ eventsPerS: 150, outageS: 60 });
  // without the binding: the files as the gateway generated them before issue #10
  const conf = bindClientIds ? generated : generated.filter((l) => !l.startsWith('use_username_as_clientid'));
  return { url: await rig.startBroker(conf), conf };
}

function device(url: string, id: string, clientId = `linli-site1-${id}`, clean = false): Promise<MqttClient> {
  const c = mqtt.connect(url, {
    clientId,
    username: id,
    password: secretOf(id),
    clean,
    reconnectPeriod: 0,
    connectTimeout: 5000,
  });
  rig.onStop(() => c.endAsync(true));
  return new Promise((resolve, reject) => {
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });
}

const stored = () =>
  (
    gw!.engine.db.prepare("SELECT event_id FROM events WHERE device_id = 'm1'").all() as {
      event_id: string;
    }[]
  ).map((r) => r.event_id);
const evt = (id: string) => JSON.stringify({ id, seq: 1, ts: Date.UTC(2026, 0, 1), type: 'sos' });

describe('gateway session at an external Mosquitto', () => {
  it('with the generated config a device looping on the gateway client id takes nothing: 20 of 20 SOS stored', async () => {
    const { url } = await setup(true);
    gw = await startTestGateway(rig.dir!, { mqtt: { brokerUrl: url, username: GW_USER, password: GW_PASS } });
    const presser = await device(url, 'm1');
    let hijacking = true;
    const hijacker = (async () => {
      let n = 0;
      while (hijacking) {
        for (const id of ['linli-gateway-site1', GW_USER]) {
          const h = await device(url, 'm2', id, n % 2 === 0);
          await new Promise((r) => setTimeout(r, 20));
          await h.endAsync(true);
          n++;
        }
      }
      return n;
    })();
    const acked: string[] = [];
    for (let i = 0; i < 20; i++) {
      await presser.publishAsync('linli/v1/site1/dev/m1/evt', evt(`sos-${i}`), { qos: 1 });
      acked.push(`sos-${i}`);
      await new Promise((r) => setTimeout(r, 30));
    }
    hijacking = false;
    expect(await hijacker).toBeGreaterThan(0);
    await expect.poll(() => stored().length, { timeout: 20_000 }).toBe(20);
    expect(new Set(stored())).toEqual(new Set(acked));
    expect(gw.engine.metrics.brokerSessionLost.get({ reason: 'taken-over' })).toBe(0);
    expect(gw.engine.alerts.list({}).filter((a) => a.type === 'gateway.session-lost')).toEqual([]);
  });

  it('without the binding, a takeover of the gateway session is noticed: metric, technical alert', async () => {
    const { url } = await setup(false);
    gw = await startTestGateway(rig.dir!, { mqtt: { brokerUrl: url, username: GW_USER, password: GW_PASS } });
    const lost = (reason: string) => gw!.engine.metrics.brokerSessionLost.get({ reason });
    // a persistent hijacker inherits the gateway's session; the gateway takes it back
    const persistent = await device(url, 'm2', 'linli-gateway-site1', false);
    await expect.poll(() => lost('closed-by-broker'), { timeout: 10_000 }).toBe(1);
    await persistent.endAsync(true);
    // a clean hijacker wipes the session: noticed on reconnect
    const clean = await device(url, 'm2', 'linli-gateway-site1', true);
    await expect.poll(() => lost('not-present'), { timeout: 10_000 }).toBe(1);
    await clean.endAsync(true);
    const alerts = gw.engine.alerts.list({}).filter((a) => a.type === 'gateway.session-lost');
    expect(alerts).toMatchObject([{ severity: 'major', state: 'raised', count: 2 }]);
    expect(await gw.engine.metrics.render()).toMatch(
      /linli_gateway_broker_session_lost_total\{reason="not-present"\} 1/,
    );
    // the gateway subscribed again: later presses are stored
    const presser = await device(url, 'm1');
    await presser.publishAsync('linli/v1/site1/dev/m1/evt', evt('after'), { qos: 1 });
    await expect.poll(() => stored(), { timeout: 10_000 }).toEqual(['after']);
  });

  it('a lost broker link shows in /healthz and the metric at once, and raises a technical alert past its supervision time', async () => {
    const { url, conf } = await setup(true);
    gw = await startGateway({
      config: {
        dataDir: rig.dir!,
        hmacKey: HMAC_KEY,
        mqtt: { brokerUrl: url, username: GW_USER, password: GW_PASS, brokerSupervisionS: 1 },
        http: { port: 0, host: '127.0.0.1' },
      },
      env: {},
      log: silentLogger,
      print: () => {},
    });
    const healthz = async () => {
      const res = await fetch(`http://127.0.0.1:${gw!.ports.http}/healthz`);
      return { code: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    expect(await healthz()).toMatchObject({
      code: 200,
      body: {
        status: 'ok',
        db: { status: 'ok', writable: true },
        broker: { status: 'ok', mode: 'external', link: 'up' },
        forwarding: { status: 'absent', backlog: null },
      },
    });
    expect(gw.engine.metrics.brokerLinkUp.get()).toBe(1);
    await rig.stopBroker();
    await expect.poll(() => gw!.health.report().broker.status, { timeout: 10_000 }).toBe('error');
    expect(await healthz()).toMatchObject({
      code: 503,
      body: { status: 'error', broker: { status: 'error', link: 'down' } },
    });
    expect(gw.engine.metrics.brokerLinkUp.get()).toBe(0);
    expect(gw.engine.metrics.brokerLinkLost.get()).toBe(1);
    await expect
      .poll(() => gw!.engine.alerts.list({}).find((a) => a.type === 'gateway.broker-link')?.state, {
        timeout: 10_000,
      })
      .toBe('raised');
    await rig.startBroker(conf);
    await expect.poll(async () => (await healthz()).code, { timeout: 15_000 }).toBe(200);
    expect(gw.engine.metrics.brokerLinkUp.get()).toBe(1);
    await expect
      .poll(() => gw!.engine.alerts.list({}).find((a) => a.type === 'gateway.broker-link')?.state)
      .toBe('resolved');
  });
});
