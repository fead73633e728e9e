// Role center on real parts: the embedded aedes broker, a real SQLite file and real HTTP. A
// test-side station (station-sim.ts) follows docs/center-link.md on both paths.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { centerTopics } from '../../src/center/protocol.ts';
import { type RunningGateway, silentLogger, startGateway } from '../../src/index.ts';
import { until } from '../helpers/until.ts';
import {
  actionResult,
  alertMessage,
  type Json,
  MqttStation,
  postSigned,
  supervisionMessage,
} from './station-sim.ts';

const ADMIN_PASSWORD = 'center-test-admin-1';

describe('center: stations on both paths', () => {
  let dir: string;
  let gw: RunningGateway;
  let base: string;
  let url: string;
  let cookie = '';
  const secrets = new Map<string, { password: string; webhookSecret: string }>();
  const stations: MqttStation[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'linli-center-'));
    gw = await startGateway({
      config: {
        site: 'center',
        role: 'center',
        dataDir: dir,
        hmacKey: 'center-test-hmac-key-0123456789',
        mqtt: { port: 0, wsPort: -1, host: '127.0.0.1' },
        http: { port: 0, host: '127.0.0.1' },
      },
      env: { LINLI_GW_ADMIN_PASSWORD: ADMIN_PASSWORD },
      log: silentLogger,
      print: () => {},
    });
    base = `http://127.0.0.1:${gw.ports.http}`;
    url = `mqtt://127.0.0.1:${gw.ports.mqtt}`;
    for (const site of ['s1', 's2', 'w1']) secrets.set(site, await gw.center!.center.stations.add(site));
    const res = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  });

  afterAll(async () => {
    await Promise.all(stations.map((s) => s.end().catch(() => {})));
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json };
  };
  const station = async (site: string) => {
    const s = await MqttStation.connect(url, site, secrets.get(site)!.password);
    stations.push(s);
    return s;
  };
  const count = (sql: string, ...p: unknown[]) => (gw.engine.db.prepare(sql).get(...p) as { n: number }).n;
  const refused = (reason: string) => gw.engine.metrics.refused.get({ reason });

  it('MQTT: each revision stored once; a repeat is answered stored with duplicate:true', async () => {
    const s1 = await station('s1');
    const m = alertMessage('s1', { alertId: 'al-mq-0001', rev: 1 });
    expect(await s1.send(m)).toMatchObject({
      kind: 'stored',
      alertId: 'al-mq-0001',
      rev: 1,
      duplicate: false,
    });
    const again = await s1.send(m);
    expect(again).toMatchObject({ kind: 'stored', duplicate: true });
    expect(count("SELECT COUNT(*) AS n FROM center_revisions WHERE alert_id = 'al-mq-0001'")).toBe(1);
    expect(count("SELECT COUNT(*) AS n FROM alert_history WHERE alert_id = 'al-mq-0001'")).toBe(1);
    // the existing alarm API serves it, with the site filter and the resident from the context
    const list = await api('GET', '/api/alerts?site=s1');
    expect(list.body.alerts.map((a: Json) => a.id)).toContain('al-mq-0001');
    expect((await api('GET', '/api/alerts?site=s2')).body.alerts).toEqual([]);
    const detail = await api('GET', '/api/alerts/al-mq-0001');
    expect(detail.status).toBe(200);
    expect(detail.body.alert).toMatchObject({ site: 's1', state: 'raised', rev: 1 });
    expect(detail.body.resident).toMatchObject({ name: '李秀英', phone: '13800000012', livesAlone: true });
    expect(detail.body.device).toMatchObject({ kind: 'pendant', location: { building: '3', grid: 'G-07' } });
    expect(detail.body.actions).toEqual([]);
  });

  it('out-of-order revisions: the newest stays current, every revision joins the timeline once', async () => {
    const s1 = stations.find((s) => s.site === 's1')!;
    const id = 'al-mq-0002';
    await s1.send(alertMessage('s1', { alertId: id, rev: 1 }));
    await s1.send(
      alertMessage('s1', { alertId: id, rev: 3, state: 'acknowledged', action: 'acknowledged', by: 'wang' }),
    );
    await s1.send(alertMessage('s1', { alertId: id, rev: 2, action: 'folded' }));
    const d = await api('GET', `/api/alerts/${id}`);
    expect(d.body.alert).toMatchObject({ rev: 3, state: 'acknowledged', acknowledgedBy: 'wang' });
    expect(d.body.history.map((h: Json) => h.rev)).toEqual([1, 2, 3]);
    expect(count('SELECT COUNT(*) AS n FROM center_revisions WHERE alert_id = ?', id)).toBe(3);
    expect(count('SELECT COUNT(*) AS n FROM center_revisions WHERE alert_id = ? AND applied = 0', id)).toBe(
      1,
    );
  });

  it('webhook: signed posts stored once; bad signature, old timestamp, unknown site, bad body refused', async () => {
    const { webhookSecret } = secrets.get('w1')!;
    const m = alertMessage('w1', { alertId: 'al-wh-0001', rev: 1 });
    const first = await postSigned(base, 'w1', webhookSecret, m);
    expect(first).toMatchObject({ status: 200, body: { stored: true, duplicate: false, actions: [] } });
    const again = await postSigned(base, 'w1', webhookSecret, m);
    expect(again).toMatchObject({ status: 200, body: { stored: true, duplicate: true } });
    expect(count("SELECT COUNT(*) AS n FROM center_revisions WHERE alert_id = 'al-wh-0001'")).toBe(1);

    const m2 = alertMessage('w1', { alertId: 'al-wh-0001', rev: 2 });
    const refusedBefore = gw.engine.metrics.centerRefused;
    const bad = await postSigned(base, 'w1', webhookSecret, m2, { signature: `sha256=${'0'.repeat(64)}` });
    expect(bad).toMatchObject({ status: 401, body: { error: { code: 'BAD_SIGNATURE' } } });
    const wrongKey = await postSigned(base, 'w1', 'not-the-secret-0123456789', m2);
    expect(wrongKey.status).toBe(401);
    const old = await postSigned(base, 'w1', webhookSecret, m2, { timestamp: Date.now() - 301_000 });
    expect(old).toMatchObject({ status: 401, body: { error: { code: 'REPLAY_WINDOW' } } });
    const future = await postSigned(base, 'w1', webhookSecret, m2, { timestamp: Date.now() + 301_000 });
    expect(future.body.error.code).toBe('REPLAY_WINDOW');
    const stranger = await postSigned(
      base,
      'nobody',
      'whatever-secret-0123456789',
      alertMessage('nobody', { alertId: 'al-x', rev: 1 }),
    );
    expect(stranger).toMatchObject({ status: 401, body: { error: { code: 'BAD_SIGNATURE' } } });
    const garbage = await postSigned(base, 'w1', webhookSecret, m2, { body: '{"v":1,"kind":"alert"' });
    expect(garbage).toMatchObject({ status: 400, body: { error: { code: 'BAD_MESSAGE' } } });
    const key = await postSigned(base, 'w1', webhookSecret, m2, { idempotencyKey: 'w1:al-wh-0001:9' });
    expect(key).toMatchObject({ status: 400, body: { error: { code: 'IDEMPOTENCY_KEY' } } });
    // signed by w1 but for site s2: refused
    const other = await postSigned(
      base,
      'w1',
      webhookSecret,
      alertMessage('s2', { alertId: 'al-wh-0009', rev: 1 }),
    );
    expect(other).toMatchObject({ status: 400, body: { error: { code: 'SITE_MISMATCH' } } });
    for (const reason of ['bad-signature', 'replay-window', 'unknown-site', 'idempotency-key'])
      expect(refusedBefore.get({ path: 'webhook', reason }), reason).toBeGreaterThan(0);
    expect(refusedBefore.get({ path: 'webhook', reason: 'site' })).toBe(1);
    expect(count("SELECT COUNT(*) AS n FROM center_revisions WHERE alert_id = 'al-wh-0001'")).toBe(1);
    // a station cannot write into another station's alert by reusing its id
    const hijack = await postSigned(
      base,
      'w1',
      webhookSecret,
      alertMessage('w1', { alertId: 'al-mq-0001', rev: 9 }),
    );
    expect(hijack).toMatchObject({ status: 400, body: { error: { code: 'ALERT_OF_ANOTHER_SITE' } } });
    expect((await api('GET', '/api/alerts/al-mq-0001')).body.alert).toMatchObject({ site: 's1', rev: 1 });
  });

  it('ACL: a station may publish only its alert topic and subscribe only its ack topic', async () => {
    // a clean session that does not reconnect: a refused publish is not sent again
    const hostile = () =>
      MqttStation.connect(url, 's2', secrets.get('s2')!.password, { clean: true, reconnectPeriod: 0 });
    const s2 = await hostile();
    const aclBefore = refused('acl');
    const subBefore = refused('acl-subscribe');
    // refused in the SUBACK (0x80)
    await expect(s2.client.subscribeAsync(centerTopics.ack('s1'), { qos: 1 })).rejects.toThrow(
      /Subscribe error/,
    );
    await until(() => refused('acl-subscribe') > subBefore, 'acl-subscribe counted');
    // publishing for s1 closes the connection, counted, nothing stored
    const closed = new Promise<void>((r) => s2.client.once('close', () => r()));
    s2.client
      .publishAsync(
        centerTopics.alert('s1'),
        JSON.stringify(alertMessage('s1', { alertId: 'al-acl-1', rev: 1 })),
        {
          qos: 1,
        },
      )
      .catch(() => {});
    await closed;
    await s2.end();
    await until(() => refused('acl') > aclBefore, 'acl counted');
    expect(count("SELECT COUNT(*) AS n FROM center_revisions WHERE alert_id = 'al-acl-1'")).toBe(0);
    // a message for another site on its own topic is refused too (acknowledged and dropped)
    const siteBefore = refused('site');
    const again = await hostile();
    await again.publish(alertMessage('s1', { alertId: 'al-acl-2', rev: 1 }));
    await until(() => refused('site') > siteBefore, 'site refusal counted');
    await again.end();
    expect(count("SELECT COUNT(*) AS n FROM center_revisions WHERE alert_id = 'al-acl-2'")).toBe(0);
    // wrong password, someone else's client id, and a device-style login are refused at CONNECT
    const tryConnect = (o: mqtt.IClientOptions) =>
      mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000, ...o }).then(
        async (c) => {
          await c.endAsync(true);
          return 'connected';
        },
        () => 'refused',
      );
    expect(
      await tryConnect({ clientId: 'station-s2', username: 's2', password: 'wrong-password-012345' }),
    ).toBe('refused');
    expect(
      await tryConnect({ clientId: 'station-s1', username: 's2', password: secrets.get('s2')!.password }),
    ).toBe('refused');
    expect(
      await tryConnect({ clientId: 'linli-center-p1', username: 'p1', password: 'secret-of-p1-0123456' }),
    ).toBe('refused');
  });

  it('an operator acknowledge at the center becomes an action request, pending until the station answers', async () => {
    const s1 = stations.find((s) => s.site === 's1')!;
    const id = 'al-mq-0003';
    await s1.send(alertMessage('s1', { alertId: id, rev: 1 }));
    const ack = await api('POST', `/api/alerts/${id}/ack`);
    expect(ack.status).toBe(202);
    expect(ack.body.action).toMatchObject({
      alertId: id,
      action: 'acknowledge',
      by: 'center:admin',
      state: 'pending',
    });
    expect(ack.body.alert).toMatchObject({ state: 'raised', rev: 1 }); // the center did not change it
    const actionId = ack.body.action.id as string;
    const request = await s1.next((m) => m.kind === 'action' && m.actionId === actionId);
    expect(request).toMatchObject({ v: 1, alertId: id, action: 'acknowledge', by: 'center:admin' });
    // pending, shown on the detail and in webhook answers of that station
    const d = await api('GET', `/api/alerts/${id}`);
    expect(d.body.actions).toMatchObject([{ id: actionId, state: 'pending', by: 'center:admin' }]);
    const listed = await api('GET', '/api/alerts?site=s1');
    expect(listed.body.pendingActions).toMatchObject([{ id: actionId, alertId: id, action: 'acknowledge' }]);
    expect((await api('GET', '/api/alerts?site=w1')).body.pendingActions).toEqual([]);
    const sup = await postSigned(
      base,
      's1',
      secrets.get('s1')!.webhookSecret,
      supervisionMessage('s1', 'webhook'),
    );
    expect(sup.body.actions).toMatchObject([{ kind: 'action', actionId }]);
    // a second acknowledge while pending is the same request
    expect((await api('POST', `/api/alerts/${id}/ack`)).body.action.id).toBe(actionId);
    // the station applies it: a new revision, then the result
    await s1.send(
      alertMessage('s1', {
        alertId: id,
        rev: 2,
        state: 'acknowledged',
        action: 'acknowledged',
        by: 'center:admin',
      }),
    );
    await s1.publish(actionResult('s1', actionId, id, true, { rev: 2 }));
    // the receipt that lets the station drop the result from its outbox
    await s1.next((m) => m.kind === 'stored' && m.actionId === actionId);
    await until(
      async () => (await gw.center!.center.data.action(actionId))?.state === 'applied',
      'action applied',
    );
    const after = await api('GET', `/api/alerts/${id}`);
    expect(after.body.alert).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'center:admin', rev: 2 });
    expect(after.body.actions).toMatchObject([{ id: actionId, state: 'applied', resultRev: 2 }]);

    // resolve: the station had resolved it meanwhile → applied:false, shown with the reason
    const res = await api('POST', `/api/alerts/${id}/resolve`, { outcome: 'assisted', note: '已到场' });
    expect(res.status).toBe(202);
    const rid = res.body.action.id as string;
    await s1.next((m) => m.kind === 'action' && m.actionId === rid && m.outcome === 'assisted');
    await s1.publish(actionResult('s1', rid, id, false, { reason: 'ALREADY_RESOLVED' }));
    await until(
      async () => (await gw.center!.center.data.action(rid))?.state === 'refused',
      'action refused',
    );
    expect((await api('GET', `/api/alerts/${id}`)).body.actions[1]).toMatchObject({
      id: rid,
      state: 'refused',
      reason: 'ALREADY_RESOLVED',
    });
    // a repeated result changes nothing
    const dup = await postSigned(
      base,
      's1',
      secrets.get('s1')!.webhookSecret,
      actionResult('s1', rid, id, true),
    );
    expect(dup.body).toMatchObject({ stored: true, duplicate: true });
    expect((await gw.center!.center.data.action(rid))?.state).toBe('refused');
  });

  it('an action request is sent again when the station subscribes again', async () => {
    const s1 = stations.find((s) => s.site === 's1')!;
    const id = 'al-mq-0004';
    await s1.send(alertMessage('s1', { alertId: id, rev: 1 }));
    const note = await api('POST', `/api/alerts/${id}/notes`, { note: '电话联系中' });
    expect(note.status).toBe(202);
    const nid = note.body.action.id as string;
    await s1.next((m) => m.actionId === nid);
    const before = s1.received.filter((m) => m.actionId === nid).length;
    await s1.client.unsubscribeAsync(centerTopics.ack('s1'));
    await s1.client.subscribeAsync(centerTopics.ack('s1'), { qos: 1 });
    await until(() => s1.received.filter((m) => m.actionId === nid).length > before, 'action resent');
  });

  it('GET /api/center/stations: link state per path, last seen, outbox depth, open alerts', async () => {
    const s1 = stations.find((s) => s.site === 's1')!;
    await s1.publish(supervisionMessage('s1', 'mqtt', Date.now(), 7));
    await s1.next((m) => m.kind === 'supervision-ack');
    const res = await api('GET', '/api/center/stations');
    expect(res.status).toBe(200);
    const st = (res.body.stations as Json[]).find((s) => s.site === 's1')!;
    expect(st).toMatchObject({
      site: 's1',
      reachable: true,
      paths: { mqtt: { up: true, outboxDepth: 7 }, webhook: { up: true } },
    });
    expect(st.openAlerts).toBeGreaterThanOrEqual(2);
    expect(typeof st.lastSeen).toBe('number');
    expect((res.body.stations as Json[]).map((s) => s.site)).toEqual(['s1', 's2', 'w1']);
  });

  it('the live stream filters by site and carries pending actions', async () => {
    const ac = new AbortController();
    const res = await fetch(`${base}/api/stream?site=w1`, { headers: { cookie }, signal: ac.signal });
    const reader = res.body!.getReader();
    let text = '';
    const read = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += Buffer.from(value).toString();
      }
    })().catch(() => {});
    await until(() => text.includes('event: hello'), 'hello');
    await stations.find((s) => s.site === 's1')!.send(alertMessage('s1', { alertId: 'al-mq-0005', rev: 1 }));
    await postSigned(
      base,
      'w1',
      secrets.get('w1')!.webhookSecret,
      alertMessage('w1', { alertId: 'al-wh-0005', rev: 1 }),
    );
    await until(() => text.includes('al-wh-0005'), 'w1 alert on the stream');
    await api('POST', '/api/alerts/al-wh-0005/ack');
    await until(() => text.includes('event: center.action'), 'action on the stream');
    ac.abort();
    await read;
    expect(text).not.toContain('al-mq-0005');
    expect(text).toContain('李*英');
    expect(text).not.toContain('李秀英');
  });
});
