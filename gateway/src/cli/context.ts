// Open the gateway's SQLite file (LINLI_GW_DATA_DIR / LINLI_GW_DB_FILE, as the gateway does),
// apply pending migrations, and open the registry with the gateway's key.
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@linli/shared/service';
import type { Actor } from '../auth/audit.ts';
import { loadConfig } from '../config.ts';
import { checkDataDir } from '../data-dir.ts';
import { type Db, migrate, openDb } from '../db/index.ts';
import { resolveHmacKey } from '../hmac-key.ts';
import { openRegistry, type Registry } from '../registry/registry.ts';

export interface CliContext {
  db: Db;
  registry: Registry;
  by: Actor;
  dbPath: string;
  /** The gateway's key (HKDF master of the station secrets' encryption key) */
  key: string;
  /** Role center with center.databaseUrl: staff accounts live in that shared database. */
  databaseUrl?: string;
  close(): void;
}

export function openCli(env: NodeJS.ProcessEnv = process.env): CliContext {
  const config = loadConfig({}, env);
  const dbPath = config.dbFile === ':memory:' ? ':memory:' : join(config.dataDir, config.dbFile);
  if (dbPath !== ':memory:')
    checkDataDir(config.dataDir, createLogger({ name: 'linli-gateway-cli', stderr: true }));
  const db = openDb(dbPath);
  migrate(db);
  const key = resolveHmacKey(config);
  const registry = openRegistry(db, { secretKey: key });
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (some containers)
  }
  return {
    db,
    registry,
    by: { actor: `cli:${user}` },
    dbPath,
    key,
    ...(config.role === 'center' && config.center.databaseUrl
      ? { databaseUrl: config.center.databaseUrl }
      : {}),
    close: () => db.close(),
  };
}
