// Numbered SQL migrations (migrations/NNN_name.sql), applied in order at start, each inside a
// transaction; the applied version is kept in the database (schema_migrations + user_version).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LinliError } from '@linli/shared';
import type Database from 'better-sqlite3';

const DIR = join(import.meta.dirname, 'migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function listMigrations(dir = DIR): Migration[] {
  const out: Migration[] = [];
  for (const f of readdirSync(dir).sort()) {
    const m = /^(\d{3})_([a-z0-9_]+)\.sql$/.exec(f);
    if (!m) continue;
    out.push({ version: Number(m[1]), name: m[2] as string, sql: readFileSync(join(dir, f), 'utf8') });
  }
  out.forEach((m, i) => {
    if (m.version !== i + 1) throw new LinliError('MIGRATION', `migration ${m.version} out of sequence`);
  });
  return out;
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies every pending migration; returns the versions applied. Two processes may race: BEGIN IMMEDIATE serialises them. */
export function migrate(db: Database.Database, migrations = listMigrations()): number[] {
  const applied: number[] = [];
  for (const m of migrations) {
    const step = db.transaction(() => {
      if (schemaVersion(db) >= m.version) return;
      db.exec(m.sql);
      db.exec(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
      );
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        Date.now(),
      );
      db.pragma(`user_version = ${m.version}`);
      applied.push(m.version);
    });
    step.immediate();
  }
  const v = schemaVersion(db);
  if (v > migrations.length)
    throw new LinliError(
      'MIGRATION',
      `database schema ${v} is newer than this program (${migrations.length})`,
    );
  return applied;
}
