// MQTT 5 devices on the embedded broker (aedes 1.2 speaks 3.1.1; broker/mqtt5.ts translates):
// a real MQTT.js client with protocolVersion 5 and the stock mosquitto_pub -V mqttv5 get their
// SOS stored before the PUBACK, hear their commands, and are refused like 3.1.1 devices.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { connectLevel } from '../../src/broker/mqtt5.ts';
import { topicMatches } from '../../src/broker/retained-index.ts';
import { BrokerHarness, nextMessage } from './broker-harness.ts';
import { evt, MemoryDirectory } from './helpers.ts';

const h = new BrokerHarness();
afterEach(() => h.cleanup());
const MOSQUITTO_PUB = '/usr/bin/mosquitto_pub';

describe('MQTT 5 devices on the embedded broker', () => {
  it('an MQTT.js v5 device: SOS stored before its PUBACK, commands heard, 3.1.1 devices alongside', async () => {
    const d = new MemoryDirectory();
    d.add({ id: 'p5' });
    d.add({ id: 'p4' });
    await h.start(d);
    const c5 = await h.connect('p5', { protocolVersion: 5 });
    const c4 = await h.connect('p4');
    await c5.subscribeAsync('linli/v1/site1/dev/p5/cmd', { qos: 1 });
    const received = nextMessage(c5, 'linli/v1/site1/dev/p5/cmd');
    await c5.publishAsync('linli/v1/site1/dev/p5/evt', evt('e5', 'sos'), { qos: 1 });
    // the PUBACK has arrived: the event is committed
    expect(h.rows("SELECT device_id FROM events WHERE event_id = 'e5'")).toEqual([{ device_id: 'p5' }]);
    expect(await received).toMatchObject({ type: 'alert.received' });
    await c4.publishAsync('linli/v1/site1/dev/p4/evt', evt('e4', 'sos'), { qos: 1 });
    expect(h.rows("SELECT device_id FROM events WHERE event_id = 'e4'")).toEqual([{ device_id: 'p4' }]);
    await c5.unsubscribeAsync('linli/v1/site1/dev/p5/cmd');
    // the device's PUBACK of its command went through the translator: marked delivered
    await expect
      .poll(() =>
        h.rows("SELECT COUNT(*) AS n FROM cmd_queue WHERE device_id = 'p5' AND delivered_at IS NULL"),
      )
      .toEqual([{ n: 0 }]);
  });

  it('an MQTT 5 device with a wrong secret gets CONNACK "bad user name or password" (0x86)', async () => {
    const d = new MemoryDirectory();
    d.add({ id: 'p5' });
    await h.start(d);
    const err = await h
      .connect('p5', { protocolVersion: 5, password: 'wrong-secret-xxxx' })
      .catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error & { code?: number }).code).toBe(0x86);
    expect(await h.gw!.engine.metrics.render()).toMatch(
      /linli_gateway_messages_refused_total\{reason="auth"\} 1/,
    );
  });

  it.runIf(existsSync(MOSQUITTO_PUB))('stock mosquitto_pub -V mqttv5: the SOS is stored', async () => {
    const d = new MemoryDirectory();
    d.add({ id: 'm5' });
    await h.start(d);
    const args = [
      ...['-V', 'mqttv5', '-h', '127.0.0.1', '-p', String(h.gw!.ports.mqtt)],
      ...['-i', 'linli-site1-m5', '-u', 'm5', '-P', 'secret-m5', '-q', '1'],
      ...['-t', 'linli/v1/site1/dev/m5/evt', '-m', String(evt('m5-1', 'sos'))],
    ];
    const out = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(MOSQUITTO_PUB, args, { timeout: 20_000, encoding: 'utf8' }, (error, _stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stderr: String(stderr) }),
      );
    });
    expect(out).toEqual({ code: 0, stderr: '' });
    expect(h.rows("SELECT device_id FROM events WHERE event_id = 'm5-1'")).toEqual([{ device_id: 'm5' }]);
  });

  it('reads the protocol level from a CONNECT, split anywhere', () => {
    const v5 = Buffer.from([0x10, 0x20, 0, 4, 0x4d, 0x51, 0x54, 0x54, 5, 0xc2]);
    for (let i = 0; i < 9; i++) expect(connectLevel(v5.subarray(0, i))).toBeUndefined();
    expect(connectLevel(v5)).toBe(5);
    expect(connectLevel(Buffer.from([0x30, 0]))).toBe('other');
    // a declared length over the limit goes straight to aedes and the packet guard
    expect(connectLevel(Buffer.from([0x10, 0x80, 0x80, 0x80, 0x64]), 65_536)).toBe('other');
    expect(connectLevel(Buffer.from([0x10, 0x80, 0x80, 0x80, 0x80, 1]))).toBe('other');
  });

  it('retained lookups: exact topics by key, wildcards by match', () => {
    expect(topicMatches('linli/v1/s/dev/p1/cmd', 'linli/v1/s/dev/p1/cmd')).toBe(true);
    expect(topicMatches('linli/v1/+/dev/+/status', 'linli/v1/s/dev/p1/status')).toBe(true);
    expect(topicMatches('linli/#', 'linli/v1/s')).toBe(true);
    expect(topicMatches('linli/v1/+', 'linli/v1/s/dev')).toBe(false);
    expect(topicMatches('#', '$SYS/x')).toBe(false);
  });
});
