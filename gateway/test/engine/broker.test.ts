// The embedded aedes broker with real MQTT.js clients over TCP and WebSocket.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { BrokerHarness, nextMessage } from './broker-harness.ts';
import { evt, MemoryDirectory, tempDir } from './helpers.ts';

const h = new BrokerHarness();
afterEach(() => h.cleanup());

describe('embedded broker', () => {
  it('closes a connection that declares an oversize packet, counts it, and keeps serving others', async () => {
    const d = new MemoryDirectory();
    d.add({ id: 'p1' });
    await h.start(d);
    const socket = tcpConnect(h.gw!.ports.mqtt!, '127.0.0.1');
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    // A CONNECT declaring 200 MB, before any credential: refused at the fixed header.
    socket.write(Buffer.from([0x10, 0x80, 0x80, 0x80, 0x64]));
    await closed;
    expect(await h.gw!.engine.metrics.render()).toMatch(
      /linli_gateway_messages_refused_total\{reason="oversize"\} 1/,
    );
    const c = await h.connect('p1');
    await c.publishAsync('linli/v1/site1/dev/p1/evt', evt('e-after', 'test'), { qos: 1 });
    expect(h.rows("SELECT event_id FROM events WHERE event_id = 'e-after'")).toHaveLength(1);
  });

  it('a press is stored before its PUBACK and the device hears alert.received, then alert.acknowledged', async () => {
    const d = new MemoryDirectory();
    d.add({ id: 'p1' });
    await h.start(d);
    const c = await h.connect('p1');
    await c.subscribeAsync('linli/v1/site1/dev/p1/cmd', { qos: 1 });
    const received = nextMessage(c, 'linli/v1/site1/dev/p1/cmd');
    await c.publishAsync('linli/v1/site1/dev/p1/evt', evt('e1', 'sos'), { qos: 1 });
    // PUBACK has arrived: the event must already be committed
    expect(h.rows('SELECT device_id, event_id FROM events')).toEqual([{ device_id: 'p1', event_id: 'e1' }]);
    const alert = h.gw!.engine.alerts.list({})[0]!;
    expect(await received).toMatchObject({ type: 'alert.received', alertId: alert.id });
    const acked = nextMessage(c, 'linli/v1/site1/dev/p1/cmd');
    h.gw!.engine.alerts.acknowledge(alert.id, 'op1');
    expect(await acked).toMatchObject({ type: 'alert.acknowledged', alertId: alert.id });
    const resolved = nextMessage(c, 'linli/v1/site1/dev/p1/cmd');
    h.gw!.engine.alerts.resolve(alert.id, 'op1', 'visited');
    expect(await resolved).toMatchObject({ type: 'alert.resolved' });
    // the device's PUBACKs mark the commands delivered
    await expect
      .poll(() => h.rows('SELECT COUNT(*) AS n FROM cmd_queue WHERE delivered_at IS NULL'))
      .toEqual([{ n: 0 }]);
  });

  it('commands are never retained: sent with retain=false, and a later subscriber gets none', async () => {
    const d = new MemoryDirectory();
    d.add({ id: 'p1' });
    await h.start(d);
    const cmd = 'linli/v1/site1/dev/p1/cmd';
    const c = await h.connect('p1');
    await c.subscribeAsync(cmd, { qos: 1 });
    const received = new Promise<boolean>((resolve) =>
      c.once('message', (_topic, _payload, packet) => resolve(packet.retain)),
    );
    await c.publishAsync('linli/v1/site1/dev/p1/evt', evt('e1', 'sos'), { qos: 1 });
    expect(await received).toBe(false);
    await expect
      .poll(() => h.rows('SELECT COUNT(*) AS n FROM cmd_queue WHERE delivered_at IS NULL'))
      .toEqual([{ n: 0 }]);
    await c.endAsync();
    // A fresh session of the same device: a retained command would arrive right after SUBACK,
    // before the PUBACK of the heartbeat published after it on the same connection.
    const again = await h.connect('p1', { clean: true });
    const late: string[] = [];
    again.on('message', (topic) => late.push(topic));
    await again.subscribeAsync(cmd, { qos: 1 });
    await again.publishAsync('linli/v1/site1/dev/p1/hb', JSON.stringify({ ts: Date.now() }), { qos: 1 });
    expect(late).toEqual([]);
  });

  it('refuses a wrong secret, an unknown device and a hijacked client id, and counts them', async () => {
    const d = new MemoryDirectory();
    d.add({ id: 'p1' });
    d.add({ id: 'p2' });
    await h.start(d);
    await expect(h.connect('p1', { password: 'wrong' })).rejects.toThrow(/Bad username or password/);
    await expect(h.connect('ghost')).rejects.toThrow(/Bad username or password/);
    await expect(h.connect('p1', { clientId: 'linli-site1-p2' })).rejects.toThrow(/Identifier rejected/);
    expect(h.gw!.engine.metrics.refused.get({ reason: 'auth' })).toBe(2);
    expect(h.gw!.engine.metrics.refused.get({ reason: 'client-id' })).toBe(1);
  });

  it('a forged publish on another device topic is refused: disconnected, nothing stored', async () => {
    const d = new MemoryDirectory();
    d.add({ id: 'p1' });
    d.add({ id: 'victim' });
    await h.start(d);
    const c = await h.connect('p1');
    const closed = new Promise<void>((r) => c.once('close', () => r()));
    c.publish('linli/v1/site1/dev/victim/evt', evt('f1', 'sos'), { qos: 1 });
    await closed;
    expect(h.rows('SELECT * FROM events')).toEqual([]);
    expect(h.gw!.engine.alerts.list({})).toEqual([]);
    expect(h.gw!.engine.metrics.refused.get({ reason: 'acl' })).toBe(1);
  });

  it('a subscription outside the own cmd topic is refused (SUBACK 128)', async () => {
    const d = new MemoryDirectory();
    d.add({ id: 'p1' });
    await h.start(d);
    const c = await h.connect('p1');
    const err = (await c
      .subscribeAsync(['linli/v1/site1/dev/other/cmd', 'linli/#', 'linli/v1/site1/dev/p1/cmd'])
      .catch((e: unknown) => e)) as { packet: { granted: number[] } };
    expect(err.packet.granted).toEqual([128, 128, 0]);
    expect(h.gw!.engine.metrics.refused.get({ reason: 'acl-subscribe' })).toBe(2);
  });

  it('a malformed event is acknowledged and dropped with a counted reason; the connection stays', async () => {
    const d = new MemoryDirectory();
    d.add({ id: 'p1' });
    await h.start(d);
    const c = await h.connect('p1');
    await c.publishAsync('linli/v1/site1/dev/p1/evt', Buffer.from('{"id":1}'), { qos: 1 });
    await c.publishAsync('linli/v1/site1/dev/p1/evt', evt('ok', 'test'), { qos: 1 });
    expect(c.connected).toBe(true);
    expect(h.rows('SELECT event_id FROM events')).toEqual([{ event_id: 'ok' }]);
    expect(h.gw!.engine.metrics.refused.get({ reason: 'schema' })).toBe(1);
  });

  it('a flooding device is cut off by the rate limit', async () => {
    const d = new MemoryDirectory();
    d.add({ id: 'p1' });
    await h.start(d);
    const c = await h.connect('p1');
    const closed = new Promise<void>((r) => c.once('close', () => r()));
    for (let i = 0; i < 300; i++)
      c.publish('linli/v1/site1/dev/p1/hb', Buffer.from(`{"ts":${i}}`), { qos: 0 });
    await closed;
    expect(h.gw!.engine.metrics.refused.get({ reason: 'rate' })).toBeGreaterThanOrEqual(1);
  });

  it('commands for an offline device are kept in SQLite and delivered after a gateway restart', async () => {
    const d = new MemoryDirectory();
    d.add({ id: 'p1' });
    await h.start(d);
    let c = await h.connect('p1');
    await c.subscribeAsync('linli/v1/site1/dev/p1/cmd', { qos: 1 });
    await c.publishAsync('linli/v1/site1/dev/p1/evt', evt('e1', 'sos'), { qos: 1 });
    const alertId = h.gw!.engine.alerts.list({})[0]!.id;
    await c.endAsync(true);
    h.gw!.engine.alerts.acknowledge(alertId, 'op1'); // device offline
    await h.stopGateway();
    await h.start(d);
    c = await h.connect('p1', { clean: true });
    const got: Record<string, unknown>[] = [];
    c.on('message', (_t, m) => got.push(JSON.parse(m.toString())));
    await c.subscribeAsync('linli/v1/site1/dev/p1/cmd', { qos: 1 });
    await expect.poll(() => got.map((g) => g.type)).toContain('alert.acknowledged');
    expect(got.find((g) => g.type === 'alert.acknowledged')).toMatchObject({ alertId });
  });

  it('MQTT over WebSocket works with the same authentication', async () => {
    const d = new MemoryDirectory();
    d.add({ id: 'w1' });
    await h.start(d);
    const c = await h.connect('w1', {}, 'ws');
    await c.publishAsync('linli/v1/site1/dev/w1/evt', evt('e1', 'fall'), { qos: 1 });
    expect(h.gw!.engine.alerts.list({})[0]).toMatchObject({ type: 'fall', deviceId: 'w1' });
  });

  it('a Zigbee2MQTT bridge account may publish zigbee2mqtt/# only', async () => {
    const d = new MemoryDirectory();
    d.add({ id: 'sos_btn', kind: 'zigbee' });
    await h.start(d);
    const c = await h.connect('z2m', {
      clientId: 'zigbee2mqtt_bridge',
      username: 'z2m',
      password: 'bridge-pass',
    });
    await c.publishAsync('zigbee2mqtt/sos_btn', Buffer.from('{"action":"emergency"}'), { qos: 1 });
    expect(h.gw!.engine.alerts.list({})[0]).toMatchObject({ type: 'sos', deviceId: 'sos_btn' });
    const closed = new Promise<void>((r) => c.once('close', () => r()));
    c.publish('linli/v1/site1/dev/sos_btn/evt', evt('x', 'sos'), { qos: 1 });
    await closed;
    expect(h.gw!.engine.metrics.refused.get({ reason: 'acl' })).toBe(1);
  });

  it('MQTT over TLS (mqtts) with a configured certificate', async () => {
    const dir = tempDir();
    h.dir = dir;
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    const d = new MemoryDirectory();
    d.add({ id: 't1' });
    await h.start(d, {
      mqtt: { port: -1, wsPort: -1, tlsPort: 0, tlsCert: cert, tlsKey: key, host: '127.0.0.1' },
    });
    expect(h.gw!.ports.mqtts).toBeGreaterThan(0);
    const c = mqtt.connect(`mqtts://127.0.0.1:${h.gw!.ports.mqtts}`, {
      clientId: 'linli-site1-t1',
      username: 't1',
      password: 'secret-t1',
      ca: readFileSync(cert),
      reconnectPeriod: 0,
    });
    h.clients.push(c);
    await new Promise<void>((resolve, reject) => {
      c.once('connect', () => resolve());
      c.once('error', reject);
    });
    await c.publishAsync('linli/v1/site1/dev/t1/evt', evt('e1', 'sos'), { qos: 1 });
    expect(h.gw!.engine.alerts.list({})[0]).toMatchObject({ type: 'sos', deviceId: 't1' });
  });
});
