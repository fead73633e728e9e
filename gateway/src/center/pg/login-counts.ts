// Failed staff logins of a center on PostgreSQL, counted in the shared database (table
// login_failures, migration 003) so that an attacker spreading attempts over the instances is
// limited as if they had all gone to one (shared/service/login-limiter.ts SharedLoginLimiter).
// Keys are stored as their SHA-256: no address or account name in the table, and no NUL byte
// (the limiter's separator) in a TEXT column. Rows whose window ended are deleted now and then.
import { createHash } from 'node:crypto';
import type { LoginCount, LoginCountStore } from '@linli/shared/service';
import type { PgPool } from '../../db/pg.ts';

const PURGE_EVERY_MS = 60_000;

const digest = (key: string) => createHash('sha256').update(key).digest('hex');

export class PgLoginCounts implements LoginCountStore {
  private lastPurge = 0;

  constructor(private readonly pool: PgPool) {}

  async get(keys: string[], now: number): Promise<Map<string, LoginCount>> {
    const byDigest = new Map(keys.map((k) => [digest(k), k]));
    const r = await this.pool.query<{ key: string; failures: number; reset_at: number }>(
      'SELECT key, failures, reset_at FROM login_failures WHERE key = ANY($1) AND reset_at > $2',
      [[...byDigest.keys()], now],
    );
    const out = new Map<string, LoginCount>();
    for (const row of r.rows) {
      const k = byDigest.get(row.key);
      if (k !== undefined) out.set(k, { failures: row.failures, resetAt: row.reset_at });
    }
    return out;
  }

  async add(keys: string[], now: number, windowMs: number): Promise<void> {
    // one statement per key, each atomic: concurrent failures on other instances all count
    await this.pool.query(
      `INSERT INTO login_failures (key, failures, reset_at)
         SELECT k, 1, $2::bigint + $3::bigint FROM unnest($1::text[]) AS k
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN login_failures.reset_at <= $2 THEN 1 ELSE login_failures.failures + 1 END,
         reset_at = CASE WHEN login_failures.reset_at <= $2 THEN EXCLUDED.reset_at ELSE login_failures.reset_at END`,
      [keys.map(digest), now, windowMs],
    );
    if (now - this.lastPurge >= PURGE_EVERY_MS) {
      this.lastPurge = now;
      await this.pool.query('DELETE FROM login_failures WHERE reset_at <= $1', [now]);
    }
  }

  async delete(key: string): Promise<void> {
    await this.pool.query('DELETE FROM login_failures WHERE key = $1', [digest(key)]);
  }
}
