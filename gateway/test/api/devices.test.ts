import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/auth/audit.ts';
import { makeApi, type TestApi } from './helpers.ts';

describe('device, resident, log and ops routes', () => {
  let api: TestApi;
  let admin: string;
  let op: string;
  let sup: string;
  const live = new Map<string, { online: boolean; battery?: number; lastSeen?: number }>();
  beforeAll(async () => {
    api = await makeApi({ deviceState: { peek: (id: string) => live.get(id) } });
    [admin, op, sup] = await Promise.all([api.login('admin'), api.login('op'), api.login('sup')]);
  });
  afterAll(() => api.close());

  const req = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    cookie: string,
    payload?: object | string,
  ) =>
    api.app.inject({
      method,
      url,
      headers: { cookie, ...(typeof payload === 'string' ? { 'content-type': 'text/csv' } : {}) },
      ...(payload !== undefined ? { payload } : {}),
    });

  it('provisions a device (admin): 201 with the secret shown once; audited', async () => {
    const res = await req('POST', '/api/devices', admin, {
      id: 'p-1',
      site: 's1',
      kind: 'pendant',
      location: { building: '3', unit: '2', room: '402', grid: 'G1' },
    });
    expect(res.statusCode).toBe(201);
    const { device, secret } = res.json();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(device).toMatchObject({ id: 'p-1', online: null, battery: null, lastSeen: null, resident: null });
    expect((await api.registry.authenticate('p-1', secret))?.id).toBe('p-1');
    const again = await req('GET', '/api/devices/p-1', op);
    expect(again.json().device.secret).toBeUndefined();
    expect(listAudit(api.t.db, { target: 'device:p-1' })[0]).toMatchObject({
      actor: 'admin',
      action: 'device.provision',
    });
    const dup = await req('POST', '/api/devices', admin, { id: 'p-1', site: 's1', kind: 'pendant' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('DEVICE_EXISTS');
  });

  it('lists devices with online state, battery and last seen, filtered', async () => {
    await req('POST', '/api/devices', admin, { id: 'd-1', site: 's2', kind: 'door-contact' });
    live.set('p-1', { online: true, battery: 87, lastSeen: 1_700_000_000_000 });
    live.set('d-1', { online: false, lastSeen: 1_600_000_000_000 });
    const res = await req('GET', '/api/devices', op);
    expect(res.statusCode).toBe(200);
    expect(res.json().total).toBe(2);
    expect(res.json().devices.find((d: { id: string }) => d.id === 'p-1')).toMatchObject({
      online: true,
      battery: 87,
      lastSeen: 1_700_000_000_000,
    });
    const offline = await req('GET', '/api/devices?online=false', op);
    expect(offline.json().devices.map((d: { id: string }) => d.id)).toEqual(['d-1']);
    const site = await req('GET', '/api/devices?site=s1&kind=pendant', op);
    expect(site.json().devices.map((d: { id: string }) => d.id)).toEqual(['p-1']);
    expect((await req('GET', '/api/devices?kind=fridge', op)).statusCode).toBe(400);
    expect((await req('GET', '/api/devices/nope', op)).json().error.code).toBe('DEVICE_NOT_FOUND');
  });

  it('updates, rotates the secret and retires (admin only)', async () => {
    await req('POST', '/api/devices', admin, { id: 'w-1', site: 's1', kind: 'wall-button' });
    const up = await req('PATCH', '/api/devices/w-1', admin, {
      offlineTimeoutS: 900,
      location: { room: '101' },
    });
    expect(up.statusCode).toBe(200);
    expect(up.json().device).toMatchObject({ offlineTimeoutS: 900, location: { room: '101' } });
    expect((await req('PATCH', '/api/devices/w-1', admin, {})).statusCode).toBe(400);
    const rot = await req('POST', '/api/devices/w-1/secret', admin);
    expect(rot.statusCode).toBe(200);
    expect((await api.registry.authenticate('w-1', rot.json().secret))?.id).toBe('w-1');
    expect((await req('POST', '/api/devices/w-1/retire', op, { reason: 'lost' })).statusCode).toBe(403);
    const ret = await req('POST', '/api/devices/w-1/retire', admin, { reason: 'lost' });
    expect(ret.statusCode).toBe(200);
    expect(ret.json().device).toMatchObject({ retired: true, online: false });
    expect(await api.registry.authenticate('w-1', rot.json().secret)).toBeUndefined();
    expect((await req('POST', '/api/devices/w-1/retire', admin)).json().error.code).toBe('DEVICE_RETIRED');
    const all = await req('GET', '/api/devices?retired=all', op);
    expect(all.json().devices.map((d: { id: string }) => d.id)).toContain('w-1');
    expect(listAudit(api.t.db, { target: 'device:w-1' }).map((a) => a.action)).toEqual([
      'device.retire',
      'device.rotate-secret',
      'device.update',
      'device.provision',
    ]);
  });

  it('imports devices from CSV (text/csv) with a row-level report', async () => {
    const csv =
      'id,site,kind,resident_name,resident_lives_alone\nc-1,s1,pendant,王五,yes\nc 2,s1,pendant,,\n';
    const res = await req('POST', '/api/devices/import', admin, csv);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.rows).toBe(2);
    expect(body.imported).toEqual([
      {
        row: 2,
        id: 'c-1',
        secret: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
        residentId: expect.any(String),
      },
    ]);
    expect(body.errors).toEqual([{ row: 3, column: 'id', reason: expect.any(String) }]);
    expect((await req('POST', '/api/devices/import', op, csv)).statusCode).toBe(403);
    const big = await req(
      'POST',
      '/api/devices/import',
      admin,
      `id,site,kind\n${'x,s,pendant\n'.repeat(500_000)}`,
    );
    expect(big.statusCode).toBe(413);
  });

  it('residents: admin creates and changes, operators read; the ID number is kept masked only', async () => {
    const create = await req('POST', '/api/residents', admin, {
      id: 'r-9',
      name: '赵六',
      phone: '13700000000',
      emergencyContacts: [{ name: '赵小六', phone: '13600000000', relation: 'son' }],
      livesAlone: true,
      welfareCheckHours: 12,
      idNumber: '11010519491231002X',
    });
    expect(create.statusCode).toBe(201);
    expect(create.json().resident).toMatchObject({ id: 'r-9', idNumberMasked: '110105********002X' });
    expect(JSON.stringify(api.t.db.prepare('SELECT * FROM residents').all())).not.toContain(
      '11010519491231002X',
    );
    expect((await req('POST', '/api/residents', op, { name: 'x' })).statusCode).toBe(403);
    const bad = await req('POST', '/api/residents', admin, { name: 'x', idNumber: '110105194912310021' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/idNumber/);
    const patch = await req('PATCH', '/api/residents/r-9', admin, { livesAlone: false });
    expect(patch.json().resident.livesAlone).toBe(false);
    await req('PATCH', '/api/devices/p-1', admin, { residentId: 'r-9' });
    const one = await req('GET', '/api/residents/r-9', op);
    expect(one.json().devices.map((d: { id: string }) => d.id)).toEqual(['p-1']);
    const list = await req('GET', '/api/residents?q=%E8%B5%B5', op);
    expect(list.json().residents.map((r: { id: string }) => r.id)).toEqual(['r-9']);
    expect((await req('DELETE', '/api/residents/r-9', admin)).statusCode).toBe(204);
    expect((await req('GET', '/api/residents/r-9', op)).json().error.code).toBe('RESIDENT_NOT_FOUND');
  });

  it('lists the event log newest first (operator+), never a card hash', async () => {
    const ins = api.t.db.prepare(
      `INSERT INTO events (device_id, event_id, site, seq, type, ts, received_at, source, card_hash)
       VALUES (?, ?, 's1', ?, ?, ?, ?, 'mqtt', ?)`,
    );
    ins.run('p-1', 'e1', 1, 'sos', 1000, 1001, null);
    ins.run('d-1', 'e2', 1, 'access.denied', 2000, 2001, 'abcdef0123');
    ins.run('p-1', 'e3', 2, 'test', 3000, 3001, null);
    const res = await req('GET', '/api/events?device=p-1', op);
    expect(res.statusCode).toBe(200);
    expect(res.json().events.map((e: { eventId: string }) => e.eventId)).toEqual(['e3', 'e1']);
    const page = await req('GET', `/api/events?limit=1&before=${res.json().events[0].seqNo}`, op);
    expect(page.json().events.map((e: { eventId: string }) => e.eventId)).toEqual(['e2']);
    expect(page.body).not.toContain('abcdef0123');
    expect((await req('GET', '/api/events?type=access.denied', op)).json().events).toHaveLength(1);
  });

  it('lists the audit log for supervisors, filtered', async () => {
    const res = await req('GET', '/api/audit?actor=admin&action=device.provision&limit=2', sup);
    expect(res.statusCode).toBe(200);
    const entries = res.json().entries;
    expect(entries).toHaveLength(2);
    expect(
      entries.every(
        (e: { actor: string; action: string }) => e.actor === 'admin' && e.action === 'device.provision',
      ),
    ).toBe(true);
    expect(JSON.stringify(res.json())).not.toMatch(/"secret":"[A-Za-z0-9_-]{32}"/);
  });

  it('serves /healthz and /metrics without a session', async () => {
    const h = await api.app.inject({ method: 'GET', url: '/healthz' });
    expect(h.statusCode).toBe(200);
    expect(h.json()).toMatchObject({ status: 'ok', db: { status: 'ok', writable: true } });
    const m = await api.app.inject({ method: 'GET', url: '/metrics' });
    expect(m.statusCode).toBe(200);
    expect(m.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(
      m.body.startsWith(
        '# HELP linli_up 1\n# TYPE linli_up gauge\nlinli_up 1\n# HELP linli_gateway_http_refused_total',
      ),
    ).toBe(true);
    // refusals made earlier in this file are counted by code
    expect(m.body).toMatch(/^linli_gateway_http_refused_total\{code="FORBIDDEN"\} [1-9]\d*$/m);
    expect(m.body).toMatch(/^linli_gateway_http_refused_total\{code="VALIDATION"\} [1-9]\d*$/m);
    expect(m.body).toMatch(/^linli_gateway_http_errors_total 0$/m);
    expect(m.body).toMatch(/^linli_gateway_sse_clients 0$/m);
  });
});
