// Call-next hammered by many concurrent HTTP clients against two server processes sharing one
// SQLite file (WAL, busy timeout): no ticket is ever handed out twice, none is lost, numbering is
// unique across processes; a process killed with SIGKILL loses nothing and keeps numbering.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from '../../kiosk/test/queue/fixtures/spawn.ts';

const PASSWORD = 'hammer-pass-1';
let dir: string;
const servers: ServerProcess[] = [];

/** The parts of the API answers this test reads. */
interface ApiBody {
  ticket: { id: string; number: string; state: string };
  token: string;
  error: { code: string };
  tickets: unknown[];
  overall: { done: number };
  byWindow: { tickets: number }[];
}

async function api(base: string, method: string, path: string, cookie?: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(cookie ? { cookie } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as ApiBody };
}

async function login(base: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  expect(res.status).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'linli-hammer-'));
  const env = { LINLI_KIOSK_DATA_DIR: dir, LINLI_KIOSK_ADMIN_PASSWORD: PASSWORD };
  servers.push(await startServerProcess(env)); // the first creates the schema and the admin
  servers.push(await startServerProcess(env));
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
});

describe('kiosk queue under concurrent call-next (two processes, one SQLite file)', () => {
  it('never hands out a ticket twice and loses none', async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const cookieA = await login(a.base);
    const cookieB = await login(b.base);
    // Windows 1..4 all serve 'general'.
    for (const id of [1, 2, 3]) {
      const r = await api(a.base, 'PATCH', `/api/admin/windows/${id}`, cookieA, { serviceIds: ['general'] });
      expect(r.status).toBe(200);
    }
    // 300 tickets issued concurrently through both processes.
    const N = 300;
    const issued = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        api(i % 2 ? a.base : b.base, 'POST', '/api/tickets', undefined, {
          serviceId: 'general',
          identity: 'anonymous',
        }),
      ),
    );
    expect(issued.every((r) => r.status === 201)).toBe(true);
    const numbers = new Set(issued.map((r) => r.body.ticket.number));
    expect(numbers.size).toBe(N);

    // Two clients per window press call-next at once, on both processes.
    const called: string[] = [];
    const busy = { n: 0 };
    const client = async (base: string, cookie: string, windowId: number) => {
      for (;;) {
        const r = await api(base, 'POST', `/api/windows/${windowId}/call-next`, cookie);
        if (r.status === 200) {
          called.push(r.body.ticket.id);
          const f = await api(base, 'POST', `/api/tickets/${r.body.ticket.id}/finish`, cookie, {
            outcome: 'resolved',
          });
          expect(f.status).toBe(200);
          continue;
        }
        expect(r.status).toBe(409);
        if (r.body.error.code === 'QUEUE_EMPTY') return;
        expect(['WINDOW_BUSY', 'BAD_STATE']).toContain(r.body.error.code);
        busy.n++;
      }
    };
    await Promise.all([
      client(a.base, cookieA, 1),
      client(b.base, cookieB, 1),
      client(a.base, cookieA, 2),
      client(b.base, cookieB, 2),
      client(a.base, cookieA, 3),
      client(b.base, cookieB, 3),
      client(a.base, cookieA, 4),
      client(b.base, cookieB, 4),
    ]);
    expect(called).toHaveLength(N);
    expect(new Set(called).size).toBe(N);
    expect(new Set(called)).toEqual(new Set(issued.map((r) => r.body.ticket.id)));
    const done = await api(b.base, 'GET', '/api/tickets?state=done', cookieB);
    expect(done.body.tickets).toHaveLength(N);
    const stats = await api(a.base, 'GET', '/api/admin/stats', cookieA);
    expect(stats.body.overall.done).toBe(N);
    expect(
      stats.body.byWindow.map((w: { tickets: number }) => w.tickets).reduce((x: number, y: number) => x + y),
    ).toBe(N);
  });

  it('a process killed with SIGKILL loses no ticket and the numbering continues', async () => {
    const victim = servers.pop() as ServerProcess;
    const before = await api(victim.base, 'POST', '/api/tickets', undefined, {
      serviceId: 'elderly-care',
      identity: 'anonymous',
    });
    expect(before.status).toBe(201);
    await victim.stop('SIGKILL');
    const again = await startServerProcess({
      LINLI_KIOSK_DATA_DIR: dir,
      LINLI_KIOSK_ADMIN_PASSWORD: PASSWORD,
    });
    servers.push(again);
    const follow = await api(again.base, 'GET', `/api/follow/${before.body.token}`);
    expect(follow.body.ticket).toMatchObject({ number: before.body.ticket.number, state: 'waiting' });
    const next = await api(again.base, 'POST', '/api/tickets', undefined, {
      serviceId: 'elderly-care',
      identity: 'anonymous',
    });
    const n = (s: string) => Number(s.slice(1));
    expect(n(next.body.ticket.number)).toBe(n(before.body.ticket.number) + 1);
  });
});
