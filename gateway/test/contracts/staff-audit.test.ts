// Staff accounts and the audit log on both stores, one contract: the SQLite StaffStore and
// listAudit (a station, a center without PostgreSQL) and, at a center on PostgreSQL, PgStaffStore
// and SharedAudit on a real PostgreSQL (helpers/postgres.ts). Both map their rows with the same
// functions (auth/staff.ts staffFromRow, verifyStaffRow; auth/audit.ts toAuditRow): an account,
// a sign-in and an audit line read the same whichever store holds them.
import { afterAll, describe, expect, it } from 'vitest';
import { type AuditRow, listAudit, writeAudit } from '../../src/auth/audit.ts';
import { type StaffAccounts, StaffStore } from '../../src/auth/staff.ts';
import { SharedAudit } from '../../src/center/pg/audit.ts';
import { PgStaffStore } from '../../src/center/pg/staff.ts';
import { migratePg, openPg, type PgPool } from '../../src/db/pg.ts';
import { silentLogger } from '../../src/ingest/refusals.ts';
import { TEST_STAFF_COST } from '../api/helpers.ts';
import { type RunningPostgres, startPostgres } from '../helpers/postgres.ts';
import { openTestDb, type TestDb } from '../registry/db-helper.ts';

const DEARER = { N: 2048, r: 8, p: 1 };

interface Stores {
  /** accounts whose new hashes cost `cost` */
  accounts(cost: typeof TEST_STAFF_COST): StaffAccounts;
  /** the audit log as GET /api/audit reads it */
  audit(filter?: Parameters<typeof listAudit>[1]): Promise<AuditRow[]>;
  hashOf(username: string): Promise<string>;
  /** where this instance writes its audit lines */
  local: TestDb;
  close(): Promise<void>;
}

function contract(name: string, open: () => Promise<Stores>) {
  describe(`staff accounts and audit log: ${name}`, () => {
    /** A test on fresh stores, closed after it whatever happens. */
    const fresh = (test: (s: Stores) => Promise<void>) => async () => {
      const s = await open();
      try {
        await test(s);
      } finally {
        await s.close();
      }
    };

    it(
      'an account reads back as made: display name present or absent, enabled, its times',
      fresh(async (s) => {
        const staff = s.accounts(TEST_STAFF_COST);
        const before = Date.now();
        const made = await staff.create({
          username: 'wang',
          password: 'wang-password-1',
          role: 'operator',
          displayName: '王芳',
        });
        await staff.create({ username: 'li', password: 'li-password-12', role: 'admin' });
        expect(made).toEqual({
          username: 'wang',
          displayName: '王芳',
          role: 'operator',
          disabled: false,
          createdAt: made.createdAt,
          passwordChangedAt: made.createdAt,
        });
        expect(made.createdAt).toBeGreaterThanOrEqual(before);
        expect(await staff.get('wang')).toEqual(made);
        const li = await staff.get('li');
        expect(li).not.toHaveProperty('displayName');
        expect((await staff.list()).map((a) => a.username)).toEqual(['li', 'wang']);
        expect(await staff.count()).toBe(2);
        expect(await staff.createFirst({ username: 'x', password: 'x-password-12', role: 'admin' })).toBe(
          undefined,
        );
      }),
    );

    it(
      'a sign-in: right password, wrong password, unknown name, disabled account',
      fresh(async (s) => {
        const staff = s.accounts(TEST_STAFF_COST);
        await staff.create({ username: 'wang', password: 'wang-password-1', role: 'operator' });
        expect(await staff.verify('wang', 'wang-password-1')).toMatchObject({
          username: 'wang',
          disabled: false,
        });
        expect(await staff.verify('wang', 'wrong-password-1')).toBeUndefined();
        expect(await staff.verify('nobody', 'wang-password-1')).toBeUndefined();
        expect(await staff.update('wang', { disabled: true })).toMatchObject({ disabled: true });
        expect(await staff.verify('wang', 'wang-password-1')).toBeUndefined();
        expect(await staff.update('wang', { disabled: false, role: 'supervisor' })).toMatchObject({
          disabled: false,
          role: 'supervisor',
        });
        expect(await staff.verify('wang', 'wang-password-1')).toMatchObject({ role: 'supervisor' });
      }),
    );

    it(
      'a cheaper hash is replaced at a sign-in that proves the password, not at a failed one',
      fresh(async (s) => {
        await s
          .accounts(TEST_STAFF_COST)
          .create({ username: 'wang', password: 'wang-password-1', role: 'operator' });
        const dearer = s.accounts(DEARER);
        expect(await s.hashOf('wang')).toMatch(/^scrypt\$1024\$/);
        expect(await dearer.verify('wang', 'wrong-password-1')).toBeUndefined();
        expect(await s.hashOf('wang')).toMatch(/^scrypt\$1024\$/);
        const before = await dearer.get('wang');
        expect(await dearer.verify('wang', 'wang-password-1')).toEqual(before);
        expect(await s.hashOf('wang')).toMatch(/^scrypt\$2048\$8\$1\$/);
        expect(await dearer.verify('wang', 'wang-password-1')).toEqual(before);
        expect((await dearer.get('wang'))?.passwordChangedAt).toBe(before?.passwordChangedAt);
      }),
    );

    it(
      'audit lines read back as written: target, detail and ip present or absent; filters; newest first',
      fresh(async (s) => {
        const staff = s.accounts(TEST_STAFF_COST);
        await staff.create(
          { username: 'wang', password: 'wang-password-1', role: 'operator' },
          {
            actor: 'admin',
            ip: '10.0.0.7',
          },
        );
        writeAudit(s.local.db, { actor: 'system', action: 'gateway.start', at: 1000 });
        writeAudit(s.local.db, {
          actor: 'admin',
          action: 'device.add',
          target: 'device:p-1',
          detail: { kind: 'pendant', site: '幸福里' },
          at: 2000,
        });
        const all = await s.audit();
        expect(all.map(({ id: _, ...line }) => line)).toEqual([
          {
            at: 2000,
            actor: 'admin',
            action: 'device.add',
            target: 'device:p-1',
            detail: { kind: 'pendant', site: '幸福里' },
          },
          { at: 1000, actor: 'system', action: 'gateway.start' },
          {
            at: all[2]!.at,
            actor: 'admin',
            action: 'staff.create',
            target: 'staff:wang',
            detail: { role: 'operator' },
            ip: '10.0.0.7',
          },
        ]);
        expect(all[0]!.id).toBeGreaterThan(all[1]!.id);
        expect((await s.audit({ actor: 'system' })).map((l) => l.action)).toEqual(['gateway.start']);
        expect((await s.audit({ target: 'staff:wang' })).map((l) => l.action)).toEqual(['staff.create']);
        expect((await s.audit({ before: all[0]!.id, limit: 1 })).map((l) => l.action)).toEqual([
          'gateway.start',
        ]);
      }),
    );
  });
}

contract('SQLite', async () => {
  const local = openTestDb();
  return {
    local,
    accounts: (cost) => new StaffStore(local.db, cost),
    audit: async (filter) => listAudit(local.db, filter),
    hashOf: async (username) =>
      (
        local.db.prepare('SELECT password_hash FROM staff WHERE username = ?').get(username) as {
          password_hash: string;
        }
      ).password_hash,
    async close() {
      local.close();
    },
  };
});

/** One PostgreSQL for the file, started by its first test; a database of its own per test. */
let server: Promise<RunningPostgres> | undefined;
afterAll(async () => {
  await (await server)?.stop();
});

contract('PostgreSQL', async () => {
  const local = openTestDb();
  server ??= startPostgres();
  const pool: PgPool = await openPg(await (await server).newDatabase(), { max: 2 });
  await migratePg(pool);
  const shared = new SharedAudit(local.db, pool, 'instance-a', silentLogger);
  return {
    local,
    accounts: (cost) => new PgStaffStore(pool, local.db, cost),
    audit: (filter) => shared.list(filter),
    hashOf: async (username) =>
      (
        await pool.query<{ password_hash: string }>('SELECT password_hash FROM staff WHERE username = $1', [
          username,
        ])
      ).rows[0]!.password_hash,
    async close() {
      await shared.stop();
      await pool.end();
      local.close();
    },
  };
});
