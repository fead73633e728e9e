// Staff accounts (roles 'window' and 'admin') and their sessions. The session cookie holds a
// random token; the database keeps only its SHA-256, so a stolen database opens no session.
import { createHash, randomBytes } from 'node:crypto';
import {
  dummyVerify,
  hashPassword,
  needsRehash,
  type ScryptCost,
  STAFF_COST,
  verifyPassword,
} from '@linli/shared/service';
import type { Db } from '../db/open.ts';
import type { Role, StaffView } from '../queue/api-types.ts';
import { writeAudit } from '../queue/audit.ts';
import { QueueError } from '../queue/errors.ts';
import type { Actor } from '../queue/types.ts';
import { passwordProblem } from './password-policy.ts';

export type { Role, StaffView } from '../queue/api-types.ts';
export interface StaffRow {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  password_hash: string;
  active: number;
  created_at: number;
}
export const USERNAME_RE = /^[a-z][a-z0-9._-]{1,31}$/;

const view = (r: StaffRow): StaffView => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  active: r.active === 1,
  createdAt: r.created_at,
});
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export class StaffStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
    private readonly sessionTtlMs: number,
    /** scrypt cost of new hashes (STAFF_COST in the service); older hashes are rehashed at login. */
    private readonly cost: ScryptCost = STAFF_COST,
  ) {}

  list(): StaffView[] {
    return (this.db.prepare('SELECT * FROM staff ORDER BY id').all() as StaffRow[]).map(view);
  }

  get(id: number): StaffView {
    const r = this.db.prepare('SELECT * FROM staff WHERE id = ?').get(id) as StaffRow | undefined;
    if (!r) throw new QueueError('NOT_FOUND', '没有这个工作人员', `no staff member ${id}`);
    return view(r);
  }

  count(role?: Role): number {
    return (
      this.db
        .prepare('SELECT COUNT(*) AS n FROM staff WHERE (? IS NULL OR role = ?)')
        .get(role ?? null, role ?? null) as {
        n: number;
      }
    ).n;
  }

  async create(
    input: { username: string; displayName: string; role: Role; password: string },
    actor: Actor | null,
  ): Promise<StaffView> {
    if (!USERNAME_RE.test(input.username))
      throw new QueueError(
        'VALIDATION',
        '用户名格式不对',
        'username: 2-32 of a-z 0-9 . _ -, starting with a letter',
      );
    const problem = passwordProblem(input.password);
    if (problem) throw new QueueError('VALIDATION', `密码不符合要求：${problem}`, `password: ${problem}`);
    const hash = await hashPassword(input.password, this.cost);
    const now = this.now();
    const id = this.db
      .transaction(() => {
        if (this.db.prepare('SELECT 1 FROM staff WHERE username = ?').get(input.username))
          throw new QueueError('CONFLICT', '用户名已存在', `username ${input.username} exists`);
        const r = this.db
          .prepare(
            'INSERT INTO staff (username, display_name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?)',
          )
          .run(input.username, input.displayName, input.role, hash, now);
        writeAudit(this.db, now, actor, 'staff.create', `staff:${r.lastInsertRowid}`, {
          username: input.username,
          role: input.role,
        });
        return Number(r.lastInsertRowid);
      })
      .immediate();
    return this.get(id);
  }

  async update(
    id: number,
    patch: { displayName?: string; role?: Role; active?: boolean; password?: string },
    actor: Actor,
  ): Promise<StaffView> {
    if (patch.password !== undefined) {
      const problem = passwordProblem(patch.password);
      if (problem) throw new QueueError('VALIDATION', `密码不符合要求：${problem}`, `password: ${problem}`);
    }
    const hash = patch.password !== undefined ? await hashPassword(patch.password, this.cost) : undefined;
    const now = this.now();
    this.db
      .transaction(() => {
        const before = this.get(id);
        const demotes = (patch.role && patch.role !== 'admin') || patch.active === false;
        if (before.role === 'admin' && demotes) {
          const admins = this.db
            .prepare("SELECT COUNT(*) AS n FROM staff WHERE role = 'admin' AND active = 1")
            .get() as {
            n: number;
          };
          if (admins.n <= 1)
            throw new QueueError('CONFLICT', '至少保留一个管理员', 'keep at least one active admin');
        }
        this.db
          .prepare(
            `UPDATE staff SET display_name = COALESCE(?, display_name), role = COALESCE(?, role),
             active = COALESCE(?, active), password_hash = COALESCE(?, password_hash) WHERE id = ?`,
          )
          .run(
            patch.displayName ?? null,
            patch.role ?? null,
            patch.active === undefined ? null : patch.active ? 1 : 0,
            hash ?? null,
            id,
          );
        if (patch.active === false || hash !== undefined || patch.role !== undefined) {
          this.db.prepare('DELETE FROM sessions WHERE staff_id = ?').run(id);
          if (patch.active === false)
            this.db.prepare('UPDATE windows SET staff_id = NULL WHERE staff_id = ?').run(id);
        }
        writeAudit(this.db, now, actor, 'staff.update', `staff:${id}`, {
          ...patch,
          password: patch.password !== undefined ? '(changed)' : undefined,
        });
      })
      .immediate();
    return this.get(id);
  }

  /** Checks the password; returns the session token for the cookie, or null. */
  async login(username: string, password: string): Promise<{ token: string; staff: StaffView } | null> {
    const r = this.db.prepare('SELECT * FROM staff WHERE username = ?').get(username) as StaffRow | undefined;
    if (!r) {
      await dummyVerify(password, this.cost); // the same time as for a real name
      return null;
    }
    const ok = await verifyPassword(password, r.password_hash);
    if (!ok || r.active !== 1) return null;
    if (needsRehash(r.password_hash, this.cost)) {
      // a hash made with a lower cost than today's is replaced now that the password is proven
      const hash = await hashPassword(password, this.cost);
      this.db
        .prepare('UPDATE staff SET password_hash = ? WHERE id = ? AND password_hash = ?')
        .run(hash, r.id, r.password_hash);
    }
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    this.db.prepare('DELETE FROM sessions WHERE expires_at < ?').run(now);
    this.db
      .prepare('INSERT INTO sessions (token_hash, staff_id, created_at, expires_at) VALUES (?, ?, ?, ?)')
      .run(sha256(token), r.id, now, now + this.sessionTtlMs);
    return { token, staff: view(r) };
  }

  session(token: string): StaffView | null {
    const r = this.db
      .prepare(
        `SELECT s.* FROM sessions x JOIN staff s ON s.id = x.staff_id WHERE x.token_hash = ? AND x.expires_at > ? AND s.active = 1`,
      )
      .get(sha256(token), this.now()) as StaffRow | undefined;
    return r ? view(r) : null;
  }

  logout(token: string): void {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(sha256(token));
  }
}
