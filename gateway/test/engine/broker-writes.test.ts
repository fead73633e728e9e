// Reconnect storm: what the embedded broker writes to a connection in one event-loop turn leaves
// in one socket write (a device's SUBACK and PUBACK), and a refusing CONNACK still goes out
// before the connection is destroyed.
import { Socket, connect as tcpConnect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BrokerHarness, connectPacket, rawConnect } from './broker-harness.ts';
import { MemoryDirectory } from './helpers.ts';

const h = new BrokerHarness();
afterEach(() => h.cleanup());

const str = (s: string) => {
  const b = Buffer.from(s);
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
};
const packet = (first: number, body: Buffer) => Buffer.concat([Buffer.from([first, body.length]), body]);

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('embedded broker: socket writes', () => {
  it("a device's SUBACK and PUBACK of one turn leave in one write; each device's in its own", async () => {
    const d = new MemoryDirectory();
    d.add({ id: 'w1' });
    d.add({ id: 'w2' });
    await h.start(d);
    const port = h.gw!.ports.mqtt!;
    // count the writes of the broker's side of each connection (by the client's local port)
    const writes = new Map<number, number>();
    const proto = Socket.prototype as unknown as { _writeGeneric: (...a: unknown[]) => unknown };
    const original = proto._writeGeneric;
    proto._writeGeneric = function (this: Socket, ...a: unknown[]) {
      if (this.localPort === port && this.remotePort !== undefined)
        writes.set(this.remotePort, (writes.get(this.remotePort) ?? 0) + 1);
      return original.apply(this, a);
    };
    try {
      const devices = await Promise.all(
        ['w1', 'w2'].map(async (id) => {
          const s = tcpConnect({ port, host: '127.0.0.1' });
          let got = Buffer.alloc(0);
          s.on('data', (b: Buffer) => {
            got = Buffer.concat([got, b]);
          });
          await new Promise((r) => s.once('connect', r));
          s.write(connectPacket(`linli-site1-${id}`, id, `secret-${id}`));
          await until(() => got.length >= 4);
          expect([...got.subarray(0, 4)]).toEqual([0x20, 2, 0, 0]);
          return { id, s, got: () => got, port: s.localPort! };
        }),
      );
      for (const dev of devices) expect(writes.get(dev.port)).toBe(1); // the CONNACK
      for (const { id, s } of devices) {
        const sub = packet(
          0x82,
          Buffer.concat([Buffer.from([0, 1]), str(`linli/v1/site1/dev/${id}/cmd`), Buffer.from([1])]),
        );
        const pub = packet(
          0x33,
          Buffer.concat([
            str(`linli/v1/site1/dev/${id}/status`),
            Buffer.from([0, 2]),
            Buffer.from('{"online":true}'),
          ]),
        );
        s.write(Buffer.concat([sub, pub]));
      }
      // CONNACK (4 bytes) + SUBACK (5) + PUBACK (4)
      await until(() => devices.every((dev) => dev.got().length >= 13));
      for (const dev of devices) {
        const rest = dev.got().subarray(4, 13).toString('hex');
        // SUBACK granted QoS 1 and PUBACK of message 2, in either order
        expect(['900300010140020002', '400200029003000101']).toContain(rest);
        expect(writes.get(dev.port)).toBe(2);
        dev.s.destroy();
      }
    } finally {
      proto._writeGeneric = original;
    }
  });

  it('a refusing CONNACK is written before the connection closes', async () => {
    const d = new MemoryDirectory();
    d.add({ id: 'w3' });
    await h.start(d);
    expect(await rawConnect(h.gw!.ports.mqtt!, connectPacket('linli-site1-w3', 'w3', 'wrong-secret'))).toBe(
      4,
    );
  });
});
