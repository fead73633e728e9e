// The kiosk's configuration: one schema, defaults, environment overrides (LINLI_KIOSK_*),
// checked at start with an error that names the bad key.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { LinliError } from '@linli/shared';

export type QueuePolicy = 'strict' | 'ratio' | 'weighted';

export interface KioskConfig {
  host: string; // LINLI_KIOSK_HOST
  port: number; // LINLI_KIOSK_PORT
  dataDir: string; // LINLI_KIOSK_DATA_DIR
  publicUrl: string; // LINLI_KIOSK_PUBLIC_URL — base of the follow-the-queue URL in the QR code
  timeZone: string; // LINLI_KIOSK_TIME_ZONE — the station's local day (numbering, rollover)
  devices: { idcard: string; printer: string; scanner: string }; // LINLI_KIOSK_IDCARD / _PRINTER / _SCANNER ('' = not configured)
  pollIntervalMs: number; // LINLI_KIOSK_POLL_INTERVAL_MS
  printWithoutStatus: boolean; // LINLI_KIOSK_PRINT_WITHOUT_STATUS — write-only printers that never answer DLE EOT
  queue: {
    policy: QueuePolicy; // LINLI_KIOSK_POLICY
    normalPerPriority: number; // LINLI_KIOSK_NORMAL_PER_PRIORITY — the N of 'ratio'
    priorityWeight: number; // LINLI_KIOSK_PRIORITY_WEIGHT — waiting time multiplier of 'weighted'
    priorityAge: number; // LINLI_KIOSK_PRIORITY_AGE — automatic 优先 from this age on
    priorityClasses: string[]; // LINLI_KIOSK_PRIORITY_CLASSES — comma list, staff-given classes
    noShowAfterRecalls: number; // LINLI_KIOSK_NO_SHOW_AFTER_RECALLS
    enforceHours: boolean; // LINLI_KIOSK_ENFORCE_HOURS
    appointmentEarlyMin: number; // LINLI_KIOSK_APPOINTMENT_EARLY_MIN — check-in allowed this early
    appointmentGraceMin: number; // LINLI_KIOSK_APPOINTMENT_GRACE_MIN — late beyond this: walk-in order
  };
  cardSessionMs: number; // LINLI_KIOSK_CARD_SESSION_MS — how long a read card stays usable
  idHmacKey: string; // LINLI_KIOSK_ID_HMAC_KEY — else read/created in <dataDir>/id-hmac.key
  adminPassword: string; // LINLI_KIOSK_ADMIN_PASSWORD — first admin's password ('' → generated)
  sessionTtlMin: number; // LINLI_KIOSK_SESSION_TTL_MIN
  secureCookies: boolean; // LINLI_KIOSK_SECURE_COOKIES (behind HTTPS)
  loginMaxFailures: number; // LINLI_KIOSK_LOGIN_MAX_FAILURES per username+address per window
  loginWindowMin: number; // LINLI_KIOSK_LOGIN_WINDOW_MIN
  logLevel: string; // LINLI_KIOSK_LOG_LEVEL
  kioskAddresses: string[]; // LINLI_KIOSK_KIOSK_ADDRESSES — who may issue tickets and read the card ('*' = anyone)
  retentionDays: number; // LINLI_KIOSK_RETENTION_DAYS — masked identity, ID hash and comments purged after
  checkpointMs: number; // LINLI_KIOSK_CHECKPOINT_MS — WAL checkpoints in a worker thread; 0 = SQLite's automatic ones
}

export class ConfigError extends LinliError {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super('CONFIG', `config ${key}: ${message}`);
  }
}

export function defaultConfig(): KioskConfig {
  return {
    host: '127.0.0.1',
    port: 8090,
    dataDir: './data/kiosk',
    publicUrl: 'http://127.0.0.1:8090',
    timeZone: 'Asia/Shanghai',
    // Not configured: no device, health says so (never a simulator by default). 'simulated' is chosen
    // explicitly by development setups and tests.
    devices: { idcard: '', printer: '', scanner: '' },
    pollIntervalMs: 300,
    printWithoutStatus: false,
    queue: {
      policy: 'ratio',
      normalPerPriority: 3,
      priorityWeight: 3,
      priorityAge: 70,
      priorityClasses: ['elderly', 'disability', 'pregnancy', 'military'],
      noShowAfterRecalls: 2,
      enforceHours: true,
      appointmentEarlyMin: 60,
      appointmentGraceMin: 15,
    },
    cardSessionMs: 120_000,
    idHmacKey: '',
    adminPassword: '',
    sessionTtlMin: 12 * 60,
    secureCookies: false,
    loginMaxFailures: 5,
    loginWindowMin: 15,
    logLevel: 'info',
    checkpointMs: 1000,
    retentionDays: 90,
    kioskAddresses: ['127.0.0.1', '::1', '::ffff:127.0.0.1'],
  };
}

type Kind = 'string' | 'int' | 'bool' | 'list' | 'addresses' | 'policy' | 'url' | 'tz' | 'host';
interface KeySpec {
  env: string;
  path: string[];
  kind: Kind;
  min?: number;
  max?: number;
}
const KEYS: KeySpec[] = [
  { env: 'HOST', path: ['host'], kind: 'host' },
  { env: 'PORT', path: ['port'], kind: 'int', min: 0, max: 65535 },
  { env: 'DATA_DIR', path: ['dataDir'], kind: 'string' },
  { env: 'PUBLIC_URL', path: ['publicUrl'], kind: 'url' },
  { env: 'TIME_ZONE', path: ['timeZone'], kind: 'tz' },
  { env: 'IDCARD', path: ['devices', 'idcard'], kind: 'string' },
  { env: 'PRINTER', path: ['devices', 'printer'], kind: 'string' },
  { env: 'SCANNER', path: ['devices', 'scanner'], kind: 'string' },
  { env: 'POLL_INTERVAL_MS', path: ['pollIntervalMs'], kind: 'int', min: 300, max: 10_000 },
  { env: 'PRINT_WITHOUT_STATUS', path: ['printWithoutStatus'], kind: 'bool' },
  { env: 'POLICY', path: ['queue', 'policy'], kind: 'policy' },
  { env: 'NORMAL_PER_PRIORITY', path: ['queue', 'normalPerPriority'], kind: 'int', min: 1, max: 100 },
  { env: 'PRIORITY_WEIGHT', path: ['queue', 'priorityWeight'], kind: 'int', min: 1, max: 100 },
  { env: 'PRIORITY_AGE', path: ['queue', 'priorityAge'], kind: 'int', min: 0, max: 150 },
  { env: 'PRIORITY_CLASSES', path: ['queue', 'priorityClasses'], kind: 'list' },
  { env: 'NO_SHOW_AFTER_RECALLS', path: ['queue', 'noShowAfterRecalls'], kind: 'int', min: 0, max: 20 },
  { env: 'ENFORCE_HOURS', path: ['queue', 'enforceHours'], kind: 'bool' },
  { env: 'APPOINTMENT_EARLY_MIN', path: ['queue', 'appointmentEarlyMin'], kind: 'int', min: 0, max: 1440 },
  { env: 'APPOINTMENT_GRACE_MIN', path: ['queue', 'appointmentGraceMin'], kind: 'int', min: 0, max: 1440 },
  { env: 'CARD_SESSION_MS', path: ['cardSessionMs'], kind: 'int', min: 1000, max: 3_600_000 },
  { env: 'ID_HMAC_KEY', path: ['idHmacKey'], kind: 'string' },
  { env: 'ADMIN_PASSWORD', path: ['adminPassword'], kind: 'string' },
  { env: 'SESSION_TTL_MIN', path: ['sessionTtlMin'], kind: 'int', min: 1, max: 7 * 24 * 60 },
  { env: 'SECURE_COOKIES', path: ['secureCookies'], kind: 'bool' },
  { env: 'LOGIN_MAX_FAILURES', path: ['loginMaxFailures'], kind: 'int', min: 1, max: 1000 },
  { env: 'LOGIN_WINDOW_MIN', path: ['loginWindowMin'], kind: 'int', min: 1, max: 1440 },
  { env: 'LOG_LEVEL', path: ['logLevel'], kind: 'string' },
  { env: 'CHECKPOINT_MS', path: ['checkpointMs'], kind: 'int', min: 0, max: 600_000 },
  { env: 'KIOSK_ADDRESSES', path: ['kioskAddresses'], kind: 'addresses' },
  { env: 'RETENTION_DAYS', path: ['retentionDays'], kind: 'int', min: 1, max: 3650 },
];

/** Priority class names: lower-case words, no 'normal' (the absence of priority). */
const CLASS_RE = /^[a-z][a-z0-9-]{0,31}$/;

function parseValue(spec: KeySpec, raw: unknown): unknown {
  const key = spec.path.join('.');
  const fail = (why: string): never => {
    throw new ConfigError(key, `${why} (env LINLI_KIOSK_${spec.env}, got ${JSON.stringify(raw)})`);
  };
  switch (spec.kind) {
    case 'int': {
      const n =
        typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isInteger(n)) fail('must be an integer');
      if (spec.min !== undefined && n < spec.min) fail(`must be ≥ ${spec.min}`);
      if (spec.max !== undefined && n > spec.max) fail(`must be ≤ ${spec.max}`);
      return n;
    }
    case 'bool':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === '1' || raw === 'yes') return true;
      if (raw === 'false' || raw === '0' || raw === 'no') return false;
      return fail('must be true or false');
    case 'list': {
      const list = Array.isArray(raw)
        ? raw
        : typeof raw === 'string'
          ? raw
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : fail('must be a comma-separated list');
      for (const c of list) {
        if (typeof c !== 'string' || !CLASS_RE.test(c) || c === 'normal')
          fail(`bad class name ${JSON.stringify(c)}`);
      }
      return list;
    }
    case 'addresses': {
      const list = Array.isArray(raw)
        ? raw
        : typeof raw === 'string'
          ? raw
              .split(',')
              .map((x) => x.trim())
              .filter(Boolean)
          : fail('must be a comma-separated list of addresses');
      for (const a of list) {
        if (typeof a !== 'string' || !(a === '*' || isIP(a) !== 0))
          fail(`not an IP address: ${JSON.stringify(a)}`);
      }
      if (list.length === 0) fail('must not be empty');
      return list;
    }
    case 'policy':
      if (raw === 'strict' || raw === 'ratio' || raw === 'weighted') return raw;
      return fail('must be one of strict, ratio, weighted');
    case 'url':
      if (typeof raw !== 'string') return fail('must be a URL');
      try {
        const u = new URL(raw);
        if (u.protocol !== 'http:' && u.protocol !== 'https:') fail('must be an http(s) URL');
      } catch {
        fail('must be a URL');
      }
      return raw.replace(/\/+$/, '');
    case 'tz':
      if (typeof raw !== 'string') return fail('must be an IANA time zone');
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: raw });
      } catch {
        fail('unknown time zone');
      }
      return raw;
    case 'host':
      if (typeof raw !== 'string' || raw.length === 0 || /\s/.test(raw))
        fail('must be a host name or address');
      return raw;
    default:
      if (typeof raw !== 'string') fail('must be a string');
      return raw;
  }
}

function getPath(obj: Record<string, unknown>, path: string[]): unknown {
  let cur: unknown = obj;
  for (const p of path) cur = (cur as Record<string, unknown> | undefined)?.[p];
  return cur;
}
function setPath(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = obj;
  for (const p of path.slice(0, -1)) cur = cur[p] as Record<string, unknown>;
  cur[path.at(-1) as string] = value;
}

export type ConfigOverrides = Partial<Omit<KioskConfig, 'queue' | 'devices'>> & {
  queue?: Partial<KioskConfig['queue']>;
  devices?: Partial<KioskConfig['devices']>;
};

/**
 * Defaults, then `overrides` (from code or tests), then LINLI_KIOSK_* from `env`. Every value is
 * checked; an unknown key in `overrides` or a bad value throws ConfigError naming the key.
 */
export function loadConfig(
  overrides: ConfigOverrides = {},
  env: NodeJS.ProcessEnv = process.env,
): KioskConfig {
  const cfg = defaultConfig() as unknown as Record<string, unknown>;
  const known = new Set(KEYS.map((k) => k.path.join('.')));
  const walk = (o: Record<string, unknown>, prefix: string[]): void => {
    for (const [k, v] of Object.entries(o)) {
      const path = [...prefix, k];
      if (v !== null && typeof v === 'object' && !Array.isArray(v) && (k === 'queue' || k === 'devices')) {
        walk(v as Record<string, unknown>, path);
        continue;
      }
      if (!known.has(path.join('.'))) throw new ConfigError(path.join('.'), 'unknown key');
      if (v === undefined) continue;
      const spec = KEYS.find((s) => s.path.join('.') === path.join('.')) as KeySpec;
      setPath(cfg, path, parseValue(spec, v));
    }
  };
  walk(overrides as Record<string, unknown>, []);
  for (const spec of KEYS) {
    const raw = env[`LINLI_KIOSK_${spec.env}`];
    if (raw !== undefined && raw !== '') setPath(cfg, spec.path, parseValue(spec, raw));
  }
  const out = cfg as unknown as KioskConfig;
  // Checked once more as a whole: every key has the right type even when only defaults apply.
  for (const spec of KEYS) parseValue(spec, getPath(cfg, spec.path));
  out.dataDir = resolve(out.dataDir);
  return out;
}

/** The secret key of the ID-number HMAC: from config, else <dataDir>/id-hmac.key (created once, mode 600). */
export function resolveIdHmacKey(config: KioskConfig): string {
  if (config.idHmacKey) return config.idHmacKey;
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
