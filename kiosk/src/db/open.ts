// Opens the kiosk's SQLite file (WAL, busy timeout so several processes can share it) and
// brings its schema up to date. The file, its WAL and SHM are private (0600), its directory 0700.
import { preparePrivateFile, securePrivatePaths } from '@linli/shared/service';
import Database from 'better-sqlite3';
import { migrate } from './migrate.ts';

export type Db = Database.Database;

export function openDb(file: string, opts: { busyTimeoutMs?: number } = {}): Db {
  if (file !== ':memory:') preparePrivateFile(file);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  if (file !== ':memory:') securePrivatePaths([`${file}-wal`, `${file}-shm`]);
  db.pragma(`busy_timeout = ${Math.trunc(opts.busyTimeoutMs ?? 5000)}`);
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}
