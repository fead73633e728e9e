// External broker mode against Mosquitto from Debian: password and ACL files generated from the
// registry, the generated mosquitto.conf, the gateway as an MQTT.js client with a persistent
// session and manual PUBACKs.
import { startDevice } from '@linli/firmware-sim';
import { loadConfig } from '@linli/gateway/config.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { secretOf, startTestGateway } from './gateway-helpers.ts';
import { MosquittoRig } from './mosquitto-helpers.ts';

const rig = new MosquittoRig();

afterEach(() => rig.stop());

describe('gateway with an external Mosquitto broker', () => {
  it('stores presses relayed by Mosquitto, sends feedback back, and Mosquitto enforces the ACL', async () => {
    const dir = rig.provision([
      { id: 'm1', kind: 'pendant' },
      { id: 'm2', kind: 'pendant' },
    ]);
    // Mosquitto with the conf the gateway generates for it (queue sized by the defaults)
    const { queueEventsPerS: eventsPerS, queueOutageS: outageS } = loadConfig({}, {}).mqtt;
    const url = await rig.startBroker(await rig.generatedConf({ eventsPerS, outageS }));
    const config = rig.gatewayConfig;
    let gw = await startTestGateway(dir, config);
    rig.gw = gw;
    expect(gw.transport.mode).toBe('external');

    const d = await startDevice({
      url,
      site: 'site1',
      id: 'm1',
      secret: secretOf('m1'),
      heartbeatIntervalS: 0,
    });
    rig.onStop(() => d.crash());
    const received = d.waitForCommand('alert.received', 10_000);
    await d.press();
    await expect.poll(() => gw.engine.alerts.list({}).length).toBe(1);
    expect(gw.engine.alerts.list({})[0]).toMatchObject({ type: 'sos', deviceId: 'm1' });
    expect((await received).command?.alertId).toBe(gw.engine.alerts.list({})[0]!.id);

    // Mosquitto's ACL drops a publish on another device's topic: nothing reaches the gateway.
    await d.inject('foreign-topic', 'm2', 2000);
    await d.press(); // a later legitimate event proves the pipeline kept flowing
    await expect
      .poll(() => (gw.engine.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n)
      .toBe(2);
    expect(
      (gw.engine.db.prepare("SELECT COUNT(*) AS n FROM events WHERE device_id = 'm2'").get() as { n: number })
        .n,
    ).toBe(0);

    // Gateway down: Mosquitto acknowledges the device and queues the event in the gateway's
    // persistent session; the restarted gateway stores it.
    await gw.stop();
    rig.gw = undefined;
    await d.press();
    gw = await startTestGateway(dir, config);
    rig.gw = gw;
    await expect
      .poll(() => (gw.engine.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n, {
        timeout: 10_000,
      })
      .toBe(3);
    expect(gw.engine.alerts.list({})).toMatchObject([{ count: 3 }]);
  });
});
