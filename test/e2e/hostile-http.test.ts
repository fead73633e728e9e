// Hostile input over HTTP: every route of the gateway API and of the kiosk API — enumerated from
// the fastify apps themselves through an onRoute hook, so a new route is probed without anyone
// editing this file — is tried without a session, with a role below the one it needs, with
// malformed, schema-breaking, random and oversize bodies, hostile path parameters and query
// strings. Each must be refused with a 4xx in the documented shape {error: {code, message}};
// no 5xx, nothing crashes, the service still answers afterwards.
//
// A route this file has no access class for fails the first test: say who may call it below.
// Random bodies are deterministic: seed HOSTILE_SEED (printed by fast-check on failure).
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

interface SeenRoute {
  app: unknown;
  method: string;
  url: string;
  /** The route's body schema is an object (JSON); a CSV route's is a string. */
  hasBody: boolean;
}
const seen = vi.hoisted(() => [] as SeenRoute[]);
vi.mock('fastify', async (importOriginal) => {
  const mod = await importOriginal<typeof import('fastify')>();
  const factory = mod.default as unknown as (opts?: unknown) => FastifyInstance;
  const withRouteLog = (opts?: unknown) => {
    const app = factory(opts);
    app.addHook('onRoute', (r) => {
      for (const method of [r.method].flat()) {
        seen.push({
          app,
          method: String(method),
          url: r.url,
          hasBody: (r.schema?.body as { type?: unknown } | undefined)?.type === 'object',
        });
      }
    });
    return app;
  };
  return { ...mod, default: Object.assign(withRouteLog, mod.default) };
});

import { HardwareError } from '@linli/kiosk/hardware/errors.ts';
import type { Hardware, PrintJobInfo } from '@linli/kiosk/hardware/types.ts';
import { makeApi, type TestApi, type User } from '../../gateway/test/api/helpers.ts';
import { addStaff, login, type TestApp, testApp } from '../../kiosk/test/api/helpers.ts';

const SEED = Number(process.env.HOSTILE_SEED ?? 20261201);
const RANDOM_BODIES_PER_ROUTE = 12;
const STRANGER = '203.0.113.7';
const KIOSK_ADDRESS = '127.0.0.1';

/** Who may call a route. 'kiosk': the kiosk's own addresses or staff. */
type Access = 'public' | 'kiosk' | 'window' | 'operator' | 'supervisor' | 'admin';
type Policy = [RegExp, Access][];

const GATEWAY_POLICY: Policy = [
  [/^(GET|HEAD) \/(healthz|metrics)$/, 'public'],
  [/^(GET|HEAD) \/(assets\/\*)?$/, 'public'], // the alarm console's page and files (it signs in itself)
  [/^(GET|HEAD) \/api\/reports\//, 'operator'],
  [/^POST \/api\/(login|logout)$/, 'public'],
  [/^\w+ \/api\/me(\/password)?$/, 'window'],
  [/^\w+ \/api\/alerts/, 'operator'],
  [/^(GET|HEAD) \/api\/(devices|residents|events|stream)/, 'operator'],
  [/^(GET|HEAD) \/api\/audit$/, 'supervisor'],
  [/^(POST|PATCH|DELETE) \/api\/(devices|residents)/, 'admin'],
  [/^\w+ \/api\/staff/, 'admin'],
  // role center: the stations' webhook is signed (HMAC of the station's secret), not a session
  [/^POST \/api\/center\/v1\/ingest$/, 'public'],
  [/^(GET|HEAD) \/api\/center\/stations$/, 'operator'],
];
const GATEWAY_RANK: Access[] = ['window', 'operator', 'supervisor', 'admin'];

const KIOSK_POLICY: Policy = [
  [/^(GET|HEAD) \/api\/(health|services|queue|meta)$/, 'public'],
  [/^(GET|HEAD) \/(follow\/:token|assets\/\*)?$/, 'public'], // the screens' pages and files
  [/^(GET|HEAD) \/api\/speech$/, 'kiosk'], // synthesizes on this machine's CPU

  [/^POST \/api\/auth\/(login|logout)$/, 'public'],
  [/^\w+ \/api\/follow\/:token/, 'public'], // the token is the credential
  [/^(GET|HEAD) \/api\/hardware\/(health|print-jobs)$/, 'public'], // resident UI shows 'out of paper'
  [/^\w+ \/api\/kiosk\/(card|scanned-ticket)/, 'kiosk'],
  [/^POST \/api\/tickets$/, 'kiosk'],
  [/^POST \/api\/appointments\/check-in$/, 'kiosk'],
  [/^(GET|HEAD) \/api\/stream$/, 'kiosk'], // card reads: the kiosk's own screen and staff (issue #10 defect 12)
  [/^(GET|HEAD) \/api\/stream\/public$/, 'public'], // ticket moves and queue figures only
  [/^\w+ \/api\/admin\//, 'admin'],
  [/^\w+ \/api\/(auth\/me|windows|tickets|staff\/tickets|appointments|hardware)/, 'window'],
];
const KIOSK_RANK: Access[] = ['window', 'admin'];

function accessOf(policy: Policy, r: SeenRoute): Access | undefined {
  return policy.find(([re]) => re.test(`${r.method} ${r.url}`))?.[1];
}

const HOSTILE_PARAMS = ['999999', 'x%00y', '..%2F..%2Fetc%2Fpasswd', `'%20OR%201=1--`, '%E4%B8%AD', '-1'];
/** Longer than the router's parameter limit (fastify maxParamLength, 100). */
const LONG_PARAM = 'a'.repeat(300);
const HOSTILE_QUERY =
  '?limit=-1&offset=1e309&before=abc&state=%00&site[]=x&day=2026-02-30&q=%27%22%3C&types=__proto__&lastEventId=-5';
const OVERSIZE = JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) });
const MALFORMED = ['{"a":', '{]', '\u0000', '{"a":"\\ud800"', 'null null', `${'['.repeat(5000)}`];
const SCHEMA_BREAKING = [
  '[]',
  '"text"',
  '42',
  '{"zz":1}',
  '{"__proto__":{"admin":true}}',
  '{"constructor":{"prototype":{"x":1}}}',
];
const KEYS = [
  'username',
  'password',
  'role',
  'id',
  'site',
  'kind',
  'serviceId',
  'identity',
  'outcome',
  'note',
  'rating',
  'reason',
  'comment',
  'priorityClass',
  'day',
  'time',
  'name',
  'idNumber',
  'code',
  'ticketId',
  'secret',
  'disabled',
  'serviceIds',
  'residentId',
  '__proto__',
];
const VALUES = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ minLength: 2000, maxLength: 5000 }),
  fc.constantFrom(
    'admin',
    'general',
    'card',
    '11010519491231002X',
    '2026-02-30',
    '\u0000',
    '\ud800',
    '<script>',
  ),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }),
);
const randomBodies = (routeIndex: number): string[] =>
  fc
    .sample(fc.dictionary(fc.constantFrom(...KEYS), VALUES, { maxKeys: 6 }), {
      seed: SEED + routeIndex,
      numRuns: RANDOM_BODIES_PER_ROUTE,
    })
    .map((o) => JSON.stringify(o));

interface Answer {
  status: number;
  body: string;
  streaming: boolean;
}

/** inject() that also copes with an event stream: reads at most 64 KiB for at most 0.5 s. */
async function send(app: FastifyInstance, opts: InjectOptions): Promise<Answer> {
  const ac = new AbortController();
  const res = await app.inject({ ...opts, payloadAsStream: true, signal: ac.signal });
  const stream = res.stream();
  let body = '';
  const ended = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 500);
    stream.on('data', (c: Buffer) => {
      if (body.length < 65_536) body += c.toString();
    });
    stream.on('end', () => {
      clearTimeout(timer);
      resolve(true);
    });
    stream.on('error', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  if (!ended) ac.abort();
  return { status: res.statusCode, body, streaming: !ended };
}

interface Ledger {
  requests: number;
  refused: number;
}
const ledger: Record<string, Ledger> = {};

/** A refusal: 4xx, not a stream, in the documented error shape (HEAD has no body). */
function expectRefused(a: Answer, what: string, statuses?: number[], flatShapeOk = false): void {
  expect(a.streaming, `${what}: answered with an open stream`).toBe(false);
  if (statuses) expect(statuses, `${what}: status ${a.status} ${a.body.slice(0, 200)}`).toContain(a.status);
  expect(a.status, `${what}: ${a.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
  expect(a.status, `${what}: ${a.body.slice(0, 200)}`).toBeLessThan(500);
  if (what.startsWith('HEAD ')) return;
  let parsed: { error?: { code?: unknown; message?: unknown } };
  try {
    parsed = JSON.parse(a.body);
  } catch {
    throw new Error(`${what}: error body is not JSON: ${a.body.slice(0, 200)}`);
  }
  if (flatShapeOk && typeof parsed.error === 'string') return; // a known defect, shown by its own test
  expect(typeof parsed.error?.code, `${what}: error shape ${a.body.slice(0, 200)}`).toBe('string');
  expect(typeof parsed.error?.message, `${what}: error shape ${a.body.slice(0, 200)}`).toBe('string');
}

/** Any answer but a 5xx; an error answer (4xx) has the documented shape. */
function expectNoServerError(a: Answer, what: string, flatShapeOk = false): void {
  expect(a.status, `${what}: ${a.body.slice(0, 300)}`).toBeLessThan(500);
  if (a.status >= 400) expectRefused(a, what, undefined, flatShapeOk);
}

function fill(url: string, param: string): string {
  return url.replace(/:[A-Za-z]+/g, param);
}

interface Target {
  name: string;
  app: () => FastifyInstance;
  policy: Policy;
  rank: Access[];
  routes: () => SeenRoute[];
  /** Cookie of an account with exactly this role. */
  cookie: (role: Access) => string;
  /** Remote address of a caller from outside the station. */
  stranger: string;
  /** Remote address for calls with a session. */
  home: string;
  health: string;
  /** Routes whose credential is a signature over the body (the center's webhook): a malformed
   *  body is refused 401 there, since the signature is checked before the body is read. */
  signed?: RegExp;
  /** Known defects: the test that shows each runs as it.fails with this reason until it is fixed. */
  known?: {
    authAfterBody?: string;
    longParamShape?: string;
    /** Routes ('METHOD url') still open to a caller without a session, and why that is a defect. */
    openRoutes?: { routes: string[]; reason: string };
    /** Routes (matched on 'METHOD url') that answer errors as {error: 'CODE', message}. */
    flatShape?: { routes: RegExp; reason: string };
  };
}

function count(name: string, a: Answer): void {
  const l = ledger[name] ?? { requests: 0, refused: 0 };
  ledger[name] = l;
  l.requests++;
  if (a.status >= 400) l.refused++;
}

function suite(t: Target): void {
  const flat = t.known?.flatShape;
  const flatOk = (what: string) => Boolean(flat?.routes.test(what));
  const refused = (a: Answer, what: string, statuses?: number[]) =>
    expectRefused(a, what, statuses, flatOk(what));
  const noServerError = (a: Answer, what: string) => expectNoServerError(a, what, flatOk(what));
  const validatedFirst: string[] = [];
  const probe = async (r: SeenRoute, url: string, opts: Partial<InjectOptions>): Promise<Answer> => {
    const a = await send(t.app(), {
      method: r.method as InjectOptions['method'],
      url,
      remoteAddress: t.home,
      ...opts,
    } as InjectOptions);
    count(t.name, a);
    return a;
  };
  const needed = (r: SeenRoute) => accessOf(t.policy, r)!;
  const sufficient = (r: SeenRoute): Access => {
    const need = needed(r);
    return need === 'public' || need === 'kiosk' ? t.rank[0]! : need;
  };
  const json = { 'content-type': 'application/json' };
  const writes = (r: SeenRoute) => ['POST', 'PATCH', 'PUT', 'DELETE'].includes(r.method);

  it('knows who may call every route the app registered', () => {
    const routes = t.routes();
    expect(routes.length).toBeGreaterThan(10);
    const unknown = routes.filter((r) => !accessOf(t.policy, r)).map((r) => `${r.method} ${r.url}`);
    expect(unknown, 'routes with no access class in hostile-http.test.ts').toEqual([]);
  });

  const knownOpen = new Set(t.known?.openRoutes?.routes ?? []);
  const isKnownOpen = (r: SeenRoute) => knownOpen.has(`${r.method} ${r.url}`);
  // Routes that end the session are probed last, so the session-bearing probes keep their cookie.
  const ordered = () =>
    [...t.routes()].sort((a, b) => Number(/logout$/.test(a.url)) - Number(/logout$/.test(b.url)));

  it('every route that needs a session refuses a caller without one (4xx, documented shape)', async () => {
    for (const r of t.routes()) {
      if (needed(r) === 'public' || isKnownOpen(r)) continue;
      const url = fill(r.url, '1');
      const what = `${r.method} ${url} without a session`;
      const a = await probe(r, url, { remoteAddress: t.stranger });
      refused(a, what);
      if (a.status === 400) validatedFirst.push(what);
      else refused(a, what, [401, 403]);
      if (writes(r)) {
        const b = await probe(r, url, { remoteAddress: t.stranger, headers: json, payload: '{"a":1}' });
        refused(b, `${what} (with a body)`, [400, 401, 403]);
        if (b.status === 400) validatedFirst.push(`${what} (with a body)`);
      }
      // a forged or stale cookie is no session either
      const c = await probe(r, url, {
        remoteAddress: t.stranger,
        headers: { cookie: 'linli_session=forged; sid=forged; session=forged' },
      });
      refused(c, `${what} (forged cookie)`);
      if (c.status === 400) validatedFirst.push(`${what} (forged cookie)`);
      else refused(c, `${what} (forged cookie)`, [401, 403]);
    }
  });

  if (t.known?.openRoutes) {
    const { routes, reason } = t.known.openRoutes;
    it.fails(`refuses a caller without a session on ${routes.join(', ')} (known defect: ${reason})`, async () => {
      for (const r of t.routes().filter(isKnownOpen)) {
        const url = fill(r.url, '1');
        refused(
          await probe(r, url, { remoteAddress: t.stranger }),
          `${r.method} ${url} without a session`,
          [401, 403],
        );
      }
    });
  }

  if (flat) {
    it.fails(`answers errors as {error: {code, message}} on every route (known defect: ${flat.reason})`, async () => {
      const routes = t
        .routes()
        .filter((r) => flat.routes.test(`${r.method} ${r.url}`) && r.method !== 'HEAD');
      expect(routes.length).toBeGreaterThan(0);
      for (const r of routes) {
        const url = fill(r.url, '999999');
        const a = await probe(r, url, {
          headers: { ...json, cookie: t.cookie(t.rank.at(-1)!) },
          payload: '{}',
        });
        if (a.status >= 400) expectRefused(a, `${r.method} ${url}`);
      }
    });
  }

  it('every route refuses a role below the one it needs with 403', async () => {
    let tried = 0;
    for (const r of t.routes()) {
      const need = needed(r);
      const at = t.rank.indexOf(need);
      for (const lower of at > 0 ? t.rank.slice(0, at) : []) {
        const url = fill(r.url, '1');
        const a = await probe(r, url, { headers: { cookie: t.cookie(lower) } });
        const what = `${r.method} ${url} as ${lower}`;
        refused(a, what);
        if (a.status === 400) validatedFirst.push(what);
        else refused(a, what, [403]);
        tried++;
      }
    }
    expect(tried).toBeGreaterThan(5);
  });

  it('malformed, schema-breaking, random and oversize bodies are refused, never a 5xx', async () => {
    let i = 0;
    for (const r of ordered()) {
      if (!writes(r)) continue;
      const url = fill(r.url, '999999');
      const headers = { ...json, cookie: t.cookie(t.rank.at(-1)!) };
      for (const payload of MALFORMED) {
        const a = await probe(r, url, { headers, payload });
        const signed = t.signed?.test(`${r.method} ${r.url}`);
        refused(a, `${r.method} ${url} body ${JSON.stringify(payload.slice(0, 20))}`, [
          400,
          404,
          413,
          ...(signed ? [401] : []),
        ]);
      }
      const big = await probe(r, url, { headers, payload: OVERSIZE });
      // 413, or 400 where a route has a larger limit of its own (CSV import) and refuses the JSON
      refused(big, `${r.method} ${url} oversize body`, [400, 413]);
      const xml = await probe(r, url, {
        headers: { ...headers, 'content-type': 'application/xml' },
        payload: '<a/>',
      });
      noServerError(xml, `${r.method} ${url} xml body`);
      for (const payload of [...SCHEMA_BREAKING, ...randomBodies(i++)]) {
        const a = await probe(r, url, { headers, payload });
        const what = `${r.method} ${url} body ${payload.slice(0, 120)}`;
        if (r.hasBody && SCHEMA_BREAKING.includes(payload)) refused(a, what);
        else noServerError(a, what);
      }
    }
  });

  // A 400 VALIDATION to a caller with no session or too low a role tells strangers the schema and
  // hides whether the role check exists at all: who the caller is must be checked first.
  const authFirst = t.known?.authAfterBody ? it.fails : it;
  authFirst(
    `checks the session and the role before the body${t.known?.authAfterBody ? ` (known defect: ${t.known.authAfterBody})` : ''}`,
    () => {
      expect(validatedFirst.length, 'the no-session and wrong-role tests ran first').toBeGreaterThanOrEqual(
        0,
      );
      expect(validatedFirst).toEqual([]);
    },
  );

  const longParam = t.known?.longParamShape ? it.fails : it;
  longParam(
    `a path parameter over the router's length limit is refused in the documented shape${t.known?.longParamShape ? ` (known defect: ${t.known.longParamShape})` : ''}`,
    async () => {
      for (const r of t.routes()) {
        if (!r.url.includes(':')) continue;
        const url = fill(r.url, LONG_PARAM);
        const a = await probe(r, url, { headers: { cookie: t.cookie(sufficient(r)) } });
        refused(a, `${r.method} ${url.slice(0, 60)}…`);
      }
    },
  );

  it('hostile path parameters and query strings get a 4xx or an answer, never a 5xx', async () => {
    for (const r of ordered()) {
      const headers = { cookie: t.cookie(sufficient(r)) };
      const params = r.url.includes(':') ? HOSTILE_PARAMS : ['-'];
      for (const p of params) {
        const url = fill(r.url, p);
        const a = await probe(r, url, { headers, ...(writes(r) ? { payload: {} } : {}) });
        noServerError(a, `${r.method} ${url}`);
      }
      if (r.method === 'GET') {
        const url = `${fill(r.url, '1')}${HOSTILE_QUERY}`;
        noServerError(await probe(r, url, { headers }), `GET ${url}`);
      }
    }
  });

  it('still answers its health check after all of it', async () => {
    const a = await send(t.app(), { method: 'GET', url: t.health, remoteAddress: t.home });
    expect(a.status).toBe(200);
  });
}

/** Just enough hardware for the kiosk to register its hardware routes. */
function fakeHardware(): Hardware {
  const jobs: PrintJobInfo[] = [];
  return {
    print: (job) => {
      const info = {
        jobId: `j${jobs.length + 1}`,
        ticketId: job.ticketId,
        state: 'queued',
        createdAt: 1,
      } as PrintJobInfo;
      jobs.push(info);
      return info;
    },
    printJobs: () => jobs,
    retryPrintJob: (id) => {
      throw new HardwareError('PRINT_JOB_NOT_FOUND', `no print job ${id}`);
    },
    health: () => [],
    stop: async () => {},
  };
}

describe('hostile HTTP: gateway API', () => {
  let api: TestApi;
  const cookies = new Map<Access, string>();
  beforeAll(async () => {
    api = await makeApi({ withCenter: true });
    const roles: [Access, User][] = [
      ['window', 'win'],
      ['operator', 'op'],
      ['supervisor', 'sup'],
      ['admin', 'admin'],
    ];
    for (const [role, user] of roles) cookies.set(role, await api.login(user));
  });
  afterAll(async () => {
    // nothing the probes sent made the API log a server failure
    expect(api.logged).toEqual([]);
    await api.close();
  });
  suite({
    name: 'gateway',
    app: () => api.app,
    policy: GATEWAY_POLICY,
    rank: GATEWAY_RANK,
    signed: /^POST \/api\/center\/v1\/ingest$/,
    routes: () => seen.filter((s) => s.app === api.app),
    cookie: (role) => cookies.get(role)!,
    stranger: STRANGER,
    home: KIOSK_ADDRESS,
    health: '/healthz',
  });
});

describe('hostile HTTP: kiosk API', () => {
  let k: TestApp;
  const cookies = new Map<Access, string>();
  beforeAll(async () => {
    // the hardware routes are registered only when the kiosk has hardware
    k = await testApp({}, undefined, { hardware: fakeHardware() });
    const admin = await login(k.app);
    cookies.set('admin', admin);
    cookies.set('window', (await addStaff(k.app, admin, 'hostile-win', 'window')).cookie);
  });
  afterAll(() => k.close());
  suite({
    name: 'kiosk',
    app: () => k.app,
    policy: KIOSK_POLICY,
    rank: KIOSK_RANK,
    routes: () => seen.filter((s) => s.app === k.app),
    cookie: (role) => cookies.get(role)!,
    stranger: STRANGER,
    home: KIOSK_ADDRESS,
    health: '/api/health',
  });
});

afterAll(() => {
  // the ledger for docs/reliability.md
  console.log(`hostile HTTP ledger (seed ${SEED}): ${JSON.stringify(ledger)}`);
});
