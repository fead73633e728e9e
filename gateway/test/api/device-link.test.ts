import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/index.ts';
import { type LocalGateway, startLocalGateway } from '../local-gateway.ts';

const ADMIN_PASSWORD = 'device-link-admin-1';

describe('device link state in the device API', () => {
  let local: LocalGateway;
  let gw: RunningGateway;
  let cookie = '';
  let secret = '';
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    local = await startLocalGateway({ name: 'link', adminPassword: ADMIN_PASSWORD });
    gw = local.gw;
    cookie = await local.login();
    secret = gw.registry.provision({ id: 'pend1', site: 's1', kind: 'pendant' }).secret!;
  });
  afterAll(async () => {
    for (const c of clients) await c.endAsync(true);
    await local?.stop();
  });

  // biome-ignore lint/suspicious/noExplicitAny: JSON answer, checked by the assertions
  const device = async (): Promise<Record<string, any>> => {
    const res = await fetch(`http://127.0.0.1:${gw.ports.http}/api/devices/pend1`, { headers: { cookie } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { device: Record<string, unknown> }).device;
  };
  const until = async (check: () => Promise<boolean>) => {
    while (!(await check())) await new Promise((r) => setTimeout(r, 20));
  };

  it('returns connected: null before the device said anything, true after its status, false after its will', async () => {
    expect((await device()).connected).toBeNull();
    const statusTopic = 'linli/v1/s1/dev/pend1/status';
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${gw.ports.mqtt}`, {
      username: 'pend1',
      password: secret,
      clientId: 'linli-s1-pend1',
      reconnectPeriod: 0,
      will: { topic: statusTopic, payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
    });
    clients.push(client);
    await client.publishAsync(statusTopic, '{"online":true}', { qos: 1, retain: true });
    expect((await device()).connected).toBe(true);
    // the link drops without DISCONNECT: the broker publishes the will
    client.stream.destroy();
    await until(async () => (await device()).connected === false);
    expect((await device()).connected).toBe(false);
  });
});
