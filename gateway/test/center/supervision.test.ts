// Station supervision at the center (fake clock): a station silent on every path for
// center.stationTimeoutS raises center.station-unreachable for its site; its return resolves it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, type RunningGateway, silentLogger, startGateway } from '../../src/index.ts';
import type { GatewayEvents } from '../../src/types.ts';
import { MqttStation, postSigned, supervisionMessage } from './station-sim.ts';

describe('center: station supervision', () => {
  let dir: string;
  let gw: RunningGateway;
  const clock = new ManualClock();
  const secrets = new Map<string, { password: string; webhookSecret: string }>();
  let s1: MqttStation | undefined;
  const events: GatewayEvents['center.station'][] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'linli-center-sup-'));
    gw = await startGateway({
      config: {
        site: 'center',
        role: 'center',
        dataDir: dir,
        hmacKey: 'center-test-hmac-key-0123456789',
        mqtt: { port: 0, wsPort: -1, host: '127.0.0.1' },
        http: { port: 0, host: '127.0.0.1' },
        center: { stationTimeoutS: 120 },
      },
      env: {},
      clock,
      log: silentLogger,
      print: () => {},
    });
    for (const site of ['s1', 's2']) secrets.set(site, await gw.center!.center.stations.add(site));
    gw.engine.bus.on('center.station', (e) => events.push(e));
  });
  afterAll(async () => {
    await s1?.end();
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const open = (site: string) =>
    gw.engine.alerts
      .list({ site, limit: 100 })
      .filter(
        (a) =>
          a.type === 'center.station-unreachable' && (a.state === 'raised' || a.state === 'acknowledged'),
      );
  const check = () => gw.center!.center.watch.check();

  it('raises station-unreachable within the timeout on every path, and resolves it on return', async () => {
    const base = `http://127.0.0.1:${gw.ports.http}`;
    const sup = (at: number) =>
      postSigned(base, 's1', secrets.get('s1')!.webhookSecret, supervisionMessage('s1', 'webhook', at), {
        timestamp: at,
      });
    expect((await sup(clock.now())).status).toBe(200);
    clock.advance(100_000);
    check();
    expect(open('s1')).toEqual([]);
    expect(open('s2')).toEqual([]);
    // s1 keeps talking on MQTT only; s2 never says anything
    s1 = await MqttStation.connect(`mqtt://127.0.0.1:${gw.ports.mqtt}`, 's1', secrets.get('s1')!.password);
    await s1.publish(supervisionMessage('s1', 'mqtt', clock.now()));
    await s1.next((m) => m.kind === 'supervision-ack');
    clock.advance(30_000);
    check();
    expect(open('s2')).toHaveLength(1); // 130 s since the center started, never heard
    expect(open('s2')[0]).toMatchObject({ site: 's2', severity: 'major', state: 'raised' });
    expect(open('s1')).toEqual([]); // heard on MQTT 30 s ago (the webhook 130 s ago)
    clock.advance(91_000);
    check();
    expect(open('s1')).toHaveLength(1);
    check(); // not raised twice
    expect(
      gw.engine.alerts
        .list({ site: 's1', limit: 100 })
        .filter((a) => a.type === 'center.station-unreachable'),
    ).toHaveLength(1);
    const stations = (await gw.center!.center.stationsView()) as { site: string; reachable: boolean }[];
    expect(stations.map((s) => [s.site, s.reachable])).toEqual([
      ['s1', false],
      ['s2', false],
    ]);
    expect(events.some((e) => e.site === 's1' && !e.reachable)).toBe(true);
    // back on the webhook: resolved by system
    expect((await sup(clock.now())).status).toBe(200);
    expect(open('s1')).toEqual([]);
    const resolved = gw.engine.alerts
      .list({ site: 's1', limit: 100 })
      .find((a) => a.type === 'center.station-unreachable')!;
    expect(resolved).toMatchObject({ state: 'resolved', resolvedBy: 'system', outcome: 'restored' });
    expect(events.at(-1)).toMatchObject({ site: 's1', reachable: true });
    expect(open('s2')).toHaveLength(1);
  });

  it('after a restart an unreachable station is still known as such: not raised twice, resolved on return', async () => {
    await s1?.end();
    s1 = undefined;
    await gw.stop();
    gw = await startGateway({
      config: {
        site: 'center',
        role: 'center',
        dataDir: dir,
        hmacKey: 'center-test-hmac-key-0123456789',
        mqtt: { port: 0, wsPort: -1, host: '127.0.0.1' },
        http: { port: 0, host: '127.0.0.1' },
        center: { stationTimeoutS: 120 },
      },
      env: {},
      clock,
      log: silentLogger,
      print: () => {},
    });
    clock.advance(200_000);
    check();
    const all = (site: string) =>
      gw.engine.alerts.list({ site, limit: 100 }).filter((a) => a.type === 'center.station-unreachable');
    expect(all('s2')).toHaveLength(1);
    expect(open('s2')).toHaveLength(1);
    expect(open('s1')).toHaveLength(1); // silent again since the restart
    const base = `http://127.0.0.1:${gw.ports.http}`;
    const r = await postSigned(
      base,
      's2',
      secrets.get('s2')!.webhookSecret,
      supervisionMessage('s2', 'webhook', clock.now()),
      {
        timestamp: clock.now(),
      },
    );
    expect(r.status).toBe(200);
    expect(open('s2')).toEqual([]);
  });
});
