// The kiosk's data is private (issue #10, defect 10 / #18): directory 0700, the database (staff
// password hashes, ID hashes) with its WAL and SHM, and the ID-hash key 0600, fixed at start
// when an older installation left them open.
import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from './helpers.ts';

const mode = (path: string) => statSync(path).mode & 0o777;
let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('private kiosk data', () => {
  it('creates its directory 0700 and its files 0600, and tightens an older installation', async () => {
    const prev = process.umask(0o022);
    try {
      const dir = join(mkdtempSync(join(tmpdir(), 'linli-kiosk-modes-')), 'data');
      mkdirSync(dir, { mode: 0o755 });
      chmodSync(dir, 0o755);
      writeFileSync(join(dir, 'id-hmac.key'), 'a'.repeat(64), { mode: 0o644 });
      chmodSync(join(dir, 'id-hmac.key'), 0o644);
      t = await testApp({}, dir);
      expect(mode(dir)).toBe(0o700);
      for (const f of ['kiosk.sqlite', 'kiosk.sqlite-wal', 'kiosk.sqlite-shm', 'id-hmac.key'])
        expect([f, mode(join(dir, f))]).toEqual([f, 0o600]);
    } finally {
      process.umask(prev);
    }
  });
});
