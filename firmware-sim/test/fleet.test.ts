// The demo fleet and scenarios against real brokers (aedes and Mosquitto).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topics } from '@linli/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FLEET_FILE, loadFleet, runScenario, startFleet } from '../src/index.ts';
import { startAedes, startMosquitto, type TestBroker } from './helpers/brokers.ts';
import { Observer } from './helpers/mqtt-observer.ts';

describe.each([
  ['aedes', startAedes],
  ['mosquitto', startMosquitto],
] as const)('fleet on %s', (_name, startBroker) => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startBroker();
  });
  afterAll(async () => {
    await broker.stop();
  });

  it('brings the whole demo fleet online: MQTT devices and the Zigbee2MQTT bridge', async () => {
    const spec = loadFleet();
    const obs = await Observer.start(broker.url, ['linli/v1/demo/dev/+/status', 'zigbee2mqtt/#']);
    const fleet = await startFleet({ url: broker.url, spec });
    try {
      const mqttIds = spec.devices.filter((d) => d.kind !== 'zigbee').map((d) => d.id);
      expect([...fleet.devices.keys()]).toEqual(mqttIds);
      for (const id of mqttIds)
        await obs.wait((m) => m.topic === topics.status('demo', id) && m.payload.includes('true'));
      await obs.wait((m) => m.topic === 'zigbee2mqtt/zb-door-502/availability');
      const r = await fleet.device('pendant-101').press();
      expect(r.event.type).toBe('sos');
    } finally {
      await fleet.stop();
      await obs.stop();
    }
    expect(() => loadFleet('/nonexistent.json')).toThrow(/cannot read fleet file/);
  });

  it('runs a scenario with MQTT devices, Zigbee devices and faults, in order', async () => {
    const obs = await Observer.start(broker.url, ['linli/v1/scn/dev/+/evt', 'zigbee2mqtt/+']);
    const report = await runScenario(
      {
        name: 'test',
        site: 'scn',
        devices: [
          { id: 'p1', kind: 'pendant', secret: 'a' },
          { id: 'd1', kind: 'door-contact', secret: 'b' },
          { id: 'zb1', kind: 'zigbee', model: 'TS0215A', secret: '' },
        ],
        steps: [
          { at: 0, device: 'p1', action: 'press' },
          { after: 0.05, device: 'd1', action: 'open' },
          { after: 0.05, device: 'zb1', action: 'press' },
          { after: 0, device: 'p1', action: 'fault', fault: 'duplicate' },
          { after: 0, device: 'p1', action: 'fault', fault: 'foreign-topic', arg: 'd1' },
          { after: 0, device: 'zb1', action: 'force' },
          { after: 0, device: 'p1', action: 'expect-command', command: 'alert.received', timeoutS: 0.2 },
        ],
      },
      { url: broker.url },
    );
    try {
      expect(report.results.map((r) => r.ok)).toEqual([true, true, true, true, true, false, false]);
      expect(report.results[5]?.detail).toMatch(/not available on a zigbee device/);
      expect(report.results[6]?.detail).toMatch(/no alert.received/);
      await obs.wait((m) => m.topic === topics.evt('scn', 'd1') && m.payload.includes('"sos"'));
      const p1 = obs.json<{ id: string; type: string }>(topics.evt('scn', 'p1'));
      expect(p1.map((e) => e.type)).toEqual(['sos', 'sos']);
      expect(p1[0]?.id).toBe(p1[1]?.id);
      expect(obs.json(topics.evt('scn', 'd1')).map((e) => e.type)).toEqual(['door.open', 'sos']);
      await obs.wait((m) => m.topic === 'zigbee2mqtt/zb1' && m.payload.includes('emergency'));
    } finally {
      await obs.stop();
    }
  });
});

describe('scenario files', () => {
  let broker: TestBroker;
  let dir: string;
  beforeAll(async () => {
    broker = await startAedes();
    dir = mkdtempSync(join(tmpdir(), 'linli-scn-'));
  });
  afterAll(async () => {
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads YAML with a fleet file, and runs it sped up', async () => {
    const file = join(dir, 'x.yaml');
    writeFileSync(
      file,
      `name: yaml\nfleet: ${DEMO_FLEET_FILE}\nsteps:\n  - at: 0\n    device: pendant-103\n    action: press\n  - after: 60\n    device: access-402\n    action: access\n    card: "42"\n    granted: true\n`,
    );
    const report = await runScenario(file, { url: broker.url, speed: 600 });
    expect(report.ok).toBe(true);
    expect(report.results.map((r) => r.detail)).toEqual([
      expect.stringMatching(/^seq /),
      expect.stringMatching(/^seq /),
    ]);
  });

  it('refuses bad scenarios with the step and the reason', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ steps: [{ device: 'x', action: 'explode' }] }));
    await expect(runScenario(bad, { url: broker.url })).rejects.toThrow(/step 1: unknown action "explode"/);
    await expect(
      runScenario({ steps: [{ device: 'x', action: 'access' }] } as never, { url: broker.url }),
    ).rejects.toThrow(/access needs "card"/);
  });

  it('runs daily door and access patterns, compressed', async () => {
    const obs = await Observer.start(broker.url, ['linli/v1/pat/dev/+/evt']);
    const fleet = await startFleet({
      url: broker.url,
      spec: {
        site: 'pat',
        devices: [
          { id: 'door', kind: 'door-contact', secret: 'x', pattern: 'normal' },
          { id: 'quiet', kind: 'door-contact', secret: 'x', pattern: 'inactive' },
          { id: 'gate', kind: 'access-reader', secret: 'x' },
        ],
      },
      activity: { speed: 86_400 }, // a day per second
    });
    try {
      await obs.wait((m) => m.topic === topics.evt('pat', 'door') && m.payload.includes('door.open'), 5000);
      await obs.wait(
        (m) => m.topic === topics.evt('pat', 'gate') && m.payload.includes('access.granted'),
        5000,
      );
      expect(fleet.activityLog.some((a) => a.device === 'quiet')).toBe(false);
    } finally {
      await fleet.stop();
      await obs.stop();
    }
  });
});
