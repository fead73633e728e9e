// External broker mode against Mosquitto from Debian: password and ACL files generated from the
// registry, the gateway as an MQTT.js client with a persistent session and manual PUBACKs.
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type SimDevice, startDevice } from '@linli/firmware-sim';
import type { RunningGateway } from '@linli/gateway';
import { aclFile, gatewayAccount, passwordFile } from '@linli/gateway/registry/index.ts';
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

let mosq: ChildProcess | undefined;
let gw: RunningGateway | undefined;
let dir: string | undefined;
const devices: SimDevice[] = [];

afterEach(async () => {
  await Promise.all(devices.splice(0).map((d) => d.crash().catch(() => {})));
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

describe('gateway with an external Mosquitto broker', () => {
  it('stores presses relayed by Mosquitto, sends feedback back, and Mosquitto enforces the ACL', async () => {
    dir = tempDir();
    let pw = '';
    let acl = '';
    provision(dir, (r) => {
      r.provision({ id: 'm1', site: 'site1', kind: 'pendant', secret: secretOf('m1') });
      r.provision({ id: 'm2', site: 'site1', kind: 'pendant', secret: secretOf('m2') });
      const accounts = [gatewayAccount(GW_USER, GW_PASS)];
      pw = passwordFile(r.mosquittoDevices(), accounts);
      acl = aclFile(r.mosquittoDevices(), accounts);
    });
    writeFileSync(join(dir, 'passwd'), pw, { mode: 0o600 });
    writeFileSync(join(dir, 'acl'), acl, { mode: 0o600 });
    const port = await freePort();
    mosq = await startMosquitto(dir, [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous false',
      `password_file ${join(dir, 'passwd')}`,
      `acl_file ${join(dir, 'acl')}`,
      'persistence true',
      `persistence_location ${dir}/`,
    ]);
    const url = `mqtt://127.0.0.1:${port}`;
    const config = { mqtt: { brokerUrl: url, username: GW_USER, password: GW_PASS } };
    gw = await startTestGateway(dir, config);
    expect(gw.transport.mode).toBe('external');

    const d = await startDevice({
      url,
      site: 'site1',
      id: 'm1',
      secret: secretOf('m1'),
      heartbeatIntervalS: 0,
    });
    devices.push(d);
    const received = d.waitForCommand('alert.received', 10_000);
    await d.press();
    await expect.poll(() => gw!.engine.alerts.list({}).length).toBe(1);
    expect(gw.engine.alerts.list({})[0]).toMatchObject({ type: 'sos', deviceId: 'm1' });
    expect((await received).command?.alertId).toBe(gw.engine.alerts.list({})[0]!.id);

    // Mosquitto's ACL drops a publish on another device's topic: nothing reaches the gateway.
    await d.inject('foreign-topic', 'm2', 2000);
    await d.press(); // a later legitimate event proves the pipeline kept flowing
    await expect
      .poll(() => (gw!.engine.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n)
      .toBe(2);
    expect(
      (gw.engine.db.prepare("SELECT COUNT(*) AS n FROM events WHERE device_id = 'm2'").get() as { n: number })
        .n,
    ).toBe(0);

    // Gateway down: Mosquitto acknowledges the device and queues the event in the gateway's
    // persistent session; the restarted gateway stores it.
    await gw.stop();
    gw = undefined;
    await d.press();
    gw = await startTestGateway(dir, config);
    await expect
      .poll(() => (gw!.engine.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n, {
        timeout: 10_000,
      })
      .toBe(3);
    expect(gw.engine.alerts.list({})).toMatchObject([{ count: 3 }]);
  });
});
