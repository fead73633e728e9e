// One simulated MQTT device against real brokers: the same suite on aedes and on Mosquitto.
import { type DeviceEvent, DeviceEventSchema, parsePayload, topics } from '@linli/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type SimDevice, startDevice } from '../src/index.ts';
import { startAedes, startMosquitto, type TestBroker } from './helpers/brokers.ts';
import { Observer } from './helpers/mqtt-observer.ts';

const SITE = 'test';

describe.each([
  ['aedes', startAedes],
  ['mosquitto', startMosquitto],
] as const)('MQTT device on %s', (_name, startBroker) => {
  let broker: TestBroker;
  let obs: Observer;
  const devices: SimDevice[] = [];
  let n = 0;

  beforeAll(async () => {
    broker = await startBroker();
  });
  afterAll(async () => {
    await broker.stop();
  });
  afterEach(async () => {
    await Promise.all(devices.splice(0).map((d) => d.crash()));
    await obs?.stop();
  });

  /** A fresh device id per test, and an observer on its topics. */
  async function device(opts: Partial<Parameters<typeof startDevice>[0]> = {}): Promise<SimDevice> {
    const id = `dev-${++n}-${Math.random().toString(36).slice(2, 7)}`;
    obs = await Observer.start(broker.url, [`linli/v1/${SITE}/dev/${id}/#`]);
    const d = await startDevice({ url: broker.url, site: SITE, id, secret: 's3cret', seqStart: 1, ...opts });
    devices.push(d);
    return d;
  }
  const events = (d: SimDevice): DeviceEvent[] => obs.json<DeviceEvent>(topics.evt(SITE, d.id));

  it('announces itself online (retained) and heartbeats with its battery', async () => {
    const d = await device({ battery: 87 });
    const status = await obs.wait((m) => m.topic === topics.status(SITE, d.id));
    expect(JSON.parse(status.payload)).toEqual({ online: true });
    const hb = await obs.wait((m) => m.topic === topics.hb(SITE, d.id));
    expect(JSON.parse(hb.payload)).toMatchObject({ battery: 87, fw: 'sim-1.0.0' });
  });

  it('sends schema-valid QoS 1 events with unique ids and increasing seq, resolved on PUBACK', async () => {
    const d = await device({ kind: 'access-reader' });
    const results = [
      await d.press(),
      await d.doublePress(),
      await d.openDoor(),
      await d.closeDoor(),
      await d.forceDoor(),
      await d.holdDoor(),
      await d.tamper(),
      await d.restoreTamper(),
      await d.access('12345678', true),
      await d.access('87654321', false),
      await d.fall(),
    ];
    expect(results.every((r) => r.latencyMs >= 0)).toBe(true);
    await obs.wait(() => events(d).length === results.length);
    const got = events(d);
    expect(got.map((e) => e.type)).toEqual([
      'sos',
      'sos.cancel',
      'door.open',
      'door.close',
      'door.forced',
      'door.held',
      'tamper',
      'tamper.restore',
      'access.granted',
      'access.denied',
      'fall',
    ]);
    for (const e of got) expect(parsePayload(DeviceEventSchema, JSON.stringify(e)).ok).toBe(true);
    expect(new Set(got.map((e) => e.id)).size).toBe(got.length);
    expect(got.map((e) => e.seq)).toEqual(got.map((_, i) => i + 1));
    expect(got[8]).toMatchObject({ card: '12345678' });
  });

  it('reacts to cmd messages with LED/voice feedback and answers test.request with a test event', async () => {
    const d = await device();
    const received = d.waitForCommand('alert.received');
    const cmdTopic = topics.cmd(SITE, d.id);
    await obs.client.publishAsync(
      cmdTopic,
      JSON.stringify({ type: 'alert.received', alertId: 'a1', ts: Date.now() }),
      {
        qos: 1,
      },
    );
    expect((await received).feedback).toMatch(/received/);
    const ack = d.waitForCommand('alert.acknowledged');
    await obs.client.publishAsync(
      cmdTopic,
      JSON.stringify({ type: 'alert.acknowledged', alertId: 'a1', ts: Date.now() }),
      {
        qos: 1,
      },
    );
    expect((await ack).feedback).toMatch(/help is coming/);
    await obs.client.publishAsync(cmdTopic, 'not json', { qos: 1 });
    await obs.client.publishAsync(cmdTopic, JSON.stringify({ type: 'test.request', ts: Date.now() }), {
      qos: 1,
    });
    await obs.wait((m) => m.topic === topics.evt(SITE, d.id) && JSON.parse(m.payload).type === 'test');
    expect(d.commands.some((c) => c.invalid)).toBe(true);
  });

  it('crash: the broker publishes the LWT {online:false}, retained; start() brings it back', async () => {
    const d = await device();
    await obs.wait((m) => m.topic === topics.status(SITE, d.id) && m.payload.includes('true'));
    await d.start(); // already running: no second client
    expect(d.connects).toBe(1);
    await d.crash();
    const lwt = await obs.wait((m) => m.topic === topics.status(SITE, d.id) && m.payload.includes('false'));
    expect(JSON.parse(lwt.payload)).toEqual({ online: false });
    await d.start();
    await d.press();
    await obs.wait((m) => m.topic === topics.evt(SITE, d.id)); // published after the status
    const online = obs.json<{ online: boolean }>(topics.status(SITE, d.id)).map((s) => s.online);
    expect(online).toEqual([true, false, true]);
    expect(d.connects).toBe(2);
  });

  it('drains its battery and sends battery.low once', async () => {
    const d = await device({ battery: 21.5, batteryDrain: 1, heartbeatIntervalS: 0 });
    d.heartbeat();
    d.heartbeat();
    d.heartbeat();
    await obs.wait((m) => m.topic === topics.evt(SITE, d.id));
    expect(events(d).filter((e) => e.type === 'battery.low')).toHaveLength(1);
  });

  describe('fault injection', () => {
    it('duplicate: the same id and seq again', async () => {
      const d = await device();
      await d.press();
      expect((await d.inject('duplicate')).acked).toBe(true);
      await obs.wait(() => events(d).length === 2);
      const [a, b] = events(d);
      expect(b).toEqual(a);
    });

    it('out-of-order: a seq lower than the last one', async () => {
      const d = await device();
      await d.press();
      await d.press();
      await d.inject('out-of-order');
      await obs.wait(() => events(d).length === 3);
      const seqs = events(d).map((e) => e.seq);
      expect(seqs[2]).toBeLessThan(seqs[1]!);
    });

    it('clock-skew: ts shifted from then on', async () => {
      const d = await device();
      await d.inject('clock-skew', -86_400_000);
      const before = Date.now();
      await d.press();
      await obs.wait(() => events(d).length === 1);
      expect(events(d)[0]!.ts).toBeLessThan(before - 86_000_000);
    });

    it('malformed and oversize payloads', async () => {
      const d = await device();
      expect((await d.inject('malformed')).acked).toBe(true);
      await d.inject('oversize', 8192);
      const raw = await obs.wait((m) => m.topic === topics.evt(SITE, d.id) && m.payload.length > 8192);
      expect(raw.payload.length).toBeGreaterThan(4096);
      const bad = obs.messages.find((m) => m.payload.startsWith('{"id": "broken"'));
      expect(() => JSON.parse(bad!.payload)).toThrow();
    });

    it("foreign-topic: a valid event on another device's topic", async () => {
      const d = await device();
      const other = await Observer.start(broker.url, [topics.evt(SITE, 'victim')]);
      try {
        const r = await d.inject('foreign-topic', 'victim');
        expect(r.topic).toBe(topics.evt(SITE, 'victim'));
        const m = await other.wait((x) => x.topic === topics.evt(SITE, 'victim'));
        expect(JSON.parse(m.payload)).toMatchObject({ type: 'sos' });
      } finally {
        await other.stop();
      }
    });

    it('drop: the connection drops (LWT), the device reconnects and delivers what it sent meanwhile', async () => {
      const d = await device({ reconnectPeriod: 100 });
      await d.inject('drop');
      const pending = d.press(); // queued while down, retried until PUBACK
      await obs.wait((m) => m.topic === topics.status(SITE, d.id) && m.payload.includes('false'));
      const r = await pending;
      expect(r.event.type).toBe('sos');
      expect(d.connects).toBeGreaterThanOrEqual(2);
      await obs.wait(() => events(d).some((e) => e.id === r.event.id));
    });
  });
});

describe('MQTT device credentials', () => {
  it('logs in with username = device id, password = secret, clientId linli-{site}-{dev}; refused otherwise', async () => {
    const seen: { username?: string; password?: string }[] = [];
    const broker = await startAedes({
      authenticate: (username, password) => {
        seen.push({ username, password: password?.toString() });
        return password?.toString() === 'right';
      },
    });
    const clients: string[] = [];
    broker.aedes.on('client', (c) => clients.push(c.id));
    try {
      const d = await startDevice({ url: broker.url, site: 'cred', id: 'pendant-9', secret: 'right' });
      expect(seen[0]).toEqual({ username: 'pendant-9', password: 'right' });
      expect(clients).toContain('linli-cred-pendant-9');
      await d.stop();
      await expect(
        startDevice({
          url: broker.url,
          site: 'cred',
          id: 'pendant-9',
          secret: 'wrong',
          connectTimeoutMs: 3000,
        }),
      ).rejects.toThrow(/refused|not connected/);
    } finally {
      await broker.stop();
    }
  });
});

describe('MQTT device against an ACL', () => {
  it('a refused fault publish closes the connection once, is not resent, and the device carries on', async () => {
    const attempts: string[] = [];
    const broker = await startAedes({
      authorizePublish: (clientId, topic) => {
        attempts.push(topic);
        return topic.startsWith(`linli/v1/acl/dev/${clientId.replace('linli-acl-', '')}/`);
      },
    });
    try {
      const d = await startDevice({
        url: broker.url,
        site: 'acl',
        id: 'p7',
        secret: 'x',
        reconnectPeriod: 50,
      });
      const r = await d.inject('foreign-topic', 'victim');
      expect(r).toMatchObject({ acked: false, error: 'connection closed by the broker' });
      const ok = await d.press();
      expect(ok.event.type).toBe('sos');
      expect(d.connects).toBe(2);
      expect(attempts.filter((t) => t.includes('/victim/'))).toHaveLength(1);
      await d.stop();
    } finally {
      await broker.stop();
    }
  });
});
