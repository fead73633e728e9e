import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApi, type TestApi } from './helpers.ts';

describe('GET /api/alerts/:id/feedback', () => {
  let api: TestApi;
  let op: string;
  beforeAll(async () => {
    api = await makeApi();
    op = await api.login('op');
    api.t.db
      .prepare(
        `INSERT INTO alerts (id, rev, site, device_id, type, severity, state, raised_at, last_at)
         VALUES ('a1', 1, 's1', 'p1', 'sos', 'critical', 'acknowledged', 1000, 1000)`,
      )
      .run();
    const cmd = api.t.db.prepare(
      'INSERT INTO cmd_queue (device_id, topic, payload, created_at, delivered_at) VALUES (?, ?, ?, ?, ?)',
    );
    const body = (type: string, alertId?: string) =>
      JSON.stringify({ type, ts: 1, ...(alertId ? { alertId } : {}) });
    cmd.run('p1', 'linli/v1/s1/dev/p1/cmd', body('alert.received', 'a1'), 1001, 1002);
    cmd.run('p1', 'linli/v1/s1/dev/p1/cmd', body('test.request'), 1500, null);
    cmd.run('p1', 'linli/v1/s1/dev/p1/cmd', body('alert.acknowledged', 'a1'), 2000, null);
    cmd.run('p2', 'linli/v1/s1/dev/p2/cmd', body('alert.received', 'a1'), 1001, 1002);
  });
  afterAll(() => api.close());
  const get = (url: string, cookie = op) => api.app.inject({ method: 'GET', url, headers: { cookie } });

  it("lists what the alert's device was told about it, in order, with delivery", async () => {
    const res = await get('/api/alerts/a1/feedback');
    expect(res.statusCode).toBe(200);
    expect(res.json().feedback).toEqual([
      { type: 'alert.received', at: 1001, deliveredAt: 1002 },
      { type: 'alert.acknowledged', at: 2000, deliveredAt: null },
    ]);
  });

  it('404 for an unknown alert; 401 without a session; 403 below operator', async () => {
    const res = await get('/api/alerts/nope/feedback');
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('ALERT_NOT_FOUND');
    expect((await api.app.inject({ method: 'GET', url: '/api/alerts/a1/feedback' })).statusCode).toBe(401);
    expect((await get('/api/alerts/a1/feedback', await api.login('win'))).statusCode).toBe(403);
  });
});
