// Reconnect storm: the embedded broker processes a bounded number of logins at once
// (mqtt.connectInFlight); the others wait, a connected device's SOS does not wait behind them,
// and a client sending its CONNECT slowly holds no login slot.
import { connect as tcpConnect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { EmbeddedBroker } from '../../src/broker/embedded.ts';
import { BrokerHarness, connectPacket, rawConnect } from './broker-harness.ts';
import { evt, MemoryDirectory } from './helpers.ts';

const h = new BrokerHarness();
afterEach(() => h.cleanup());

describe('embedded broker: connection admission', () => {
  it('a storm of logins runs connectInFlight at a time; an SOS of a device already back is stored and acknowledged meanwhile', async () => {
    const d = new MemoryDirectory();
    for (let i = 0; i < 40; i++) d.add({ id: `s${i}` });
    d.add({ id: 'p0' });
    // each credential check takes 20 ms (the hash of a real one, on a loaded machine)
    let checking = 0;
    let most = 0;
    const auth = d.authenticate.bind(d);
    d.authenticate = async (u, p) => {
      most = Math.max(most, ++checking);
      await new Promise((r) => setTimeout(r, 20));
      checking--;
      return auth(u, p);
    };
    await h.start(d, { mqtt: { connectInFlight: 2, connectPerTurn: 1 } });
    const port = h.gw!.ports.mqtt!;
    const device = await h.connect('p0');
    let back = 0;
    const storm = Array.from({ length: 40 }, (_, i) =>
      rawConnect(port, connectPacket(`linli-site1-s${i}`, `s${i}`, `secret-s${i}`)).then((code) => {
        back++;
        return code;
      }),
    );
    const admission = (h.gw!.transport as EmbeddedBroker).admission;
    // wait until logins are queued, then press
    const end = Date.now() + 10_000;
    while (admission.depth === 0 && back < 40 && Date.now() < end) await new Promise((r) => setTimeout(r, 2));
    await device.publishAsync('linli/v1/site1/dev/p0/evt', evt('press-1', 'sos'), { qos: 1 });
    const backAtAck = back;
    expect(await Promise.all(storm)).toEqual(Array.from({ length: 40 }, () => 0));
    expect(backAtAck).toBeLessThan(40); // the SOS did not wait for the whole storm
    expect(most).toBeLessThanOrEqual(2);
    expect(admission.queued).toBeGreaterThan(0);
    expect(h.rows("SELECT event_id FROM events WHERE device_id = 'p0'")).toEqual([{ event_id: 'press-1' }]);
  });

  it('a client sending its CONNECT slowly holds no login slot', async () => {
    const d = new MemoryDirectory();
    d.add({ id: 'p1' });
    d.add({ id: 'p2' });
    await h.start(d, { mqtt: { connectInFlight: 1, connectPerTurn: 1 } });
    const port = h.gw!.ports.mqtt!;
    const packet = connectPacket('linli-site1-p1', 'p1', 'secret-p1');
    const slow = tcpConnect({ port, host: '127.0.0.1' });
    slow.on('error', () => {});
    const connack = new Promise<number>((resolve) => slow.on('data', (b: Buffer) => resolve(b[3]!)));
    await new Promise((r) => slow.once('connect', r));
    slow.write(packet.subarray(0, 16)); // the level is known, the rest has not come
    await new Promise((r) => setTimeout(r, 50));
    // the only login slot is free: another device connects
    await h.connect('p2');
    slow.write(packet.subarray(16));
    expect(await connack).toBe(0);
    slow.destroy();
  });
});
