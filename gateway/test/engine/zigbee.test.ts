import { afterEach, describe, expect, it } from 'vitest';
import { mapZigbeeState, parseAvailability } from '../../src/zigbee/map.ts';
import { makeEngine, type TestEngine } from './helpers.ts';

describe('zigbee2mqtt mapping', () => {
  const prev = { tamper: false, batteryLow: false };
  it('maps SOS actions and sos:true', () => {
    for (const action of ['emergency', 'sos', 'panic', 'SOS'])
      expect(mapZigbeeState({ action, battery: 90 }, prev).events).toEqual(['sos']);
    expect(mapZigbeeState({ sos: true }, prev).events).toEqual(['sos']);
    expect(mapZigbeeState({ action: 'single' }, prev).events).toEqual([]);
  });
  it('maps contact transitions only (false = open)', () => {
    expect(mapZigbeeState({ contact: false }, prev).events).toEqual(['door.open']);
    expect(mapZigbeeState({ contact: true }, prev).events).toEqual([]); // first report, closed
    expect(mapZigbeeState({ contact: true }, { ...prev, contact: false }).events).toEqual(['door.close']);
    expect(mapZigbeeState({ contact: false, battery: 80 }, { ...prev, contact: false }).events).toEqual([]);
  });
  it('maps tamper and battery_low transitions, clamps battery', () => {
    expect(mapZigbeeState({ tamper: true }, prev).events).toEqual(['tamper']);
    expect(mapZigbeeState({ tamper: false }, { ...prev, tamper: true }).events).toEqual(['tamper.restore']);
    expect(mapZigbeeState({ battery_low: true }, prev).events).toEqual(['battery.low']);
    expect(mapZigbeeState({ battery_low: true }, { ...prev, batteryLow: true }).events).toEqual([]);
    expect(mapZigbeeState({ battery: 140 }, prev).battery).toBe(100);
  });
  it('parses availability in both formats', () => {
    expect(parseAvailability(Buffer.from('{"state":"offline"}'))).toBe('offline');
    expect(parseAvailability(Buffer.from('online'))).toBe('online');
    expect(parseAvailability(Buffer.from('{"state":"maybe"}'))).toBeUndefined();
    expect(parseAvailability(Buffer.from('{'))).toBeUndefined();
  });
});

describe('zigbee2mqtt adapter', () => {
  let e: TestEngine;
  afterEach(() => e?.cleanup());
  const bridge = { kind: 'bridge', username: 'z2m' } as const;

  it('an SOS button press raises a critical alert on the registered device', async () => {
    e = makeEngine();
    e.directory.add({ id: 'sos_button_1', kind: 'zigbee' });
    const r = await e.ingest.handle(
      bridge,
      'zigbee2mqtt/sos_button_1',
      Buffer.from('{"action":"emergency","battery":88}'),
    );
    expect(r).toEqual({ ok: true, outcome: 'stored' });
    expect(e.alerts.list({})).toMatchObject([
      { type: 'sos', severity: 'critical', deviceId: 'sos_button_1' },
    ]);
    expect(e.states.get('sos_button_1').battery).toBe(88);
  });

  it('a door contact opening is an event that feeds the welfare check; availability offline raises device.offline', async () => {
    e = makeEngine();
    e.directory.add({ id: 'door_z', kind: 'zigbee' });
    await e.ingest.handle(bridge, 'zigbee2mqtt/door_z', Buffer.from('{"contact":true}'));
    await e.ingest.handle(bridge, 'zigbee2mqtt/door_z', Buffer.from('{"contact":false}'));
    await e.ingest.handle(bridge, 'zigbee2mqtt/door_z', Buffer.from('{"contact":false,"linkquality":50}'));
    const types = (e.db.prepare('SELECT type FROM events ORDER BY seq_no').all() as { type: string }[]).map(
      (r) => r.type,
    );
    expect(types).toEqual(['door.open']);
    expect(e.states.get('door_z').lastDoorOpenAt).toBe(e.clock.now());
    await e.ingest.handle(bridge, 'zigbee2mqtt/door_z/availability', Buffer.from('{"state":"offline"}'));
    expect(e.alerts.list({})).toMatchObject([{ type: 'device.offline', state: 'raised' }]);
    await e.ingest.handle(bridge, 'zigbee2mqtt/door_z/availability', Buffer.from('{"state":"online"}'));
    expect(e.alerts.list({})).toMatchObject([{ type: 'device.offline', state: 'resolved' }]);
  });

  it('refuses unknown devices and bad payloads; ignores bridge topics and commands', async () => {
    e = makeEngine();
    e.directory.add({ id: 'z1', kind: 'zigbee' });
    e.directory.add({ id: 'p1', kind: 'pendant' });
    expect(await e.ingest.handle(bridge, 'zigbee2mqtt/nobody', Buffer.from('{}'))).toMatchObject({
      reason: 'unknown-device',
    });
    expect(await e.ingest.handle(bridge, 'zigbee2mqtt/p1', Buffer.from('{}'))).toMatchObject({
      reason: 'unknown-device',
    });
    expect(await e.ingest.handle(bridge, 'zigbee2mqtt/z1', Buffer.from('nope'))).toMatchObject({
      reason: 'json',
    });
    expect(await e.ingest.handle(bridge, 'zigbee2mqtt/z1', Buffer.from('[1]'))).toMatchObject({
      reason: 'schema',
    });
    expect(
      await e.ingest.handle(bridge, 'zigbee2mqtt/bridge/state', Buffer.from('{"state":"online"}')),
    ).toMatchObject({ ok: true });
    expect(e.zigbee.bridgeOnline).toBe(true);
    expect(await e.ingest.handle(bridge, 'zigbee2mqtt/bridge/devices', Buffer.from('[]'))).toEqual({
      ok: true,
      outcome: 'ignored',
    });
    expect(await e.ingest.handle(bridge, 'zigbee2mqtt/z1/set', Buffer.from('{}'))).toEqual({
      ok: true,
      outcome: 'ignored',
    });
    expect(await e.ingest.handle(bridge, 'linli/v1/site1/dev/p1/evt', Buffer.from('{}'))).toMatchObject({
      reason: 'acl',
    });
  });
});
