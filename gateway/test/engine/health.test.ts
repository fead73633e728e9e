// /healthz's report: the database must take a real write, the broker link must be up, and
// forwarding says honestly when no uplink is configured.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.ts';
import { openDb } from '../../src/db/open.ts';
import { GatewayHealth } from '../../src/health.ts';
import { tempDir } from './helpers.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('gateway health', () => {
  it('reports ok with a writable database and a link that is up, forwarding absent', () => {
    dir = tempDir();
    const db = openDb(join(dir, 'gw.db'));
    migrate(db);
    const h = new GatewayHealth(db, () => ({ mode: 'embedded', link: 'up', since: 0 }));
    expect(h.report()).toEqual({
      status: 'ok',
      db: { status: 'ok', writable: true },
      store: { writable: true },
      broker: { status: 'ok', mode: 'embedded', link: 'up', since: 0 },
      forwarding: {
        status: 'absent',
        backlog: null,
        oldestAgeS: null,
        detail:
          'not configured: no uplink (uplink.mqttUrl / uplink.webhookUrl), alerts are not forwarded to a center',
      },
    });
    db.close();
  });

  it('a database that answers reads but takes no write is an error', () => {
    dir = tempDir();
    const file = join(dir, 'gw.db');
    const rw = openDb(file);
    migrate(rw);
    rw.close();
    const ro = new Database(file, { readonly: true });
    const h = new GatewayHealth(ro, () => ({ mode: 'embedded', link: 'up', since: 0 }));
    expect(ro.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get()).toMatchObject({
      n: expect.any(Number),
    });
    expect(h.report()).toMatchObject({ status: 'error', db: { status: 'error', writable: false } });
    ro.close();
  });

  it('a broker link that is down is an error', () => {
    dir = tempDir();
    const db = openDb(join(dir, 'gw.db'));
    migrate(db);
    const h = new GatewayHealth(db, () => ({ mode: 'external', link: 'down', since: 5, supervisionS: 30 }));
    expect(h.report()).toMatchObject({ status: 'error', broker: { status: 'error', link: 'down' } });
    db.close();
  });

  it('a commit path that failed since its last success (disk full) is an error, with its reason', () => {
    dir = tempDir();
    const db = openDb(join(dir, 'gw.db'));
    migrate(db);
    const store = {
      writable: false,
      problem: 'disk-full' as const,
      code: 'SQLITE_FULL',
      since: 5,
      failures: 2,
    };
    const h = new GatewayHealth(
      db,
      () => ({ mode: 'embedded', link: 'up', since: 0 }),
      () => store,
    );
    expect(h.report()).toMatchObject({ status: 'error', db: { status: 'ok' }, store });
    db.close();
  });
});
