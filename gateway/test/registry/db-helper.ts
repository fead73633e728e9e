// Temp SQLite databases for the registry and API tests: a real file in a temp directory with
// every migration of gateway/src/db/migrations applied in order, each in a transaction.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const MIGRATIONS = new URL('../../src/db/migrations/', import.meta.url);

export interface TestDb {
  db: Database.Database;
  dir: string;
  path: string;
  close(): void;
}

export function openTestDb(): TestDb {
  const dir = mkdtempSync(join(tmpdir(), 'linli-gw-reg-'));
  const path = join(dir, 'gateway.sqlite');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  for (const f of readdirSync(MIGRATIONS).sort()) {
    if (!/^\d{3}_[\w-]+\.sql$/.test(f)) continue;
    const sql = readFileSync(new URL(f, MIGRATIONS), 'utf8');
    db.transaction(() => db.exec(sql))();
  }
  return {
    db,
    dir,
    path,
    close() {
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
