import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HMAC_KEY_FILE, resolveHmacKey } from '../../src/hmac-key.ts';

describe('gateway HMAC key', () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'linli-key-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('creates a random key file once (mode 0600) and reads the same key back', () => {
    const dataDir = join(dir(), 'gateway');
    const first = resolveHmacKey({ hmacKey: '', dataDir, dbFile: 'gateway.db' });
    expect(Buffer.byteLength(first)).toBeGreaterThanOrEqual(32);
    expect(statSync(join(dataDir, HMAC_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(resolveHmacKey({ hmacKey: '', dataDir, dbFile: 'gateway.db' })).toBe(first);
    expect(resolveHmacKey({ hmacKey: '', dataDir: dir(), dbFile: 'gateway.db' })).not.toBe(first);
  });

  it('prefers a configured key and writes no file then', () => {
    const dataDir = dir();
    expect(resolveHmacKey({ hmacKey: 'configured-key-0123456789', dataDir, dbFile: 'gateway.db' })).toBe(
      'configured-key-0123456789',
    );
    expect(() => readFileSync(join(dataDir, HMAC_KEY_FILE))).toThrow();
  });

  it('refuses a key file that is too short, naming the file', () => {
    const dataDir = dir();
    writeFileSync(join(dataDir, HMAC_KEY_FILE), 'short\n');
    expect(() => resolveHmacKey({ hmacKey: '', dataDir, dbFile: 'gateway.db' })).toThrow(/hmac\.key/);
  });

  it('uses a fresh key for an in-memory database', () => {
    const a = resolveHmacKey({ hmacKey: '', dataDir: '/nonexistent', dbFile: ':memory:' });
    expect(a).not.toBe(resolveHmacKey({ hmacKey: '', dataDir: '/nonexistent', dbFile: ':memory:' }));
  });
});
