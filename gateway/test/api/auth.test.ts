import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/auth/audit.ts';
import { StaffStore } from '../../src/auth/staff.ts';
import { makeApi, PASSWORDS, TEST_STAFF_COST, type TestApi } from './helpers.ts';

describe('staff login, sessions and roles', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await makeApi();
  });
  afterAll(() => api.close());

  it('logs in with a HttpOnly SameSite=Strict session cookie, only its hash stored', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { username: 'op', password: PASSWORDS.op },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      user: { username: 'op', role: 'operator', displayName: 'Operator One' },
    });
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/^linli_gw_session=[A-Za-z0-9_-]{43}; /);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).toContain('Max-Age=43200');
    expect(setCookie).not.toContain('Secure');
    const token = setCookie.split(';')[0]!.split('=')[1]!;
    expect(JSON.stringify(api.t.db.prepare('SELECT * FROM staff_sessions').all())).not.toContain(token);

    const me = await api.app.inject({
      method: 'GET',
      url: '/api/me',
      headers: { cookie: setCookie.split(';')[0]! },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json().user).toEqual({ username: 'op', role: 'operator', displayName: 'Operator One' });
    expect(listAudit(api.t.db, { action: 'staff.login' })[0]).toMatchObject({ actor: 'op' });
  });

  it('refuses a wrong password and an unknown user alike, with 401 AUTH', async () => {
    for (const payload of [
      { username: 'sup', password: 'not-the-password' },
      { username: 'ghost', password: 'whatever-password' },
    ]) {
      const res = await api.app.inject({ method: 'POST', url: '/api/login', payload });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: { code: 'AUTH', message: 'wrong username or password' } });
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect(listAudit(api.t.db, { action: 'staff.login-failed' }).map((a) => a.actor)).toEqual([
      'ghost',
      'sup',
    ]);
  });

  it('needs a session: 401 without a cookie or with a forged one', async () => {
    for (const cookie of [
      undefined,
      'linli_gw_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      'linli_gw_session=%zz',
    ]) {
      const res = await api.app.inject({
        method: 'GET',
        url: '/api/alerts',
        ...(cookie ? { headers: { cookie } } : {}),
      });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('AUTH');
    }
  });

  it('checks roles: window staff cannot see alerts, operators cannot provision, supervisors read the audit log', async () => {
    const win = await api.login('win');
    const op = await api.login('op');
    const sup = await api.login('sup');
    const forbidden = await api.app.inject({ method: 'GET', url: '/api/alerts', headers: { cookie: win } });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error).toEqual({
      code: 'FORBIDDEN',
      message: 'needs role operator or above; win is window',
    });
    const prov = await api.app.inject({
      method: 'POST',
      url: '/api/devices',
      headers: { cookie: op },
      payload: { id: 'x1', site: 's1', kind: 'pendant' },
    });
    expect(prov.statusCode).toBe(403);
    expect(
      (await api.app.inject({ method: 'GET', url: '/api/audit', headers: { cookie: op } })).statusCode,
    ).toBe(403);
    expect(
      (await api.app.inject({ method: 'GET', url: '/api/audit', headers: { cookie: sup } })).statusCode,
    ).toBe(200);
    expect(
      (await api.app.inject({ method: 'GET', url: '/api/alerts', headers: { cookie: sup } })).statusCode,
    ).toBe(200);
  });

  it('logout ends the session and clears the cookie', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { username: 'admin', password: PASSWORDS.admin },
    });
    const cookie = String(res.headers['set-cookie']).split(';')[0]!;
    const out = await api.app.inject({ method: 'POST', url: '/api/logout', headers: { cookie } });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(
      /^linli_gw_session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Strict$/,
    );
    expect((await api.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).statusCode).toBe(
      401,
    );
  });

  it('a disabled account loses its sessions at once', async () => {
    const staff = new StaffStore(api.t.db, TEST_STAFF_COST);
    await staff.create({ username: 'temp', password: 'temp-password-1', role: 'operator' });
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { username: 'temp', password: 'temp-password-1' },
    });
    const cookie = String(res.headers['set-cookie']).split(';')[0]!;
    const admin = await api.login('admin');
    const patch = await api.app.inject({
      method: 'PATCH',
      url: '/api/staff/temp',
      headers: { cookie: admin },
      payload: { disabled: true },
    });
    expect(patch.statusCode).toBe(200);
    expect((await api.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).statusCode).toBe(
      401,
    );
    const again = await api.app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { username: 'temp', password: 'temp-password-1' },
    });
    expect(again.statusCode).toBe(401);
  });

  it('changes the own password: the old one stops working', async () => {
    const staff = new StaffStore(api.t.db, TEST_STAFF_COST);
    await staff.create({ username: 'pw', password: 'first-password-1', role: 'window' });
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { username: 'pw', password: 'first-password-1' },
    });
    const cookie = String(res.headers['set-cookie']).split(';')[0]!;
    const wrong = await api.app.inject({
      method: 'POST',
      url: '/api/me/password',
      headers: { cookie },
      payload: { currentPassword: 'nope-nope-nope', newPassword: 'second-password-2' },
    });
    expect(wrong.statusCode).toBe(401);
    const ok = await api.app.inject({
      method: 'POST',
      url: '/api/me/password',
      headers: { cookie },
      payload: { currentPassword: 'first-password-1', newPassword: 'second-password-2' },
    });
    expect(ok.statusCode).toBe(204);
    expect(await staff.verify('pw', 'first-password-1')).toBeUndefined();
    expect(await staff.verify('pw', 'second-password-2')).toMatchObject({ username: 'pw' });
  });

  it('admins manage staff accounts; duplicates are 409', async () => {
    const admin = await api.login('admin');
    const create = (payload: object) =>
      api.app.inject({ method: 'POST', url: '/api/staff', headers: { cookie: admin }, payload });
    const res = await create({ username: 'newop', password: 'new-operator-1', role: 'operator' });
    expect(res.statusCode).toBe(201);
    expect(res.json().staff).toMatchObject({ username: 'newop', role: 'operator', disabled: false });
    expect(JSON.stringify(res.json())).not.toContain('hash');
    expect(
      (await create({ username: 'newop', password: 'new-operator-1', role: 'operator' })).statusCode,
    ).toBe(409);
    expect((await create({ username: 'x', password: 'short', role: 'operator' })).statusCode).toBe(400);
    expect((await create({ username: 'y', password: 'long-enough-1', role: 'root' })).statusCode).toBe(400);
    const list = await api.app.inject({ method: 'GET', url: '/api/staff', headers: { cookie: admin } });
    expect(list.json().staff.map((s: { username: string }) => s.username)).toContain('newop');
    expect(listAudit(api.t.db, { target: 'staff:newop' })[0]).toMatchObject({
      actor: 'admin',
      action: 'staff.create',
    });
  });
});

describe('password hashes', () => {
  let api: TestApi;
  afterEach(() => api.close());

  it('rehashes an older, cheaper hash at the next successful login, keeping sessions', async () => {
    api = await makeApi({ staffCost: { N: 2048, r: 8, p: 1 } }); // accounts made at N=1024
    const hashOf = () =>
      (
        api.t.db.prepare("SELECT password_hash FROM staff WHERE username = 'op'").get() as {
          password_hash: string;
        }
      ).password_hash;
    expect(hashOf()).toMatch(/^scrypt\$1024\$/);
    const wrong = await api.app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { username: 'op', password: 'not-the-password-1' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(hashOf()).toMatch(/^scrypt\$1024\$/); // only a proven password is rehashed
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { username: 'op', password: PASSWORDS.op },
    });
    expect(res.statusCode).toBe(200);
    expect(hashOf()).toMatch(/^scrypt\$2048\$8\$1\$/);
    const again = await api.app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { username: 'op', password: PASSWORDS.op },
    });
    expect(again.statusCode).toBe(200);
  });

  it('the service hashes staff passwords at OWASP’s minimum (N=2^17, r=8, p=1)', {
    timeout: 60_000,
  }, async () => {
    api = await makeApi({
      users: false,
      staffCost: undefined,
      env: { LINLI_GW_ADMIN_PASSWORD: 'owasp-cost-admin-1' },
    });
    const row = api.t.db.prepare("SELECT password_hash FROM staff WHERE username = 'admin'").get() as {
      password_hash: string;
    };
    expect(row.password_hash).toMatch(/^scrypt\$131072\$8\$1\$/);
  });
});

describe('login rate limit', () => {
  let api: TestApi;
  afterEach(() => api.close());

  it('blocks a username after 5 failures, even with the right password, with Retry-After', async () => {
    api = await makeApi();
    const attempt = (password: string) =>
      api.app.inject({ method: 'POST', url: '/api/login', payload: { username: 'op', password } });
    for (let i = 0; i < 5; i++) expect((await attempt(`wrong-${i}-xxxxxx`)).statusCode).toBe(401);
    const blocked = await attempt(PASSWORDS.op);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe('RATE_LIMITED');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // another account from the same address is not blocked yet
    const other = await api.app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { username: 'sup', password: PASSWORDS.sup },
    });
    expect(other.statusCode).toBe(200);
    expect(listAudit(api.t.db, { action: 'staff.login-limited' })).toHaveLength(1);
  });

  it('a stranger failing as admin from elsewhere never locks the real admin out', async () => {
    api = await makeApi();
    const attempt = (password: string, remoteAddress: string) =>
      api.app.inject({
        method: 'POST',
        url: '/api/login',
        payload: { username: 'admin', password },
        remoteAddress,
      });
    for (let i = 0; i < 20; i++)
      expect([401, 429]).toContain((await attempt(`wrong-${i}-xxxxxx`, '198.51.100.7')).statusCode);
    expect((await attempt(PASSWORDS.admin, '198.51.100.7')).statusCode).toBe(429);
    expect((await attempt(PASSWORDS.admin, '192.0.2.10')).statusCode).toBe(200);
  });

  it('an address trying many accounts is limited, other addresses are not', async () => {
    api = await makeApi({ env: { LINLI_GW_LOGIN_IP_MAX_FAILURES: '8' } });
    const attempt = (username: string, password: string, remoteAddress: string) =>
      api.app.inject({ method: 'POST', url: '/api/login', payload: { username, password }, remoteAddress });
    for (let i = 0; i < 8; i++) await attempt(`guess${i}`, 'wrong-password-1', '198.51.100.7');
    expect((await attempt('op', PASSWORDS.op, '198.51.100.7')).statusCode).toBe(429);
    expect((await attempt('op', PASSWORDS.op, '192.0.2.10')).statusCode).toBe(200);
  });
});

describe('bootstrap admin and cookie settings', () => {
  let api: TestApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  it('creates the first admin with a generated password, printed once', async () => {
    api = await makeApi({ users: false });
    expect(api.printed).toHaveLength(1);
    const password = /password: (\S+)/.exec(api.printed[0]!)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{20}$/);
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { username: 'admin', password },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().user.role).toBe('admin');
  });

  it('refuses a too short LINLI_GW_ADMIN_PASSWORD, naming the key', async () => {
    await expect(makeApi({ users: false, env: { LINLI_GW_ADMIN_PASSWORD: 'short' } })).rejects.toThrow(
      /LINLI_GW_ADMIN_PASSWORD: must be 10 to 256 characters/,
    );
  });

  it('takes the admin password from LINLI_GW_ADMIN_PASSWORD, and marks cookies Secure when configured', async () => {
    api = await makeApi({
      users: false,
      env: { LINLI_GW_ADMIN_PASSWORD: 'from-the-environment', LINLI_GW_SECURE_COOKIES: 'true' },
    });
    expect(api.printed[0]).not.toContain('from-the-environment');
    const res = await api.app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { username: 'admin', password: 'from-the-environment' },
    });
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['set-cookie'])).toContain('; Secure');
  });
});
