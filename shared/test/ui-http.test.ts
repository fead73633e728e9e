// shared/ui/http.ts, the screens' one HTTP client, against a real HTTP server: JSON both ways, a
// refusal as ApiError with the service's error object (the gateway's and the kiosk's shapes), a
// body that is not JSON, 204, no answer at all, extra headers, and the query-string helper.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiError, query, request } from '../ui/http.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let origin: string;
let seen: Seen[] = [];
const inits: RequestInit[] = [];

const ROUTES: Record<string, (res: import('node:http').ServerResponse, body: string) => void> = {
  '/ok': (res, body) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ echo: body ? JSON.parse(body) : null }));
  },
  '/empty': (res) => {
    res.writeHead(204);
    res.end();
  },
  '/gateway-refusal': (res) => {
    res.writeHead(409, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'ALERT_STATE', message: 'already resolved' } }));
  },
  '/kiosk-refusal': (res) => {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        error: {
          code: 'VALIDATION',
          message: 'bad body',
          zh: '请求内容不正确',
          en: 'bad body',
          details: ['name: required'],
        },
      }),
    );
  },
  '/proxy-error': (res) => {
    res.writeHead(502, 'Bad Gateway', { 'content-type': 'text/html' });
    res.end('<html>502</html>');
  },
};

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const route = ROUTES[(req.url ?? '').split('?')[0] ?? ''];
      if (route) route(res, body);
      else {
        res.writeHead(404);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A screen's paths are relative to its page; in Node the page's origin is the test server's.
  const realFetch = globalThis.fetch;
  vi.stubGlobal('fetch', (path: string, init: RequestInit) => {
    inits.push(init);
    return realFetch(`${origin}${path}`, init);
  });
});

afterEach(() => {
  seen = [];
  inits.length = 0;
});

afterAll(async () => {
  vi.unstubAllGlobals();
  await new Promise((resolve) => server.close(resolve));
});

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe('request', () => {
  it('sends JSON with its content type and returns the parsed answer', async () => {
    const answer = await request<{ echo: unknown }>('POST', '/ok', { name: '张三', n: 1 });
    expect(answer).toEqual({ echo: { name: '张三', n: 1 } });
    expect(seen[0]?.method).toBe('POST');
    expect(seen[0]?.headers['content-type']).toBe('application/json');
  });

  it('sends no body and no content type without a body; same origin, never from the cache', async () => {
    expect(await request('GET', '/ok')).toEqual({ echo: null });
    expect(seen[0]?.headers['content-type']).toBeUndefined();
    expect(inits[0]).toMatchObject({ method: 'GET', credentials: 'same-origin', cache: 'no-store' });
    expect(inits[0]).not.toHaveProperty('body');
    expect(inits[0]).not.toHaveProperty('referrerPolicy');
  });

  it('gives undefined for 204', async () => {
    expect(await request('DELETE', '/empty')).toBeUndefined();
  });

  it("refuses with the gateway's code and message", async () => {
    const err = await refusal(request('POST', '/gateway-refusal', {}));
    expect(err).toMatchObject({
      status: 409,
      code: 'ALERT_STATE',
      message: 'already resolved',
      network: false,
    });
    expect(err.zh).toBeUndefined();
    expect(err.en).toBeUndefined();
  });

  it("refuses with the kiosk's sentences in Chinese and English and its details", async () => {
    const err = await refusal(request('PATCH', '/kiosk-refusal', { x: 1 }));
    expect(err).toMatchObject({
      status: 400,
      code: 'VALIDATION',
      zh: '请求内容不正确',
      en: 'bad body',
      message: 'bad body',
      details: ['name: required'],
    });
  });

  it('refuses an answer that is not JSON with HTTP_<status> and the status text', async () => {
    const err = await refusal(request('GET', '/proxy-error'));
    expect(err).toMatchObject({ status: 502, code: 'HTTP_502', message: 'Bad Gateway' });
    const missing = await refusal(request('GET', '/nowhere'));
    expect(missing).toMatchObject({ status: 404, code: 'HTTP_404' });
  });

  it('passes extra headers and the referrer policy', async () => {
    await request('GET', '/ok', undefined, {
      headers: { authorization: 'Bearer t0ken' },
      referrerPolicy: 'no-referrer',
    });
    expect(seen[0]?.headers.authorization).toBe('Bearer t0ken');
    expect(inits[0]).toMatchObject({ referrerPolicy: 'no-referrer' });
  });

  it('throws a NETWORK ApiError with status 0 when nothing answers', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const err = await refusal(fetchFrom(`http://127.0.0.1:${port}`));
    expect(err).toMatchObject({ status: 0, code: 'NETWORK', network: true });
    expect(err.message.length).toBeGreaterThan(0);
  });

  it('ApiError built by a screen from a code alone', () => {
    const err = new ApiError(409, 'ALREADY_RATED');
    expect(err).toMatchObject({
      status: 409,
      code: 'ALREADY_RATED',
      message: 'ALREADY_RATED',
      network: false,
    });
  });
});

/** A request from a page whose service is gone: the same client, another origin. */
async function fetchFrom(deadOrigin: string): Promise<unknown> {
  const previous = origin;
  origin = deadOrigin;
  try {
    return await request('GET', '/ok');
  } finally {
    origin = previous;
  }
}

describe('query', () => {
  it('leaves out undefined and empty values and encodes the rest', () => {
    expect(query({ state: 'raised', limit: 1000, site: undefined, q: '', open: false, name: '王 五' })).toBe(
      'state=raised&limit=1000&open=false&name=%E7%8E%8B+%E4%BA%94',
    );
  });
});
