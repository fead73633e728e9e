import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { GroupTransaction } from '../../service/group-transaction.ts';

const dirs: string[] = [];
function open() {
  const dir = mkdtempSync(join(tmpdir(), 'linli-group-tx-'));
  dirs.push(dir);
  const db = new Database(join(dir, 'test.sqlite'));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE rows (n INTEGER PRIMARY KEY CHECK (n < 100))');
  return { db, file: join(dir, 'test.sqlite') };
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('GroupTransaction', () => {
  it('commits the units of one event-loop turn in one transaction and settles each only after the commit', async () => {
    const { db, file } = open();
    const commits: number[] = [];
    const group = new GroupTransaction(db, (n: number) => {
      db.prepare('INSERT INTO rows (n) VALUES (?)').run(n);
      return n * 2;
    });
    const other = new Database(file, { readonly: true });
    const settled = [1, 2, 3].map((n) =>
      group.submit(n).then((value) => {
        // Another connection sees the row as soon as the unit is answered: it was committed.
        commits.push((other.prepare('SELECT COUNT(*) AS c FROM rows').get() as { c: number }).c);
        return value;
      }),
    );
    expect(await Promise.all(settled)).toEqual([2, 4, 6]);
    expect(commits).toEqual([3, 3, 3]);
    expect(group.batches).toBe(1);
    expect(group.units).toBe(3);
    other.close();
    db.close();
  });

  it('rolls back a failing unit alone (its savepoint); the others commit', async () => {
    const { db } = open();
    const group = new GroupTransaction(db, (n: number) => {
      db.prepare('INSERT INTO rows (n) VALUES (?)').run(n);
      db.prepare('INSERT INTO rows (n) VALUES (?)').run(n + 50); // fails the CHECK for n ≥ 50
      return n;
    });
    const results = await Promise.allSettled([1, 60, 2].map((n) => group.submit(n)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/CHECK constraint/);
    // Unit 60's first insert (60) was undone with its savepoint.
    expect(db.prepare('SELECT n FROM rows ORDER BY n').pluck().all()).toEqual([1, 2, 51, 52]);
    expect(group.batches).toBe(1);
    db.close();
  });

  it('rejects every unit of the batch when the transaction cannot commit, storing none', async () => {
    const { db, file } = open();
    const blocker = new Database(file);
    blocker.pragma('busy_timeout = 0');
    db.pragma('busy_timeout = 0');
    blocker.exec('BEGIN IMMEDIATE');
    const group = new GroupTransaction(db, (n: number) =>
      db.prepare('INSERT INTO rows (n) VALUES (?)').run(n),
    );
    const results = await Promise.allSettled([1, 2].map((n) => group.submit(n)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/locked|busy/i);
    blocker.exec('ROLLBACK');
    blocker.close();
    // Next turn works again.
    await group.submit(3);
    expect(db.prepare('SELECT n FROM rows').pluck().all()).toEqual([3]);
    db.close();
  });

  it('close() commits what is queued', async () => {
    const { db } = open();
    const group = new GroupTransaction(db, (n: number) =>
      db.prepare('INSERT INTO rows (n) VALUES (?)').run(n),
    );
    const pending = group.submit(7);
    group.close();
    expect(db.prepare('SELECT n FROM rows').pluck().all()).toEqual([7]);
    await pending;
    db.close();
  });
});
