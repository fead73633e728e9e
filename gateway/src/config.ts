// Gateway configuration: one schema, checked at start; environment overrides with the
// LINLI_GW_ prefix; a clear error naming the bad key.
import { LinliError } from '@linli/shared';

export type GatewayRole = 'edge' | 'center';

export interface GatewayConfig {
  site: string;
  role: GatewayRole;
  dataDir: string;
  /** ':memory:' or a file name inside dataDir; default gateway.db */
  dbFile: string;
  http: { host: string; port: number };
  mqtt: {
    /** Embedded broker TCP port (0 = ephemeral, -1 = off) */
    port: number;
    host: string;
    /** Embedded broker MQTT-over-WebSocket port (0 = ephemeral, -1 = off) */
    wsPort: number;
    /** External broker URL (mqtt:// or mqtts://): when set, no embedded broker */
    brokerUrl?: string;
    /** Credentials of the gateway's client at an external broker */
    username?: string;
    password?: string;
    /** Per-device publish budget: messages per second, burst */
    rateLimitPerS: number;
    rateBurst: number;
    /** Largest MQTT packet a client may send to the embedded broker; a larger one closes the connection */
    maxPacketBytes: number;
    /** Zigbee2MQTT bridge accounts on the embedded broker ("user:password"); they may publish zigbee2mqtt/# */
    zigbeeBridges: { username: string; password: string }[];
    /** Embedded broker MQTT over TLS (mqtts) port; -1 off (default). Needs tlsCert and tlsKey. */
    tlsPort: number;
    /** PEM files: the embedded broker's certificate and key; tlsCa: CA to verify an external mqtts:// broker */
    tlsCert?: string;
    tlsKey?: string;
    tlsCa?: string;
    /** Failed MQTT logins from one address within authFailWindowS that block the address for
     *  authBlockS seconds (refused at CONNECT, before any password is checked) */
    authFailLimit: number;
    authFailWindowS: number;
    authBlockS: number;
    /** External broker: a link down longer than this raises a technical alert (seconds) */
    brokerSupervisionS: number;
    /** External Mosquitto: the gateway outage its queue must ride through, and the station's
     *  peak event rate (all devices together, events/s); max_queued_messages is their product
     *  (with 25 % headroom), see registry/mosquitto.ts */
    queueOutageS: number;
    queueEventsPerS: number;
  };
  ingest: {
    /** Group commit window in ms: events arriving within it share one transaction. 0 (default):
     *  everything that arrived in the same event-loop turn (setImmediate) — under load the
     *  batches grow by themselves while the previous commit is being flushed to disk. */
    groupCommitMs: number;
    /** false (default): commit batches with synchronous=FULL (fsync on the event loop).
     *  true: commit with synchronous=NORMAL and acknowledge after an fdatasync of the WAL in the
     *  thread pool — same guarantee, the event loop keeps working while the disk flushes. */
    asyncFsync: boolean;
  };
  alerts: {
    /** Escalation chain in seconds after raise, per severity (level n fires at chain[n-1]) */
    escalation: Record<'critical' | 'major' | 'minor' | 'warning', number[]>;
    /** sos.cancel policy: 'keep-open' (default: staff check, marked cancelled by resident) or 'cancel' */
    sosCancel: 'keep-open' | 'cancel';
  };
  supervision: {
    /** How often timeouts are checked, seconds */
    checkIntervalS: number;
    welfareCheckHours: number;
    /** Battery percentage at or below which a heartbeat raises battery.low */
    batteryLowPercent: number;
  };
  /** Key for the keyed hash of card numbers (access control) */
  hmacKey: string;
  /** A key file outside the data folder (LINLI_GW_HMAC_KEY_FILE); must exist, mode 0600. */
  hmacKeyFile: string;
}

export const DEFAULT_CONFIG: GatewayConfig = {
  site: 'site1',
  role: 'edge',
  dataDir: './data/gateway',
  dbFile: 'gateway.db',
  http: { host: '0.0.0.0', port: 8080 },
  mqtt: {
    port: 1883,
    host: '0.0.0.0',
    wsPort: 9001,
    rateLimitPerS: 20,
    rateBurst: 40,
    maxPacketBytes: 16 * 1024,
    zigbeeBridges: [],
    tlsPort: -1,
    authFailLimit: 10,
    authFailWindowS: 60,
    authBlockS: 120,
    brokerSupervisionS: 30,
    queueOutageS: 600,
    queueEventsPerS: 150,
  },
  ingest: { groupCommitMs: 0, asyncFsync: false },
  alerts: {
    escalation: { critical: [60, 180, 600], major: [300, 900], minor: [1800], warning: [] },
    sosCancel: 'keep-open',
  },
  supervision: { checkIntervalS: 10, welfareCheckHours: 24, batteryLowPercent: 15 },
  hmacKey: '', // empty: a random key kept in <dataDir>/hmac.key (see hmac-key.ts)
  hmacKeyFile: '', // empty: the key is given (hmacKey) or kept in the data folder
};

export class ConfigError extends LinliError {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super('CONFIG', `config ${key}: ${message}`);
  }
}

const SITE_RE = /^[A-Za-z0-9_-]{1,64}$/;

/** Environment variable → config path, value kind. */
const ENV_KEYS: Record<string, [string, 'string' | 'int' | 'list' | 'float' | 'accounts' | 'bool']> = {
  LINLI_GW_SITE: ['site', 'string'],
  LINLI_GW_ROLE: ['role', 'string'],
  LINLI_GW_DATA_DIR: ['dataDir', 'string'],
  LINLI_GW_DB_FILE: ['dbFile', 'string'],
  LINLI_GW_HTTP_HOST: ['http.host', 'string'],
  LINLI_GW_HTTP_PORT: ['http.port', 'int'],
  LINLI_GW_MQTT_HOST: ['mqtt.host', 'string'],
  LINLI_GW_MQTT_PORT: ['mqtt.port', 'int'],
  LINLI_GW_WS_PORT: ['mqtt.wsPort', 'int'],
  LINLI_GW_BROKER_URL: ['mqtt.brokerUrl', 'string'],
  LINLI_GW_BROKER_USERNAME: ['mqtt.username', 'string'],
  LINLI_GW_BROKER_PASSWORD: ['mqtt.password', 'string'],
  LINLI_GW_RATE_LIMIT: ['mqtt.rateLimitPerS', 'float'],
  LINLI_GW_RATE_BURST: ['mqtt.rateBurst', 'int'],
  LINLI_GW_MAX_PACKET_BYTES: ['mqtt.maxPacketBytes', 'int'],
  LINLI_GW_ZIGBEE_BRIDGE: ['mqtt.zigbeeBridges', 'accounts'],
  LINLI_GW_MQTTS_PORT: ['mqtt.tlsPort', 'int'],
  LINLI_GW_TLS_CERT: ['mqtt.tlsCert', 'string'],
  LINLI_GW_TLS_KEY: ['mqtt.tlsKey', 'string'],
  LINLI_GW_TLS_CA: ['mqtt.tlsCa', 'string'],
  LINLI_GW_AUTH_FAIL_LIMIT: ['mqtt.authFailLimit', 'int'],
  LINLI_GW_AUTH_FAIL_WINDOW_S: ['mqtt.authFailWindowS', 'float'],
  LINLI_GW_AUTH_BLOCK_S: ['mqtt.authBlockS', 'float'],
  LINLI_GW_BROKER_SUPERVISION_S: ['mqtt.brokerSupervisionS', 'float'],
  LINLI_GW_QUEUE_OUTAGE_S: ['mqtt.queueOutageS', 'float'],
  LINLI_GW_QUEUE_EVENTS_PER_S: ['mqtt.queueEventsPerS', 'float'],
  LINLI_GW_GROUP_COMMIT_MS: ['ingest.groupCommitMs', 'float'],
  LINLI_GW_ASYNC_FSYNC: ['ingest.asyncFsync', 'bool'],
  LINLI_GW_ESCALATION_CRITICAL: ['alerts.escalation.critical', 'list'],
  LINLI_GW_ESCALATION_MAJOR: ['alerts.escalation.major', 'list'],
  LINLI_GW_ESCALATION_MINOR: ['alerts.escalation.minor', 'list'],
  LINLI_GW_SOS_CANCEL: ['alerts.sosCancel', 'string'],
  LINLI_GW_CHECK_INTERVAL_S: ['supervision.checkIntervalS', 'float'],
  LINLI_GW_WELFARE_CHECK_HOURS: ['supervision.welfareCheckHours', 'float'],
  LINLI_GW_BATTERY_LOW_PERCENT: ['supervision.batteryLowPercent', 'float'],
  LINLI_GW_HMAC_KEY: ['hmacKey', 'string'],
  LINLI_GW_HMAC_KEY_FILE: ['hmacKeyFile', 'string'],
};

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let o = target;
  for (const p of parts.slice(0, -1)) {
    if (typeof o[p] !== 'object' || o[p] === null) o[p] = {};
    o = o[p] as Record<string, unknown>;
  }
  o[parts[parts.length - 1]!] = value;
}

function merge<T>(base: T, over: unknown): T {
  if (over === undefined) return base;
  if (typeof base !== 'object' || base === null || Array.isArray(base)) return over as T;
  if (typeof over !== 'object' || over === null) return over as T;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = k in out ? merge(out[k], v) : v;
  }
  return out as T;
}

function envOverrides(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('LINLI_GW_') || raw === undefined) continue;
    const spec = ENV_KEYS[name];
    if (!spec) continue; // other parts of the gateway (API, auth) read their own LINLI_GW_* keys
    const [path, kind] = spec;
    let value: unknown = raw;
    if (kind === 'int') {
      if (!/^-?\d+$/.test(raw)) throw new ConfigError(name, `must be an integer, got "${raw}"`);
      value = Number(raw);
    } else if (kind === 'float') {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n))
        throw new ConfigError(name, `must be a number, got "${raw}"`);
      value = n;
    } else if (kind === 'bool') {
      if (!/^(true|false|1|0|yes|no)$/i.test(raw))
        throw new ConfigError(name, `must be true or false, got "${raw}"`);
      value = /^(true|1|yes)$/i.test(raw);
    } else if (kind === 'accounts') {
      value = raw
        .split(',')
        .filter((s) => s.trim() !== '')
        .map((pair) => {
          const i = pair.indexOf(':');
          if (i <= 0 || i === pair.length - 1)
            throw new ConfigError(name, 'must be a comma-separated list of username:password');
          return { username: pair.slice(0, i).trim(), password: pair.slice(i + 1) };
        });
    } else if (kind === 'list') {
      const items = raw.split(',').filter((s) => s.trim() !== '');
      const nums = items.map(Number);
      if (nums.some((n) => !Number.isFinite(n) || n <= 0))
        throw new ConfigError(name, `must be a comma-separated list of positive seconds, got "${raw}"`);
      value = nums;
    }
    setPath(out, path, value);
  }
  return out;
}

function checkPort(key: string, v: unknown, allowOff: boolean): void {
  if (!Number.isInteger(v) || (v as number) > 65535 || (v as number) < (allowOff ? -1 : 0))
    throw new ConfigError(key, `must be a port 0..65535${allowOff ? ' or -1 (off)' : ''}, got ${String(v)}`);
}
function checkPositive(key: string, v: unknown, allowZero = false): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0))
    throw new ConfigError(
      key,
      `must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${String(v)}`,
    );
}

/** Check a whole config; throws ConfigError naming the first bad key. */
export function validateConfig(c: GatewayConfig): GatewayConfig {
  if (typeof c.site !== 'string' || !SITE_RE.test(c.site))
    throw new ConfigError('site', `must match [A-Za-z0-9_-]{1,64}, got "${String(c.site)}"`);
  if (c.role !== 'edge' && c.role !== 'center')
    throw new ConfigError('role', `must be "edge" or "center", got "${String(c.role)}"`);
  if (typeof c.dataDir !== 'string' || c.dataDir === '') throw new ConfigError('dataDir', 'must be a path');
  if (typeof c.dbFile !== 'string' || c.dbFile === '') throw new ConfigError('dbFile', 'must be a file name');
  checkPort('http.port', c.http.port, true);
  checkPort('mqtt.port', c.mqtt.port, true);
  checkPort('mqtt.wsPort', c.mqtt.wsPort, true);
  checkPort('mqtt.tlsPort', c.mqtt.tlsPort, true);
  if (c.mqtt.tlsPort >= 0 && (!c.mqtt.tlsCert || !c.mqtt.tlsKey))
    throw new ConfigError(
      'mqtt.tlsPort',
      'an mqtts port needs mqtt.tlsCert and mqtt.tlsKey (LINLI_GW_TLS_CERT, LINLI_GW_TLS_KEY)',
    );
  if (c.mqtt.brokerUrl !== undefined && !/^(mqtts?|wss?):\/\/[^\s]+$/.test(c.mqtt.brokerUrl))
    throw new ConfigError(
      'mqtt.brokerUrl',
      `must be an mqtt://, mqtts://, ws:// or wss:// URL, got "${c.mqtt.brokerUrl}"`,
    );
  checkPositive('mqtt.rateLimitPerS', c.mqtt.rateLimitPerS);
  if (!Array.isArray(c.mqtt.zigbeeBridges))
    throw new ConfigError('mqtt.zigbeeBridges', 'must be a list of {username, password}');
  for (const b of c.mqtt.zigbeeBridges)
    if (
      typeof b.username !== 'string' ||
      !b.username ||
      b.username.startsWith('gateway:') ||
      typeof b.password !== 'string' ||
      b.password.length < 8
    )
      throw new ConfigError(
        'mqtt.zigbeeBridges',
        'each bridge needs a username (not gateway:*) and a password of 8+ characters',
      );
  checkPositive('mqtt.rateBurst', c.mqtt.rateBurst);
  if (!Number.isInteger(c.mqtt.maxPacketBytes) || c.mqtt.maxPacketBytes < 5 * 1024)
    throw new ConfigError(
      'mqtt.maxPacketBytes',
      'must be an integer of at least 5120 (a 4 KiB payload and its headers)',
    );
  if (!Number.isInteger(c.mqtt.authFailLimit) || c.mqtt.authFailLimit < 1)
    throw new ConfigError(
      'mqtt.authFailLimit',
      `must be an integer of at least 1, got ${String(c.mqtt.authFailLimit)}`,
    );
  checkPositive('mqtt.authFailWindowS', c.mqtt.authFailWindowS);
  checkPositive('mqtt.authBlockS', c.mqtt.authBlockS);
  checkPositive('mqtt.brokerSupervisionS', c.mqtt.brokerSupervisionS);
  checkPositive('mqtt.queueOutageS', c.mqtt.queueOutageS);
  checkPositive('mqtt.queueEventsPerS', c.mqtt.queueEventsPerS);
  checkPositive('ingest.groupCommitMs', c.ingest.groupCommitMs, true);
  if (typeof c.ingest.asyncFsync !== 'boolean')
    throw new ConfigError('ingest.asyncFsync', 'must be true or false');
  for (const sev of ['critical', 'major', 'minor', 'warning'] as const) {
    const chain = c.alerts.escalation[sev];
    if (!Array.isArray(chain) || chain.some((n) => typeof n !== 'number' || !(n > 0)))
      throw new ConfigError(`alerts.escalation.${sev}`, 'must be a list of positive seconds');
    for (let i = 1; i < chain.length; i++)
      if (chain[i]! <= chain[i - 1]!)
        throw new ConfigError(`alerts.escalation.${sev}`, 'levels must be in increasing order');
  }
  if (c.alerts.sosCancel !== 'keep-open' && c.alerts.sosCancel !== 'cancel')
    throw new ConfigError(
      'alerts.sosCancel',
      `must be "keep-open" or "cancel", got "${String(c.alerts.sosCancel)}"`,
    );
  checkPositive('supervision.checkIntervalS', c.supervision.checkIntervalS);
  checkPositive('supervision.welfareCheckHours', c.supervision.welfareCheckHours);
  checkPositive('supervision.batteryLowPercent', c.supervision.batteryLowPercent, true);
  if (typeof c.hmacKey !== 'string' || (c.hmacKey !== '' && Buffer.byteLength(c.hmacKey) < 16))
    throw new ConfigError('hmacKey', 'must be a string of at least 16 bytes (or empty for the key file)');
  return c;
}

/** Defaults ← overrides (from code) ← environment (LINLI_GW_*), then validated. */
export function loadConfig(
  overrides: DeepPartial<GatewayConfig> = {},
  env: NodeJS.ProcessEnv = process.env,
): GatewayConfig {
  const merged = merge(merge(structuredClone(DEFAULT_CONFIG), overrides), envOverrides(env));
  return validateConfig(merged);
}
