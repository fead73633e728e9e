// Backups and restores of the gateway's and the kiosk's SQLite files through their CLIs
// (`backup`, `restore`), against the real services running as processes: a backup taken while
// another process writes is one consistent snapshot that passes the integrity check; a restore
// is refused while the service holds the database; after the service stops it restores the
// data exactly; a corrupted, foreign or newer backup is refused and the live data left alone.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, openSync, readdirSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { openDb as openKioskDb } from '@linli/kiosk';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  freePort,
  HMAC_KEY,
  killed,
  provision,
  REPO,
  removeDir,
  secretOf,
  spawnGateway,
  tempDir,
} from './gateway-helpers.ts';
import { startKioskProcess } from './kiosk-process.ts';

interface Run {
  code: number;
  out: string;
  err: string;
}

function cli(script: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', join(REPO, script), ...args], {
      cwd: REPO,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    p.stderr.on('data', (b: Buffer) => {
      err += b.toString();
    });
    p.once('error', reject);
    p.once('exit', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

// Another process writing while backups run: each transaction adds a row and bumps a total, so
// a consistent snapshot always has count(rows) = total.
const WRITER = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1], { timeout: 10000 });
db.pragma('journal_mode = WAL');
db.exec('CREATE TABLE IF NOT EXISTS probe_rows (n INTEGER PRIMARY KEY, pad TEXT)');
db.exec('CREATE TABLE IF NOT EXISTS probe_total (id INTEGER PRIMARY KEY CHECK (id = 1), total INTEGER)');
db.exec('INSERT OR IGNORE INTO probe_total VALUES (1, 0)');
const add = db.transaction((pad) => {
  db.prepare('INSERT INTO probe_rows (pad) VALUES (?)').run(pad);
  db.prepare('UPDATE probe_total SET total = total + 1 WHERE id = 1').run();
});
process.stdout.write('writing\\n');
const step = () => { add('x'.repeat(200)); setImmediate(step); };
step();
`;

function startWriter(file: string): Promise<ChildProcess> {
  const p = spawn(process.execPath, ['-e', WRITER, file], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    p.stdout!.once('data', () => resolve(p));
    p.once('exit', (code) => reject(new Error(`writer exited ${code}`)));
  });
}

function stop(p: ChildProcess | undefined): Promise<void> {
  if (!p) return Promise.resolve();
  const done = killed(p);
  p.kill('SIGTERM');
  return done;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function probe(file: string): { rows: number; total: number } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = (db.prepare('SELECT COUNT(*) AS n FROM probe_rows').get() as { n: number }).n;
    const total = (db.prepare('SELECT total FROM probe_total').get() as { total: number }).total;
    return { rows, total };
  } finally {
    db.close();
  }
}

/** Every table's rows, as text: two databases with the same dump hold the same data. */
function dump(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .all() as { name: string }[];
    return tables
      .map(({ name }) => {
        const rows = db.prepare(`SELECT * FROM "${name}"`).all() as unknown[];
        return `${name}\n${rows
          .map((r) => JSON.stringify(r, (_k, v) => (Buffer.isBuffer(v) ? v.toString('hex') : v)))
          .sort()
          .join('\n')}`;
      })
      .join('\n\n');
  } finally {
    db.close();
  }
}

/** Overwrite the root page of `table` with garbage: integrity_check must fail. */
function corrupt(file: string, table: string): void {
  const db = new Database(file, { readonly: true });
  const root = (
    db.prepare('SELECT rootpage FROM sqlite_master WHERE name = ?').get(table) as { rootpage: number }
  ).rootpage;
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, (root - 1) * pageSize);
  writeSync(fd, Buffer.from([0x0d]), 0, 1, (root - 1) * pageSize); // still a leaf page, with nonsense cells
  // (0x0d = table leaf; its cell count and pointers are now 0x5a5a: out of the page)
  closeSync(fd);
}

async function backupDuringWrites(
  script: string,
  env: Record<string, string>,
  live: string,
  dir: string,
): Promise<string[]> {
  const writer = await startWriter(live);
  try {
    // Let the writer get going, then take three backups (the retention keeps two).
    const deadline = Date.now() + 20_000;
    while (probe(live).total < 200 && Date.now() < deadline) await sleep(50);
    const files: string[] = [];
    const totals: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = probe(live).total;
      const r = await cli(script, ['backup', '--dir', dir, '--keep', '2', '--json'], env);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const res = JSON.parse(r.out) as { file: string; schema: number; removed: string[] };
      files.push(res.file);
      const snap = probe(res.file);
      expect(snap.rows).toBe(snap.total); // one consistent snapshot
      expect(snap.total).toBeGreaterThanOrEqual(before);
      totals.push(snap.total);
      expect(statSync(res.file).mode & 0o777).toBe(0o600);
      expect(existsSync(`${res.file}-wal`)).toBe(false); // self-contained
    }
    expect(totals[2]!).toBeGreaterThan(totals[0]!); // the writer kept writing between the backups
    const left = readdirSync(dir).sort();
    expect(left).toEqual(files.slice(1).map((f) => f.slice(dir.length + 1)));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    return files;
  } finally {
    await stop(writer);
  }
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) removeDir(d);
});

describe('gateway backup and restore', () => {
  it('backs up while writes go on, refuses to restore under the running gateway, restores exactly, refuses bad backups', async () => {
    const dataDir = tempDir();
    const backups = tempDir();
    dirs.push(dataDir, backups);
    provision(dataDir, (r) => {
      for (const id of ['bk-1', 'bk-2', 'bk-3'])
        r.provision({ id, site: 'site1', kind: 'pendant', secret: secretOf(id) });
    });
    const env = {
      LINLI_GW_DATA_DIR: dataDir,
      LINLI_GW_HMAC_KEY: HMAC_KEY,
      LINLI_GW_MQTT_HOST: '127.0.0.1',
      LINLI_GW_MQTT_PORT: '0',
      LINLI_GW_WS_PORT: '-1',
      LINLI_GW_HTTP_PORT: '-1',
    };
    const live = join(dataDir, 'gateway.db');
    const script = 'gateway/src/cli/main.ts';
    let gw = await spawnGateway(env);
    try {
      const files = await backupDuringWrites(script, env, live, backups);
      const good = files[2]!;

      // The gateway alone still holds the database: refused, nothing touched.
      const liveBefore = dump(live);
      const busy = await cli(script, ['restore', good], env);
      expect(busy.code).toBe(1);
      expect(busy.err).toMatch(/error BUSY: .*gateway\.db is in use .*systemctl stop linli-gateway/);
      expect(dump(live)).toBe(liveBefore);
    } finally {
      await stop(gw.proc);
    }
    const good = readdirSync(backups)
      .sort()
      .map((f) => join(backups, f))
      .at(-1)!;

    // Bad backups are refused with the service stopped, and the live database stays as it was.
    const liveBefore = dump(live);
    const broken = join(backups, 'broken.sqlite');
    copyFileSync(good, broken);
    corrupt(broken, 'devices');
    const bad = await cli(script, ['restore', broken], env);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/error BACKUP: .*broken\.sqlite: integrity check failed/);

    const garbage = join(backups, 'garbage.sqlite');
    copyFileSync(good, garbage);
    const fd = openSync(garbage, 'r+');
    writeSync(fd, Buffer.from('this is not SQLite at all'), 0, 25, 0);
    closeSync(fd);
    const notDb = await cli(script, ['restore', garbage], env);
    expect(notDb.code).toBe(1);
    expect(notDb.err).toMatch(/error BACKUP: .*garbage\.sqlite: (cannot be opened|integrity check failed)/);

    const kioskFile = join(backups, 'from-kiosk.sqlite');
    openKioskDb(kioskFile).close();
    const foreign = await cli(script, ['restore', kioskFile], env);
    expect(foreign.code).toBe(1);
    expect(foreign.err).toMatch(/not a gateway database/);

    const newer = join(backups, 'newer.sqlite');
    copyFileSync(good, newer);
    const n = new Database(newer);
    n.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, ?, 0)').run(
      '999_future.sql',
    );
    n.close();
    const future = await cli(script, ['restore', newer], env);
    expect(future.code).toBe(1);
    expect(future.err).toMatch(/schema 999 is newer than this program/);
    expect(dump(live)).toBe(liveBefore);

    // The good backup restores exactly; the replaced database is kept aside.
    const ok = await cli(script, ['restore', good, '--json'], env);
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    const res = JSON.parse(ok.out) as { live: string; previous: string; schema: number };
    expect(res.live).toBe(live);
    expect(dump(live)).toBe(dump(good));
    expect(dump(live)).not.toBe(liveBefore); // the writer went on after the backup
    expect(dump(res.previous)).toBe(liveBefore);
    expect(statSync(live).mode & 0o777).toBe(0o600);
    expect(statSync(res.previous).mode & 0o777).toBe(0o600);

    // The gateway starts on the restored database and knows its devices.
    gw = await spawnGateway(env);
    await stop(gw.proc);
    const list = await cli(script, ['device', 'list', '--json'], env);
    expect(list.code).toBe(0);
    expect((JSON.parse(list.out) as { id: string }[]).map((d) => d.id).sort()).toEqual([
      'bk-1',
      'bk-2',
      'bk-3',
    ]);
  }, 180_000);
});

describe('kiosk backup and restore', () => {
  it('backs up while writes go on, refuses to restore under the running kiosk, restores exactly, refuses a corrupted backup', async () => {
    const dataDir = tempDir();
    const backups = tempDir();
    dirs.push(dataDir, backups);
    const env = {
      LINLI_KIOSK_DATA_DIR: dataDir,
      LINLI_KIOSK_ADMIN_PASSWORD: 'backup-test-password-1',
      LINLI_KIOSK_IDCARD: 'none',
      LINLI_KIOSK_PRINTER: 'none',
      LINLI_KIOSK_SCANNER: 'none',
      LINLI_KIOSK_LOG_LEVEL: 'warn',
    };
    const live = join(dataDir, 'kiosk.sqlite');
    const script = 'kiosk/src/cli/main.ts';
    let kiosk = await startKioskProcess(env, await freePort());
    let good: string;
    try {
      const files = await backupDuringWrites(script, env, live, backups);
      good = files[2]!;
      const busy = await cli(script, ['restore', good], env);
      expect(busy.code).toBe(1);
      expect(busy.err).toMatch(/error BUSY: .*kiosk\.sqlite is in use .*systemctl stop linli-kiosk/);
    } finally {
      await stop(kiosk.proc);
    }
    const liveBefore = dump(live);
    const broken = join(backups, 'broken.sqlite');
    copyFileSync(good, broken);
    corrupt(broken, 'probe_rows');
    const bad = await cli(script, ['restore', broken], env);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/integrity check failed/);
    expect(dump(live)).toBe(liveBefore);

    const ok = await cli(script, ['restore', good], env);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/restored .* into .*kiosk\.sqlite; the database it replaced is saved as /);
    expect(dump(live)).toBe(dump(good));
    kiosk = await startKioskProcess(env, await freePort());
    await stop(kiosk.proc);
  }, 180_000);
});
