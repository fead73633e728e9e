// The alarm path end to end: firmware-sim devices and a Zigbee2MQTT bridge simulator on the
// gateway's embedded aedes broker, with the real SQLite registry and store.
import { type SimDevice, startDevice, startZigbeeBridge, type ZigbeeBridge } from '@linli/firmware-sim';
import type { RunningGateway } from '@linli/gateway';
import { ManualClock } from '@linli/gateway/supervision/clock.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { provision, removeDir, secretOf, startTestGateway, tempDir } from './gateway-helpers.ts';

let gw: RunningGateway | undefined;
let dir: string | undefined;
const devices: SimDevice[] = [];
let bridge: ZigbeeBridge | undefined;

afterEach(async () => {
  await Promise.all(devices.splice(0).map((d) => d.crash().catch(() => {})));
  await bridge?.crash().catch(() => {});
  bridge = undefined;
  await gw?.stop();
  gw = undefined;
  removeDir(dir);
  dir = undefined;
});

async function device(id: string, kind: 'pendant' | 'door-contact' = 'pendant'): Promise<SimDevice> {
  const d = await startDevice({
    url: `mqtt://127.0.0.1:${gw!.ports.mqtt}`,
    site: 'site1',
    id,
    secret: secretOf(id),
    kind,
    heartbeatIntervalS: 0,
    reconnectPeriod: 0,
  });
  devices.push(d);
  return d;
}

const count = (sql: string, ...p: unknown[]) => (gw!.engine.db.prepare(sql).get(...p) as { n: number }).n;

describe('gateway alarm path (firmware-sim on the embedded broker)', () => {
  it('a press becomes one alert with device feedback: alert.received, then alert.acknowledged', async () => {
    dir = tempDir();
    provision(dir, (r) => {
      r.provision({ id: 'pendant1', site: 'site1', kind: 'pendant', secret: secretOf('pendant1') });
    });
    gw = await startTestGateway(dir);
    const d = await device('pendant1');
    const received = d.waitForCommand('alert.received', 5000);
    await d.press();
    expect(count('SELECT COUNT(*) AS n FROM events WHERE device_id = ?', 'pendant1')).toBe(1);
    const alerts = gw.engine.alerts.list({});
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      type: 'sos',
      severity: 'critical',
      state: 'raised',
      deviceId: 'pendant1',
    });
    expect((await received).command).toMatchObject({ type: 'alert.received', alertId: alerts[0]!.id });
    // pressing again folds into the same alert
    await d.press();
    expect(gw.engine.alerts.list({})).toMatchObject([{ count: 2 }]);
    const acked = d.waitForCommand('alert.acknowledged', 5000);
    gw.engine.alerts.acknowledge(alerts[0]!.id, 'operator1');
    expect((await acked).command).toMatchObject({ alertId: alerts[0]!.id });
  });

  it('duplicates and retries are stored once; a forged publish on another device topic is refused', async () => {
    dir = tempDir();
    provision(dir, (r) => {
      r.provision({ id: 'p1', site: 'site1', kind: 'pendant', secret: secretOf('p1') });
      r.provision({ id: 'victim', site: 'site1', kind: 'pendant', secret: secretOf('victim') });
    });
    gw = await startTestGateway(dir);
    const d = await device('p1');
    await d.press();
    expect(await d.inject('duplicate')).toMatchObject({ acked: true });
    expect(await d.inject('duplicate')).toMatchObject({ acked: true });
    expect(count('SELECT COUNT(*) AS n FROM events')).toBe(1);
    expect(gw.engine.metrics.duplicates.get({ source: 'mqtt' })).toBe(2);
    expect(gw.engine.alerts.list({})).toMatchObject([{ count: 1 }]);

    const forged = await d.inject('foreign-topic', 'victim', 1000);
    expect(forged.acked).toBe(false);
    expect(count("SELECT COUNT(*) AS n FROM events WHERE device_id = 'victim'")).toBe(0);
    expect(gw.engine.metrics.refused.get({ reason: 'acl' })).toBe(1);
  });

  it('a device retired in the registry is disconnected at once and cannot come back', async () => {
    dir = tempDir();
    provision(dir, (r) => {
      r.provision({ id: 'old1', site: 'site1', kind: 'pendant', secret: secretOf('old1') });
    });
    gw = await startTestGateway(dir);
    const d = await device('old1');
    gw.registry.retire('old1');
    await expect.poll(() => d.connected, { timeout: 5000 }).toBe(false);
    await expect(device('old1')).rejects.toThrow(/refused|Bad username/);
    expect(gw.engine.metrics.refused.get({ reason: 'auth' })).toBe(1);
  });

  it('a silent device goes offline (device.offline) and comes back (restored)', async () => {
    dir = tempDir();
    provision(dir, (r) => {
      r.provision({ id: 'p1', site: 'site1', kind: 'pendant', secret: secretOf('p1'), offlineTimeoutS: 600 });
    });
    const clock = new ManualClock(Date.now());
    gw = await startTestGateway(dir, {}, clock);
    const d = await device('p1');
    d.heartbeat();
    await expect.poll(() => gw!.engine.metrics.eventsIn.get({ kind: 'hb' })).toBeGreaterThanOrEqual(1);
    clock.advance(601_000);
    gw.engine.supervisor.runOnce();
    expect(gw.engine.alerts.list({})).toMatchObject([
      { type: 'device.offline', severity: 'minor', state: 'raised' },
    ]);
    d.heartbeat();
    await expect.poll(() => gw!.engine.alerts.list({})[0]?.state).toBe('resolved');
    expect(gw.engine.alerts.list({})[0]).toMatchObject({ outcome: 'restored', resolvedBy: 'system' });
  });

  it('the welfare check fires for a resident living alone whose door has not opened', async () => {
    dir = tempDir();
    provision(dir, (r) => {
      const res = r.createResident({ name: '王秀英', livesAlone: true, emergencyContacts: [] });
      r.provision({
        id: 'door1',
        site: 'site1',
        kind: 'door-contact',
        secret: secretOf('door1'),
        residentId: res.id,
        offlineTimeoutS: 30 * 86_400,
      });
    });
    const clock = new ManualClock(Date.now());
    gw = await startTestGateway(dir, { supervision: { welfareCheckHours: 24 } }, clock);
    const d = await device('door1', 'door-contact');
    await d.openDoor();
    await d.closeDoor();
    clock.advance(23 * 3_600_000);
    gw.engine.supervisor.runOnce();
    expect(gw.engine.alerts.list({})).toEqual([]);
    clock.advance(2 * 3_600_000);
    gw.engine.supervisor.runOnce();
    expect(gw.engine.alerts.list({})).toMatchObject([
      { type: 'welfare.check', severity: 'major', state: 'raised', deviceId: 'door1' },
    ]);
  });

  it('a Zigbee2MQTT SOS button raises an alert; its door contact feeds the event log', async () => {
    dir = tempDir();
    provision(dir, (r) => {
      r.provision({ id: 'zsos', site: 'site1', kind: 'zigbee', zigbeeName: 'living_room_sos' });
      r.provision({ id: 'zdoor', site: 'site1', kind: 'zigbee', zigbeeName: 'front_door' });
    });
    gw = await startTestGateway(dir, {
      mqtt: { zigbeeBridges: [{ username: 'z2m-bridge', password: 'bridge-secret-123' }] },
    });
    bridge = await startZigbeeBridge({
      url: `mqtt://127.0.0.1:${gw.ports.mqtt}`,
      username: 'z2m-bridge',
      password: 'bridge-secret-123',
      devices: [
        { friendlyName: 'living_room_sos', model: 'TS0215A' },
        { friendlyName: 'front_door', model: 'MCCGQ11LM' },
      ],
    });
    await bridge.press('living_room_sos');
    await expect.poll(() => gw!.engine.alerts.list({}).length).toBe(1);
    expect(gw.engine.alerts.list({})[0]).toMatchObject({
      type: 'sos',
      severity: 'critical',
      deviceId: 'zsos',
    });
    await bridge.openDoor('front_door');
    await expect
      .poll(() => count("SELECT COUNT(*) AS n FROM events WHERE device_id = 'zdoor' AND type = 'door.open'"))
      .toBe(1);
    expect(gw.engine.metrics.refused.get({ reason: 'acl' })).toBe(0);
  });
});
