// The center data contract on the embedded SQLite file (a real file, the engine's group
// committer) and on a real PostgreSQL started for this file (helpers/postgres.ts).
import { afterAll, beforeAll } from 'vitest';
import { SqliteCenterData } from '../../src/center/data-sqlite.ts';
import { PgCenterData } from '../../src/center/pg/store.ts';
import { loadConfig } from '../../src/config.ts';
import { createEngine } from '../../src/gateway.ts';
import { silentLogger } from '../../src/ingest/refusals.ts';
import { openRegistry } from '../../src/registry/index.ts';
import type { AlertRecord } from '../../src/types.ts';
import { type RunningPostgres, startPostgres } from '../helpers/postgres.ts';
import { openTestDb } from '../registry/db-helper.ts';
import { centerDataContract } from './center-data.contract.ts';

centerDataContract('SQLite', async () => {
  const t = openTestDb();
  const config = loadConfig({ role: 'center', hmacKey: 'k'.repeat(32) }, {});
  const registry = openRegistry(t.db, { secretKey: 'k'.repeat(32) });
  const engine = createEngine({ db: t.db, directory: registry, config, log: silentLogger });
  const changes: AlertRecord[] = [];
  engine.bus.on('alert.changed', (a) => changes.push(a));
  return {
    data: new SqliteCenterData(t.db, engine.alerts, engine.committer),
    changes,
    async close() {
      engine.close();
      await engine.committer.whenSynced();
      t.close();
    },
  };
});

let pg: RunningPostgres;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.stop();
});

centerDataContract('PostgreSQL', async () => {
  const changes: AlertRecord[] = [];
  const data = await PgCenterData.open({
    url: await pg.newDatabase(),
    now: () => 50_000,
    onAlertChange: (a) => changes.push(a),
  });
  return { data, changes, close: () => data.close() };
});
