import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/auth/audit.ts';
import { alert, makeApi, type TestApi } from './helpers.ts';

describe('alert routes call the AlertService and audit every change', () => {
  let api: TestApi;
  let op: string;
  beforeAll(async () => {
    api = await makeApi();
    op = await api.login('op');
    api.registry.createResident({ id: 'res1', name: '张三明', address: '幸福路 1 号', livesAlone: true });
    api.registry.provision({
      id: 'p-1',
      site: 's1',
      kind: 'pendant',
      residentId: 'res1',
      location: { room: '402' },
    });
  });
  afterAll(() => api.close());
  beforeEach(() => {
    api.alerts.alerts.clear();
    api.alerts.calls.length = 0;
    api.alerts.failWith = undefined;
    api.alerts.add(alert('a1'));
    api.alerts.add(alert('a2', { state: 'resolved', severity: 'minor', type: 'device.offline' }));
  });

  const get = (url: string) => api.app.inject({ method: 'GET', url, headers: { cookie: op } });
  const post = (url: string, payload?: object) =>
    api.app.inject({ method: 'POST', url, headers: { cookie: op }, ...(payload ? { payload } : {}) });

  it('lists with the filters converted and passed through', async () => {
    const res = await get(
      '/api/alerts?state=raised&severity=critical&site=s1&device=p-1&limit=5&before=1700000000001',
    );
    expect(res.statusCode).toBe(200);
    expect(res.json().alerts.map((a: { id: string }) => a.id)).toEqual(['a1']);
    expect(api.alerts.calls[0]).toEqual([
      'list',
      {
        state: 'raised',
        severity: 'critical',
        site: 's1',
        deviceId: 'p-1',
        limit: 5,
        before: 1_700_000_000_001,
      },
    ]);
    await get('/api/alerts');
    expect(api.alerts.calls[1]).toEqual(['list', { limit: 100 }]);
  });

  it('refuses bad filters, naming each', async () => {
    const res = await get('/api/alerts?state=open&limit=0&colour=red');
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('VALIDATION');
    expect(error.details.join('\n')).toMatch(/querystring\/state/);
    expect(error.details.join('\n')).toMatch(/querystring\/limit/);
    expect(error.details.join('\n')).toMatch(/colour|additional/i);
    expect(api.alerts.calls).toEqual([]);
  });

  it('shows an alert with its history, device and resident; 404 ALERT_NOT_FOUND otherwise', async () => {
    const res = await get('/api/alerts/a1');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.alert.id).toBe('a1');
    expect(body.history).toEqual([expect.objectContaining({ action: 'raised', by: 'system' })]);
    expect(body.device).toMatchObject({ id: 'p-1', location: { room: '402' } });
    expect(body.resident).toMatchObject({ name: '张三明', address: '幸福路 1 号' });
    const missing = await get('/api/alerts/nope');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: { code: 'ALERT_NOT_FOUND', message: 'alert nope not found' } });
  });

  it('acknowledges as the logged-in user, audited; a second acknowledgement is 409 ALERT_STATE', async () => {
    const res = await post('/api/alerts/a1/ack');
    expect(res.statusCode).toBe(200);
    expect(res.json().alert).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'op', rev: 2 });
    expect(api.alerts.calls).toContainEqual(['acknowledge', 'a1', 'op']);
    const audit = listAudit(api.t.db, { target: 'alert:a1' })[0]!;
    expect(audit).toMatchObject({
      actor: 'op',
      action: 'alert.acknowledge',
      detail: { rev: 2 },
      ip: '127.0.0.1',
    });
    expect(audit.at).toBeGreaterThan(0);
    const withBody = await post('/api/alerts/a2/ack', { by: 'someone-else' });
    expect(withBody.statusCode).toBe(400);
    expect(withBody.json().error.code).toBe('VALIDATION');
    const again = await post('/api/alerts/a1/ack');
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('ALERT_STATE');
    expect((await post('/api/alerts/nope/ack')).statusCode).toBe(404);
  });

  it('resolves with an outcome and a note, audited', async () => {
    const res = await post('/api/alerts/a1/resolve', {
      outcome: 'assisted',
      note: '上门查看，老人摔倒已送医',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().alert).toMatchObject({ state: 'resolved', outcome: 'assisted', resolvedBy: 'op' });
    expect(api.alerts.calls).toContainEqual(['resolve', 'a1', 'op', 'assisted', '上门查看，老人摔倒已送医']);
    expect(listAudit(api.t.db, { action: 'alert.resolve' })[0]).toMatchObject({
      actor: 'op',
      target: 'alert:a1',
      detail: { outcome: 'assisted', note: '上门查看，老人摔倒已送医' },
    });
    expect((await post('/api/alerts/a2/resolve', { outcome: 'x' })).statusCode).toBe(409);
  });

  it('refuses a resolution without an outcome, with a wrong type or an extra field', async () => {
    for (const [payload, path] of [
      [{}, 'body/outcome'],
      [{ outcome: 3 }, 'body/outcome'],
      [{ outcome: 'ok', note: ['x'] }, 'body/note'],
      [{ outcome: 'ok', by: 'someone-else' }, 'body'],
      [{ outcome: '' }, 'body/outcome'],
    ] as const) {
      const res = await post('/api/alerts/a1/resolve', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION');
      expect(res.json().error.details.join('\n')).toContain(path);
    }
    expect(api.alerts.calls.filter((c) => c[0] === 'resolve')).toEqual([]);
  });

  it('adds a note (201), audited', async () => {
    const res = await post('/api/alerts/a1/notes', { note: 'called the daughter' });
    expect(res.statusCode).toBe(201);
    expect(res.json().entry).toMatchObject({ action: 'note', by: 'op', note: 'called the daughter' });
    expect(listAudit(api.t.db, { action: 'alert.note' })[0]).toMatchObject({
      actor: 'op',
      target: 'alert:a1',
    });
    expect((await post('/api/alerts/a1/notes', { note: '' })).statusCode).toBe(400);
    expect((await post('/api/alerts/nope/notes', { note: 'x' })).statusCode).toBe(404);
  });

  it('hides the details of an internal failure behind a 500', async () => {
    api.alerts.failWith = new Error('SQLITE_CORRUPT: database disk image is malformed at /secret/path');
    const res = await get('/api/alerts');
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
    expect(res.body).not.toContain('SQLITE');
    expect(api.logged.at(-1)).toMatchObject({
      msg: 'http request failed',
      fields: {
        method: 'GET',
        url: '/api/alerts',
        err: expect.objectContaining({ message: expect.stringContaining('SQLITE_CORRUPT') }),
      },
    });
  });
});
