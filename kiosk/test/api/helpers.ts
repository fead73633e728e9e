// API test helpers: the app built on a real SQLite file in a temp dir, with a manual clock.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type BuildOptions, buildApp } from '../../src/app.ts';
import { type ConfigOverrides, loadConfig } from '../../src/config.ts';
import { KioskBus } from '../../src/events.ts';
import { ManualClock } from '../../src/queue/time.ts';

export const MONDAY_10 = Date.parse('2026-11-23T02:00:00Z');
export const ADMIN_PASSWORD = 'admin-pass-1';

export interface TestApp {
  app: FastifyInstance;
  bus: KioskBus;
  clock: ManualClock;
  dir: string;
  close(): Promise<void>;
}

/** Staff hashes in the API tests: real scrypt at a cost a loaded CI machine can afford many
 *  times a file (the service always uses STAFF_COST, N=2^17). */
export const TEST_STAFF_COST = { N: 1024, r: 8, p: 1 };

export async function testApp(
  overrides: ConfigOverrides = {},
  dir = mkdtempSync(join(tmpdir(), 'linli-api-')),
  build: Partial<Omit<BuildOptions, 'config' | 'bus' | 'clock'>> = {},
) {
  const config = loadConfig({ dataDir: dir, adminPassword: ADMIN_PASSWORD, ...overrides }, {});
  const bus = new KioskBus();
  const clock = new ManualClock(MONDAY_10);
  const app = await buildApp({ ...build, config, bus, clock, staffCost: TEST_STAFF_COST });
  return {
    app,
    bus,
    clock,
    dir,
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  } satisfies TestApp;
}

/** Logs in and returns the Cookie header value. */
export async function login(
  app: FastifyInstance,
  username = 'admin',
  password = ADMIN_PASSWORD,
): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  const set = String(res.headers['set-cookie']);
  return set.split(';')[0] as string;
}

export async function addStaff(
  app: FastifyInstance,
  cookie: string,
  username: string,
  role: 'window' | 'admin',
) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/admin/staff',
    headers: { cookie },
    payload: { username, displayName: username, role, password: `${username}-pass-1` },
  });
  if (res.statusCode !== 201) throw new Error(`add staff failed: ${res.body}`);
  return { id: res.json().staff.id as number, cookie: await login(app, username, `${username}-pass-1`) };
}
