import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/index.ts';
import { type LocalGateway, startLocalGateway } from '../local-gateway.ts';

const ADMIN_PASSWORD = 'bad-values-admin-1';
const TOPIC = 'linli/v1/s1/dev/p1/evt';

describe('bad values from a device', () => {
  let local: LocalGateway;
  let gw: RunningGateway;
  let device: MqttClient;
  let cookie = '';

  beforeAll(async () => {
    local = await startLocalGateway({ name: 'values', adminPassword: ADMIN_PASSWORD });
    gw = local.gw;
    cookie = await local.login();
    const secret = gw.registry.provision({ id: 'p1', site: 's1', kind: 'pendant' }).secret!;
    device = await mqtt.connectAsync(`mqtt://127.0.0.1:${gw.ports.mqtt}`, {
      username: 'p1',
      password: secret,
      clientId: 'linli-s1-p1',
      reconnectPeriod: 0,
    });
  });
  afterAll(async () => {
    await device?.endAsync(true);
    await local?.stop();
  });

  const metrics = async () => (await fetch(`http://127.0.0.1:${gw.ports.http}/metrics`)).text();
  // biome-ignore lint/suspicious/noExplicitAny: JSON answer, checked by the assertions
  const apiDevice = async (): Promise<Record<string, any>> => {
    const res = await fetch(`http://127.0.0.1:${gw.ports.http}/api/devices/p1`, { headers: { cookie } });
    return ((await res.json()) as { device: Record<string, unknown> }).device;
  };
  const rows = () =>
    gw.engine.db
      .prepare('SELECT event_id, ts, received_at, device_ts, clock FROM events ORDER BY seq_no')
      .all() as {
      event_id: string;
      ts: number;
      received_at: number;
      device_ts: number | null;
      clock: string | null;
    }[];

  it('refuses an id with invalid UTF-8 (encoding) or a NUL (schema), counted, nothing stored', async () => {
    const invalid = Buffer.concat([
      Buffer.from('{"id":"bad'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(`","seq":1,"ts":${Date.now()},"type":"sos"}`),
    ]);
    await device.publishAsync(TOPIC, invalid, { qos: 1 });
    await device.publishAsync(
      TOPIC,
      JSON.stringify({ id: 'a\u0000b', seq: 2, ts: Date.now(), type: 'sos' }),
      {
        qos: 1,
      },
    );
    const text = await metrics();
    expect(text).toMatch(/^linli_gateway_messages_refused_total\{reason="encoding"\} 1$/m);
    expect(text).toMatch(/^linli_gateway_messages_refused_total\{reason="schema"\} 1$/m);
    expect(rows()).toEqual([]);
    expect(device.connected).toBe(true);
  });

  it('keeps events whose time cannot be right, stamped with the receive time; flags the clock invalid', async () => {
    const tenYears = Date.now() + 10 * 365 * 24 * 3600_000;
    for (const [n, ts] of [
      [3, 0],
      [4, 8.64e15],
      [5, tenYears],
    ] as const)
      await device.publishAsync(TOPIC, JSON.stringify({ id: `t${n}`, seq: n, ts, type: 'sos' }), { qos: 1 });
    const stored = rows();
    expect(stored.map((r) => [r.event_id, r.device_ts, r.clock])).toEqual([
      ['t3', 0, 'invalid'],
      ['t4', 8.64e15, 'invalid'],
      ['t5', tenYears, 'invalid'],
    ]);
    for (const r of stored) expect(r.ts).toBe(r.received_at);
    const d = await apiDevice();
    expect(d.clock).toMatchObject({ state: 'invalid', deviceTs: 0 }); // the time that made it invalid
    expect(await metrics()).toMatch(/^linli_gateway_device_clock_total\{state="invalid"\} 3$/m);
    // the presses were not lost: one SOS alert folds all three
    expect(gw.engine.alerts.list({ deviceId: 'p1' })[0]).toMatchObject({ type: 'sos', count: 3 });
  });

  it('keeps a skewed event with the receive time and shows the skew on the device; a right clock clears it', async () => {
    const threeHours = 3 * 3600_000;
    await device.publishAsync(
      TOPIC,
      JSON.stringify({ id: 's6', seq: 6, ts: Date.now() - threeHours, type: 'door.open' }),
      { qos: 1 },
    );
    const row = rows().find((r) => r.event_id === 's6')!;
    expect(row.clock).toBe('skewed');
    expect(row.ts).toBe(row.received_at);
    const d = await apiDevice();
    expect(d.clock.state).toBe('skewed');
    expect(d.clock.skewMs).toBeLessThan(-threeHours + 60_000);
    expect(d.clock.skewMs).toBeGreaterThan(-threeHours - 60_000);
    await device.publishAsync('linli/v1/s1/dev/p1/hb', JSON.stringify({ ts: Date.now() }), { qos: 1 });
    expect((await apiDevice()).clock.state).toBe('ok');
  });
});
