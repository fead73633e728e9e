import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/auth/audit.ts';
import { openRegistry, type Registry, type RegistryError } from '../../src/registry/index.ts';
import { openTestDb, type TestDb } from './db-helper.ts';

const KEY = 'test-secret-key-0123456789';

describe('registry', () => {
  let t: TestDb;
  let reg: Registry;
  beforeEach(() => {
    t = openTestDb();
    reg = openRegistry(t.db, { secretKey: KEY });
  });
  afterEach(() => t.close());

  it('provisions a device with a generated secret that authenticates; the secret is hashed at rest', async () => {
    const { device, secret } = reg.provision(
      { id: 'p-001', site: 'site1', kind: 'pendant', location: { building: '3', room: '402' } },
      { actor: 'alice' },
    );
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(device).toMatchObject({
      id: 'p-001',
      site: 'site1',
      kind: 'pendant',
      location: { building: '3', room: '402' },
      heartbeatIntervalS: 60,
      offlineTimeoutS: 90_000,
      retired: false,
    });
    expect((await reg.authenticate('p-001', Buffer.from(secret!)))?.id).toBe('p-001');
    expect((await reg.authenticate('p-001', secret!))?.id).toBe('p-001'); // cached path
    expect(await reg.authenticate('p-001', 'wrong-secret-xxxxxxxx')).toBeUndefined();
    expect(await reg.authenticate('nobody', secret!)).toBeUndefined();
    const dump = JSON.stringify(t.db.prepare('SELECT * FROM device_credentials').all());
    expect(dump).not.toContain(secret);
    expect(dump).toContain('scrypt$1024$8$1$');
    expect(dump).toContain('$7$101$');
    expect(listAudit(t.db)[0]).toMatchObject({
      actor: 'alice',
      action: 'device.provision',
      target: 'device:p-001',
    });
  });

  it('authenticate hashes off the event loop, with the same answers and cache', async () => {
    const { secret } = await reg.provisionAsync({ id: 'pa', site: 's', kind: 'pendant' });
    expect((await reg.authenticate('pa', secret!))?.id).toBe('pa');
    expect((await reg.authenticate('pa', secret!))?.id).toBe('pa');
    expect((await reg.authenticate('pa', secret!))?.id).toBe('pa');
    expect(await reg.authenticate('pa', 'wrong-secret-xxxxxxxx')).toBeUndefined();
    expect(await reg.authenticate('nobody', secret!)).toBeUndefined();
    const next = await reg.rotateSecretAsync('pa');
    expect(await reg.authenticate('pa', secret!)).toBeUndefined();
    expect((await reg.authenticate('pa', next))?.id).toBe('pa');
  });

  it('uses a given secret, mains timeouts for access readers, and refuses duplicates', () => {
    const { secret } = reg.provision({
      id: 'r1',
      site: 's',
      kind: 'access-reader',
      secret: 'a-given-secret-123',
    });
    expect(secret).toBe('a-given-secret-123');
    expect(reg.get('r1')?.offlineTimeoutS).toBe(600);
    expect(() => reg.provision({ id: 'r1', site: 's', kind: 'pendant' })).toThrow(/already exists/);
  });

  it('refuses bad input with the path of each problem', () => {
    try {
      reg.provision({ id: 'bad id', site: 's', kind: 'toaster' as 'pendant', extra: 1 } as never);
      expect.unreachable();
    } catch (e) {
      expect((e as RegistryError).code).toBe('VALIDATION');
      const details = (e as { details: string[] }).details.join('\n');
      expect(details).toMatch(/\/id/);
      expect(details).toMatch(/\/kind/);
      expect(details).toMatch(/extra|additional/i);
    }
  });

  it('retire deletes the credential: the device can no longer connect, even from the cache', async () => {
    const { secret } = reg.provision({ id: 'p2', site: 's', kind: 'pendant' });
    expect(await reg.authenticate('p2', secret!)).toBeDefined();
    reg.retire('p2', { actor: 'bob' }, 'lost');
    expect(await reg.authenticate('p2', secret!)).toBeUndefined();
    expect(reg.get('p2')?.retired).toBe(true);
    expect(reg.list().map((d) => d.id)).toEqual([]);
    expect(reg.list({ retired: 'all' }).map((d) => d.id)).toEqual(['p2']);
    expect(t.db.prepare('SELECT count(*) AS n FROM device_credentials').get()).toEqual({ n: 0 });
    expect(() => reg.retire('p2')).toThrow(/retired/);
    expect(() => reg.provision({ id: 'p2', site: 's', kind: 'pendant' })).toThrow(/retired/);
  });

  it('rotating a secret revokes the old one at once', async () => {
    const { secret } = reg.provision({ id: 'p3', site: 's', kind: 'wall-button' });
    expect(await reg.authenticate('p3', secret!)).toBeDefined();
    const next = reg.rotateSecret('p3');
    expect(await reg.authenticate('p3', secret!)).toBeUndefined();
    expect(await reg.authenticate('p3', next)).toBeDefined();
  });

  it('a rotation or retirement made while the password is being hashed is not accepted', async () => {
    const { secret } = reg.provision({ id: 'p5', site: 's', kind: 'pendant' });
    // the login reads the row, then hashes on the thread pool; the rotation lands meanwhile
    const during = reg.authenticate('p5', secret!);
    const next = reg.rotateSecret('p5');
    expect(await during).toBeUndefined();
    const retiring = reg.authenticate('p5', next);
    reg.retire('p5');
    expect(await retiring).toBeUndefined();
    // an unrelated change while hashing only costs a second read: the login still passes
    const { secret: s6 } = reg.provision({ id: 'p6', site: 's', kind: 'pendant' });
    const login = reg.authenticate('p6', s6!);
    reg.provision({ id: 'p7', site: 's', kind: 'pendant' });
    expect((await login)?.id).toBe('p6');
  });

  it('a rotation or retirement by another process is seen at once despite the cache', async () => {
    const { secret } = reg.provision({ id: 'p4', site: 's', kind: 'pendant' });
    expect(await reg.authenticate('p4', secret!)).toBeDefined(); // now cached here
    const other = openRegistry(t.db, { secretKey: KEY }); // e.g. the CLI
    const next = other.rotateSecret('p4');
    expect(await reg.authenticate('p4', secret!)).toBeUndefined();
    expect(await reg.authenticate('p4', next)).toBeDefined();
    other.retire('p4');
    expect(await reg.authenticate('p4', next)).toBeUndefined();
  });

  it('zigbee devices: found by friendly name, no secret, names checked', () => {
    const { device, secret } = reg.provision({
      id: 'zb1',
      site: 's',
      kind: 'zigbee',
      zigbeeName: 'hall/sos button',
    });
    expect(secret).toBeUndefined();
    expect(device.zigbeeName).toBe('hall/sos button');
    expect(reg.get('hall/sos button')?.id).toBe('zb1');
    expect(reg.byZigbeeName('hall/sos button')?.id).toBe('zb1');
    expect(() =>
      reg.provision({ id: 'zb2', site: 's', kind: 'zigbee', zigbeeName: 'hall/sos button' }),
    ).toThrow(/taken/);
    expect(() => reg.provision({ id: 'zb3', site: 's', kind: 'zigbee', zigbeeName: 'a/#' })).toThrow(/#/);
    expect(() =>
      reg.provision({ id: 'zb4', site: 's', kind: 'zigbee', zigbeeName: 'x/availability' }),
    ).toThrow(/reserved/);
    expect(() => reg.provision({ id: 'p9', site: 's', kind: 'pendant', zigbeeName: 'n' })).toThrow(
      /only for kind/,
    );
    expect(reg.mosquittoDevices()).toEqual([]);
  });

  it('updates location, supervision and resident link; filters the list', () => {
    const r = reg.createResident({ name: '张三明', livesAlone: true, phone: '13800000000' });
    reg.provision({ id: 'a', site: 's1', kind: 'pendant' });
    reg.provision({ id: 'b', site: 's2', kind: 'door-contact', location: { grid: 'G7' } });
    const a = reg.update(
      'a',
      { residentId: r.id, offlineTimeoutS: 300, location: { room: '101' } },
      { actor: 'x' },
    );
    expect(a).toMatchObject({ residentId: r.id, offlineTimeoutS: 300, location: { room: '101' } });
    expect(reg.list({ site: 's2' }).map((d) => d.id)).toEqual(['b']);
    expect(reg.list({ grid: 'G7' }).map((d) => d.id)).toEqual(['b']);
    expect(reg.list({ residentId: r.id }).map((d) => d.id)).toEqual(['a']);
    expect(reg.list({ kind: 'pendant' }).map((d) => d.id)).toEqual(['a']);
    expect(() => reg.update('a', { residentId: 'nope' })).toThrow(/not found/);
    expect(() => reg.update('zzz', { site: 'x' })).toThrow(/not found/);
    expect(reg.update('a', { residentId: null }).residentId).toBeUndefined();
  });

  it('residents: create, update, list, delete (devices keep working)', () => {
    const r = reg.createResident(
      {
        id: 'res1',
        name: '李四',
        address: '幸福路 1 号 3-402',
        emergencyContacts: [{ name: '李小四', phone: '13900000000', relation: 'son' }],
        livesAlone: true,
        welfareCheckHours: 12,
      },
      { actor: 'admin' },
    );
    expect(reg.resident('res1')).toMatchObject({ name: '李四', livesAlone: true, welfareCheckHours: 12 });
    expect(r.emergencyContacts).toHaveLength(1);
    reg.provision({ id: 'd1', site: 's', kind: 'pendant', residentId: 'res1' });
    const u = reg.updateResident('res1', { phone: '010-12345678', address: '' }, { actor: 'admin' });
    expect(u.phone).toBe('010-12345678');
    expect(u.address).toBeUndefined();
    expect(reg.listResidents({ q: '李' }).map((x) => x.id)).toEqual(['res1']);
    expect(reg.listResidents({ livesAlone: false })).toEqual([]);
    expect(() => reg.createResident({ id: 'res1', name: 'dup' })).toThrow(/exists/);
    reg.deleteResident('res1', { actor: 'admin' });
    expect(reg.resident('res1')).toBeUndefined();
    expect(reg.get('d1')?.residentId).toBeUndefined();
    const audit = listAudit(t.db, { target: 'resident:res1' }).map((a) => a.action);
    expect(audit).toEqual(['resident.delete', 'resident.update', 'resident.create']);
    // personal data never in the audit detail
    expect(JSON.stringify(listAudit(t.db))).not.toContain('010-12345678');
  });

  it('notifies change listeners after commit', () => {
    const seen: string[] = [];
    const off = reg.onChange((c) => seen.push(`${c.type}:${c.id}`));
    reg.provision({ id: 'n1', site: 's', kind: 'pendant' });
    reg.retire('n1');
    off();
    reg.provision({ id: 'n2', site: 's', kind: 'pendant' });
    expect(seen).toEqual(['device.provisioned:n1', 'device.retired:n1']);
  });

  it('refuses a short secret key', () => {
    expect(() => openRegistry(t.db, { secretKey: 'short' })).toThrow(/16 bytes/);
  });
});
