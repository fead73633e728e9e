// Keys (issue #10, defect 11): one subkey per purpose (HKDF) from the gateway's HMAC key; ID
// numbers hashed with the master key before still found (and re-hashed when found); the key may
// live outside the data folder in a key file, which must exist and be private.

import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hmacIdNumber } from '@linli/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { HMAC_KEY_FILE, resolveHmacKey } from '../../src/hmac-key.ts';
import { gatewayKeys } from '../../src/keys.ts';
import { openRegistry } from '../../src/registry/index.ts';
import { openTestDb, type TestDb } from './db-helper.ts';

const MASTER = 'keys-test-master-key-0123456789';
const ID = '11010519491231002X';

describe('gateway keys', () => {
  let t: TestDb | undefined;
  const dirs: string[] = [];
  afterEach(() => {
    t?.close();
    t = undefined;
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('derives a different subkey per purpose; ID numbers are hashed with theirs, not the master key', () => {
    const keys = gatewayKeys(MASTER);
    const all = [keys.card, keys.idNumber, keys.deviceAuthCache, keys.legacy].map((k) => k.toString('hex'));
    expect(new Set(all).size).toBe(4);
    t = openTestDb();
    const registry = openRegistry(t.db, { secretKey: MASTER });
    registry.createResident({ id: 'r1', name: '王秀英', idNumber: ID });
    const row = t.db.prepare("SELECT id_number_hmac FROM residents WHERE id = 'r1'").get() as {
      id_number_hmac: string;
    };
    expect(row.id_number_hmac).toBe(hmacIdNumber(keys.idNumber, ID));
    expect(row.id_number_hmac).not.toBe(hmacIdNumber(MASTER, ID));
    expect(registry.residents.byIdNumber(ID)?.id).toBe('r1');
  });

  it('finds a resident whose ID hash was made with the master key, and re-hashes it with the subkey', () => {
    t = openTestDb();
    const registry = openRegistry(t.db, { secretKey: MASTER });
    registry.createResident({ id: 'r2', name: '李四' });
    t.db.prepare("UPDATE residents SET id_number_hmac = ? WHERE id = 'r2'").run(hmacIdNumber(MASTER, ID));
    expect(registry.residents.byIdNumber(ID)?.id).toBe('r2');
    const row = t.db.prepare("SELECT id_number_hmac FROM residents WHERE id = 'r2'").get() as {
      id_number_hmac: string;
    };
    expect(row.id_number_hmac).toBe(hmacIdNumber(gatewayKeys(MASTER).idNumber, ID));
    expect(registry.residents.byIdNumber(ID)?.id).toBe('r2');
  });

  it('reads the key from a file outside the data folder, and refuses a missing or open one', () => {
    const root = mkdtempSync(join(tmpdir(), 'linli-keys-'));
    dirs.push(root);
    const dataDir = join(root, 'data');
    const keyFile = join(root, 'secrets', 'gateway.key');
    const cfg = { hmacKey: '', hmacKeyFile: keyFile, dataDir, dbFile: 'gateway.db' };
    expect(() => resolveHmacKey(cfg)).toThrow(/gateway\.key.*cannot be read.*restore it from the key backup/);
    expect(existsSync(keyFile)).toBe(false); // never created silently
    mkdirSync(join(root, 'secrets'));
    writeFileSync(keyFile, `${MASTER}\n`, { mode: 0o644 });
    chmodSync(keyFile, 0o644);
    expect(() => resolveHmacKey(cfg)).toThrow(/readable by others \(mode 0644\)/);
    chmodSync(keyFile, 0o600);
    expect(resolveHmacKey(cfg)).toBe(MASTER);
    expect(existsSync(join(dataDir, HMAC_KEY_FILE))).toBe(false);
  });
});
