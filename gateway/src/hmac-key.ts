// The gateway's secret key for keyed hashes (card numbers, ID numbers, credential cache), in this
// order: LINLI_GW_HMAC_KEY; a key file LINLI_GW_HMAC_KEY_FILE (outside the data folder: it must
// exist and be 0600, it is never created); else created once at random in <dataDir>/hmac.key
// (mode 0600) and read back at every start, so no installation runs on a key known from the
// source code. Each purpose uses its own HKDF subkey of it (gatewayKeys).
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readKeyFile } from '@linli/shared/service';
import { ConfigError, type GatewayConfig } from './config.ts';

export const HMAC_KEY_FILE = 'hmac.key';

export function resolveHmacKey(
  config: Pick<GatewayConfig, 'hmacKey' | 'dataDir' | 'dbFile'> & Partial<Pick<GatewayConfig, 'hmacKeyFile'>>,
): string {
  if (config.hmacKey) return config.hmacKey;
  if (config.hmacKeyFile) {
    try {
      return readKeyFile(config.hmacKeyFile);
    } catch (err) {
      throw new ConfigError('hmacKeyFile', (err as Error).message);
    }
  }
  if (config.dbFile === ':memory:') return randomBytes(32).toString('base64url');
  const file = join(config.dataDir, HMAC_KEY_FILE);
  mkdirSync(config.dataDir, { recursive: true });
  try {
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const key = readFileSync(file, 'utf8').trim();
  if (Buffer.byteLength(key) < 16) throw new ConfigError('hmacKey', `${file} must hold at least 16 bytes`);
  return key;
}
