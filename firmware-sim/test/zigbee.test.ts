// Zigbee2MQTT mode: topics and payloads as Zigbee2MQTT publishes them.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startZigbeeBridge, type ZigbeeBridge } from '../src/index.ts';
import { type AedesBroker, startAedes } from './helpers/brokers.ts';
import { Observer } from './helpers/mqtt-observer.ts';

describe('Zigbee2MQTT bridge', () => {
  let broker: AedesBroker;
  let bridge: ZigbeeBridge | undefined;
  let obs: Observer;
  beforeAll(async () => {
    broker = await startAedes();
  });
  afterAll(async () => {
    await broker.stop();
  });
  afterEach(async () => {
    await bridge?.crash();
    await obs.stop();
  });

  const start = async (): Promise<ZigbeeBridge> => {
    obs = await Observer.start(broker.url, ['zigbee2mqtt/#']);
    bridge = await startZigbeeBridge({
      url: broker.url,
      username: 'z2m',
      password: 'x',
      devices: [
        { friendlyName: 'sos_button', model: 'TS0215A', battery: 80 },
        { friendlyName: 'front_door', model: 'MCCGQ11LM' },
      ],
    });
    return bridge;
  };

  it('announces bridge/state and availability retained, then each device state', async () => {
    await start();
    const st = await obs.wait((m) => m.topic === 'zigbee2mqtt/bridge/state');
    expect(st).toMatchObject({ payload: '{"state":"online"}' });
    await obs.wait((m) => m.topic === 'zigbee2mqtt/front_door');
    const avail = obs.json('zigbee2mqtt/sos_button/availability');
    expect(avail).toEqual([{ state: 'online' }]);
    expect(bridge!.published.find((p) => p.topic.endsWith('/availability'))?.retain).toBe(true);
    expect(obs.json('zigbee2mqtt/front_door')[0]).toMatchObject({ contact: true, battery: 100 });
  });

  it('SOS press publishes action emergency with battery, voltage, linkquality', async () => {
    const b = await start();
    await b.press('sos_button');
    const m = await obs.wait((x) => x.topic === 'zigbee2mqtt/sos_button' && x.payload.includes('action'));
    expect(JSON.parse(m.payload)).toMatchObject({ action: 'emergency', battery: 80, linkquality: 120 });
    expect(JSON.parse(m.payload).voltage).toBeGreaterThan(2700);
    expect(b.state('sos_button').action).toBeUndefined(); // one-shot, not kept in the state
  });

  it('door contact open/close, tamper, battery, availability', async () => {
    const b = await start();
    await b.openDoor('front_door');
    await b.closeDoor('front_door');
    await b.tamper('front_door');
    await b.setBattery('sos_button', 15);
    await b.setAvailability('front_door', false);
    await obs.wait((m) => m.topic === 'zigbee2mqtt/front_door/availability' && m.payload.includes('offline'));
    const states = obs.json<Record<string, unknown>>('zigbee2mqtt/front_door');
    expect(states.map((s) => s.contact)).toEqual([true, false, true, true]);
    expect(states.at(-1)).toMatchObject({ tamper: true });
    expect(obs.json('zigbee2mqtt/sos_button').at(-1)).toMatchObject({ battery: 15, battery_low: true });
    await expect(b.openDoor('sos_button')).rejects.toThrow(/not a MCCGQ11LM/);
    await expect(b.press('nobody')).rejects.toThrow(/no zigbee device/);
  });

  it('a crashed bridge leaves bridge/state offline (LWT)', async () => {
    const b = await start();
    await obs.wait((m) => m.topic === 'zigbee2mqtt/bridge/state');
    await b.crash();
    bridge = undefined;
    const m = await obs.wait((x) => x.topic === 'zigbee2mqtt/bridge/state' && x.payload.includes('offline'));
    expect(JSON.parse(m.payload)).toEqual({ state: 'offline' });
  });
});
