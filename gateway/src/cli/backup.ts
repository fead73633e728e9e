// backup / restore of the gateway's SQLite file, through SQLite's online backup API (safe while
// the gateway runs; a restore refuses while it runs). Shared logic: @linli/shared/service.
import { join, resolve } from 'node:path';
import { backupDatabase, restoreDatabase, type SqliteService } from '@linli/shared/service';
import Database from 'better-sqlite3';
import { loadConfig } from '../config.ts';
import { readMigrations } from '../db/index.ts';
import { int, parse, str, UsageError } from './args.ts';
import { help, type Out, USAGE } from './usage.ts';

export const GATEWAY_DB: SqliteService = {
  name: 'gateway',
  unit: 'linli-gateway',
  open: (file, opts) => new Database(file, opts),
  migrations: readMigrations().map((m) => ({ version: m.version, name: m.name })),
};

function liveFile(env: NodeJS.ProcessEnv): { dataDir: string; db: string } {
  const config = loadConfig({}, env);
  if (config.dbFile === ':memory:') throw new UsageError('LINLI_GW_DB_FILE is :memory:: nothing to back up');
  const dataDir = resolve(config.dataDir);
  return { dataDir, db: join(dataDir, config.dbFile) };
}

export async function backupCommand(argv: string[], out: Out, env: NodeJS.ProcessEnv): Promise<number> {
  const { values: v, positionals } = parse(
    argv,
    { dir: { type: 'string' }, keep: { type: 'string' }, json: { type: 'boolean' } },
    USAGE.backup!,
  );
  if (v.help) return help('backup', out);
  if (positionals.length) throw new UsageError(USAGE.backup!);
  const keep = int(v.keep, 'keep');
  if (keep === 0) throw new UsageError('--keep must be at least 1');
  const live = liveFile(env);
  const dir = resolve(str(v.dir) ?? join(live.dataDir, 'backups'));
  const r = await backupDatabase(GATEWAY_DB, live.db, dir, keep === undefined ? {} : { keep });
  if (v.json) out(JSON.stringify(r));
  else {
    out(`backed up ${live.db} to ${r.file} (${r.bytes} bytes, schema ${r.schema}, integrity ok)`);
    for (const f of r.removed) out(`removed old backup ${f}`);
  }
  return 0;
}

export async function restoreCommand(argv: string[], out: Out, env: NodeJS.ProcessEnv): Promise<number> {
  const { values: v, positionals } = parse(argv, { json: { type: 'boolean' } }, USAGE.restore!);
  if (v.help) return help('restore', out);
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError(USAGE.restore!);
  const live = liveFile(env);
  const r = await restoreDatabase(GATEWAY_DB, resolve(file), live.db);
  if (v.json) out(JSON.stringify(r));
  else
    out(
      `restored ${r.file} (schema ${r.schema}) into ${r.live}` +
        (r.previous ? `; the database it replaced is saved as ${r.previous}` : '') +
        '\nStart the gateway again (systemctl start linli-gateway): it applies any newer migrations.',
    );
  return 0;
}
