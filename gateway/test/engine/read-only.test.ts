// The database turns read-only under a running gateway (issue #10, chaos: read-only store).
// Remounting the file system read-only is not possible here: Linux refuses `mount -o remount,ro`
// ("mount point is busy") while SQLite holds the database and its WAL open for writing, and as
// root (CI) a chmod does not stop writes. So SQLite itself is made read-only for the gateway's
// connection with PRAGMA query_only: every commit fails with SQLITE_READONLY, as it does on a
// read-only file. The promise is checked in store-outage.ts.
import { storeOutageSuite } from './store-outage.ts';

storeOutageSuite('read-only database under a running gateway', {
  problem: 'read-only',
  code: 'SQLITE_READONLY',
  break: ({ gw }) => {
    gw.engine.db.pragma('query_only = 1');
  },
  repair: ({ gw }) => {
    gw.engine.db.pragma('query_only = 0');
  },
});
