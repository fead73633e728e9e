// Backups of a service's SQLite file through SQLite's online backup API (better-sqlite3's
// `db.backup()`): safe while the service runs and writes (WAL: the copy is one consistent
// snapshot; writers are never blocked). A backup is checked (PRAGMA integrity_check) before it
// gets its final name, and made a single self-contained file (journal_mode DELETE, mode 0600).
// A restore refuses a backup that fails the integrity check, that belongs to another service or
// to a newer program (its migrations), and refuses while any process holds the live database:
// the service must be stopped first. The live database is saved aside before it is replaced.
// The caller passes its better-sqlite3 constructor (shared does not depend on the native module).
import {
  chownSync,
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readdirSync,
  renameSync,
  statSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { LinliError } from '@linli/shared';
import type Database from 'better-sqlite3';
import { preparePrivateFile, securePrivatePaths, securePrivateTree } from './private-files.ts';

type Db = Database.Database;

export interface SqliteService {
  /** Prefix of backup file names and the name in messages: 'gateway', 'kiosk'. */
  name: string;
  /** The systemd unit to stop before a restore (said in the refusal). */
  unit: string;
  open(file: string, opts?: Database.Options): Db;
  /** This program's migrations ({version, name} as recorded in schema_migrations). */
  migrations: readonly { version: number; name: string }[];
}

export interface BackupCheck {
  file: string;
  schema: number;
  bytes: number;
}

export interface BackupResult extends BackupCheck {
  /** Older backups deleted by the retention (--keep). */
  removed: string[];
}

export interface RestoreResult extends BackupCheck {
  live: string;
  /** Where the database that was replaced was saved (absent when there was none). */
  previous?: string;
}

const STAMP = /^\d{8}T\d{9}Z$/;

/** `20261202T022500123Z`: sorts as time does. */
export function stamp(at: Date): string {
  return at.toISOString().replace(/[-:.]/g, '');
}

export function backupName(service: string, at: Date): string {
  return `${service}-${stamp(at)}.sqlite`;
}

/** The backups of `service` in `dir`, oldest first. */
export function listBackups(service: string, dir: string): string[] {
  if (!existsSync(dir)) return [];
  const prefix = `${service}-`;
  return readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.sqlite') && STAMP.test(f.slice(prefix.length, -7)))
    .sort()
    .map((f) => join(dir, f));
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Integrity and schema of a database file (a backup), opened read-only; throws LinliError('BACKUP'). */
export function checkBackup(svc: SqliteService, file: string): BackupCheck {
  if (!existsSync(file)) throw new LinliError('BACKUP', `${file}: no such file`);
  let db: Db;
  try {
    db = svc.open(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new LinliError('BACKUP', `${file}: cannot be opened as SQLite: ${(err as Error).message}`);
  }
  try {
    let problems: string[];
    try {
      problems = (db.pragma('integrity_check') as { integrity_check: string }[]).map(
        (r) => r.integrity_check,
      );
    } catch (err) {
      throw new LinliError('BACKUP', `${file}: integrity check failed: ${(err as Error).message}`);
    }
    if (problems.length !== 1 || problems[0] !== 'ok')
      throw new LinliError(
        'BACKUP',
        `${file}: integrity check failed: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? ' …' : ''}`,
      );
    return { file, schema: checkSchema(svc, db, file), bytes: statSync(file).size };
  } finally {
    db.close();
  }
}

/** The backup's migrations must be this service's, none newer than this program knows. */
function checkSchema(svc: SqliteService, db: Db, file: string): number {
  let rows: { version: number; name: string }[];
  try {
    rows = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as typeof rows;
  } catch {
    throw new LinliError('BACKUP', `${file}: not a ${svc.name} database (no schema_migrations table)`);
  }
  const known = new Map(svc.migrations.map((m) => [m.version, m.name]));
  const newest = Math.max(0, ...svc.migrations.map((m) => m.version));
  let schema = 0;
  for (const r of rows) {
    if (r.version > newest)
      throw new LinliError(
        'BACKUP',
        `${file}: schema ${r.version} is newer than this program (${newest}); restore it with the version that wrote it`,
      );
    if (known.get(r.version) !== r.name)
      throw new LinliError(
        'BACKUP',
        `${file}: not a ${svc.name} database (migration ${r.version} is "${r.name}", expected "${known.get(r.version)}")`,
      );
    schema = Math.max(schema, r.version);
  }
  if (schema === 0)
    throw new LinliError('BACKUP', `${file}: not a ${svc.name} database (no migration applied)`);
  return schema;
}

/** True while another connection (the running service) has the database open. */
export function databaseInUse(svc: SqliteService, file: string): boolean {
  if (!existsSync(file)) return false;
  const db = svc.open(file, { fileMustExist: true, timeout: 0 });
  try {
    // An exclusive lock cannot be had while any other connection has the file open (in WAL mode
    // each connection keeps a shared lock on the -shm file even when idle).
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
    return false;
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith('SQLITE_BUSY')) return true;
    throw err;
  } finally {
    db.close();
  }
}

/** Copy the live database into `dir` (created 0700) as `<name>-<stamp>.sqlite`, checked; keep the newest `keep`. */
export async function backupDatabase(
  svc: SqliteService,
  live: string,
  dir: string,
  opts: { keep?: number; now?: Date } = {},
): Promise<BackupResult> {
  if (!existsSync(live)) throw new LinliError('BACKUP', `${live}: no database to back up`);
  securePrivateTree(dir);
  const file = join(dir, backupName(svc.name, opts.now ?? new Date()));
  const partial = join(dir, `.${basename(file)}.partial`);
  const src = svc.open(live, { fileMustExist: true, timeout: 5000 });
  try {
    // After the first step, the rest in one step: one read transaction, so writes by the service
    // in between cannot restart the copy again and again.
    await src.backup(partial, { progress: ({ totalPages }) => Math.max(totalPages, 100) });
  } catch (err) {
    await rm(partial, { force: true });
    throw new LinliError('BACKUP', `backup of ${live} failed: ${(err as Error).message}`);
  } finally {
    src.close();
  }
  try {
    const copy = svc.open(partial, { fileMustExist: true });
    try {
      copy.pragma('journal_mode = DELETE'); // one self-contained file
    } finally {
      copy.close();
    }
    securePrivatePaths([partial]);
    const check = checkBackup(svc, partial);
    fsyncPath(partial);
    renameSync(partial, file);
    fsyncPath(dir);
    const removed: string[] = [];
    if (opts.keep !== undefined && opts.keep > 0) {
      const all = listBackups(svc.name, dir);
      for (const old of all.slice(0, Math.max(0, all.length - opts.keep))) {
        await rm(old, { force: true });
        removed.push(old);
      }
    }
    return { ...check, file, removed };
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}

/** Replace the live database with a checked backup; refuses while the database is in use. */
export async function restoreDatabase(
  svc: SqliteService,
  backup: string,
  live: string,
  opts: { now?: Date } = {},
): Promise<RestoreResult> {
  const check = checkBackup(svc, backup);
  if (databaseInUse(svc, live))
    throw new LinliError(
      'BUSY',
      `${live} is in use (is the ${svc.name} running?): stop it first (systemctl stop ${svc.unit}), then restore`,
    );
  const liveDir = dirname(live);
  const owner = existsSync(liveDir) ? statSync(liveDir) : undefined;
  let previous: string | undefined;
  if (existsSync(live) && statSync(live).size > 0) {
    previous = `${live}.before-restore-${stamp(opts.now ?? new Date())}`;
    const cur = svc.open(live, { fileMustExist: true, timeout: 5000 });
    try {
      await cur.backup(previous);
    } finally {
      cur.close();
    }
    const p = svc.open(previous, { fileMustExist: true });
    p.pragma('journal_mode = DELETE');
    p.close();
    securePrivatePaths([previous]);
  }
  preparePrivateFile(live); // directory 0700, file 0600 before SQLite writes into it
  const src = svc.open(backup, { readonly: true, fileMustExist: true });
  try {
    await src.backup(live, { progress: ({ totalPages }) => Math.max(totalPages, 100) });
  } catch (err) {
    throw new LinliError(
      'BACKUP',
      `restore into ${live} failed: ${(err as Error).message}${previous ? `; the previous database is in ${previous}` : ''}`,
    );
  } finally {
    src.close();
  }
  const after = svc.open(live, { fileMustExist: true });
  try {
    after.pragma('journal_mode = WAL');
    const ok = after.pragma('integrity_check', { simple: true });
    if (ok !== 'ok') throw new LinliError('BACKUP', `${live} after restore: integrity check failed: ${ok}`);
  } finally {
    after.close();
  }
  const files = [live, `${live}-wal`, `${live}-shm`, ...(previous ? [previous] : [])];
  securePrivatePaths(files);
  // Run as root (sudo) the files must stay the service user's: give them the data folder's owner.
  if (owner && process.getuid?.() === 0)
    for (const f of files) if (existsSync(f)) chownSync(f, owner.uid, owner.gid);
  return { ...check, file: backup, live, ...(previous ? { previous } : {}) };
}
