// Open the gateway's SQLite database: WAL, fsync at every commit (synchronous=FULL). The file,
// its WAL and SHM are private (0600), its directory 0700.
import { preparePrivateFile, securePrivatePaths } from '@linli/shared/service';
import Database from 'better-sqlite3';

export type Db = Database.Database;

export function openDb(file: string): Db {
  if (file !== ':memory:') preparePrivateFile(file);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  if (file !== ':memory:') securePrivatePaths([`${file}-wal`, `${file}-shm`]);
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}
