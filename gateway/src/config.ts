// Gateway configuration: the schema in config-schema.ts, loaded by the shared service loader
// (defaults ← LINLI_GW_CONFIG_FILE ← code ← LINLI_GW_* environment), then the rules that span
// several keys. Every error names the bad key; an unknown LINLI_GW_* variable is refused.
import {
  ConfigError,
  checkSettings,
  knownVariables,
  loadServiceConfig,
  type ServiceConfigSpec,
} from '@linli/shared/service';
import { API_CONFIG_SPEC, type ApiSection } from './api/config.ts';
import { type GatewayConfig, GatewaySchema } from './config-schema.ts';

export { ConfigError } from '@linli/shared/service';
export type { GatewayConfig, GatewayRole } from './config-schema.ts';

/** Variable naming a JSON file of settings (same shape as the config). */
export const CONFIG_FILE_VARIABLE = 'LINLI_GW_CONFIG_FILE';

export const GATEWAY_CONFIG_SPEC: ServiceConfigSpec<typeof GatewaySchema> = {
  schema: GatewaySchema,
  prefix: 'LINLI_GW_',
  // The HTTP API's settings share the prefix (api/config.ts).
  declared: [CONFIG_FILE_VARIABLE, ...knownVariables(API_CONFIG_SPEC)],
};

export const DEFAULT_CONFIG: GatewayConfig = loadServiceConfig(GATEWAY_CONFIG_SPEC, { env: {} });

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** Check a whole config: every key against the schema, then the rules that span keys; throws
 *  ConfigError naming the first bad key. */
export function validateConfig(c: GatewayConfig): GatewayConfig {
  checkSettings(GATEWAY_CONFIG_SPEC, c);
  if (c.mqtt.tlsPort >= 0 && (!c.mqtt.tlsCert || !c.mqtt.tlsKey))
    throw new ConfigError(
      'mqtt.tlsPort',
      'an mqtts port needs mqtt.tlsCert and mqtt.tlsKey (LINLI_GW_TLS_CERT, LINLI_GW_TLS_KEY)',
    );
  for (const b of c.mqtt.zigbeeBridges)
    if (!b.username || b.username.startsWith('gateway:') || b.password.length < 8)
      throw new ConfigError(
        'mqtt.zigbeeBridges',
        'each bridge needs a username (not gateway:*) and a password of 8+ characters',
      );
  for (const sev of ['critical', 'major', 'minor', 'warning'] as const) {
    const chain = c.alerts.escalation[sev];
    for (let i = 1; i < chain.length; i++)
      if (chain[i]! <= chain[i - 1]!)
        throw new ConfigError(`alerts.escalation.${sev}`, 'levels must be in increasing order');
  }
  if (c.responders.notifierUrl !== '') {
    if (!/^https?:\/\/[^\s]+$/.test(c.responders.notifierUrl))
      throw new ConfigError('responders.notifierUrl', 'must be an http:// or https:// URL');
    if (Buffer.byteLength(c.responders.notifierSecret) < 16)
      throw new ConfigError(
        'responders.notifierSecret',
        'a notifier URL needs a signing secret of at least 16 bytes (LINLI_GW_RESPONDERS_NOTIFIER_SECRET)',
      );
  }
  if (c.responders.publicUrl !== '' && !/^https?:\/\/[^\s]+$/.test(c.responders.publicUrl))
    throw new ConfigError('responders.publicUrl', 'must be an http:// or https:// URL');
  const u = c.uplink;
  if ((u.mqttUrl || u.webhookUrl || u.destinations.length) && c.role !== 'edge')
    throw new ConfigError('uplink', 'the uplink to a center is for a station (role edge)');
  if (u.webhookUrl && (!u.webhookKey || Buffer.byteLength(u.webhookKey) < 16))
    throw new ConfigError('uplink.webhookKey', 'the webhook path needs a key of at least 16 bytes');
  if (u.caFile && !u.mqttUrl?.startsWith('mqtts://'))
    throw new ConfigError('uplink.caFile', 'a CA file is for an mqtts:// uplink.mqttUrl');
  const names = new Set<string>();
  for (const d of u.destinations) {
    if (names.has(d.name)) throw new ConfigError('uplink.destinations', `two destinations named ${d.name}`);
    names.add(d.name);
  }
  if (c.center.databaseUrl !== undefined) {
    if (c.role !== 'center')
      throw new ConfigError('center.databaseUrl', 'a shared PostgreSQL database is for role center');
    let url: URL | undefined;
    try {
      url = new URL(c.center.databaseUrl);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') || !url.hostname)
      throw new ConfigError(
        'center.databaseUrl',
        'must be a postgres://user:password@host:port/database URL',
      );
  }
  if (c.role === 'center' && c.mqtt.brokerUrl && (!c.mqtt.username || !c.mqtt.password))
    throw new ConfigError(
      'mqtt.username',
      "role center on an external broker needs the center's own account there (mqtt.username and mqtt.password; `linli-gw center mosquitto-files` writes it)",
    );
  if ((c.center.shareGroup || c.center.instanceId) && c.role !== 'center')
    throw new ConfigError(
      c.center.shareGroup ? 'center.shareGroup' : 'center.instanceId',
      'is for role center (a station has one session at the center, station-<site>)',
    );
  if (c.center.shareGroup && !c.mqtt.brokerUrl)
    throw new ConfigError(
      'center.shareGroup',
      "several center instances share an external broker (mqtt.brokerUrl); the embedded broker is one instance's own",
    );
  if (c.center.shareGroup && !c.center.instanceId)
    throw new ConfigError(
      'center.instanceId',
      "a center in a share group needs its own instance id: instances with one client id take over each other's session",
    );
  if (c.center.checkIntervalS > c.center.stationTimeoutS)
    throw new ConfigError('center.checkIntervalS', 'must not be longer than center.stationTimeoutS');
  if (c.hmacKey !== '' && Buffer.byteLength(c.hmacKey) < 16)
    throw new ConfigError('hmacKey', 'must be a string of at least 16 bytes (or empty for the key file)');
  return c;
}

/** The gateway's config with the HTTP API's section as given (resolveApiConfig checks it). */
export type LoadedGatewayConfig = GatewayConfig & { api?: ApiSection };

/** Defaults ← LINLI_GW_CONFIG_FILE ← overrides (from code) ← environment (LINLI_GW_*), then validated. */
export function loadConfig(
  overrides: DeepPartial<GatewayConfig> & { api?: ApiSection } = {},
  env: NodeJS.ProcessEnv = process.env,
): LoadedGatewayConfig {
  const file = env[CONFIG_FILE_VARIABLE] || undefined;
  // The HTTP API's section (`api`) is the API's own settings: kept as given and checked key by key
  // by the API's loader (resolveApiConfig), which refuses an unknown key there the same way.
  const { api, ...engine } = overrides;
  const config = validateConfig(loadServiceConfig(GATEWAY_CONFIG_SPEC, { file, overrides: engine, env }));
  return api === undefined ? config : Object.assign(config, { api });
}
