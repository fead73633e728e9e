// Hostile MQTT clients against the embedded broker (issue #10, "Hostile input"): clients that
// connect wrongly, take others' client ids, subscribe to #, publish on others' topics, flood,
// send oversize or half packets. Each is refused and counted by reason, nothing crashes, and a
// well-behaved device publishing throughout gets every event PUBACKed and stored once.
import { type Socket, connect as tcpConnect } from 'node:net';
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { BrokerHarness, connectPacket, rawConnect } from './broker-harness.ts';
import { evt, MemoryDirectory } from './helpers.ts';

const h = new BrokerHarness();
afterEach(() => h.cleanup());

/** A raw TCP connection from `localAddress`; resolves once the broker closed it. */
function rawSession(port: number, localAddress: string, steps: (s: Socket) => void): Promise<Buffer> {
  return new Promise((resolve) => {
    const s = tcpConnect({ port, host: '127.0.0.1', localAddress });
    let got = Buffer.alloc(0);
    s.on('error', () => {});
    s.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
    });
    s.on('close', () => resolve(got));
    s.on('connect', () => steps(s));
  });
}

function closedPromise(c: MqttClient): Promise<void> {
  return new Promise((r) => c.once('close', () => r()));
}

describe('hostile MQTT clients', () => {
  it('are refused and counted while a well-behaved device gets every event PUBACKed and stored', async () => {
    const d = new MemoryDirectory();
    for (const id of ['good', 'p1', 'p2', 'p3', 'p4', 'p5']) d.add({ id });
    d.add({ id: 'sos_btn', kind: 'zigbee' });
    await h.start(d, { mqtt: { authFailLimit: 50, authFailWindowS: 600, authBlockS: 3600 } });
    const port = h.gw!.ports.mqtt!;
    const m = h.gw!.engine.metrics;

    // the well-behaved device presses throughout (within its rate budget)
    const good = await h.connect('good');
    let goodClosed = false;
    good.on('close', () => {
      goodClosed = true;
    });
    const acked: string[] = [];
    let attacking = true;
    const presses = (async () => {
      for (let i = 0; attacking; i++) {
        await good.publishAsync('linli/v1/site1/dev/good/evt', evt(`g${i}`, i % 2 ? 'door.open' : 'sos'), {
          qos: 1,
        });
        acked.push(`g${i}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    })();

    // 1. connecting wrongly (from 127.0.0.3)
    const bad = '127.0.0.3';
    expect(await rawConnect(port, connectPacket('linli-site1-p1', 'p1', 'wrong'), bad)).toBe(4);
    expect(await rawConnect(port, connectPacket('linli-site1-ghost', 'ghost', 'x'), bad)).toBe(4);
    const noCredentials = Buffer.from([
      0x10, 0x0e, 0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0x02, 0, 60, 0, 2, 0x41, 0x42,
    ]);
    expect(await rawConnect(port, noCredentials, bad)).toBe(4);
    const badHeader = connectPacket('linli-site1-p1', 'p1', 'secret-p1');
    badHeader.write('MQXX', 4); // not MQTT: refused by the parser
    expect(await rawConnect(port, badHeader, bad)).toBe('closed');
    expect(await rawConnect(port, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), bad)).toBe('closed');
    // a second CONNECT on an established connection
    await rawSession(port, bad, (s) => {
      s.write(connectPacket('linli-site1-p5', 'p5', 'secret-p5'));
      setTimeout(() => s.write(connectPacket('linli-site1-p5', 'p5', 'secret-p5')), 50);
    });

    // 2. taking others' client ids: the well-behaved device's, the Zigbee bridge's
    expect(await rawConnect(port, connectPacket('linli-site1-good', 'p1', 'secret-p1'), bad)).toBe(2);
    expect(await rawConnect(port, connectPacket('zigbee2mqtt', 'p1', 'secret-p1'), bad)).toBe(2);

    // 3. subscribing to # and to others' topics
    const p1 = await h.connect('p1');
    const sub = (await p1
      .subscribeAsync(['#', '$SYS/#', 'linli/v1/site1/dev/good/cmd', 'zigbee2mqtt/#'])
      .catch((e: unknown) => e)) as { packet: { granted: number[] } };
    expect(sub.packet.granted).toEqual([128, 128, 128, 128]);

    // 4. publishing on others' topics: disconnected, nothing stored
    let c = p1;
    let closed = closedPromise(c);
    c.publish('linli/v1/site1/dev/good/evt', evt('forged-1', 'sos'), { qos: 1 });
    await closed;
    c = await h.connect('p2');
    closed = closedPromise(c);
    c.publish('zigbee2mqtt/sos_btn', Buffer.from('{"action":"emergency"}'), { qos: 1 });
    await closed;

    // 5. flooding: messages over the rate limit; wrong passwords from one address
    c = await h.connect('p3');
    closed = closedPromise(c);
    for (let i = 0; i < 300; i++)
      c.publish('linli/v1/site1/dev/p3/hb', Buffer.from(`{"ts":${i}}`), { qos: 0 });
    await closed;
    const flood: (number | 'closed')[] = [];
    for (let i = 0; i < 60; i++)
      flood.push(await rawConnect(port, connectPacket(`f${i}`, 'p4', 'wrong'), '127.0.0.4'));
    expect(flood.filter((x) => x === 4)).toHaveLength(50);
    expect(flood.filter((x) => x === 5)).toHaveLength(10);

    // 6. oversize: a declared 200 MB CONNECT; a 20 KB publish from an authenticated device
    expect(await rawConnect(port, Buffer.from([0x10, 0x80, 0x80, 0x80, 0x64]), bad)).toBe('closed');
    c = await h.connect('p4');
    closed = closedPromise(c);
    c.publish('linli/v1/site1/dev/p4/evt', Buffer.alloc(20_000, 0x20), { qos: 1 });
    await closed;

    // 7. half packets: half a CONNECT, then gone; half a PUBLISH after a good CONNECT, then gone
    const connect = connectPacket('linli-site1-p5', 'p5', 'secret-p5');
    await rawSession(port, bad, (s) => s.end(connect.subarray(0, 7)));
    const publish = Buffer.concat([
      Buffer.from([0x32, 0x40, 0, 24]),
      Buffer.from('linli/v1/site1/dev/p5/evt'.slice(0, 24)),
      Buffer.from([0, 1]),
      Buffer.from('{"id":"half","seq":1'),
    ]);
    await rawSession(port, bad, (s) => {
      s.write(connect);
      setTimeout(() => s.end(publish), 50);
    });

    attacking = false;
    await presses;

    // refused and counted, each by its reason
    expect(m.refused.get({ reason: 'auth' })).toBe(3 + 50);
    expect(m.refused.get({ reason: 'address-blocked' })).toBe(10);
    expect(m.refused.get({ reason: 'client-id' })).toBe(2);
    expect(m.refused.get({ reason: 'protocol' })).toBe(3);
    expect(m.refused.get({ reason: 'acl-subscribe' })).toBe(4);
    expect(m.refused.get({ reason: 'acl' })).toBe(2);
    expect(m.refused.get({ reason: 'rate' })).toBeGreaterThanOrEqual(1);
    // the 20 KB publish is counted by the packet guard and, when aedes parsed it from the same
    // chunk first, by the payload size check as well
    expect(m.refused.get({ reason: 'oversize' })).toBeGreaterThanOrEqual(2);
    // nothing forged or half-sent was stored, no alert came from a hostile client
    expect(h.rows("SELECT event_id FROM events WHERE device_id <> 'good'")).toEqual([]);
    expect(h.gw!.engine.alerts.list({}).every((a) => a.deviceId === 'good')).toBe(true);
    // the well-behaved device: never cut off, every acknowledged event stored once
    expect(goodClosed).toBe(false);
    expect(acked.length).toBeGreaterThan(0);
    const stored = h.rows("SELECT event_id FROM events WHERE device_id = 'good'") as { event_id: string }[];
    expect(stored).toHaveLength(acked.length);
    expect(new Set(stored.map((r) => r.event_id))).toEqual(new Set(acked));
    // and the broker still serves: the Zigbee bridge and a fresh device connect and publish
    const bridge = await h.connect('z2m', {
      clientId: 'zigbee2mqtt',
      username: 'z2m',
      password: 'bridge-pass',
    });
    await bridge.publishAsync('zigbee2mqtt/sos_btn', Buffer.from('{"action":"emergency"}'), { qos: 1 });
    const p5 = await h.connect('p5');
    await p5.publishAsync('linli/v1/site1/dev/p5/evt', evt('after', 'test'), { qos: 1 });
    expect(h.rows("SELECT event_id FROM events WHERE device_id = 'p5'")).toEqual([{ event_id: 'after' }]);
  });
});
