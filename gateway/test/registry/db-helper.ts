// Temp SQLite databases for the registry and API tests. Applies this side's migrations (002,
// 003) after a stand-in for the engine's 001, on a real file in a temp directory.
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
  db.exec('CREATE TABLE IF NOT EXISTS test_stand_in_001 (x INTEGER)');
  for (const f of readdirSync(MIGRATIONS).sort()) {
    if (/^00[23]_.*\.sql$/.test(f)) db.exec(readFileSync(new URL(f, MIGRATIONS), 'utf8'));
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
