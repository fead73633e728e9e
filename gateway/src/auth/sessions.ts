// Login sessions: a random token in an HttpOnly cookie; only its SHA-256 is stored.
import { createHash, randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { Role } from './roles.ts';

export interface Session {
  username: string;
  role: Role;
  displayName?: string;
  createdAt: number;
  expiresAt: number;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export class SessionStore {
  constructor(
    private readonly db: Database,
    /** Absolute lifetime of a session. */
    readonly ttlMs = 12 * 3600_000,
  ) {}

  create(username: string, ip?: string): { token: string; expiresAt: number } {
    const token = randomBytes(32).toString('base64url');
    const now = Date.now();
    const expiresAt = now + this.ttlMs;
    this.db
      .prepare(
        'INSERT INTO staff_sessions (token_hash, username, created_at, expires_at, last_seen_at, ip) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(hashToken(token), username, now, expiresAt, now, ip ?? null);
    return { token, expiresAt };
  }

  /** The session of a token, with the account's current role; undefined when unknown,
   *  expired, or the account is disabled. */
  lookup(token: string | undefined, now = Date.now()): Session | undefined {
    if (!token || !TOKEN_PATTERN.test(token)) return undefined;
    const r = this.db
      .prepare(
        `SELECT s.username, s.created_at, s.expires_at, st.role, st.display_name, st.disabled
         FROM staff_sessions s JOIN staff st ON st.username = s.username WHERE s.token_hash = ?`,
      )
      .get(hashToken(token)) as
      | {
          username: string;
          created_at: number;
          expires_at: number;
          role: Role;
          display_name: string | null;
          disabled: number;
        }
      | undefined;
    if (!r || r.disabled === 1 || r.expires_at <= now) return undefined;
    return {
      username: r.username,
      role: r.role,
      ...(r.display_name !== null ? { displayName: r.display_name } : {}),
      createdAt: r.created_at,
      expiresAt: r.expires_at,
    };
  }

  destroy(token: string): void {
    this.db.prepare('DELETE FROM staff_sessions WHERE token_hash = ?').run(hashToken(token));
  }

  purgeExpired(now = Date.now()): number {
    return this.db.prepare('DELETE FROM staff_sessions WHERE expires_at <= ?').run(now).changes;
  }
}
