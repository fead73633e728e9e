// The station's uplink against a contract-following test center (test-center.ts): real aedes
// brokers, a real HTTP receiver checking the HMAC, a real SQLite station database, pendants as
// raw MQTT clients on the station's embedded broker.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type RunningGateway, startGateway } from '../../src/gateway.ts';
import { silentLogger } from '../../src/ingest/refusals.ts';
import { MemoryDirectory, tempDir } from '../engine/helpers.ts';
import { TestCenter, until } from './test-center.ts';

// Waits poll with generous deadlines on a shared machine.
vi.setConfig({ testTimeout: 90_000 });

const SITE = 's1';
const PASSWORD = 'station-password-0123';
const KEY = 'webhook-key-0123456789abcdef';

let gw: RunningGateway | undefined;
let center: TestCenter | undefined;
const clients: MqttClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true).catch(() => {})));
  await gw?.stop();
  gw = undefined;
  await center?.stop();
  center = undefined;
});

function directory(n: number): MemoryDirectory {
  const d = new MemoryDirectory();
  d.addResident({ id: 'r-1', name: '王秀兰', phone: '13800000001', livesAlone: true });
  for (let i = 0; i < n; i++)
    d.add({
      id: `p${i}`,
      site: SITE,
      ...(i === 0 ? { residentId: 'r-1' } : {}),
      location: { building: '3', grid: 'G-07' },
    });
  return d;
}

async function station(dir: MemoryDirectory, uplink: Record<string, unknown>): Promise<RunningGateway> {
  gw = await startGateway({
    config: {
      site: SITE,
      dataDir: tempDir(),
      mqtt: { port: 0, wsPort: -1, host: '127.0.0.1' },
      http: { port: -1 },
      uplink: { supervisionS: 1, ackTimeoutS: 2, retryBaseMs: 100, retryMaxS: 1, ...uplink },
    },
    env: {},
    directory: dir,
    log: silentLogger,
    noHttp: true,
  });
  return gw;
}

async function pendant(g: RunningGateway, id: string): Promise<{ c: MqttClient; cmds: { type: string }[] }> {
  const c = mqtt.connect(`mqtt://127.0.0.1:${g.ports.mqtt}`, {
    clientId: `linli-${SITE}-${id}`,
    username: id,
    password: `secret-${id}`,
    clean: false,
    reconnectPeriod: 0,
  });
  clients.push(c);
  await new Promise<void>((resolve, reject) => {
    c.once('connect', () => resolve());
    c.once('error', reject);
  });
  const cmds: { type: string }[] = [];
  c.on('message', (_t, p) => cmds.push(JSON.parse(p.toString())));
  await c.subscribeAsync(`linli/v1/${SITE}/dev/${id}/cmd`, { qos: 1 });
  return { c, cmds };
}

let seq = 0;
function press(c: MqttClient, id: string): Promise<unknown> {
  seq++;
  return c.publishAsync(
    `linli/v1/${SITE}/dev/${id}/evt`,
    JSON.stringify({ id: `${id}-e${seq}`, seq, ts: Date.now(), type: 'sos' }),
    { qos: 1 },
  );
}

/** The center's entries about device alerts (technical alerts of the station left out). */
const deviceEntries = (c: TestCenter) => c.ledger.filter((e) => e.context.device !== undefined);

const depth = (g: RunningGateway) =>
  (g.engine.db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n;

/** Every (alertId, rev) the station wrote, from its own history. */
function stationRevisions(g: RunningGateway): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const r of g.engine.db
    .prepare('SELECT alert_id, rev FROM alert_history ORDER BY alert_id, rev')
    .all() as {
    alert_id: string;
    rev: number;
  }[])
    out.set(r.alert_id, [...(out.get(r.alert_id) ?? []), r.rev]);
  return out;
}

function expectAllInOrder(g: RunningGateway, c: TestCenter): void {
  for (const [alertId, revs] of stationRevisions(g)) expect(c.revs(alertId), alertId).toEqual(revs);
}

describe('uplink to the center', () => {
  it('forwards a press with its context over MQTT; a center acknowledge reaches the pendant', async () => {
    center = new TestCenter(SITE, PASSWORD, KEY);
    await center.startMqtt();
    const g = await station(directory(1), {
      mqttUrl: `mqtt://127.0.0.1:${center.mqttPort}`,
      password: PASSWORD,
    });
    const { c, cmds } = await pendant(g, 'p0');
    await press(c, 'p0');
    await until(() => deviceEntries(center!).length === 1, 'the press at the center');
    const first = deviceEntries(center)[0]!;
    expect(first).toMatchObject({ rev: 1, state: 'raised', via: 'mqtt' });
    expect(first.context).toMatchObject({
      resident: {
        id: 'r-1',
        name: '王秀兰',
        phone: '13800000001',
        building: '3',
        gridCell: 'G-07',
        livesAlone: true,
      },
      device: { id: 'p0', kind: 'pendant' },
    });
    await until(() => depth(g) === 0, 'the stored receipt deleting the row');
    await until(() => cmds.some((m) => m.type === 'alert.received'), 'alert.received');

    center.sendAction({
      actionId: 'act-1',
      alertId: first.alertId,
      action: 'acknowledge',
      by: 'center:wang',
    });
    await until(() => cmds.some((m) => m.type === 'alert.acknowledged'), 'alert.acknowledged at the pendant');
    await until(() => center!.actionResults.has('act-1'), 'the action result');
    expect(center.actionResults.get('act-1')).toMatchObject({
      applied: true,
      rev: 2,
      alertId: first.alertId,
    });
    await until(() => center!.revs(first.alertId).length === 2, 'rev 2 at the center');
    expect(deviceEntries(center)[1]).toMatchObject({
      rev: 2,
      state: 'acknowledged',
      acknowledgedBy: 'center:wang',
    });
    // the same request again: applied once, answered again
    center.sendAction({
      actionId: 'act-1',
      alertId: first.alertId,
      action: 'acknowledge',
      by: 'center:wang',
    });
    center.sendAction({
      actionId: 'act-2',
      alertId: first.alertId,
      action: 'resolve',
      by: 'center:wang',
      outcome: 'assisted-on-site',
    });
    await until(() => center!.actionResults.has('act-2'), 'the resolve result');
    await until(() => center!.revs(first.alertId).length === 3, 'rev 3 at the center');
    expect(g.engine.alerts.get(first.alertId)!.alert).toMatchObject({
      state: 'resolved',
      rev: 3,
      resolvedBy: 'center:wang',
    });
    expect(deviceEntries(center)[2]).toMatchObject({ rev: 3, state: 'resolved' });
    await until(() => cmds.some((m) => m.type === 'alert.resolved'), 'alert.resolved at the pendant');
    expect(g.engine.metrics.centerActions.get({ result: 'duplicate' })).toBe(1);
    await until(() => depth(g) === 0, 'every receipt in');
    expect(g.health.report().forwarding).toMatchObject({
      status: 'ok',
      backlog: 0,
      paths: { mqtt: { up: true } },
    });
    expect(await g.engine.metrics.render()).toMatch(
      /linli_gateway_outbox_delivered_total\{dest="center",path="mqtt"\} \d+/,
    );
  });

  it('the uplink cut for a while: rows queue, a technical alert, then all arrive in order, none lost', async () => {
    center = new TestCenter(SITE, PASSWORD, KEY);
    await center.startMqtt();
    const port = center.mqttPort;
    const g = await station(directory(3), { mqttUrl: `mqtt://127.0.0.1:${port}`, password: PASSWORD });
    const ps = await Promise.all(['p0', 'p1', 'p2'].map((id) => pendant(g, id)));
    await press(ps[0]!.c, 'p0');
    await until(() => deviceEntries(center!).length === 1, 'first press at the center');
    await until(() => g.health.report().forwarding.paths?.mqtt?.up === true, 'mqtt path up');

    await center.stopMqtt();
    for (let round = 0; round < 3; round++) for (const [i, p] of ps.entries()) await press(p.c, `p${i}`); // raise, then folds (new revisions)
    const open = g.engine.alerts.list({}).filter((a) => a.type === 'sos');
    for (const a of open.slice(0, 2)) g.engine.alerts.acknowledge(a.id, 'staff:li');
    await until(() => depth(g) >= 9, 'rows queued while the center is away');
    await until(
      () => g.engine.alerts.list({}).some((a) => a.type === 'gateway.uplink-mqtt' && a.state === 'raised'),
      'the gateway.uplink-mqtt technical alert',
    );
    const h = g.health.report().forwarding;
    expect(h.status).toBe('error');
    expect(h.backlog).toBeGreaterThanOrEqual(9);

    await center.startMqtt(port);
    await until(() => depth(g) === 0, 'the outbox drained', 60_000);
    expectAllInOrder(g, center);
    await until(
      () =>
        g.engine.alerts
          .list({})
          .some(
            (a) => a.type === 'gateway.uplink-mqtt' && a.state === 'resolved' && a.resolvedBy === 'system',
          ),
      'the technical alert resolved by system',
    );
    // the technical alert's own revisions reached the center too
    await until(() => depth(g) === 0, 'drained again');
    expectAllInOrder(g, center);
  });

  it('with the MQTT path down the webhook delivers, signed; actions come back in its answers', async () => {
    center = new TestCenter(SITE, PASSWORD, KEY);
    await center.startHttp();
    const g = await station(directory(1), {
      mqttUrl: 'mqtt://127.0.0.1:1', // nothing listens: the MQTT path stays down
      password: PASSWORD,
      webhookUrl: center.webhookUrl,
      webhookKey: KEY,
    });
    const { c, cmds } = await pendant(g, 'p0');
    await press(c, 'p0');
    await until(() => deviceEntries(center!).length === 1, 'the press over the webhook');
    const pressed = deviceEntries(center)[0]!;
    expect(pressed.via).toBe('webhook');
    await until(() => depth(g) === 0, 'row deleted on the 200 answer');
    center.sendAction({
      actionId: 'act-w',
      alertId: pressed.alertId,
      action: 'acknowledge',
      by: 'center:zhao',
    });
    await until(
      () => cmds.some((m) => m.type === 'alert.acknowledged'),
      'alert.acknowledged via the webhook path',
    );
    await until(
      () => center!.actionResults.has('act-w') && center!.revs(pressed.alertId).length === 2,
      'result and rev 2',
    );
    expect(center.webhookRefused).toEqual([]);
    await until(
      () => g.engine.alerts.list({}).some((a) => a.type === 'gateway.uplink-mqtt' && a.state === 'raised'),
      'the mqtt path reported down',
    );
    await until(() => depth(g) === 0, 'drained');
    expectAllInOrder(g, center);
    expect(g.health.report().forwarding).toMatchObject({
      status: 'ok',
      paths: { mqtt: { up: false }, webhook: { up: true } },
    });
  });

  it('MQTT up, then cut: the webhook carries the traffic until MQTT is back', async () => {
    center = new TestCenter(SITE, PASSWORD, KEY);
    await center.startMqtt();
    await center.startHttp();
    const port = center.mqttPort;
    const g = await station(directory(2), {
      mqttUrl: `mqtt://127.0.0.1:${port}`,
      password: PASSWORD,
      webhookUrl: center.webhookUrl,
      webhookKey: KEY,
    });
    const a = await pendant(g, 'p0');
    const b = await pendant(g, 'p1');
    await until(() => g.health.report().forwarding.paths?.mqtt?.up === true, 'mqtt path up');
    await press(a.c, 'p0');
    await until(() => deviceEntries(center!).length === 1, 'first press');
    expect(deviceEntries(center)[0]!.via).toBe('mqtt');
    await center.stopMqtt();
    await until(() => g.health.report().forwarding.paths?.mqtt?.up === false, 'mqtt path seen down');
    await press(b.c, 'p1');
    await press(a.c, 'p0');
    await until(() => deviceEntries(center!).length >= 3, 'presses while MQTT is down');
    expect(
      deviceEntries(center)
        .slice(1, 3)
        .map((e) => e.via),
    ).toEqual(['webhook', 'webhook']);
    await until(() => depth(g) === 0, 'drained through the webhook');
    await center.startMqtt(port);
    await until(() => g.health.report().forwarding.paths?.mqtt?.up === true, 'mqtt path back');
    await press(b.c, 'p1');
    await until(
      () =>
        center!.ledger.some(
          (e) =>
            e.via === 'mqtt' &&
            e.rev === 2 &&
            e.context.device !== undefined &&
            (e.context.device as { id: string }).id === 'p1',
        ),
      'mqtt carrying again',
    );
    await until(() => depth(g) === 0, 'drained');
    expectAllInOrder(g, center);
    expect(center.webhookRefused).toEqual([]);
  });

  it('mqtts:// with uplink.caFile: delivered to a center whose certificate the CA signs, refused otherwise', async () => {
    const certs = tempDir();
    const selfSigned = (name: string) => {
      const cert = join(certs, `${name}.pem`);
      const key = join(certs, `${name}.key`);
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1'].concat([
          '-subj',
          '/CN=localhost',
          '-addext',
          'subjectAltName=IP:127.0.0.1,DNS:localhost',
        ]),
        { stdio: 'ignore' },
      );
      return { cert, key };
    };
    const good = selfSigned('center');
    const other = selfSigned('other');
    center = new TestCenter(SITE, PASSWORD, KEY);
    await center.startMqtt(0, { cert: readFileSync(good.cert), key: readFileSync(good.key) });
    const g = await station(directory(1), {
      mqttUrl: `mqtts://127.0.0.1:${center.mqttPort}`,
      password: PASSWORD,
      caFile: good.cert,
    });
    const { c } = await pendant(g, 'p0');
    await press(c, 'p0');
    const presses = () => deviceEntries(center!).length;
    await until(() => presses() === 1 && depth(g) === 0, 'the press over mqtts');
    const atCenter = center.ledger.length;
    await g.stop();
    gw = undefined;
    // a station trusting another CA does not talk to this center
    const g2 = await station(directory(1), {
      mqttUrl: `mqtts://127.0.0.1:${center.mqttPort}`,
      password: PASSWORD,
      caFile: other.cert,
    });
    const p2 = await pendant(g2, 'p0');
    await press(p2.c, 'p0');
    await until(
      () => g2.engine.alerts.list({}).some((a) => a.type === 'gateway.uplink-mqtt' && a.state === 'raised'),
      'the mqtt path reported down',
    );
    expect(center.ledger).toHaveLength(atCenter);
    expect(depth(g2)).toBeGreaterThanOrEqual(1);
  });

  it('a further destination gets every revision with its own delivery, signed with its key', async () => {
    center = new TestCenter(SITE, PASSWORD, KEY);
    await center.startMqtt();
    const city = new TestCenter(SITE, '-', 'city-key-0123456789abcdef');
    await city.startHttp();
    try {
      const g = await station(directory(2), {
        mqttUrl: `mqtt://127.0.0.1:${center.mqttPort}`,
        password: PASSWORD,
        destinations: [{ name: 'city', url: city.webhookUrl, key: 'city-key-0123456789abcdef' }],
      });
      const a = await pendant(g, 'p0');
      const b = await pendant(g, 'p1');
      for (let i = 0; i < 3; i++) {
        await press(a.c, 'p0');
        await press(b.c, 'p1');
      }
      await until(() => depth(g) === 0, 'both destinations drained');
      expectAllInOrder(g, center);
      expectAllInOrder(g, city);
      expect(city.webhookRefused).toEqual([]);
      expect(g.health.report().forwarding.destinations).toMatchObject({
        center: { backlog: 0 },
        'dest:city': { backlog: 0 },
      });
    } finally {
      await city.stop();
    }
  });

  it('pressure: over the depth limit a technical alert, health and metrics say so, nothing dropped', async () => {
    center = new TestCenter(SITE, PASSWORD, KEY);
    const g = await station(directory(4), { mqttUrl: 'mqtt://127.0.0.1:1', password: PASSWORD, maxDepth: 3 });
    const ps = await Promise.all(['p0', 'p1', 'p2', 'p3'].map((id) => pendant(g, id)));
    for (const [i, p] of ps.entries()) await press(p.c, `p${i}`);
    await until(
      () =>
        g.engine.alerts.list({}).some((a) => a.type === 'gateway.outbox-pressure' && a.state === 'raised'),
      'gateway.outbox-pressure',
    );
    expect(g.health.report().forwarding).toMatchObject({ status: 'error', pressure: true });
    expect(depth(g)).toBeGreaterThanOrEqual(5); // 4 presses and the pressure alert itself: kept
    expect(await g.engine.metrics.render()).toMatch(/linli_gateway_outbox_depth\{dest="center"\} [4-9]/);
  });

  it('no uplink configured: forwarding says so and nothing is queued', async () => {
    const g = await startGateway({
      config: {
        site: SITE,
        dataDir: tempDir(),
        mqtt: { port: 0, wsPort: -1, host: '127.0.0.1' },
        http: { port: -1 },
      },
      env: {},
      directory: directory(1),
      log: silentLogger,
      noHttp: true,
    });
    gw = g;
    const { c } = await pendant(g, 'p0');
    await press(c, 'p0');
    await until(() => g.engine.alerts.list({}).length === 1, 'the alert');
    expect(depth(g)).toBe(0);
    expect(g.uplink).toBeUndefined();
    expect(g.health.report().forwarding).toMatchObject({ status: 'absent', backlog: null });
    expect(g.health.report().forwarding.detail).toMatch(/^not configured/);
  });
});
