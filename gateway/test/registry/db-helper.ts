// Temp SQLite databases for the registry and API tests: a real file in a temp directory,
// opened and migrated exactly as the gateway does (gateway/src/db).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Db, migrate, openDb } from '../../src/db/index.ts';

export interface TestDb {
  db: Db;
  dir: string;
  path: string;
  close(): void;
}

export function openTestDb(): TestDb {
  const dir = mkdtempSync(join(tmpdir(), 'linli-gw-reg-'));
  const path = join(dir, 'gateway.sqlite');
  const db = openDb(path);
  migrate(db);
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
