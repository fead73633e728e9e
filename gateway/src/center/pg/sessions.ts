// Login sessions of a center on PostgreSQL: a session made by a login on one instance is valid
// on every instance behind the load balancer, and a logout, a disabled account or a new password
// ends it on all. Only the token's SHA-256 is stored, as in the SQLite SessionStore.

import type { Role } from '../../auth/roles.ts';
import { hashToken, newToken, type Session, type SessionKeeper, TOKEN_PATTERN } from '../../auth/sessions.ts';
import type { PgPool } from '../../db/pg.ts';

interface Row {
  username: string;
  created_at: number;
  expires_at: number;
  role: Role;
  display_name: string | null;
  disabled: number;
}

export class PgSessionStore implements SessionKeeper {
  constructor(
    private readonly pool: PgPool,
    /** Absolute lifetime of a session. */
    readonly ttlMs = 12 * 3600_000,
  ) {}

  async create(username: string, ip?: string): Promise<{ token: string; expiresAt: number }> {
    const token = newToken();
    const now = Date.now();
    const expiresAt = now + this.ttlMs;
    await this.pool.query(
      'INSERT INTO staff_sessions (token_hash, username, created_at, expires_at, last_seen_at, ip) VALUES ($1, $2, $3, $4, $3, $5)',
      [hashToken(token), username, now, expiresAt, ip ?? null],
    );
    return { token, expiresAt };
  }

  async lookup(token: string | undefined, now = Date.now()): Promise<Session | undefined> {
    if (!token || !TOKEN_PATTERN.test(token)) return undefined;
    const r = (
      await this.pool.query<Row>(
        `SELECT s.username, s.created_at, s.expires_at, st.role, st.display_name, st.disabled
         FROM staff_sessions s JOIN staff st ON st.username = s.username WHERE s.token_hash = $1`,
        [hashToken(token)],
      )
    ).rows[0];
    if (!r || r.disabled === 1 || r.expires_at <= now) return undefined;
    return {
      username: r.username,
      role: r.role,
      ...(r.display_name !== null ? { displayName: r.display_name } : {}),
      createdAt: r.created_at,
      expiresAt: r.expires_at,
    };
  }

  async destroy(token: string): Promise<void> {
    await this.pool.query('DELETE FROM staff_sessions WHERE token_hash = $1', [hashToken(token)]);
  }

  async purgeExpired(now = Date.now()): Promise<number> {
    return (await this.pool.query('DELETE FROM staff_sessions WHERE expires_at <= $1', [now])).rowCount ?? 0;
  }
}
