// Staff accounts: scrypt-hashed passwords and a role. Changes are audited.

import { ValidationError } from '@linli/shared';
import {
  dummyVerify,
  hashPassword,
  needsRehash,
  type ScryptCost,
  STAFF_COST,
  verifyPassword,
} from '@linli/shared/service';
import type { Database } from 'better-sqlite3';
import { type Actor, SYSTEM, writeAudit } from './audit.ts';
import { AuthError } from './errors.ts';
import { isRole, type Role } from './roles.ts';

export interface StaffRecord {
  username: string;
  displayName?: string;
  role: Role;
  disabled: boolean;
  createdAt: number;
  passwordChangedAt: number;
}
export interface StaffRow {
  username: string;
  display_name: string | null;
  role: Role;
  password_hash: string;
  disabled: number;
  created_at: number;
  password_changed_at: number;
}
type Raw = StaffRow;
export const staffFromRow = (r: StaffRow): StaffRecord => ({
  username: r.username,
  ...(r.display_name !== null ? { displayName: r.display_name } : {}),
  role: r.role,
  disabled: r.disabled === 1,
  createdAt: r.created_at,
  passwordChangedAt: r.password_changed_at,
});

/** A sign-in against an account's row (either store): the account when the password is right
 *  and the account enabled, the same time spent on an unknown username so that they cannot be
 *  told apart; and, when the stored hash was made at a lower cost than `cost`, a new hash for the
 *  caller to store (the login proved the password). */
export async function verifyStaffRow(
  r: StaffRow | undefined,
  password: string,
  cost: ScryptCost,
): Promise<{ staff?: StaffRecord; rehash?: string }> {
  if (!r) {
    await dummyVerify(password, cost);
    return {};
  }
  const ok = await verifyPassword(password, r.password_hash);
  if (!ok || r.disabled !== 0) return {};
  const rehash = needsRehash(r.password_hash, cost) ? await hashPassword(password, cost) : undefined;
  return { staff: staffFromRow(r), ...(rehash ? { rehash } : {}) };
}

export const USERNAME_PATTERN = /^[A-Za-z0-9_.@-]{1,64}$/;
export const MIN_PASSWORD = 10;
export const MAX_PASSWORD = 256;

export function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
    throw new ValidationError(`password must be ${MIN_PASSWORD} to ${MAX_PASSWORD} characters`, [
      `/password: must be ${MIN_PASSWORD} to ${MAX_PASSWORD} characters`,
    ]);
  }
}

export interface NewStaff {
  username: string;
  password: string;
  role: Role;
  displayName?: string;
}

/** Refuses a new account's bad username, role or password. */
export function checkNewStaff(s: NewStaff): void {
  if (!USERNAME_PATTERN.test(s.username)) {
    throw new ValidationError('username must be 1 to 64 of [A-Za-z0-9_.@-]', [
      '/username: bad characters or length',
    ]);
  }
  if (!isRole(s.role)) throw new ValidationError(`unknown role ${s.role}`, ['/role: unknown role']);
  checkPassword(s.password);
}

/** A new account checked and its password hashed, before the store's transaction (scrypt is
 *  slow): the hash and the creation time. */
export async function hashNewStaff(s: NewStaff, cost: ScryptCost): Promise<{ hash: string; now: number }> {
  checkNewStaff(s);
  return { hash: await hashPassword(s.password, cost), now: Date.now() };
}

export type StaffPatch = { role?: Role; disabled?: boolean; displayName?: string };

/** Staff accounts as the API uses them: this file's StaffStore (the SQLite file, synchronous
 *  underneath) or, at a center on PostgreSQL, center/pg/staff.ts (shared by every instance). */
export interface StaffAccounts {
  get(username: string): Awaitable<StaffRecord | undefined>;
  list(): Awaitable<StaffRecord[]>;
  count(): Awaitable<number>;
  create(s: NewStaff, by?: Actor): Promise<StaffRecord>;
  /** Create the account only when there is no account at all (the first admin), atomically:
   *  undefined when another account exists (another instance bootstrapped first). */
  createFirst(s: NewStaff, by?: Actor): Promise<StaffRecord | undefined>;
  verify(username: string, password: string): Promise<StaffRecord | undefined>;
  /** A new password; ends every session of the account. */
  setPassword(username: string, password: string, by?: Actor): Promise<void>;
  /** Disabling or a role change ends every session of the account. */
  update(username: string, patch: StaffPatch, by?: Actor): Awaitable<StaffRecord>;
}
export type Awaitable<T> = T | Promise<T>;

export class StaffStore implements StaffAccounts {
  /** @param cost scrypt cost of new hashes; older hashes are rehashed at login. Always
   *  STAFF_COST in the service; the API tests pass a cheaper one. */
  constructor(
    private readonly db: Database,
    private readonly cost: ScryptCost = STAFF_COST,
  ) {}

  get(username: string): StaffRecord | undefined {
    const r = this.db.prepare('SELECT * FROM staff WHERE username = ?').get(username) as Raw | undefined;
    return r && staffFromRow(r);
  }

  list(): StaffRecord[] {
    return (this.db.prepare('SELECT * FROM staff ORDER BY username').all() as Raw[]).map(staffFromRow);
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM staff').get() as { n: number }).n;
  }

  async create(s: NewStaff, by: Actor = SYSTEM): Promise<StaffRecord> {
    return (await this.insert(s, by, false))!;
  }

  async createFirst(s: NewStaff, by: Actor = SYSTEM): Promise<StaffRecord | undefined> {
    return this.insert(s, by, true);
  }

  private async insert(s: NewStaff, by: Actor, onlyFirst: boolean): Promise<StaffRecord | undefined> {
    const { hash, now } = await hashNewStaff(s, this.cost);
    const made = this.db.transaction(() => {
      if (onlyFirst && this.count() > 0) return false;
      if (this.get(s.username))
        throw new AuthError('STAFF_EXISTS', `staff account ${s.username} already exists`);
      this.db
        .prepare(
          'INSERT INTO staff (username, display_name, role, password_hash, disabled, created_at, password_changed_at) VALUES (?, ?, ?, ?, 0, ?, ?)',
        )
        .run(s.username, s.displayName ?? null, s.role, hash, now, now);
      writeAudit(this.db, {
        ...by,
        action: 'staff.create',
        target: `staff:${s.username}`,
        detail: { role: s.role },
      });
      return true;
    })();
    return made ? this.get(s.username) : undefined;
  }

  async verify(username: string, password: string): Promise<StaffRecord | undefined> {
    const r = this.db.prepare('SELECT * FROM staff WHERE username = ?').get(username) as Raw | undefined;
    const { staff, rehash } = await verifyStaffRow(r, password, this.cost);
    // not a password change: sessions and password_changed_at stay
    if (r && rehash)
      this.db
        .prepare('UPDATE staff SET password_hash = ? WHERE username = ? AND password_hash = ?')
        .run(rehash, username, r.password_hash);
    return staff;
  }

  async setPassword(username: string, password: string, by: Actor = SYSTEM): Promise<void> {
    checkPassword(password);
    const hash = await hashPassword(password, this.cost);
    this.db.transaction(() => {
      const info = this.db
        .prepare('UPDATE staff SET password_hash = ?, password_changed_at = ? WHERE username = ?')
        .run(hash, Date.now(), username);
      if (info.changes === 0) throw new AuthError('STAFF_NOT_FOUND', `staff account ${username} not found`);
      // a new password ends every session of the account
      this.db.prepare('DELETE FROM staff_sessions WHERE username = ?').run(username);
      writeAudit(this.db, { ...by, action: 'staff.password', target: `staff:${username}` });
    })();
  }

  update(username: string, patch: StaffPatch, by: Actor = SYSTEM): StaffRecord {
    return this.db.transaction(() => {
      const before = this.get(username);
      if (!before) throw new AuthError('STAFF_NOT_FOUND', `staff account ${username} not found`);
      if (patch.role !== undefined && !isRole(patch.role)) {
        throw new ValidationError(`unknown role ${patch.role}`, ['/role: unknown role']);
      }
      this.db
        .prepare('UPDATE staff SET role = ?, disabled = ?, display_name = ? WHERE username = ?')
        .run(
          patch.role ?? before.role,
          (patch.disabled ?? before.disabled) ? 1 : 0,
          patch.displayName ?? before.displayName ?? null,
          username,
        );
      if (patch.disabled || (patch.role && patch.role !== before.role)) {
        this.db.prepare('DELETE FROM staff_sessions WHERE username = ?').run(username);
      }
      writeAudit(this.db, {
        ...by,
        action: 'staff.update',
        target: `staff:${username}`,
        detail: { ...patch },
      });
      return this.get(username)!;
    })();
  }
}
