// Staff accounts of a center on PostgreSQL (center.databaseUrl): the same behaviour as the SQLite
// StaffStore (auth/staff.ts), in the shared database, so that an account made, changed or
// disabled on one instance is so on every instance. The audit lines go to this instance's SQLite
// audit log, which center/pg/audit.ts copies into the shared one.
import { ValidationError } from '@linli/shared';
import { hashPassword, type ScryptCost, STAFF_COST } from '@linli/shared/service';
import type { Database } from 'better-sqlite3';
import { type Actor, SYSTEM, writeAudit } from '../../auth/audit.ts';
import { AuthError } from '../../auth/errors.ts';
import { isRole } from '../../auth/roles.ts';
import {
  checkPassword,
  hashNewStaff,
  type NewStaff,
  type StaffAccounts,
  type StaffPatch,
  type StaffRecord,
  type StaffRow,
  staffFromRow,
  verifyStaffRow,
} from '../../auth/staff.ts';
import { type PgPool, pgTx } from '../../db/pg.ts';

/** The advisory lock around the first admin's creation (instances starting together). */
const BOOTSTRAP_LOCK = 0x11a12;

export class PgStaffStore implements StaffAccounts {
  constructor(
    private readonly pool: PgPool,
    /** This instance's SQLite file: where its audit lines are written. */
    private readonly auditDb: Database,
    private readonly cost: ScryptCost = STAFF_COST,
  ) {}

  private async row(username: string): Promise<StaffRow | undefined> {
    return (await this.pool.query<StaffRow>('SELECT * FROM staff WHERE username = $1', [username])).rows[0];
  }

  async get(username: string): Promise<StaffRecord | undefined> {
    const r = await this.row(username);
    return r && staffFromRow(r);
  }

  async list(): Promise<StaffRecord[]> {
    return (await this.pool.query<StaffRow>('SELECT * FROM staff ORDER BY username')).rows.map(staffFromRow);
  }

  async count(): Promise<number> {
    return Number((await this.pool.query<{ n: number }>('SELECT count(*) AS n FROM staff')).rows[0]!.n);
  }

  async create(s: NewStaff, by: Actor = SYSTEM): Promise<StaffRecord> {
    return (await this.insert(s, by, false))!;
  }

  async createFirst(s: NewStaff, by: Actor = SYSTEM): Promise<StaffRecord | undefined> {
    return this.insert(s, by, true);
  }

  private async insert(s: NewStaff, by: Actor, onlyFirst: boolean): Promise<StaffRecord | undefined> {
    const { hash, now } = await hashNewStaff(s, this.cost);
    const row = await pgTx(this.pool, async (c) => {
      if (onlyFirst) {
        // instances bootstrapping at once: one at a time, the later ones see the account
        await c.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK]);
        const n = (await c.query<{ n: number }>('SELECT count(*) AS n FROM staff')).rows[0]!.n;
        if (Number(n) > 0) return null;
      }
      const r = await c.query<StaffRow>(
        `INSERT INTO staff (username, display_name, role, password_hash, disabled, created_at, password_changed_at)
         VALUES ($1, $2, $3, $4, 0, $5, $5) ON CONFLICT (username) DO NOTHING RETURNING *`,
        [s.username, s.displayName ?? null, s.role, hash, now],
      );
      if (!r.rows[0]) throw new AuthError('STAFF_EXISTS', `staff account ${s.username} already exists`);
      return r.rows[0];
    });
    if (!row) return undefined;
    writeAudit(this.auditDb, {
      ...by,
      action: 'staff.create',
      target: `staff:${s.username}`,
      detail: { role: s.role },
    });
    return staffFromRow(row);
  }

  async verify(username: string, password: string): Promise<StaffRecord | undefined> {
    const r = await this.row(username);
    const { staff, rehash } = await verifyStaffRow(r, password, this.cost);
    if (r && rehash)
      await this.pool.query(
        'UPDATE staff SET password_hash = $1 WHERE username = $2 AND password_hash = $3',
        [rehash, username, r.password_hash],
      );
    return staff;
  }

  async setPassword(username: string, password: string, by: Actor = SYSTEM): Promise<void> {
    checkPassword(password);
    const hash = await hashPassword(password, this.cost);
    await pgTx(this.pool, async (c) => {
      const r = await c.query(
        'UPDATE staff SET password_hash = $1, password_changed_at = $2 WHERE username = $3',
        [hash, Date.now(), username],
      );
      if (r.rowCount === 0) throw new AuthError('STAFF_NOT_FOUND', `staff account ${username} not found`);
      // a new password ends every session of the account, on every instance
      await c.query('DELETE FROM staff_sessions WHERE username = $1', [username]);
    });
    writeAudit(this.auditDb, { ...by, action: 'staff.password', target: `staff:${username}` });
  }

  async update(username: string, patch: StaffPatch, by: Actor = SYSTEM): Promise<StaffRecord> {
    if (patch.role !== undefined && !isRole(patch.role)) {
      throw new ValidationError(`unknown role ${patch.role}`, ['/role: unknown role']);
    }
    const row = await pgTx(this.pool, async (c) => {
      const before = (
        await c.query<StaffRow>('SELECT * FROM staff WHERE username = $1 FOR UPDATE', [username])
      ).rows[0];
      if (!before) throw new AuthError('STAFF_NOT_FOUND', `staff account ${username} not found`);
      const r = await c.query<StaffRow>(
        'UPDATE staff SET role = $1, disabled = $2, display_name = $3 WHERE username = $4 RETURNING *',
        [
          patch.role ?? before.role,
          (patch.disabled ?? before.disabled === 1) ? 1 : 0,
          patch.displayName ?? before.display_name,
          username,
        ],
      );
      if (patch.disabled || (patch.role && patch.role !== before.role)) {
        await c.query('DELETE FROM staff_sessions WHERE username = $1', [username]);
      }
      return r.rows[0]!;
    });
    writeAudit(this.auditDb, {
      ...by,
      action: 'staff.update',
      target: `staff:${username}`,
      detail: { ...patch },
    });
    return staffFromRow(row);
  }
}
