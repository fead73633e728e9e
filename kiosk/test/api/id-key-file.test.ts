// The kiosk's ID-hash key may live outside the data folder (issue #10, defect 11): a key file
// that must exist and be private, never created silently, and no key is written in the data folder.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, resolveIdHmacKey } from '../../src/config.ts';

describe('kiosk ID-hash key file', () => {
  const roots: string[] = [];
  afterEach(() => {
    for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
  });

  it('reads LINLI_KIOSK_ID_HMAC_KEY_FILE; refuses it missing or readable by others', () => {
    const root = mkdtempSync(join(tmpdir(), 'linli-kiosk-key-'));
    roots.push(root);
    const keyFile = join(root, 'secrets', 'kiosk-id.key');
    const config = loadConfig({ dataDir: join(root, 'data') }, { LINLI_KIOSK_ID_HMAC_KEY_FILE: keyFile });
    expect(() => resolveIdHmacKey(config)).toThrow(/kiosk-id\.key.*cannot be read/);
    expect(existsSync(keyFile)).toBe(false);
    mkdirSync(join(root, 'secrets'));
    writeFileSync(keyFile, 'k'.repeat(64), { mode: 0o644 });
    chmodSync(keyFile, 0o644);
    expect(() => resolveIdHmacKey(config)).toThrow(/readable by others/);
    chmodSync(keyFile, 0o600);
    expect(resolveIdHmacKey(config)).toBe('k'.repeat(64));
    expect(existsSync(join(root, 'data', 'id-hmac.key'))).toBe(false);
  });
});
