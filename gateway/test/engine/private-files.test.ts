// Files readable by everyone (issue #10, defect 10): the gateway's data directory is made
// private at start — directory 0700, database, WAL, SHM and key 0600 — and each mode it had to
// tighten is logged. Real gateway, real SQLite file.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLogger } from '@linli/shared/service';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.ts';
import { type RunningGateway, silentLogger, startGateway } from '../../src/index.ts';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('private data files', () => {
  let root: string;
  let gw: RunningGateway | undefined;
  afterEach(async () => {
    await gw?.stop();
    gw = undefined;
    rmSync(root, { recursive: true, force: true });
  });

  it('a fresh gateway creates its directory 0700 and every file 0600', async () => {
    const prev = process.umask(0o022); // the usual umask: new files would be 0644
    try {
      root = mkdtempSync(join(tmpdir(), 'linli-gw-modes-'));
      const dataDir = join(root, 'data');
      gw = await startGateway({
        config: { dataDir, mqtt: { port: -1, wsPort: -1 }, http: { port: -1 } },
        log: silentLogger,
      });
      gw.registry.provision({ id: 'p1', site: 's1', kind: 'pendant' }); // the WAL is written
      expect(mode(dataDir)).toBe(0o700);
      for (const f of ['gateway.db', 'gateway.db-wal', 'gateway.db-shm', 'hmac.key'])
        expect([f, mode(join(dataDir, f))]).toEqual([f, 0o600]);
    } finally {
      process.umask(prev);
    }
  });

  it('an existing installation with open modes is made private at start, and each fix is logged', async () => {
    root = mkdtempSync(join(tmpdir(), 'linli-gw-modes-'));
    const dataDir = join(root, 'data');
    // an older installation: the CLI created the database with the default modes
    const env = { LINLI_GW_DATA_DIR: dataDir, LINLI_GW_HMAC_KEY: 'modes-test-key-0123456789' };
    await run(['resident', 'add', '--id', 'r1', '--name', '张三'], { out() {}, err() {}, env });
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'gateway.db'), 0o644);
    mkdirSync(join(dataDir, 'backup'), { mode: 0o755 });
    writeFileSync(join(dataDir, 'backup', 'old.db'), 'x', { mode: 0o644 });
    chmodSync(join(dataDir, 'backup', 'old.db'), 0o644);
    const { log, records: warnings } = memoryLogger('warn');
    gw = await startGateway({
      config: { dataDir, hmacKey: env.LINLI_GW_HMAC_KEY, mqtt: { port: -1, wsPort: -1 }, http: { port: -1 } },
      log,
    });
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(join(dataDir, 'gateway.db'))).toBe(0o600);
    expect(mode(join(dataDir, 'backup'))).toBe(0o700);
    expect(mode(join(dataDir, 'backup', 'old.db'))).toBe(0o600);
    const fixed = warnings.filter((w) => /made private/.test(w.msg)).map((w) => w.fields);
    expect(fixed).toContainEqual({ path: join(dataDir, 'gateway.db'), was: '0644', now: '0600' });
    expect(fixed).toContainEqual({ path: dataDir, was: '0755', now: '0700' });
  });
});
