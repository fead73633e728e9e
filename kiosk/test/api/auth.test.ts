import { hashPassword } from '@linli/shared/service';
import { afterEach, describe, expect, it } from 'vitest';
import { addStaff, login, type TestApp, testApp } from './helpers.ts';

let t: TestApp;
afterEach(async () => t?.close());

describe('staff authentication', () => {
  it('login sets an HttpOnly SameSite=Strict session cookie; logout ends the session', async () => {
    t = await testApp();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: 'admin-pass-1' },
    });
    expect(res.statusCode).toBe(200);
    const set = String(res.headers['set-cookie']);
    expect(set).toMatch(
      /^linli_kiosk_session=[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Strict$/,
    );
    const cookie = set.split(';')[0] as string;
    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
    expect(me.json().staff.username).toBe('admin');
    await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } });
    const after = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('UNAUTHENTICATED');
  });

  it('refuses wrong passwords, then rate-limits even the right one, and audits both', async () => {
    t = await testApp({ loginMaxFailures: 3, loginWindowMin: 15 });
    for (let i = 0; i < 3; i++) {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'admin', password: 'nope' },
      });
      expect(r.statusCode).toBe(401);
    }
    const limited = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: 'admin-pass-1' },
    });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    t.clock.advance(16 * 60_000);
    const cookie = await login(t.app);
    const audit = await t.app.inject({ method: 'GET', url: '/api/admin/audit', headers: { cookie } });
    const actions = audit.json().entries.map((e: { action: string }) => e.action);
    expect(actions.filter((a: string) => a === 'login.failed')).toHaveLength(3);
    expect(actions).toContain('login.limited');
    expect(actions[0]).toBe('login');
  });

  it('failures of other staff on the station’s own machine never lock the admin out there', async () => {
    t = await testApp({ loginMaxFailures: 3, loginWindowMin: 15 });
    const attempt = (username: string, password: string, remoteAddress = '127.0.0.1') =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username, password },
        remoteAddress,
      });
    for (let i = 0; i < 30; i++) await attempt(`window${i % 10}`, 'nope');
    expect((await attempt('admin', 'admin-pass-1')).statusCode).toBe(200);
  });

  it('a stranger failing as admin from another address locks only that address', async () => {
    t = await testApp({ loginMaxFailures: 3, loginWindowMin: 15 });
    const attempt = (username: string, password: string, remoteAddress: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username, password },
        remoteAddress,
      });
    for (let i = 0; i < 10; i++) await attempt('admin', 'nope', '198.51.100.7');
    expect((await attempt('admin', 'admin-pass-1', '198.51.100.7')).statusCode).toBe(429);
    expect((await attempt('admin', 'admin-pass-1', '127.0.0.1')).statusCode).toBe(200);
  });

  it('rehashes an older, cheaper password hash at the next successful login', async () => {
    t = await testApp();
    const db = t.app.kiosk.db;
    const hashOf = () =>
      (
        db.prepare("SELECT password_hash FROM staff WHERE username = 'admin'").get() as {
          password_hash: string;
        }
      ).password_hash;
    db.prepare("UPDATE staff SET password_hash = ? WHERE username = 'admin'").run(
      await hashPassword('admin-pass-1', { N: 256, r: 8, p: 1 }),
    );
    expect(hashOf()).toMatch(/^scrypt\$256\$/);
    const cookie = await login(t.app);
    expect(cookie).toMatch(/^linli_kiosk_session=/);
    expect(hashOf()).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await login(t.app)).toMatch(/^linli_kiosk_session=/);
  });

  it('guards staff and admin routes by role; forged cookies open nothing', async () => {
    t = await testApp();
    expect((await t.app.inject({ method: 'POST', url: '/api/windows/4/call-next' })).statusCode).toBe(401);
    const forged = await t.app.inject({
      method: 'GET',
      url: '/api/windows',
      headers: { cookie: 'linli_kiosk_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    });
    expect(forged.statusCode).toBe(401);
    const adminCookie = await login(t.app);
    const li = await addStaff(t.app, adminCookie, 'li', 'window');
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/windows', headers: { cookie: li.cookie } })).statusCode,
    ).toBe(200);
    const denied = await t.app.inject({
      method: 'GET',
      url: '/api/admin/stats',
      headers: { cookie: li.cookie },
    });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('FORBIDDEN');
    // Disabling an account ends its sessions.
    await t.app.inject({
      method: 'PATCH',
      url: `/api/admin/staff/${li.id}`,
      headers: { cookie: adminCookie },
      payload: { active: false },
    });
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/windows', headers: { cookie: li.cookie } })).statusCode,
    ).toBe(401);
  });

  it('refuses weak passwords and duplicate user names; keeps at least one admin', async () => {
    t = await testApp();
    const cookie = await login(t.app);
    const weak = await t.app.inject({
      method: 'POST',
      url: '/api/admin/staff',
      headers: { cookie },
      payload: { username: 'wang', displayName: '王', role: 'window', password: '12345678' },
    });
    expect(weak.statusCode).toBe(400);
    await addStaff(t.app, cookie, 'wang', 'window');
    const dup = await t.app.inject({
      method: 'POST',
      url: '/api/admin/staff',
      headers: { cookie },
      payload: { username: 'wang', displayName: '王', role: 'window', password: 'abcd-1234' },
    });
    expect(dup.json().error.code).toBe('CONFLICT');
    const demote = await t.app.inject({
      method: 'PATCH',
      url: '/api/admin/staff/1',
      headers: { cookie },
      payload: { role: 'window' },
    });
    expect(demote.statusCode).toBe(409);
  });
});
