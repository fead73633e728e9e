// SQL in numbered migrations (gateway/src/db/migrations/NNN_name.sql), applied in order at
// start, each inside a transaction; the schema version is kept in the database.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LinliError } from '@linli/shared';
import type { Db } from './open.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const out: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    const m = /^(\d{3})_[\w-]+\.sql$/.exec(file);
    if (!m) continue;
    out.push({ version: Number(m[1]), name: file, sql: readFileSync(join(dir, file), 'utf8') });
  }
  const seen = new Set<number>();
  for (const m of out) {
    if (seen.has(m.version)) throw new LinliError('MIGRATION', `two migrations numbered ${m.version}`);
    seen.add(m.version);
  }
  return out;
}

/** Apply pending migrations; returns the names applied. */
export function migrate(db: Db, migrations = readMigrations()): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const done = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
      (r) => r.version,
    ),
  );
  const applied: string[] = [];
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    db.transaction(() => {
      try {
        db.exec(m.sql);
      } catch (err) {
        throw new LinliError('MIGRATION', `migration ${m.name} failed: ${(err as Error).message}`, {
          cause: err,
        });
      }
      record.run(m.version, m.name, Date.now());
    })();
    applied.push(m.name);
  }
  return applied;
}

export function schemaVersion(db: Db): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}
