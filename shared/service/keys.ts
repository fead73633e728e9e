// Service keys. One secret per service (the gateway's HMAC key, the kiosk's ID-hash key); each
// purpose gets its own subkey derived with HKDF-SHA-256, so a value hashed for one purpose says
// nothing about another. A key can live outside the data folder (a key file path or an
// environment variable): a backup of the data folder alone then cannot be brute-forced for ID
// numbers. A configured key file must exist and be private: it is never created silently, since
// a new key would make every stored hash unfindable.
import { hkdfSync } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { octal } from './private-files.ts';

/** What a subkey is for; the HKDF info string is `linli/<purpose>/v1`. */
export type KeyPurpose = 'card' | 'id-number' | 'device-auth-cache' | 'center-webhook-secret';

const SALT = Buffer.from('linli subkeys', 'utf8');

export function deriveSubkey(master: string | Buffer, purpose: KeyPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', master, SALT, `linli/${purpose}/v1`, 32));
}

export class KeyFileError extends Error {
  readonly code = 'KEY_FILE';
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`key file ${path}: ${detail}`);
  }
}

/** Read a key file that must exist, be readable only by its owner and hold ≥ 16 bytes. */
export function readKeyFile(path: string): string {
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch (err) {
    throw new KeyFileError(
      path,
      `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); create it once with ` +
        `\`head -c 32 /dev/urandom | base64 > ${path} && chmod 600 ${path}\` — or restore it from the key backup`,
    );
  }
  if ((mode & 0o077) !== 0)
    throw new KeyFileError(path, `is readable by others (mode ${octal(mode)}); chmod 600 it`);
  const key = readFileSync(path, 'utf8').trim();
  if (Buffer.byteLength(key) < 16) throw new KeyFileError(path, 'must hold at least 16 bytes');
  return key;
}
