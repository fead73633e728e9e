import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { listMigrations, migrate, schemaVersion } from '../../src/db/migrate.ts';
import { openDb } from '../../src/db/open.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('migrations', () => {
  it('apply in order once, store the version, and are a no-op the second time', () => {
    dir = mkdtempSync(join(tmpdir(), 'linli-mig-'));
    const file = join(dir, 'k.sqlite');
    const db = openDb(file);
    const n = listMigrations().length;
    expect(n).toBeGreaterThanOrEqual(3);
    expect(schemaVersion(db)).toBe(n);
    expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual(
      Array.from({ length: n }, (_, i) => ({ version: i + 1 })),
    );
    expect(migrate(db)).toEqual([]);
    expect((db.prepare('SELECT COUNT(*) AS n FROM services').get() as { n: number }).n).toBe(9);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('rolls back a failing migration and refuses a database newer than the program', () => {
    const db = new Database(':memory:');
    const good = listMigrations();
    expect(() =>
      migrate(db, [
        ...good,
        { version: good.length + 1, name: 'bad', sql: 'CREATE TABLE x (a); SELEC nonsense;' },
      ]),
    ).toThrow();
    expect(schemaVersion(db)).toBe(good.length);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'x'").get()).toBeUndefined();
    db.pragma(`user_version = ${good.length + 5}`);
    expect(() => migrate(db)).toThrow(/newer than this program/);
    db.close();
  });
});

describe('background WAL checkpoints', () => {
  it('turn the automatic checkpoint off while the worker runs, and back on after', async () => {
    const { Checkpointer } = await import('../../src/db/checkpointer.ts');
    dir = mkdtempSync(join(tmpdir(), 'linli-ckpt-'));
    const file = join(dir, 'k.sqlite');
    const db = openDb(file);
    const c = new Checkpointer(db, file, 20);
    c.start();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const ins = db.prepare("INSERT INTO meta (key, value) VALUES (?, 'x')");
    for (let i = 0; i < 500; i++) ins.run(`k${i}`);
    // The worker checkpoints on its own and reports the frames it copied.
    await expect.poll(() => c.runs, { timeout: 5000 }).toBeGreaterThan(0);
    expect(c.last?.checkpointed).toBeGreaterThan(0);
    await c.stop();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect((db.prepare("SELECT COUNT(*) AS n FROM meta WHERE key LIKE 'k%'").get() as { n: number }).n).toBe(
      500,
    );
    db.close();
  });
});
