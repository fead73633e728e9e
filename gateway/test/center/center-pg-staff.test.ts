// Staff accounts and login sessions of a center on PostgreSQL (issue #17): two real center
// instances on one real PostgreSQL, as behind a load balancer. An account made on one exists on
// the other, a session cookie from one works on the other, and a logout, a disabled account or a
// new password on one ends the session on the other. The first admin is made once when both
// start together, and only the instance that made it prints its generated password.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgStaffStore } from '../../src/center/pg/staff.ts';
import { run } from '../../src/cli/main.ts';
import { migrate, openDb } from '../../src/db/index.ts';
import { migratePg, openPg } from '../../src/db/pg.ts';
import { type RunningGateway, silentLogger, startGateway } from '../../src/index.ts';
import { TEST_STAFF_COST } from '../api/helpers.ts';
import { type RunningPostgres, startPostgres } from '../helpers/postgres.ts';
import { until } from '../helpers/until.ts';
import type { Json } from './station-sim.ts';

interface Instance {
  gw: RunningGateway;
  dir: string;
  base: string;
  printed: string[];
}

async function startCenter(databaseUrl: string): Promise<Instance> {
  const dir = mkdtempSync(join(tmpdir(), 'linli-center-pg-staff-'));
  const printed: string[] = [];
  // the API reads its own `api` section of the config: a live stream checks its session at
  // each keep-alive
  const config = {
    site: 'center',
    role: 'center' as const,
    dataDir: dir,
    hmacKey: 'center-pg-staff-hmac-key-0123456789',
    mqtt: { port: 0, wsPort: -1, host: '127.0.0.1' },
    http: { port: 0, host: '127.0.0.1' },
    center: { databaseUrl },
    api: { sseKeepAliveS: 0.2 },
  };
  const gw = await startGateway({
    config,
    // no LINLI_GW_ADMIN_PASSWORD: the first admin gets a generated password, printed once
    env: {},
    log: silentLogger,
    print: (line) => printed.push(line),
  });
  return { gw, dir, base: `http://127.0.0.1:${gw.ports.http}`, printed };
}

async function call(
  i: Instance,
  method: string,
  path: string,
  o: { cookie?: string; body?: unknown } = {},
): Promise<{ status: number; body: Json; cookie?: string }> {
  const r = await fetch(`${i.base}${path}`, {
    method,
    headers: {
      ...(o.cookie ? { cookie: o.cookie } : {}),
      ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
  });
  const text = await r.text();
  const set = r.headers.get('set-cookie');
  return {
    status: r.status,
    body: (text ? JSON.parse(text) : {}) as Json,
    ...(set ? { cookie: set.split(';')[0]! } : {}),
  };
}

async function login(i: Instance, username: string, password: string): Promise<string> {
  const r = await call(i, 'POST', '/api/login', { body: { username, password } });
  expect(r.status, `login of ${username} on ${i.base}`).toBe(200);
  return r.cookie!;
}

// scrypt at STAFF_COST for every login: a minute per test on a loaded machine
describe('center on PostgreSQL: staff accounts and sessions shared by the instances', {
  timeout: 60_000,
}, () => {
  let server: RunningPostgres;
  let a: Instance;
  let b: Instance;
  let sql: pg.Client;
  let adminPassword: string;
  let adminA: string;
  let url: string;

  beforeAll(async () => {
    server = await startPostgres();
    url = await server.newDatabase();
    // started together on an empty database: both try to make the first admin
    [a, b] = await Promise.all([startCenter(url), startCenter(url)]);
    sql = new pg.Client({ connectionString: url });
    await sql.connect();
  });

  afterAll(async () => {
    await sql?.end().catch(() => {});
    for (const i of [a, b]) {
      await i?.gw.stop();
      if (i) rmSync(i.dir, { recursive: true, force: true });
    }
    await server?.stop();
  });

  it('two instances starting at once make one admin; only the one that made it prints the password', async () => {
    const rows = await sql.query('SELECT username, role FROM staff');
    expect(rows.rows).toEqual([{ username: 'admin', role: 'admin' }]);
    const messages = [...a.printed, ...b.printed].filter((l) => l.includes('created staff account'));
    expect(messages).toHaveLength(1);
    adminPassword = /with password: (\S+)/.exec(messages[0]!)![1]!;
    // the printed password works on both instances
    adminA = await login(a, 'admin', adminPassword);
    await login(b, 'admin', adminPassword);
    // nothing in the instances' own SQLite files
    for (const i of [a, b]) {
      expect(i.gw.engine.db.prepare('SELECT count(*) AS n FROM staff').get()).toEqual({ n: 0 });
      expect(i.gw.engine.db.prepare('SELECT count(*) AS n FROM staff_sessions').get()).toEqual({ n: 0 });
    }
  });

  it('many instances bootstrapping one new database at once: exactly one first account', async () => {
    const url = await server.newDatabase();
    const pools = await Promise.all([1, 2, 3, 4].map(() => openPg(url, { max: 2 })));
    const audit = openDb(':memory:');
    migrate(audit);
    try {
      await Promise.all(pools.map((p) => migratePg(p)));
      const made = await Promise.all(
        pools.map((p, n) =>
          new PgStaffStore(p, audit, TEST_STAFF_COST).createFirst({
            username: `first${n}`,
            password: 'first-admin-pass-01',
            role: 'admin',
          }),
        ),
      );
      expect(made.filter(Boolean)).toHaveLength(1);
      const rows = await pools[0]!.query('SELECT count(*) AS n FROM staff');
      expect(rows.rows[0].n).toBe(1);
      expect(
        audit.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'staff.create'").get(),
      ).toEqual({
        n: 1,
      });
    } finally {
      audit.close();
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('the first account is made once even when the two bootstraps overlap in the database', async () => {
    // the test holds an uncommitted row so that the first bootstrap stalls inside its
    // transaction while the second one runs: without the lock both would see no account
    const url = await server.newDatabase();
    const pools = await Promise.all([1, 2].map(() => openPg(url, { max: 2 })));
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    const audit = openDb(':memory:');
    migrate(audit);
    try {
      await migratePg(pools[0]!);
      await holder.query('BEGIN');
      await holder.query(
        "INSERT INTO staff (username, role, password_hash, created_at, password_changed_at) VALUES ('first0', 'admin', 'x', 0, 0)",
      );
      const first = (n: number) =>
        new PgStaffStore(pools[n]!, audit, TEST_STAFF_COST).createFirst({
          username: `first${n}`,
          password: 'first-admin-pass-01',
          role: 'admin',
        });
      const p0 = first(0);
      await until(async () => {
        const r = await pools[1]!.query(
          "SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()",
        );
        return Number(r.rows[0].n) >= 1;
      }, 'the first bootstrap waiting on the held row');
      let settled = false;
      const p1 = first(1).finally(() => {
        settled = true;
      });
      await until(async () => {
        const r = await pools[1]!.query(
          "SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()",
        );
        return settled || Number(r.rows[0].n) >= 2;
      }, 'the second bootstrap waiting or done');
      await holder.query('ROLLBACK');
      const made = await Promise.all([p0, p1]);
      expect(made.filter(Boolean).map((s) => s!.username)).toEqual(['first0']);
      const rows = await pools[0]!.query('SELECT username FROM staff');
      expect(rows.rows).toEqual([{ username: 'first0' }]);
    } finally {
      await holder.end().catch(() => {});
      audit.close();
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('an admin created through A logs in on B; B lists it', async () => {
    const made = await call(a, 'POST', '/api/staff', {
      cookie: adminA,
      body: { username: 'wang.admin', password: 'wang-admin-pass-01', role: 'admin', displayName: '王' },
    });
    expect(made.status).toBe(201);
    const cookieB = await login(b, 'wang.admin', 'wang-admin-pass-01');
    const me = await call(b, 'GET', '/api/me', { cookie: cookieB });
    expect(me.body.user).toEqual({ username: 'wang.admin', role: 'admin', displayName: '王' });
    const list = await call(b, 'GET', '/api/staff', { cookie: cookieB });
    expect(list.body.staff.map((s: Json) => s.username)).toEqual(['admin', 'wang.admin']);
    // the same name again, on the other instance: refused
    const again = await call(b, 'POST', '/api/staff', {
      cookie: cookieB,
      body: { username: 'wang.admin', password: 'another-pass-0001', role: 'window' },
    });
    expect(again.status).toBe(409);
  });

  it('a session cookie from A works on B; only the token hash is stored', async () => {
    const me = await call(b, 'GET', '/api/me', { cookie: adminA });
    expect(me.status).toBe(200);
    expect(me.body.user.username).toBe('admin');
    const token = adminA.split('=')[1]!;
    const stored = await sql.query<{ token_hash: string }>('SELECT token_hash FROM staff_sessions');
    const hashes = stored.rows.map((r) => r.token_hash);
    expect(hashes).toContain(createHash('sha256').update(token).digest('hex'));
    expect(hashes).not.toContain(token);
  });

  it('logout on A ends the session on B', async () => {
    const cookie = await login(a, 'wang.admin', 'wang-admin-pass-01');
    expect((await call(b, 'GET', '/api/me', { cookie })).status).toBe(200);
    expect((await call(a, 'POST', '/api/logout', { cookie })).status).toBe(204);
    expect((await call(b, 'GET', '/api/me', { cookie })).status).toBe(401);
    expect((await call(a, 'GET', '/api/me', { cookie })).status).toBe(401);
  });

  it('a live stream on B ends with session.expired when the session is logged out on A', async () => {
    const cookie = await login(b, 'admin', adminPassword);
    const res = await fetch(`${b.base}/api/stream`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (what: string) => {
      const deadline = Date.now() + 20_000;
      while (!text.includes(what)) {
        if (Date.now() > deadline) throw new Error(`no ${what} in the stream: ${text}`);
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended before ${what}: ${text}`);
        text += decoder.decode(value, { stream: true });
      }
    };
    try {
      await readUntil('event: hello');
      expect((await call(a, 'POST', '/api/logout', { cookie })).status).toBe(204);
      await readUntil('event: session.expired');
      // ... and the stream is closed after it
      for (;;) if ((await reader.read()).done) break;
    } finally {
      await reader.cancel().catch(() => {});
    }
  });

  it('an account disabled on A cannot use its session on B, nor log in there', async () => {
    await call(a, 'POST', '/api/staff', {
      cookie: adminA,
      body: { username: 'li.op', password: 'li-operator-pass-1', role: 'operator' },
    });
    const cookieB = await login(b, 'li.op', 'li-operator-pass-1');
    expect((await call(b, 'GET', '/api/alerts', { cookie: cookieB })).status).toBe(200);
    const off = await call(a, 'PATCH', '/api/staff/li.op', { cookie: adminA, body: { disabled: true } });
    expect(off.status).toBe(200);
    expect(off.body.staff.disabled).toBe(true);
    expect((await call(b, 'GET', '/api/alerts', { cookie: cookieB })).status).toBe(401);
    const again = await call(b, 'POST', '/api/login', {
      body: { username: 'li.op', password: 'li-operator-pass-1' },
    });
    expect(again.status).toBe(401);
    // enabled again (on B): logs in on A; a role change on B ends that session on A
    await call(b, 'PATCH', '/api/staff/li.op', { cookie: adminA, body: { disabled: false } });
    const cookieA = await login(a, 'li.op', 'li-operator-pass-1');
    await call(b, 'PATCH', '/api/staff/li.op', { cookie: adminA, body: { role: 'window' } });
    expect((await call(a, 'GET', '/api/me', { cookie: cookieA })).status).toBe(401);
  });

  it('a password changed on B ends the sessions on A; the new password works on A', async () => {
    const cookieA = await login(a, 'wang.admin', 'wang-admin-pass-01');
    const cookieB = await login(b, 'wang.admin', 'wang-admin-pass-01');
    const changed = await call(b, 'POST', '/api/me/password', {
      cookie: cookieB,
      body: { currentPassword: 'wang-admin-pass-01', newPassword: 'wang-admin-pass-02' },
    });
    expect(changed.status).toBe(204);
    expect((await call(a, 'GET', '/api/me', { cookie: cookieA })).status).toBe(401);
    expect(
      (
        await call(a, 'POST', '/api/login', {
          body: { username: 'wang.admin', password: 'wang-admin-pass-01' },
        })
      ).status,
    ).toBe(401);
    await login(a, 'wang.admin', 'wang-admin-pass-02');
  });

  it('`gateway staff add` at a center on PostgreSQL makes an account every instance knows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'linli-center-pg-staff-cli-'));
    try {
      const out: string[] = [];
      const code = await run(['staff', 'add', '--username', 'cli.op', '--role', 'operator'], {
        out: (l) => out.push(l),
        err: (l) => out.push(l),
        env: {
          LINLI_GW_ROLE: 'center',
          LINLI_GW_DATA_DIR: dir,
          LINLI_GW_HMAC_KEY: 'center-pg-staff-cli-key-0123456789',
          LINLI_GW_CENTER_DATABASE_URL: url,
        },
      });
      expect(code, out.join('\n')).toBe(0);
      const password = /password: (\S+)/.exec(out.join('\n'))![1]!;
      const cookie = await login(b, 'cli.op', password);
      expect((await call(a, 'GET', '/api/me', { cookie })).body.user.role).toBe('operator');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("staff changes on either instance are in the center's one audit log", async () => {
    const entries = await until(async () => {
      const r = await call(b, 'GET', '/api/audit?action=staff.update&limit=100', { cookie: adminA });
      const e = (r.body.entries ?? []) as Json[];
      return e.length >= 3 ? e : undefined;
    }, 'the staff.update audit lines of both instances');
    expect(entries.every((e) => e.target === 'staff:li.op' && e.actor === 'admin')).toBe(true);
  });
});
