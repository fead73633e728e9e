import { afterEach, describe, expect, it } from 'vitest';
import { count, evt, makeEngine, type TestEngine } from './helpers.ts';

let e: TestEngine;
afterEach(() => e?.cleanup());

const hb = (extra: Record<string, unknown> = {}) => Buffer.from(JSON.stringify({ ts: 1, ...extra }));

describe('supervision', () => {
  it('a silent device goes offline after its timeout (minor alert) and a heartbeat restores it', async () => {
    e = makeEngine();
    const d = e.directory.add({ id: 'p1', offlineTimeoutS: 600 });
    const changes: boolean[] = [];
    e.bus.on('device.changed', (c) => changes.push(c.online));
    await e.ingest.handle({ kind: 'device', device: d }, 'linli/v1/site1/dev/p1/hb', hb());
    e.clock.advance(600_000);
    expect(e.supervisor.check().offline).toBe(0);
    e.clock.advance(1_000);
    expect(e.supervisor.check().offline).toBe(1);
    expect(e.supervisor.check().offline).toBe(0); // raised once
    const [a] = e.alerts.list({});
    expect(a).toMatchObject({ type: 'device.offline', severity: 'minor', state: 'raised', deviceId: 'p1' });
    expect(await e.metrics.render()).toContain('linli_gateway_devices{state="offline"} 1');
    await e.ingest.handle({ kind: 'device', device: d }, 'linli/v1/site1/dev/p1/hb', hb());
    expect(e.alerts.get(a!.id)!.alert).toMatchObject({
      state: 'resolved',
      resolvedBy: 'system',
      outcome: 'restored',
    });
    expect(changes).toEqual([false, true]);
    expect(e.states.get('p1').online).toBe(true);
  });

  it('an event counts as a sign of life too; per-device timeouts differ', async () => {
    e = makeEngine();
    const a = e.directory.add({ id: 'mains', offlineTimeoutS: 600 });
    e.directory.add({ id: 'battery', offlineTimeoutS: 90_000 });
    e.clock.advance(500_000);
    await e.ingest.handle({ kind: 'device', device: a }, 'linli/v1/site1/dev/mains/evt', evt('t1', 'test'));
    e.clock.advance(500_000);
    expect(e.supervisor.check().offline).toBe(0);
    e.clock.advance(200_000);
    expect(e.supervisor.check().offline).toBe(1);
    expect(e.alerts.list({}).map((x) => x.deviceId)).toEqual(['mains']);
  });

  it('a site-wide outage: 1,200 silent devices go offline in one pass, one alert each', () => {
    e = makeEngine();
    for (let i = 0; i < 1200; i++) e.directory.add({ id: `d${i}`, offlineTimeoutS: 600 });
    e.clock.advance(601_000);
    expect(e.supervisor.check().offline).toBe(1200);
    expect(
      count(e, "SELECT COUNT(*) AS n FROM alerts WHERE type = 'device.offline' AND state = 'raised'"),
    ).toBe(1200);
    expect(count(e, 'SELECT COUNT(*) AS n FROM device_state WHERE online = 0')).toBe(1200);
    expect(e.supervisor.check().offline).toBe(0);
  });

  it('retired devices are not supervised', () => {
    e = makeEngine();
    e.directory.add({ id: 'old', offlineTimeoutS: 60, retired: true });
    e.clock.advance(3_600_000);
    expect(e.supervisor.check().offline).toBe(0);
  });

  it('LWT status is recorded as connection state; the alert waits for the heartbeat timeout', async () => {
    e = makeEngine();
    const d = e.directory.add({ id: 'p1' });
    await e.ingest.handle(
      { kind: 'device', device: d },
      'linli/v1/site1/dev/p1/status',
      Buffer.from('{"online":false}'),
    );
    expect(e.states.get('p1').connected).toBe(false);
    expect(e.alerts.list({})).toHaveLength(0);
  });

  it('a low battery in a heartbeat raises one battery.low warning until the battery is replaced', async () => {
    e = makeEngine();
    const d = e.directory.add({ id: 'p1' });
    const send = (battery: number) =>
      e.ingest.handle({ kind: 'device', device: d }, 'linli/v1/site1/dev/p1/hb', hb({ battery }));
    await send(50);
    await send(12);
    await send(11);
    expect(e.alerts.list({})).toMatchObject([{ type: 'battery.low', severity: 'warning', count: 1 }]);
    e.alerts.resolve(e.alerts.list({})[0]!.id, 'op', 'battery replaced');
    await send(100);
    await send(10);
    expect(e.alerts.list({ state: 'raised' })).toHaveLength(1);
  });

  it('tamper raises a major alert and is tracked in the device state', async () => {
    e = makeEngine();
    const d = e.directory.add({ id: 'door', kind: 'door-contact' });
    await e.ingest.handle({ kind: 'device', device: d }, 'linli/v1/site1/dev/door/evt', evt('t1', 'tamper'));
    expect(e.states.get('door').tamper).toBe(true);
    expect(e.alerts.list({})[0]).toMatchObject({ type: 'tamper', severity: 'major' });
    await e.ingest.handle(
      { kind: 'device', device: d },
      'linli/v1/site1/dev/door/evt',
      evt('t2', 'tamper.restore'),
    );
    expect(e.states.get('door').tamper).toBe(false);
  });

  describe('welfare check', () => {
    function welfareSetup(livesAlone = true, hours?: number) {
      e = makeEngine();
      e.directory.addResident({ id: 'r1', livesAlone, ...(hours ? { welfareCheckHours: hours } : {}) });
      return e.directory.add({
        id: 'door1',
        kind: 'door-contact',
        residentId: 'r1',
        offlineTimeoutS: 10 ** 7,
      });
    }
    const H = 3_600_000;

    it('fires a major alert when the door of a resident living alone has not opened for 24 h', async () => {
      const door = welfareSetup();
      await e.ingest.handle(
        { kind: 'device', device: door },
        'linli/v1/site1/dev/door1/evt',
        evt('o1', 'door.open'),
      );
      e.clock.advance(23 * H);
      expect(e.supervisor.check().welfare).toBe(0);
      await e.ingest.handle(
        { kind: 'device', device: door },
        'linli/v1/site1/dev/door1/evt',
        evt('o2', 'door.open'),
      );
      e.clock.advance(24 * H);
      expect(e.supervisor.check().welfare).toBe(0);
      e.clock.advance(1000);
      expect(e.supervisor.check().welfare).toBe(1);
      expect(e.supervisor.check().welfare).toBe(0); // open alert: not again
      const [a] = e.alerts.list({});
      expect(a).toMatchObject({ type: 'welfare.check', severity: 'major', deviceId: 'door1' });
      // resolved but still no activity: not again before another full period
      e.alerts.resolve(a!.id, 'op', 'called, all fine');
      e.clock.advance(23 * H);
      expect(e.supervisor.check().welfare).toBe(0);
      e.clock.advance(2 * H);
      expect(e.supervisor.check().welfare).toBe(1);
    });

    it('uses the resident own period and ignores residents who do not live alone', async () => {
      welfareSetup(true, 6);
      e.clock.advance(6 * H + 1000);
      expect(e.supervisor.check().welfare).toBe(1);
      e.cleanup();
      welfareSetup(false);
      e.clock.advance(100 * H);
      expect(e.supervisor.check().welfare).toBe(0);
    });
  });

  it('device state survives a restart of the engine (last door open, battery low)', async () => {
    e = makeEngine();
    const d = e.directory.add({ id: 'door', kind: 'door-contact' });
    await e.ingest.handle(
      { kind: 'device', device: d },
      'linli/v1/site1/dev/door/evt',
      evt('o1', 'door.open', { battery: 5 }),
    );
    expect(
      count(
        e,
        'SELECT COUNT(*) AS n FROM device_state WHERE last_door_open_at IS NOT NULL AND battery_low = 1',
      ),
    ).toBe(1);
  });
});
