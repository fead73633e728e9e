// The kiosk's configuration: the schema in config-schema.ts, loaded by the shared service loader
// (defaults ← LINLI_KIOSK_CONFIG_FILE ← code ← LINLI_KIOSK_* environment), then the checks a
// schema cannot express. Every error names the bad key; an unknown LINLI_KIOSK_* variable is refused.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { ConfigError, loadServiceConfig, readKeyFile, type ServiceConfigSpec } from '@linli/shared/service';
import { type KioskConfig, KioskSchema } from './config-schema.ts';

export { ConfigError } from '@linli/shared/service';
export type { KioskConfig, QueuePolicy } from './config-schema.ts';

/** Variable naming a JSON file of settings (same shape as the config). */
export const CONFIG_FILE_VARIABLE = 'LINLI_KIOSK_CONFIG_FILE';

export const KIOSK_CONFIG_SPEC: ServiceConfigSpec<typeof KioskSchema> = {
  schema: KioskSchema,
  prefix: 'LINLI_KIOSK_',
  declared: [CONFIG_FILE_VARIABLE],
  emptyIsUnset: true,
};

export function defaultConfig(): KioskConfig {
  return loadServiceConfig(KIOSK_CONFIG_SPEC, { env: {} });
}

export type ConfigOverrides = Partial<Omit<KioskConfig, 'queue' | 'devices'>> & {
  queue?: Partial<KioskConfig['queue']>;
  devices?: Partial<KioskConfig['devices']>;
};

/** The checks beyond types and ranges: real time zone, URL, IP addresses. */
function checkConfig(config: KioskConfig, env: NodeJS.ProcessEnv): void {
  const fail = (key: string, variable: string, why: string, value: unknown): never => {
    throw new ConfigError(key, `${why}, got ${JSON.stringify(value)}`, env[variable] ? variable : undefined);
  };
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: config.timeZone });
  } catch {
    fail('timeZone', 'LINLI_KIOSK_TIME_ZONE', 'unknown time zone', config.timeZone);
  }
  try {
    new URL(config.publicUrl);
  } catch {
    fail('publicUrl', 'LINLI_KIOSK_PUBLIC_URL', 'must be an http(s) URL', config.publicUrl);
  }
  for (const address of config.kioskAddresses)
    if (address !== '*' && isIP(address) === 0)
      fail('kioskAddresses', 'LINLI_KIOSK_KIOSK_ADDRESSES', 'not an IP address', address);
}

/**
 * Defaults, then LINLI_KIOSK_CONFIG_FILE, then `overrides` (from code or tests), then
 * LINLI_KIOSK_* from `env`. Every value is checked; an unknown key in `overrides`, an unknown
 * LINLI_KIOSK_* variable or a bad value throws ConfigError naming the key.
 */
export function loadConfig(
  overrides: ConfigOverrides = {},
  env: NodeJS.ProcessEnv = process.env,
): KioskConfig {
  const file = env[CONFIG_FILE_VARIABLE] || undefined;
  const config = loadServiceConfig(KIOSK_CONFIG_SPEC, { file, overrides, env });
  checkConfig(config, env);
  config.publicUrl = config.publicUrl.replace(/\/+$/, '');
  config.dataDir = resolve(config.dataDir);
  return config;
}

/** The secret key of the ID-number HMAC: from config, else a key file outside the data folder
 *  (idHmacKeyFile: must exist and be 0600, never created), else <dataDir>/id-hmac.key (created
 *  once, mode 600). */
export function resolveIdHmacKey(config: KioskConfig): string {
  if (config.idHmacKey) return config.idHmacKey;
  if (config.idHmacKeyFile) {
    try {
      return readKeyFile(config.idHmacKeyFile);
    } catch (err) {
      throw new ConfigError('idHmacKeyFile', (err as Error).message);
    }
  }
  mkdirSync(config.dataDir, { recursive: true });
  const file = join(config.dataDir, 'id-hmac.key');
  if (!existsSync(file)) {
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  }
  const key = readFileSync(file, 'utf8').trim();
  if (key.length < 16) throw new ConfigError('idHmacKey', `key file ${file} is too short`);
  return key;
}
