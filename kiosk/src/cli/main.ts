#!/usr/bin/env -S npx tsx
// linli kiosk admin CLI, on the kiosk's SQLite file (<LINLI_KIOSK_DATA_DIR>/kiosk.sqlite):
//   npx tsx kiosk/src/cli/main.ts <command> [options]      (--help on any command)
// backup / restore go through SQLite's online backup API (safe while the kiosk service runs; a
// restore refuses while it runs). Shared logic: @linli/shared/service/sqlite-backup.ts.
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  backupDatabase,
  cliFailure,
  restoreDatabase,
  type SqliteService,
  UsageError,
} from '@linli/shared/service';
import Database from 'better-sqlite3';
import { loadConfig } from '../config.ts';
import { listMigrations } from '../db/migrate.ts';

type Out = (s: string) => void;

const ENV_HELP = `Environment: LINLI_KIOSK_DATA_DIR (default ./data/kiosk; the database is kiosk.sqlite in it),
or LINLI_KIOSK_CONFIG_FILE, as the kiosk service reads them.`;

export const USAGE: Record<string, string> = {
  main: `Usage: linli-kiosk <command> [options]

Commands:
  backup    copy the database to a checked backup file (safe while the kiosk service runs)
  restore   replace the database with a backup (the kiosk service must be stopped)

Run "<command> --help" for its options.
${ENV_HELP}`,
  backup: `Usage: backup [--dir DIR] [--keep N] [--json]
  Copies the database through SQLite's online backup API (safe while the kiosk runs and writes)
  to DIR/kiosk-<UTC time>.sqlite (mode 0600), checked with PRAGMA integrity_check.
  --dir    where backups go (default <data folder>/backups; created 0700)
  --keep   keep only the newest N backups in DIR (older ones are deleted)`,
  restore: `Usage: restore FILE [--json]
  Checks FILE (integrity, a kiosk database, schema not newer than this program), refuses while
  the kiosk service has the database open (stop it: systemctl stop linli-kiosk), saves the
  current database as kiosk.sqlite.before-restore-<time>, then copies FILE in. Run it as the
  service user, or as root (the files are given back to the data folder's owner).`,
};

export const KIOSK_DB: SqliteService = {
  name: 'kiosk',
  unit: 'linli-kiosk',
  open: (file, opts) => new Database(file, opts),
  migrations: listMigrations().map((m) => ({ version: m.version, name: m.name })),
};

function parse(argv: string[], usage: string, withDir: boolean) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        ...(withDir ? { dir: { type: 'string' as const }, keep: { type: 'string' as const } } : {}),
      },
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n\n${usage}`);
  }
}

function liveFile(env: NodeJS.ProcessEnv): { dataDir: string; db: string } {
  const config = loadConfig({}, env);
  return { dataDir: config.dataDir, db: join(config.dataDir, 'kiosk.sqlite') };
}

async function backup(argv: string[], out: Out, env: NodeJS.ProcessEnv): Promise<number> {
  const { values: v, positionals } = parse(argv, USAGE.backup!, true);
  if (positionals.length) throw new UsageError(USAGE.backup!);
  const keepText = v.keep as string | undefined;
  if (keepText !== undefined && !/^[1-9]\d*$/.test(keepText))
    throw new UsageError(`--keep must be a whole number of at least 1, got "${keepText}"`);
  const live = liveFile(env);
  const dir = resolve((v.dir as string | undefined) || join(live.dataDir, 'backups'));
  const r = await backupDatabase(KIOSK_DB, live.db, dir, keepText ? { keep: Number(keepText) } : {});
  if (v.json) out(JSON.stringify(r));
  else {
    out(`backed up ${live.db} to ${r.file} (${r.bytes} bytes, schema ${r.schema}, integrity ok)`);
    for (const f of r.removed) out(`removed old backup ${f}`);
  }
  return 0;
}

async function restore(argv: string[], out: Out, env: NodeJS.ProcessEnv): Promise<number> {
  const { values: v, positionals } = parse(argv, USAGE.restore!, false);
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError(USAGE.restore!);
  const r = await restoreDatabase(KIOSK_DB, resolve(file), liveFile(env).db);
  if (v.json) out(JSON.stringify(r));
  else
    out(
      `restored ${r.file} (schema ${r.schema}) into ${r.live}` +
        (r.previous ? `; the database it replaced is saved as ${r.previous}` : '') +
        '\nStart the kiosk service again (systemctl start linli-kiosk): it applies any newer migrations.',
    );
  return 0;
}

export async function run(
  argv: string[],
  io: { out?: Out; err?: Out; env?: NodeJS.ProcessEnv } = {},
): Promise<number> {
  const out = io.out ?? ((s: string) => process.stdout.write(`${s}\n`));
  const err = io.err ?? ((s: string) => process.stderr.write(`${s}\n`));
  const env = io.env ?? process.env;
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    out(USAGE.main!);
    return 0;
  }
  if (!USAGE[cmd] || cmd === 'main') {
    err(`unknown command: ${cmd}\n\n${USAGE.main}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    out(USAGE[cmd]!);
    return 0;
  }
  try {
    return cmd === 'backup' ? await backup(rest, out, env) : await restore(rest, out, env);
  } catch (e) {
    return cliFailure(e, err);
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/cli/main.ts')) {
  run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
