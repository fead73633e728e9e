import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type TestApp, testApp } from './helpers.ts';

let t: TestApp;
let cookie: string;
let ticketId: string;
beforeAll(async () => {
  t = await testApp();
  cookie = await login(t.app);
  const r = await t.app.inject({
    method: 'POST',
    url: '/api/tickets',
    payload: { serviceId: 'general', identity: 'anonymous' },
  });
  ticketId = r.json().ticket.id;
});
afterAll(async () => t?.close());

type Case = [
  name: string,
  method: 'POST' | 'PATCH' | 'GET',
  url: string,
  body: unknown,
  status: number,
  staff?: boolean,
];
const cases: Case[] = [
  ['missing field', 'POST', '/api/tickets', { serviceId: 'general' }, 400],
  ['wrong type', 'POST', '/api/tickets', { serviceId: 7, identity: 'anonymous' }, 400],
  ['unknown enum', 'POST', '/api/tickets', { serviceId: 'general', identity: 'passport' }, 400],
  ['extra key', 'POST', '/api/tickets', { serviceId: 'general', identity: 'anonymous', priority: true }, 400],
  ['array body', 'POST', '/api/tickets', [1, 2], 400],
  ['null body', 'POST', '/api/tickets', null, 400],
  [
    'bad service id chars',
    'POST',
    '/api/tickets',
    { serviceId: "x'; DROP TABLE tickets;--", identity: 'anonymous' },
    400,
  ],
  ['unknown service', 'POST', '/api/tickets', { serviceId: 'nope', identity: 'anonymous' }, 404],
  ['rating as string', 'POST', '/api/follow/AAAAAAAAAAAAAAAAAAAAAAAA/rating', { rating: '5' }, 400],
  ['rating out of range', 'POST', '/api/follow/AAAAAAAAAAAAAAAAAAAAAAAA/rating', { rating: 6 }, 400],
  ['rating fraction', 'POST', '/api/follow/AAAAAAAAAAAAAAAAAAAAAAAA/rating', { rating: 4.5 }, 400],
  ['short token', 'GET', '/api/follow/abc', undefined, 400],
  [
    'comment too long',
    'POST',
    '/api/follow/AAAAAAAAAAAAAAAAAAAAAAAA/rating',
    { rating: 3, comment: 'x'.repeat(201) },
    400,
  ],
  ['login without password', 'POST', '/api/auth/login', { username: 'admin' }, 400],
  ['login password number', 'POST', '/api/auth/login', { username: 'admin', password: 12345678 }, 400],
  ['window id not a number', 'POST', '/api/windows/abc/call-next', undefined, 400, true],
  ['window id zero', 'POST', '/api/windows/0/call-next', undefined, 400, true],
  ['unknown window', 'POST', '/api/windows/99/call-next', undefined, 404, true],
  ['ticket id not a uuid', 'POST', '/api/tickets/123/recall', undefined, 400, true],
  ['finish without outcome', 'POST', '/api/tickets/{ticket}/finish', {}, 400, true],
  ['finish bad outcome', 'POST', '/api/tickets/{ticket}/finish', { outcome: 'great' }, 400, true],
  ['finish a waiting ticket', 'POST', '/api/tickets/{ticket}/finish', { outcome: 'resolved' }, 409, true],
  ['transfer to unknown service', 'POST', '/api/tickets/{ticket}/transfer', { serviceId: 'nope' }, 404, true],
  ['priority unknown class', 'POST', '/api/tickets/{ticket}/priority', { priorityClass: 'vip' }, 422, true],
  [
    'appointment bad time',
    'POST',
    '/api/appointments',
    { serviceId: 'general', day: '2026-11-23', time: '25:00' },
    400,
    true,
  ],
  [
    'appointment bad id number',
    'POST',
    '/api/appointments',
    { serviceId: 'general', day: '2026-11-23', time: '10:00', idNumber: '123' },
    400,
    true,
  ],
  [
    'service bad hours',
    'POST',
    '/api/admin/services',
    { id: 'new-one', nameZh: '新', nameEn: 'New', prefix: 'K', hours: { '1': ['18:00-09:00'] } },
    422,
    true,
  ],
  [
    'service hours bad key',
    'POST',
    '/api/admin/services',
    { id: 'new-one', nameZh: '新', nameEn: 'New', prefix: 'K', hours: { '8': [] } },
    400,
    true,
  ],
  [
    'service prefix taken',
    'POST',
    '/api/admin/services',
    { id: 'new-one', nameZh: '新', nameEn: 'New', prefix: 'A', hours: {} },
    409,
    true,
  ],
  ['empty patch', 'PATCH', '/api/admin/services/general', {}, 400, true],
  ['stats bad date', 'GET', '/api/admin/stats?from=2026-13-01', undefined, 400, true],
  ['stats reversed range', 'GET', '/api/admin/stats?from=2026-11-23&to=2026-11-01', undefined, 400, true],
  ['csv unknown grouping', 'GET', '/api/admin/stats.csv?by=color', undefined, 400, true],
  ['unknown query key', 'GET', '/api/tickets?foo=1', undefined, 400, true],
];

describe('bad requests of every kind get a clear 4xx, never a 500', () => {
  it.each(cases)('%s', async (_name, method, url, body, status, staff) => {
    const res = await t.app.inject({
      method,
      url: url.replace('{ticket}', ticketId),
      headers: staff ? { cookie } : {},
      ...(body === undefined
        ? {}
        : {
            payload: JSON.stringify(body),
            headers: { 'content-type': 'application/json', ...(staff ? { cookie } : {}) },
          }),
    });
    expect(res.statusCode).toBe(status);
    const err = res.json().error;
    expect(typeof err.code).toBe('string');
    expect(err.message.length).toBeGreaterThan(0);
  });

  it('invalid JSON, wrong content type and oversized bodies', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/tickets',
      payload: '{"serviceId":',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.statusCode).toBe(400);
    const form = await t.app.inject({
      method: 'POST',
      url: '/api/tickets',
      payload: 'serviceId=general',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.statusCode).toBe(415);
    const big = await t.app.inject({
      method: 'POST',
      url: '/api/tickets',
      payload: JSON.stringify({ serviceId: 'general', identity: 'anonymous', pad: 'x'.repeat(20_000) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(big.statusCode).toBe(413);
    const unknown = await t.app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(unknown.statusCode).toBe(404);
  });

  it('a URL the router cannot take is refused in the kiosk shape (zh/en), without echoing it', async () => {
    const token = 'S3CRETTOKEN';
    const cases: [string, number, string][] = [
      [`/api/follow/${token}${'A'.repeat(120)}`, 414, 'URL_TOO_LONG'],
      [`/api/follow/${token}%E0%A4%A`, 400, 'BAD_URL'],
    ];
    for (const [url, status, code] of cases) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(status);
      expect(Object.keys(res.json())).toEqual(['error']);
      expect(res.json().error).toEqual({
        code,
        message: expect.any(String),
        zh: expect.any(String),
        en: expect.any(String),
      });
      expect(res.body).not.toContain(token);
    }
  });

  it('counts refusals by code', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/admin/refusals', headers: { cookie } });
    const r = res.json().refusals;
    expect(r.VALIDATION).toBeGreaterThan(10);
    expect(r.NOT_FOUND).toBeGreaterThan(0);
    expect(r.URL_TOO_LONG).toBe(1);
    expect(r.BAD_URL).toBe(1);
    expect(r.INTERNAL).toBeUndefined();
  });
});
