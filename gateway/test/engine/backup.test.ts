// The backup/restore core (@linli/shared/service/sqlite-backup.ts) on the gateway's database, in
// this process: retention, the in-use check, a restore onto a machine without a database, and the
// CLI's usage errors. The whole story against running services: test/e2e/backup-restore.test.ts.
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupDatabase, databaseInUse, listBackups, restoreDatabase, stamp } from '@linli/shared/service';
import { afterEach, describe, expect, it } from 'vitest';
import { GATEWAY_DB } from '../../src/cli/backup.ts';
import { run } from '../../src/cli/main.ts';
import { migrate, openDb } from '../../src/db/index.ts';

const dirs: string[] = [];
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'linli-backup-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function gatewayDb(file: string): void {
  const db = openDb(file);
  migrate(db);
  db.exec(
    "INSERT INTO staff (username, display_name, role, password_hash, created_at, password_changed_at) VALUES ('u1', 'U', 'admin', 'x', 1, 1)",
  );
  db.close();
}

describe('backups', () => {
  it('are named by UTC time (sorting as time does) and the retention keeps the newest, touching nothing else', async () => {
    expect(stamp(new Date('2026-12-02T02:30:00.123Z'))).toBe('20261202T023000123Z');
    const dir = temp();
    const live = join(dir, 'gateway.db');
    gatewayDb(live);
    const out = join(dir, 'backups');
    mkdirSync(out);
    for (const f of ['notes.txt', 'gateway-latest.sqlite', 'kiosk-20200101T000000000Z.sqlite'])
      writeFileSync(join(out, f), 'x');
    const times = [
      '2026-03-01T00:00:00Z',
      '2026-01-15T00:00:00Z',
      '2026-02-01T00:00:00Z',
      '2026-04-01T00:00:00Z',
    ];
    let last: Awaited<ReturnType<typeof backupDatabase>> | undefined;
    for (const t of times) last = await backupDatabase(GATEWAY_DB, live, out, { now: new Date(t), keep: 2 });
    expect(listBackups('gateway', out).map((f) => f.slice(out.length + 1))).toEqual([
      'gateway-20260301T000000000Z.sqlite',
      'gateway-20260401T000000000Z.sqlite',
    ]);
    expect(last!.removed.length).toBe(1);
    for (const f of ['notes.txt', 'gateway-latest.sqlite', 'kiosk-20200101T000000000Z.sqlite'])
      expect(statSync(join(out, f)).isFile()).toBe(true);
  });

  it('refuse a missing database', async () => {
    const dir = temp();
    await expect(backupDatabase(GATEWAY_DB, join(dir, 'none.db'), dir)).rejects.toThrow(
      /no database to back up/,
    );
  });
});

describe('restore', () => {
  it('sees a database held open by another connection, and not once it is closed', () => {
    const dir = temp();
    const live = join(dir, 'gateway.db');
    gatewayDb(live);
    const held = openDb(live);
    held.prepare('SELECT COUNT(*) FROM staff').get();
    expect(databaseInUse(GATEWAY_DB, live)).toBe(true);
    held.close();
    expect(databaseInUse(GATEWAY_DB, live)).toBe(false);
    expect(databaseInUse(GATEWAY_DB, join(dir, 'absent.db'))).toBe(false);
  });

  it('onto a machine without a database: creates it private, nothing to keep aside', async () => {
    const dir = temp();
    const live = join(dir, 'old', 'gateway.db');
    gatewayDb(live);
    const b = await backupDatabase(GATEWAY_DB, live, join(dir, 'b'));
    const fresh = join(dir, 'new', 'data', 'gateway.db');
    const r = await restoreDatabase(GATEWAY_DB, b.file, fresh);
    expect(r.previous).toBeUndefined();
    expect(r.schema).toBe(b.schema);
    expect(statSync(fresh).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'new', 'data')).mode & 0o777).toBe(0o700);
    const db = openDb(fresh);
    expect(db.prepare('SELECT username FROM staff').all()).toEqual([{ username: 'u1' }]);
    db.close();
  });
});

describe('restore as root', () => {
  it("gives the restored files to the data folder's owner (checked when the tests run as root)", async () => {
    const root = process.getuid?.() === 0;
    const owner = root ? 65534 : process.getuid!();
    const dir = temp();
    chmodSync(dir, 0o755);
    const data = join(dir, 'data');
    const live = join(data, 'gateway.db');
    gatewayDb(live);
    const b = await backupDatabase(GATEWAY_DB, live, join(dir, 'b'));
    if (root) {
      chownSync(data, owner, owner);
      for (const f of readdirSync(data)) chownSync(join(data, f), owner, owner);
    }
    const r = await restoreDatabase(GATEWAY_DB, b.file, live);
    expect(r.previous).toBeDefined();
    for (const f of readdirSync(data)) expect(statSync(join(data, f)).uid, f).toBe(owner);
  });
});

describe('CLI usage', () => {
  it('answers --help and refuses bad options with exit code 2', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (s: string) => out.push(s), err: (s: string) => err.push(s), env: {} };
    expect(await run(['backup', '--help'], io)).toBe(0);
    expect(out.join('\n')).toMatch(/online backup API/);
    expect(await run(['backup', '--keep', '0'], io)).toBe(2);
    expect(await run(['backup', '--keep', 'x'], io)).toBe(2);
    expect(await run(['restore'], io)).toBe(2);
    expect(await run(['restore', 'a', 'b'], io)).toBe(2);
    expect(err.join('\n')).toMatch(/--keep must be at least 1/);
  });
});
