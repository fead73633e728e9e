import { afterEach, describe, expect, it } from 'vitest';
import { addStaff, login, type TestApp, testApp } from './helpers.ts';

let t: TestApp;
afterEach(async () => t?.close());

describe('admin and window staff over HTTP', () => {
  it('edits services and windows, with audit entries', async () => {
    t = await testApp();
    const cookie = await login(t.app);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/admin/services',
      headers: { cookie },
      payload: {
        id: 'housing',
        nameZh: '住房保障',
        nameEn: 'Housing',
        prefix: 'K',
        hours: { '1': ['08:30-12:00', '13:30-17:30'] },
        idRequired: true,
      },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().service.hours['1']).toEqual(['08:30-12:00', '13:30-17:30']);
    const patched = await t.app.inject({
      method: 'PATCH',
      url: '/api/admin/services/housing',
      headers: { cookie },
      payload: { dailyCap: 50 },
    });
    expect(patched.json().service.dailyCap).toBe(50);
    const win = await t.app.inject({
      method: 'POST',
      url: '/api/admin/windows',
      headers: { cookie },
      payload: { id: 5, name: '5号窗口', serviceIds: ['housing', 'general'] },
    });
    expect(win.json().window.serviceIds.sort()).toEqual(['general', 'housing']);
    const bad = await t.app.inject({
      method: 'PATCH',
      url: '/api/admin/windows/5',
      headers: { cookie },
      payload: { serviceIds: ['nope'] },
    });
    expect(bad.statusCode).toBe(404);
    const audit = (
      await t.app.inject({ method: 'GET', url: '/api/admin/audit', headers: { cookie } })
    ).json();
    expect(audit.entries.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['service.create', 'service.update', 'window.create', 'login']),
    );
    const services = (await t.app.inject({ method: 'GET', url: '/api/services' })).json().services;
    expect(services.find((s: { id: string }) => s.id === 'housing')).toMatchObject({
      open: true,
      idRequired: true,
    });
  });

  it('window staff call, transfer, prioritise, and finish; admin exports stats as CSV', async () => {
    t = await testApp();
    const adminCookie = await login(t.app);
    const li = await addStaff(t.app, adminCookie, 'li', 'window');
    const issue = async () =>
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/tickets',
          payload: { serviceId: 'general', identity: 'anonymous' },
        })
      ).json();
    const a = await issue();
    const b = await issue();
    const notAt = await t.app.inject({
      method: 'POST',
      url: '/api/windows/4/call-next',
      headers: { cookie: li.cookie },
    });
    expect(notAt.json().error.code).toBe('NOT_AT_WINDOW');
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/windows/4/sign-in', headers: { cookie: li.cookie } }))
        .statusCode,
    ).toBe(200);
    const me = (
      await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: li.cookie } })
    ).json();
    expect(me.windowId).toBe(4);
    const pri = await t.app.inject({
      method: 'POST',
      url: `/api/tickets/${b.ticket.id}/priority`,
      headers: { cookie: li.cookie },
      payload: { priorityClass: 'pregnancy' },
    });
    expect(pri.json().ticket.priorityClass).toBe('pregnancy');
    const queue = await t.app.inject({
      method: 'GET',
      url: '/api/windows/4/queue',
      headers: { cookie: li.cookie },
    });
    expect(
      queue.json().tickets.map((x: { number: string; position: number }) => [x.position, x.number]),
    ).toEqual([
      [1, 'J001'],
      [2, 'J002'],
    ]);
    // ratio policy with N=3 and streak 0: the normal ticket first.
    const called = await t.app.inject({
      method: 'POST',
      url: '/api/windows/4/call-next',
      headers: { cookie: li.cookie },
    });
    expect(called.json().ticket.id).toBe(a.ticket.id);
    const moved = await t.app.inject({
      method: 'POST',
      url: `/api/tickets/${a.ticket.id}/transfer`,
      headers: { cookie: li.cookie },
      payload: { serviceId: 'legal', note: '咨询遗嘱' },
    });
    expect(moved.json().ticket).toMatchObject({ number: 'J001', serviceId: 'legal', state: 'waiting' });
    const current = await t.app.inject({
      method: 'GET',
      url: '/api/windows/4/current',
      headers: { cookie: li.cookie },
    });
    expect(current.json().ticket).toBeNull();
    // The transferred ticket keeps its first arrival, so it is called before J002 (window 4 serves legal too).
    const next = await t.app.inject({
      method: 'POST',
      url: '/api/windows/4/call-next',
      headers: { cookie: li.cookie },
    });
    expect(next.json().ticket.id).toBe(moved.json().ticket.id);
    await t.app.inject({
      method: 'POST',
      url: `/api/tickets/${moved.json().ticket.id}/finish`,
      headers: { cookie: li.cookie },
      payload: { outcome: 'referred' },
    });
    const third = await t.app.inject({
      method: 'POST',
      url: '/api/windows/4/call-next',
      headers: { cookie: li.cookie },
    });
    expect(third.json().ticket.id).toBe(b.ticket.id);
    t.clock.advance(5 * 60_000);
    await t.app.inject({
      method: 'POST',
      url: `/api/tickets/${b.ticket.id}/finish`,
      headers: { cookie: li.cookie },
      payload: { outcome: 'resolved' },
    });
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/tickets?state=done',
      headers: { cookie: li.cookie },
    });
    expect(
      list.json().tickets.map((x: { number: string; serviceId: string }) => [x.number, x.serviceId]),
    ).toEqual([
      ['J002', 'general'],
      ['J001', 'legal'],
    ]);
    const csv = await t.app.inject({
      method: 'GET',
      url: '/api/admin/stats.csv?from=2026-11-23&to=2026-11-23&by=staff',
      headers: { cookie: adminCookie },
    });
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toContain('linli-stats-staff-2026-11-23-2026-11-23.csv');
    const rows = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(rows[0]?.startsWith('staff,label,tickets')).toBe(true);
    expect(rows[1]?.startsWith(`${li.id},li,3,2,0,0,1,0,`)).toBe(true);
    const audit = await t.app.inject({
      method: 'GET',
      url: '/api/admin/audit?limit=50',
      headers: { cookie: adminCookie },
    });
    const liActions = audit
      .json()
      .entries.filter((e: { username: string }) => e.username === 'li')
      .map((e: { action: string }) => e.action)
      .reverse();
    expect(liActions).toEqual([
      'login',
      'window.sign-in',
      'ticket.priority',
      'ticket.call-next',
      'ticket.transfer',
      'ticket.call-next',
      'ticket.finish',
      'ticket.call-next',
      'ticket.finish',
    ]);
    const json = await t.app.inject({
      method: 'GET',
      url: '/api/admin/stats',
      headers: { cookie: adminCookie },
    });
    expect(json.json().overall).toMatchObject({ tickets: 3, done: 2, transferred: 1, service: { max: 300 } });
  });
});
