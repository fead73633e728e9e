// Issue #10 defect 5: a flood of wrong-password CONNECTs is counted per address, logged with a
// throttle, and the address is refused before any password check after repeated failures,
// while devices that authenticate keep working.
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/ingest/refusals.ts';
import { BrokerHarness, connectPacket, rawConnect } from './broker-harness.ts';
import { evt, MemoryDirectory } from './helpers.ts';

const h = new BrokerHarness();
afterEach(() => h.cleanup());

describe('embedded broker: unauthenticated floods', () => {
  it('829 wrong-password CONNECTs: few log lines, the address blocked, other devices unaffected', async () => {
    const d = new MemoryDirectory();
    d.add({ id: 'p1' });
    d.add({ id: 'p2' });
    d.add({ id: 'nat' });
    let checks = 0;
    const auth = d.authenticate.bind(d);
    d.authenticate = (u, p) => {
      checks++;
      return auth(u, p);
    };
    let lines = 0;
    const count = () => {
      lines++;
    };
    h.log = { debug: count, info: count, warn: count, error: count } satisfies Logger;
    await h.start(d, { mqtt: { authFailLimit: 10, authFailWindowS: 600, authBlockS: 3600 } });
    const port = h.gw!.ports.mqtt!;
    // a device behind the flooder's address has authenticated before the flood
    expect(await rawConnect(port, connectPacket('linli-site1-nat', 'nat', 'secret-nat'), '127.0.0.2')).toBe(
      0,
    );
    const device = await h.connect('p2');
    const acked: string[] = [];
    const flood = (async () => {
      const codes: (number | 'closed')[] = [];
      for (let i = 0; i < 829; i += 50) {
        const batch = Array.from({ length: Math.min(50, 829 - i) }, (_, j) =>
          rawConnect(port, connectPacket(`linli-site1-p1-${i + j}`, 'p1', 'wrong'), '127.0.0.2'),
        );
        codes.push(...(await Promise.all(batch)));
      }
      return codes;
    })();
    for (let i = 0; i < 40; i++) {
      await device.publishAsync('linli/v1/site1/dev/p2/evt', evt(`e${i}`, 'door.open'), { qos: 1 });
      acked.push(`e${i}`);
    }
    const codes = await flood;
    // every refused CONNECT got a clear answer: 4 (bad password) until the block, then 5
    expect(codes.filter((c) => c === 4)).toHaveLength(10);
    expect(codes.filter((c) => c === 5)).toHaveLength(819);
    const m = h.gw!.engine.metrics;
    expect(m.refused.get({ reason: 'auth' })).toBe(10);
    expect(m.refused.get({ reason: 'address-blocked' })).toBe(819);
    expect(m.addressBlocks.get()).toBe(1);
    expect(m.addressesBlocked.get()).toBe(1);
    expect(await m.render()).toMatch(/linli_gateway_mqtt_addresses_blocked 1/);
    // no password was checked for the blocked address: 1 (nat) + 1 (p2) + 10 failures
    expect(checks).toBe(12);
    expect(lines).toBeLessThan(60);
    // every event the device got a PUBACK for is stored once
    const stored = h.rows("SELECT event_id FROM events WHERE device_id = 'p2' ORDER BY seq_no") as {
      event_id: string;
    }[];
    expect(new Set(stored.map((r) => r.event_id))).toEqual(new Set(acked));
    expect(stored).toHaveLength(acked.length);
    // the known device behind the blocked address still gets in; a stranger from it does not
    expect(await rawConnect(port, connectPacket('linli-site1-nat', 'nat', 'secret-nat'), '127.0.0.2')).toBe(
      0,
    );
    expect(await rawConnect(port, connectPacket('linli-site1-p2', 'p2', 'secret-p2'), '127.0.0.2')).toBe(5);
    // and other addresses are not blocked at all
    expect(await rawConnect(port, connectPacket('linli-site1-p1', 'p1', 'secret-p1'), '127.0.0.1')).toBe(0);
  });
});
