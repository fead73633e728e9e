// The admin API added for the admin screen: the calling policy and closed days saved in the
// database (validated, audited, in force at once and after a restart), the audit log filters,
// and statistics by hour.
import { afterEach, describe, expect, it } from 'vitest';
import { addStaff, login, type TestApp, testApp } from './helpers.ts';

let t: TestApp;
afterEach(async () => t?.close());

const json = async (
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  cookie: string,
  payload?: unknown,
) => {
  const res = await t.app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: res.json() };
};

describe('admin settings over HTTP', () => {
  it('saves the calling policy: validated, audited, used by the queue and kept after a restart', async () => {
    t = await testApp();
    const cookie = await login(t.app);
    const before = await json('GET', '/api/admin/policy', cookie);
    expect(before.body.policy).toMatchObject({ policy: 'ratio', normalPerPriority: 3 });

    for (const bad of [
      { policy: 'random' },
      { normalPerPriority: 0 },
      { priorityWeight: 101 },
      { priorityClasses: ['normal'] },
      { priorityClasses: ['Has Space'] },
      {},
    ]) {
      const r = await json('PATCH', '/api/admin/policy', cookie, bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION');
    }
    const ok = await json('PATCH', '/api/admin/policy', cookie, {
      policy: 'strict',
      priorityClasses: ['elderly', 'veteran'],
    });
    expect(ok.status).toBe(200);
    expect(ok.body.policy).toMatchObject({ policy: 'strict', priorityClasses: ['elderly', 'veteran'] });
    expect((await json('GET', '/api/meta', cookie)).body).toMatchObject({
      policy: 'strict',
      priorityClasses: ['elderly', 'veteran'],
    });
    // a class from the saved list is accepted by the queue at once; one removed from it is refused
    const issued = await json('POST', '/api/staff/tickets', cookie, {
      serviceId: 'general',
      priorityClass: 'veteran',
    });
    expect(issued.status).toBe(201);
    const removed = await json('POST', '/api/staff/tickets', cookie, {
      serviceId: 'general',
      priorityClass: 'pregnancy',
    });
    expect(removed.body.error.code).toBe('BAD_CLASS');
    const audit = await json('GET', '/api/admin/audit?action=policy', cookie);
    expect(audit.body.entries).toHaveLength(1);
    expect(audit.body.entries[0]).toMatchObject({ action: 'policy.update', username: 'admin' });

    // a restart on the same data directory keeps the saved policy
    const dir = t.dir;
    await t.app.close();
    t = await testApp({}, dir);
    const again = await json('GET', '/api/admin/policy', await login(t.app));
    expect(again.body.policy.policy).toBe('strict');
  });

  it('closes a day for the station or for some services: tickets refused, the public list says so', async () => {
    t = await testApp();
    const cookie = await login(t.app);
    const day = '2026-11-23'; // the test clock's day (Monday 10:00)
    const bad = await json('PUT', '/api/admin/closed-days/2026-13-01', cookie, { serviceIds: '*' });
    expect(bad.status).toBe(400);
    const unknown = await json('PUT', `/api/admin/closed-days/${day}`, cookie, { serviceIds: ['nope'] });
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    const set = await json('PUT', `/api/admin/closed-days/${day}`, cookie, {
      serviceIds: ['legal'],
      note: '律师外出',
    });
    expect(set.body.closedDay).toEqual({ day, serviceIds: ['legal'], note: '律师外出' });

    const services = (await t.app.inject({ method: 'GET', url: '/api/services' })).json().services;
    expect(services.find((s: { id: string }) => s.id === 'legal')).toMatchObject({
      open: false,
      closedToday: true,
      hoursToday: [],
    });
    expect(services.find((s: { id: string }) => s.id === 'general')).toMatchObject({ open: true });
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/tickets',
      payload: { serviceId: 'legal', identity: 'anonymous' },
    });
    expect(refused.json().error).toMatchObject({ code: 'SERVICE_CLOSED' });
    expect(refused.json().error.zh).toContain('律师外出');
    const other = await t.app.inject({
      method: 'POST',
      url: '/api/tickets',
      payload: { serviceId: 'general', identity: 'anonymous' },
    });
    expect(other.statusCode).toBe(201);

    await json('PUT', `/api/admin/closed-days/${day}`, cookie, { serviceIds: '*', note: '停电' });
    const all = await t.app.inject({
      method: 'POST',
      url: '/api/tickets',
      payload: { serviceId: 'general', identity: 'anonymous' },
    });
    expect(all.json().error.code).toBe('SERVICE_CLOSED');
    expect((await json('GET', '/api/admin/closed-days', cookie)).body.closedDays).toHaveLength(1);

    expect((await json('DELETE', `/api/admin/closed-days/${day}`, cookie)).status).toBe(200);
    expect((await json('DELETE', `/api/admin/closed-days/${day}`, cookie)).body.error.code).toBe('NOT_FOUND');
    const reopened = await t.app.inject({
      method: 'POST',
      url: '/api/tickets',
      payload: { serviceId: 'general', identity: 'anonymous' },
    });
    expect(reopened.statusCode).toBe(201);
    const audit = await json('GET', '/api/admin/audit?action=closed-day', cookie);
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual([
      'closed-day.remove',
      'closed-day.set',
      'closed-day.set',
    ]);
  });

  it('filters the audit log by action family, user, target and days', async () => {
    t = await testApp();
    const cookie = await login(t.app);
    const li = await addStaff(t.app, cookie, 'li', 'window');
    await json('PATCH', '/api/admin/services/legal', cookie, { dailyCap: 20 });
    await json('PATCH', '/api/admin/services/general', cookie, { dailyCap: 30 });
    await json('PATCH', '/api/admin/windows/1', cookie, { name: '一号窗口' });
    const get = async (q: string) =>
      (await json('GET', `/api/admin/audit?${q}`, cookie)).body.entries as {
        action: string;
        target: string;
        username: string;
      }[];
    expect((await get('action=service')).map((e) => e.target)).toEqual(['service:general', 'service:legal']);
    expect((await get('action=service.update&target=service:legal')).map((e) => e.target)).toEqual([
      'service:legal',
    ]);
    expect((await get('target=window')).map((e) => e.action)).toEqual(['window.update']);
    expect((await get('username=li')).map((e) => e.action)).toEqual(['login']);
    expect((await get('action=login')).map((e) => e.username).sort()).toEqual(['admin', 'li']);
    expect(await get('from=2026-11-23&to=2026-11-23')).not.toHaveLength(0);
    expect(await get('from=2026-11-24')).toHaveLength(0);
    expect((await json('GET', '/api/admin/audit?from=2026-11-24&to=2026-11-23', cookie)).status).toBe(400);
    expect((await json('GET', '/api/admin/audit?action=DROP%20TABLE', cookie)).status).toBe(400);
    // a window clerk reads none of it
    expect((await json('GET', '/api/admin/audit', li.cookie)).body.error.code).toBe('FORBIDDEN');
    expect((await json('PATCH', '/api/admin/policy', li.cookie, { policy: 'strict' })).status).toBe(403);
    expect(
      (await json('PUT', '/api/admin/closed-days/2026-12-01', li.cookie, { serviceIds: '*' })).status,
    ).toBe(403);
  });

  it('groups statistics by the hour of arrival', async () => {
    t = await testApp();
    const cookie = await login(t.app);
    await t.app.inject({
      method: 'POST',
      url: '/api/tickets',
      payload: { serviceId: 'general', identity: 'anonymous' },
    });
    const stats = (await json('GET', '/api/admin/stats', cookie)).body;
    expect(
      stats.byHour.map((g: { key: string; label: string; tickets: number }) => [g.key, g.label, g.tickets]),
    ).toEqual([['10', '10:00', 1]]);
  });
});
