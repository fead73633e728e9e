// Issue #10 defect 3: a client id belongs to the account that authenticated. Neither a Zigbee
// bridge account nor a device may take over another account's session on the embedded broker.
import { afterEach, describe, expect, it } from 'vitest';
import { BrokerHarness } from './broker-harness.ts';
import { evt, MemoryDirectory } from './helpers.ts';

const h = new BrokerHarness();
afterEach(() => h.cleanup());

const bridges = {
  mqtt: {
    zigbeeBridges: [
      { username: 'z2m', password: 'bridge-pass' },
      { username: 'z2m-b', password: 'bridge-pass-b' },
    ],
  },
};

function closed(c: { once(e: 'close', f: () => void): unknown }): { value: boolean } {
  const state = { value: false };
  c.once('close', () => {
    state.value = true;
  });
  return state;
}

describe('embedded broker: client ids bound to accounts', () => {
  it('the Zigbee bridge account cannot take a device client id; the device keeps its session', async () => {
    const d = new MemoryDirectory();
    d.add({ id: 'p1' });
    await h.start(d, bridges);
    const device = await h.connect('p1');
    const deviceClosed = closed(device);
    await expect(
      h.connect('z2m', { clientId: 'linli-site1-p1', username: 'z2m', password: 'bridge-pass' }),
    ).rejects.toThrow(/Identifier rejected/);
    await device.publishAsync('linli/v1/site1/dev/p1/evt', evt('after-hijack', 'sos'), { qos: 1 });
    expect(deviceClosed.value).toBe(false);
    expect(h.rows('SELECT event_id FROM events')).toEqual([{ event_id: 'after-hijack' }]);
    expect(h.gw!.engine.metrics.refused.get({ reason: 'client-id' })).toBe(1);
  });

  it('a device cannot take zigbee2mqtt or any other id than its own linli-{site}-{dev}', async () => {
    const d = new MemoryDirectory();
    d.add({ id: 'p1' });
    d.add({ id: 'sos_btn', kind: 'zigbee' });
    await h.start(d, bridges);
    const bridge = await h.connect('z2m', {
      clientId: 'zigbee2mqtt',
      username: 'z2m',
      password: 'bridge-pass',
    });
    const bridgeClosed = closed(bridge);
    for (const clientId of ['zigbee2mqtt', 'linli-gateway-site1', 'linli-site2-p1', 'anything', 'p1'])
      await expect(h.connect('p1', { clientId })).rejects.toThrow(/Identifier rejected/);
    // an empty client id (a random one from the broker) is not the device's own either
    await expect(h.connect('p1', { clientId: '', clean: true })).rejects.toThrow(/Identifier rejected/);
    await bridge.publishAsync('zigbee2mqtt/sos_btn', Buffer.from('{"action":"emergency"}'), { qos: 1 });
    expect(bridgeClosed.value).toBe(false);
    expect(h.gw!.engine.alerts.list({})[0]).toMatchObject({ type: 'sos', deviceId: 'sos_btn' });
    expect(h.gw!.engine.metrics.refused.get({ reason: 'client-id' })).toBe(6);
  });

  it('another bridge account cannot take a bridge session, and a bridge cannot use linli- ids', async () => {
    await h.start(new MemoryDirectory(), bridges);
    const bridge = await h.connect('z2m', {
      clientId: 'zigbee2mqtt',
      username: 'z2m',
      password: 'bridge-pass',
    });
    const bridgeClosed = closed(bridge);
    await expect(
      h.connect('z2m-b', { clientId: 'zigbee2mqtt', username: 'z2m-b', password: 'bridge-pass-b' }),
    ).rejects.toThrow(/Identifier rejected/);
    await expect(
      h.connect('z2m', { clientId: 'linli-gateway-site1', username: 'z2m', password: 'bridge-pass' }),
    ).rejects.toThrow(/Identifier rejected/);
    await bridge.publishAsync('zigbee2mqtt/bridge/state', Buffer.from('{"state":"online"}'), { qos: 1 });
    expect(bridgeClosed.value).toBe(false);
    expect(h.gw!.engine.metrics.refused.get({ reason: 'client-id' })).toBe(2);
  });

  it('the same device reconnecting replaces its previous session', async () => {
    const d = new MemoryDirectory();
    d.add({ id: 'p1' });
    await h.start(d);
    const first = await h.connect('p1');
    const firstClosed = new Promise<void>((r) => first.once('close', () => r()));
    const second = await h.connect('p1');
    await firstClosed;
    await second.publishAsync('linli/v1/site1/dev/p1/evt', evt('e2', 'sos'), { qos: 1 });
    expect(h.rows('SELECT event_id FROM events')).toEqual([{ event_id: 'e2' }]);
    expect(h.gw!.engine.metrics.refused.get({ reason: 'client-id' })).toBe(0);
  });
});
