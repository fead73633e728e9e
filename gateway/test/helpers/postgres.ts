// A real PostgreSQL (Debian's `postgresql` package) started by a test and stopped in afterAll.
//
//   const pg = await startPostgres();          // fresh cluster in a temp dir, a free port
//   const url = await pg.newDatabase();        // optional: an empty database of its own
//   ...
//   await pg.stop();                           // fast shutdown, temp dir removed
//
// As root the cluster runs as user `postgres` (PostgreSQL refuses to run as root): initdb and
// postgres are spawned with that uid/gid, and the temp dir is owned by postgres.
// The server listens on 127.0.0.1 only, trusts local connections (test-only cluster) and runs
// with fsync off: tests kill centers, never the database.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface RunningPostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  port: number;
  /** Create an empty database and return its URL (isolates one test file's suites). */
  newDatabase(name?: string): Promise<string>;
  /** Fast shutdown (SIGINT), wait for exit, remove the temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

/** The newest installed server's bin dir, e.g. /usr/lib/postgresql/15/bin. */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) throw new Error('PostgreSQL is not installed (apt-get install -y postgresql)');
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error(`no PostgreSQL server under ${root}`);
  return join(root, versions[0]!, 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const asRoot = process.getuid?.() === 0;

function postgresIds(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** Spawn options that run a server binary as user postgres when we are root (no runuser in
 *  between, so signals reach postgres itself). */
function asPostgres(): { uid?: number; gid?: number; env: NodeJS.ProcessEnv } {
  if (!asRoot) return { env: process.env };
  const { uid, gid } = postgresIds();
  return { uid, gid, env: { ...process.env, HOME: '/var/lib/postgresql', USER: 'postgres' } };
}

let databaseCounter = 0;

/** An initdb'd cluster kept in the temp dir, made once (atomically renamed into place). */
function templateCluster(bin: string): string {
  const version = bin.split('/').at(-2) ?? 'x';
  const template = join(tmpdir(), `linli-pg-template-${version}-${asRoot ? 'root' : process.getuid?.()}`);
  if (existsSync(join(template, 'PG_VERSION'))) return template;
  const work = mkdtempSync(join(tmpdir(), 'linli-pg-init-'));
  chmodSync(work, 0o700);
  if (asRoot) {
    const { uid, gid } = postgresIds();
    chownSync(work, uid, gid);
  }
  const data = join(work, 'data');
  execFileSync(
    join(bin, 'initdb'),
    ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
    { stdio: 'pipe', cwd: work, ...asPostgres() },
  );
  try {
    renameSync(data, template);
  } catch {
    // another test process made it first: use theirs
  }
  rmSync(work, { recursive: true, force: true });
  return template;
}

export async function startPostgres(): Promise<RunningPostgres> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'linli-pg-'));
  chmodSync(dir, 0o700);
  if (asRoot) {
    const { uid, gid } = postgresIds();
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  try {
    // a copy of a cluster made once per machine and server version (initdb takes seconds)
    execFileSync('cp', ['-a', templateCluster(bin), data], { stdio: 'pipe' });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(`cluster setup failed: ${e.stderr?.toString() ?? e.message}`);
  }

  const port = await freePort();
  const args = [
    '-D',
    data,
    '-k',
    dir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'max_connections=200',
  ];
  const child: ChildProcess = spawn(join(bin, 'postgres'), args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    cwd: dir,
    ...asPostgres(),
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let log = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (c: string) => {
    if (process.env.PG_DEBUG) process.stderr.write(c);
    if (log.length < 100_000) log += c;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`postgres exited ${child.exitCode}: ${log}`);
    }
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      break;
    } catch {
      await client.end().catch(() => {});
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
        throw new Error(`postgres did not accept connections within 30 s: ${log}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  let stopped = false;
  return {
    url,
    port,
    async newDatabase(name?: string) {
      const db = name ?? `linli_${process.pid}_${++databaseCounter}`;
      if (!/^[a-z_][a-z0-9_]*$/.test(db)) throw new Error(`bad database name ${db}`);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${db}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${db}`;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null) {
        // SIGINT: fast shutdown (disconnect clients, no wait)
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
