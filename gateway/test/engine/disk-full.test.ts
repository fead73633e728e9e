// The database's disk fills up under a running gateway (issue #10, chaos: disk full). The disk is
// a small tmpfs filled with a file (when this process may mount, as root in CI); otherwise SQLite
// is made to report SQLITE_FULL with PRAGMA max_page_count. The promise is checked in
// store-outage.ts.
import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { storeOutageSuite } from './store-outage.ts';

/** Fill the file system holding `file` until it refuses another byte. */
function fillDisk(file: string): void {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
    const one = Buffer.alloc(1, 1);
    try {
      for (;;) writeSync(fd, one);
    } catch {
      // full to the last byte
    }
  } finally {
    closeSync(fd);
  }
}

storeOutageSuite('disk full under a running gateway', {
  problem: 'disk-full',
  code: 'SQLITE_FULL',
  break: ({ gw, dataDir, mount }) => {
    if (mount) fillDisk(join(dataDir, 'filler'));
    else {
      const pages = gw.engine.db.pragma('page_count', { simple: true }) as number;
      gw.engine.db.pragma(`max_page_count = ${pages}`);
    }
  },
  repair: ({ gw, dataDir, mount }) => {
    if (mount) unlinkSync(join(dataDir, 'filler'));
    else gw.engine.db.pragma('max_page_count = 1073741823');
  },
});
