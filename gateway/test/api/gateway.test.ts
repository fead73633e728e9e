import { get } from 'node:http';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../src/index.ts';
import { type LocalGateway, startLocalGateway } from '../local-gateway.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers, checked by the assertions
type Json = Record<string, any>;

const ADMIN_PASSWORD = 'gateway-test-admin-1';

describe('API on the running gateway', () => {
  let local: LocalGateway;
  let gw: RunningGateway;
  let base: string;
  let cookie: string;
  let device: MqttClient | undefined;
  let secret: string;
  const printed: string[] = [];

  beforeAll(async () => {
    local = await startLocalGateway({
      name: 'api',
      adminPassword: ADMIN_PASSWORD,
      print: (l) => printed.push(l),
    });
    gw = local.gw;
    base = local.base;
  });

  afterAll(async () => {
    await device?.endAsync(true);
    await local?.stop();
  });

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      body: text ? (JSON.parse(text) as Json) : {},
    };
  };

  it('bootstraps the admin from LINLI_GW_ADMIN_PASSWORD and logs in', async () => {
    expect(printed.join('\n')).toMatch(/created staff account "admin"/);
    const res = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    expect(res.status).toBe(200);
    cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    expect((await api('GET', '/healthz')).body).toMatchObject({ status: 'ok' });
  });

  it('provisions over HTTP a device that then connects to the embedded broker', async () => {
    await api('POST', '/api/residents', { id: 'res1', name: '王秀英', livesAlone: true });
    const res = await api('POST', '/api/devices', {
      id: 'pend1',
      site: 'site1',
      kind: 'pendant',
      residentId: 'res1',
    });
    expect(res.status).toBe(201);
    secret = res.body.secret;
    device = await mqtt.connectAsync(`mqtt://127.0.0.1:${gw.ports.mqtt}`, {
      username: 'pend1',
      password: secret,
      clientId: 'linli-site1-pend1',
      clean: false,
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
    await device.subscribeAsync('linli/v1/site1/dev/pend1/cmd', { qos: 1 });
    await expect(
      mqtt.connectAsync(`mqtt://127.0.0.1:${gw.ports.mqtt}`, {
        username: 'pend1',
        password: 'not-the-secret-000',
        clientId: 'linli-site1-pend1-x',
        reconnectPeriod: 0,
        connectTimeout: 5000,
      }),
    ).rejects.toThrow();
  });

  it('press → stream (masked) → acknowledge over HTTP → device feedback → resolve, all audited', async () => {
    const commands: { type: string; alertId?: string }[] = [];
    const waitCommand = (type: string) =>
      new Promise<{ type: string; alertId?: string }>((resolve) => {
        const have = commands.find((c) => c.type === type);
        if (have) return resolve(have);
        const on = (_t: string, payload: Buffer) => {
          const c = JSON.parse(payload.toString()) as { type: string; alertId?: string };
          if (c.type === type) {
            device!.off('message', on);
            resolve(c);
          }
        };
        device!.on('message', on);
      });
    device!.on('message', (_t, payload) => commands.push(JSON.parse(payload.toString())));

    // the live stream, subscribed (its hello seen) before the press
    let ready!: () => void;
    const subscribed = new Promise<void>((r) => {
      ready = r;
    });
    const streamed = new Promise<Json>((resolve, reject) => {
      const req = get(`${base}/api/stream`, { headers: { cookie } }, (res) => {
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          buf += c;
          if (buf.includes('event: hello\n')) ready();
          const m = /event: alert\.changed\ndata: (.*)\n\n/.exec(buf);
          if (m) {
            resolve(JSON.parse(m[1]!));
            req.destroy();
          }
        });
      });
      req.on('error', (e) => (e.message.includes('socket hang up') ? undefined : reject(e)));
    });
    await subscribed;

    const received = waitCommand('alert.received');
    await device!.publishAsync(
      'linli/v1/site1/dev/pend1/evt',
      JSON.stringify({ id: 'ev-1', seq: 1, ts: Date.now(), type: 'sos' }),
      { qos: 1 },
    );
    const { alertId } = await received;
    expect(alertId).toBeTruthy();

    const view = await streamed;
    expect(view.alert).toMatchObject({ id: alertId, type: 'sos', state: 'raised' });
    expect(view.resident).toEqual({ name: '王*英', livesAlone: true });

    const list = await api('GET', '/api/alerts?state=raised');
    expect(list.body.alerts.map((a: { id: string }) => a.id)).toEqual([alertId]);

    const acknowledged = waitCommand('alert.acknowledged');
    const ack = await api('POST', `/api/alerts/${alertId}/ack`);
    expect(ack.status).toBe(200);
    expect(ack.body.alert).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'admin' });
    expect((await acknowledged).alertId).toBe(alertId);
    expect((await api('POST', `/api/alerts/${alertId}/ack`)).body.error.code).toBe('ALERT_STATE');

    const note = await api('POST', `/api/alerts/${alertId}/notes`, { note: 'phoned the neighbour' });
    expect(note.status).toBe(201);
    const resolved = await api('POST', `/api/alerts/${alertId}/resolve`, {
      outcome: 'assisted',
      note: 'fine',
    });
    expect(resolved.body.alert).toMatchObject({ state: 'resolved', outcome: 'assisted' });

    const detail = await api('GET', `/api/alerts/${alertId}`);
    expect(detail.body.history.map((h: { action: string }) => h.action)).toEqual(
      expect.arrayContaining(['raised', 'acknowledged', 'note', 'resolved']),
    );
    expect(detail.body.resident).toMatchObject({ name: '王秀英' });
    expect((await api('GET', '/api/alerts/nope')).status).toBe(404);

    const audit = await api('GET', `/api/audit?target=alert:${alertId}`);
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual([
      'alert.resolve',
      'alert.note',
      'alert.acknowledge',
    ]);
    const events = await api('GET', '/api/events?device=pend1');
    expect(events.body.events).toEqual([expect.objectContaining({ eventId: 'ev-1', type: 'sos' })]);
  });

  it('lists the device with its live state, and serves the engine metrics', async () => {
    const res = await api('GET', '/api/devices/pend1');
    expect(res.body.device).toMatchObject({ id: 'pend1', online: true, resident: { name: '王秀英' } });
    expect(typeof res.body.device.lastSeen).toBe('number');
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0.0.4/);
    expect(await metrics.text()).toMatch(/^# (HELP|TYPE) /m);
  });

  it('retiring the device over HTTP locks it out of the broker', async () => {
    expect((await api('POST', '/api/devices/pend1/retire', { reason: 'test' })).status).toBe(200);
    await expect(
      mqtt.connectAsync(`mqtt://127.0.0.1:${gw.ports.mqtt}`, {
        username: 'pend1',
        password: secret,
        clientId: 'linli-site1-pend1-again',
        reconnectPeriod: 0,
        connectTimeout: 5000,
      }),
    ).rejects.toThrow();
  });
});
