// Login sessions: a random token in an HttpOnly cookie; only its SHA-256 is stored.
import { createHash, randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { Role } from './roles.ts';
import type { Awaitable } from './staff.ts';

export interface Session {
  username: string;
  role: Role;
  displayName?: string;
  createdAt: number;
  expiresAt: number;
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** A new random session token (32 bytes, base64url): only its hash is stored. */
export const newToken = () => randomBytes(32).toString('base64url');

/** Login sessions as the API uses them: this file's SessionStore (the SQLite file) or, at a
 *  center on PostgreSQL, center/pg/sessions.ts (a session valid on every instance). */
export interface SessionKeeper {
  readonly ttlMs: number;
  create(username: string, ip?: string): Awaitable<{ token: string; expiresAt: number }>;
  /** The session of a token, with the account's current role; undefined when unknown,
   *  expired, or the account is disabled. */
  lookup(token: string | undefined, now?: number): Awaitable<Session | undefined>;
  destroy(token: string): Awaitable<void>;
  purgeExpired(now?: number): Awaitable<number>;
}

export class SessionStore implements SessionKeeper {
  constructor(
    private readonly db: Database,
    /** Absolute lifetime of a session. */
    readonly ttlMs = 12 * 3600_000,
  ) {}

  create(username: string, ip?: string): { token: string; expiresAt: number } {
    const token = newToken();
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
