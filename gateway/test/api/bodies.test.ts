// Bad requests of every kind get a precise 4xx and change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApi, type TestApi } from './helpers.ts';

describe('bad bodies and requests', () => {
  let api: TestApi;
  let admin: string;
  beforeAll(async () => {
    api = await makeApi();
    admin = await api.login('admin');
  });
  afterAll(() => api.close());

  const raw = (payload: string | Buffer, contentType = 'application/json', url = '/api/devices') =>
    api.app.inject({ method: 'POST', url, headers: { cookie: admin, 'content-type': contentType }, payload });

  it('invalid JSON is 400 BAD_JSON', async () => {
    const res = await raw('{"id": "x", ');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('BAD_JSON');
    expect(res.json().error.message).toMatch(/not valid JSON/);
  });

  it('an empty JSON body is 400 BAD_JSON; a body that is not an object is 400 VALIDATION', async () => {
    expect((await raw('')).json().error.code).toBe('BAD_JSON');
    for (const p of ['null', '[]', '"text"', '42']) {
      const res = await raw(p);
      expect(res.statusCode, p).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION');
    }
  });

  it('a huge body is 413 BODY_TOO_LARGE', async () => {
    const res = await raw(JSON.stringify({ id: 'x', site: 's', kind: 'pendant', pad: 'x'.repeat(100_000) }));
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('BODY_TOO_LARGE');
  });

  it('an unknown content type is 415', async () => {
    const res = await raw('<device/>', 'application/xml');
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('wrong types, bad patterns, unknown enum values and extra fields are each named', async () => {
    const res = await raw(
      JSON.stringify({
        id: 'has space',
        site: 7,
        kind: 'toaster',
        heartbeatIntervalS: '30',
        location: { floor: 3 },
        admin: true,
      }),
    );
    expect(res.statusCode).toBe(400);
    const d = res.json().error.details.join('\n');
    for (const p of ['body/id', 'body/site', 'body/kind', 'body/heartbeatIntervalS', 'body/location']) {
      expect(d).toContain(p);
    }
    expect(d).toMatch(/admin|additional/i);
    expect(api.registry.list()).toEqual([]);
  });

  it('prototype pollution keys are refused as unknown fields', async () => {
    const res = await raw('{"id":"pp","site":"s","kind":"pendant","__proto__":{"admin":true}}');
    expect(res.statusCode).toBe(400);
    expect(api.registry.get('pp')).toBeUndefined();
  });

  it('an unknown route is 404 NOT_FOUND', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/api/nothing-here?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no route GET /api/nothing-here' } });
  });

  it('a bad path parameter is 400', async () => {
    const res = await api.app.inject({
      method: 'GET',
      url: '/api/residents/bad%20id',
      headers: { cookie: admin },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0]).toContain('params/id');
  });

  it('a URL the router cannot take is refused in the API shape, counted, without echoing it', async () => {
    const secret = 'S3CRET';
    const cases: [string, number, string][] = [
      [`/api/residents/${secret}${'x'.repeat(120)}`, 414, 'URL_TOO_LONG'],
      [`/api/residents/${secret}%E0%A4%A`, 400, 'BAD_URL'],
    ];
    for (const [url, status, code] of cases) {
      const res = await api.app.inject({ method: 'GET', url, headers: { cookie: admin } });
      expect(res.statusCode, url).toBe(status);
      expect(Object.keys(res.json())).toEqual(['error']);
      expect(res.json().error).toEqual({ code, message: expect.any(String) });
      expect(res.body).not.toContain(secret);
      const m = await api.app.inject({ method: 'GET', url: '/metrics' });
      expect(m.body).toMatch(new RegExp(`^linli_gateway_http_refused_total\\{code="${code}"\\} 1$`, 'm'));
    }
  });
});
