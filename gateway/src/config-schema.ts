// The gateway's settings: one TypeBox schema, each key with its type, default, description and
// LINLI_GW_* variable. docs/configuration.md is generated from it (npm run docs:config).
import { type Static, Type } from '@sinclair/typebox';

const port = (env: string, def: number, description: string) =>
  Type.Integer({
    minimum: -1,
    maximum: 65535,
    default: def,
    env,
    description,
    expect: 'a port 0..65535 or -1 (off)',
  });
const positive = (env: string, def: number, description: string) =>
  Type.Number({ exclusiveMinimum: 0, default: def, env, description });
const optionalText = (env: string, description: string) => Type.Optional(Type.String({ env, description }));

/** "user:password,user2:password2" → accounts. */
function parseAccounts(raw: string): { username: string; password: string }[] {
  return raw
    .split(',')
    .filter((s) => s.trim() !== '')
    .map((pair) => {
      const colon = pair.indexOf(':');
      if (colon <= 0 || colon === pair.length - 1)
        throw new Error('must be a comma-separated list of username:password');
      return { username: pair.slice(0, colon).trim(), password: pair.slice(colon + 1) };
    });
}

/** JSON list of further webhook destinations: [{"name":"city","url":"https://…","key":"…"}]. */
function parseDestinations(raw: string): { name: string; url: string; key: string }[] {
  const v = JSON.parse(raw) as unknown;
  if (!Array.isArray(v)) throw new Error('must be a JSON list of {name, url, key}');
  return v as { name: string; url: string; key: string }[];
}

const seconds = (env: string | undefined, def: number[], description: string) =>
  Type.Array(Type.Number({ exclusiveMinimum: 0 }), {
    default: def,
    env,
    description,
    expect: 'a comma-separated list of positive seconds',
  });

export const GatewaySchema = Type.Object({
  site: Type.String({
    pattern: '^[A-Za-z0-9_-]{1,64}$',
    default: 'site1',
    env: 'LINLI_GW_SITE',
    description: 'Site name, used in MQTT topics.',
    expect: 'a name matching [A-Za-z0-9_-]{1,64}',
  }),
  role: Type.Union([Type.Literal('edge'), Type.Literal('center')], {
    default: 'edge',
    env: 'LINLI_GW_ROLE',
    description: 'edge: a station gateway; center: the district center.',
    expect: '"edge" or "center"',
  }),
  logLevel: Type.Union(
    (['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const).map((l) => Type.Literal(l)),
    {
      default: 'info',
      env: 'LINLI_GW_LOG_LEVEL',
      description: 'Log level (pino): JSON lines, readable lines on a terminal.',
      expect: 'trace, debug, info, warn, error, fatal or silent',
    },
  ),
  dataDir: Type.String({
    minLength: 1,
    default: './data/gateway',
    env: 'LINLI_GW_DATA_DIR',
    description: 'Data folder.',
  }),
  dbFile: Type.String({
    minLength: 1,
    default: 'gateway.db',
    env: 'LINLI_GW_DB_FILE',
    description: "':memory:' or a file name inside the data folder.",
  }),
  http: Type.Object({
    host: Type.String({
      default: '0.0.0.0',
      env: 'LINLI_GW_HTTP_HOST',
      description: 'HTTP API listen address.',
    }),
    port: port('LINLI_GW_HTTP_PORT', 8080, 'HTTP API port (0 = ephemeral, -1 = off).'),
  }),
  mqtt: Type.Object({
    port: port('LINLI_GW_MQTT_PORT', 1883, 'Embedded broker TCP port (0 = ephemeral, -1 = off).'),
    host: Type.String({
      default: '0.0.0.0',
      env: 'LINLI_GW_MQTT_HOST',
      description: 'Embedded broker listen address.',
    }),
    wsPort: port(
      'LINLI_GW_WS_PORT',
      9001,
      'Embedded broker MQTT-over-WebSocket port (0 = ephemeral, -1 = off).',
    ),
    brokerUrl: Type.Optional(
      Type.String({
        pattern: '^(mqtts?|wss?)://[^\\s]+$',
        env: 'LINLI_GW_BROKER_URL',
        description: 'External broker URL (mqtt://, mqtts://, ws://, wss://): when set, no embedded broker.',
        expect: 'an mqtt://, mqtts://, ws:// or wss:// URL',
      }),
    ),
    username: optionalText(
      'LINLI_GW_BROKER_USERNAME',
      "The gateway client's username at an external broker.",
    ),
    password: optionalText(
      'LINLI_GW_BROKER_PASSWORD',
      "The gateway client's password at an external broker.",
    ),
    rateLimitPerS: positive('LINLI_GW_RATE_LIMIT', 20, 'Per-device publish budget, messages per second.'),
    rateBurst: Type.Integer({
      exclusiveMinimum: 0,
      default: 40,
      env: 'LINLI_GW_RATE_BURST',
      description: 'Per-device publish burst.',
    }),
    maxPacketBytes: Type.Integer({
      minimum: 5120,
      default: 16 * 1024,
      env: 'LINLI_GW_MAX_PACKET_BYTES',
      description:
        'Largest MQTT packet a client may send to the embedded broker; a larger one closes the connection.',
      expect: 'an integer of at least 5120 (a 4 KiB payload and its headers)',
    }),
    connectInFlight: Type.Integer({
      minimum: 1,
      maximum: 10_000,
      default: 64,
      env: 'LINLI_GW_CONNECT_IN_FLIGHT',
      description:
        'Embedded broker: CONNECTs processed at once (from the whole CONNECT to its CONNACK); more wait, so a reconnect storm does not delay the publishes of connected devices.',
    }),
    connectPerTurn: Type.Integer({
      minimum: 1,
      maximum: 10_000,
      default: 32,
      env: 'LINLI_GW_CONNECT_PER_TURN',
      description: 'Embedded broker: CONNECTs started per event-loop turn at most (see connectInFlight).',
    }),
    zigbeeBridges: Type.Array(Type.Object({ username: Type.String(), password: Type.String() }), {
      default: [],
      env: 'LINLI_GW_ZIGBEE_BRIDGE',
      parse: parseAccounts,
      description:
        'Zigbee2MQTT bridge accounts on the embedded broker ("user:password,…"); they may publish zigbee2mqtt/#.',
      expect: 'a comma-separated list of username:password',
    }),
    tlsPort: port(
      'LINLI_GW_MQTTS_PORT',
      -1,
      'Embedded broker MQTT over TLS port; -1 off. Needs mqtt.tlsCert and mqtt.tlsKey.',
    ),
    tlsCert: optionalText('LINLI_GW_TLS_CERT', "PEM file: the embedded broker's certificate."),
    tlsKey: optionalText('LINLI_GW_TLS_KEY', "PEM file: the embedded broker's private key."),
    tlsCa: optionalText('LINLI_GW_TLS_CA', 'PEM file: CA to verify an external mqtts:// broker.'),
    authFailLimit: Type.Integer({
      minimum: 1,
      default: 10,
      env: 'LINLI_GW_AUTH_FAIL_LIMIT',
      description:
        'Failed MQTT logins from one address within mqtt.authFailWindowS that block the address for mqtt.authBlockS (refused at CONNECT).',
    }),
    authFailWindowS: positive('LINLI_GW_AUTH_FAIL_WINDOW_S', 60, 'Window of mqtt.authFailLimit, seconds.'),
    authBlockS: positive('LINLI_GW_AUTH_BLOCK_S', 120, 'How long a blocked address stays blocked, seconds.'),
    brokerSupervisionS: positive(
      'LINLI_GW_BROKER_SUPERVISION_S',
      30,
      'External broker: a link down longer than this raises a technical alert, seconds.',
    ),
    queueOutageS: positive(
      'LINLI_GW_QUEUE_OUTAGE_S',
      600,
      'External Mosquitto: the gateway outage its queue must ride through, seconds (max_queued_messages = outage × rate, +25 %).',
    ),
    queueEventsPerS: positive(
      'LINLI_GW_QUEUE_EVENTS_PER_S',
      150,
      "External Mosquitto: the station's peak event rate, all devices together, events per second.",
    ),
  }),
  ingest: Type.Object({
    groupCommitMs: Type.Number({
      minimum: 0,
      default: 0,
      env: 'LINLI_GW_GROUP_COMMIT_MS',
      description:
        'Group commit window, ms: events arriving within it share one transaction. 0: everything that arrived in the same event-loop turn.',
    }),
    asyncFsync: Type.Boolean({
      default: false,
      env: 'LINLI_GW_ASYNC_FSYNC',
      description:
        'false: commit with synchronous=FULL (fsync on the event loop). true: synchronous=NORMAL and acknowledge after an fdatasync of the WAL in the thread pool.',
    }),
  }),
  alerts: Type.Object({
    escalation: Type.Object({
      critical: seconds(
        'LINLI_GW_ESCALATION_CRITICAL',
        [60, 180, 600],
        'Escalation chain of critical alerts, seconds after raise.',
      ),
      major: seconds(
        'LINLI_GW_ESCALATION_MAJOR',
        [300, 900],
        'Escalation chain of major alerts, seconds after raise.',
      ),
      minor: seconds(
        'LINLI_GW_ESCALATION_MINOR',
        [1800],
        'Escalation chain of minor alerts, seconds after raise.',
      ),
      warning: seconds(undefined, [], 'Escalation chain of warnings, seconds after raise.'),
    }),
    sosCancel: Type.Union([Type.Literal('keep-open'), Type.Literal('cancel')], {
      default: 'keep-open',
      env: 'LINLI_GW_SOS_CANCEL',
      description: "sos.cancel policy: 'keep-open' (staff check, marked cancelled by resident) or 'cancel'.",
      expect: '"keep-open" or "cancel"',
    }),
  }),
  supervision: Type.Object({
    checkIntervalS: positive('LINLI_GW_CHECK_INTERVAL_S', 10, 'How often timeouts are checked, seconds.'),
    welfareCheckHours: positive('LINLI_GW_WELFARE_CHECK_HOURS', 24, 'Welfare check interval, hours.'),
    batteryLowPercent: Type.Number({
      minimum: 0,
      default: 15,
      env: 'LINLI_GW_BATTERY_LOW_PERCENT',
      description: 'Battery percentage at or below which a heartbeat raises battery.low.',
    }),
  }),
  responders: Type.Object({
    afterS: Type.Number({
      minimum: 0,
      default: 60,
      env: 'LINLI_GW_RESPONDERS_AFTER_S',
      description:
        "An SOS or fall not acknowledged by an operator within this many seconds notifies the resident's first available responder (residents marked 'immediate': at once).",
    }),
    acceptS: positive(
      'LINLI_GW_RESPONDERS_ACCEPT_S',
      120,
      'A notified responder who has not answered "I\'m going" within this many seconds: the next one is notified.',
    ),
    notifierUrl: Type.String({
      default: '',
      env: 'LINLI_GW_RESPONDERS_NOTIFIER_URL',
      description:
        'The SMS/voice gateway: messages are POSTed here as signed JSON. Empty: escalation to responders is off (said at start).',
    }),
    notifierSecret: Type.String({
      default: '',
      env: 'LINLI_GW_RESPONDERS_NOTIFIER_SECRET',
      description:
        'Shared secret of the HMAC-SHA256 signature of each request (x-linli-signature over timestamp + body); at least 16 bytes when a notifier URL is set.',
    }),
    notifierRetries: Type.Integer({
      minimum: 0,
      maximum: 20,
      default: 5,
      env: 'LINLI_GW_RESPONDERS_NOTIFIER_RETRIES',
      description:
        'Retries of a failed request (backoff 1, 2, 4 … s, at most 60 s); then the message is failed, the gateway.notifier alert raised and the next responder notified.',
    }),
    notifierTimeoutS: positive(
      'LINLI_GW_RESPONDERS_NOTIFIER_TIMEOUT_S',
      5,
      'Timeout of one request, seconds.',
    ),
    publicUrl: Type.String({
      default: '',
      env: 'LINLI_GW_RESPONDERS_PUBLIC_URL',
      description:
        "Base of the responder page's links, as a phone reaches the gateway (https://…). Empty: the HTTP API's own address (a warning at start).",
    }),
    linkTtlS: positive(
      'LINLI_GW_RESPONDERS_LINK_TTL_S',
      7200,
      "A responder's link expires this many seconds after it was sent (or when the alert is resolved).",
    ),
    checkIntervalS: positive(
      'LINLI_GW_RESPONDERS_CHECK_INTERVAL_S',
      1,
      'How often due escalation steps and message retries are checked, seconds (a new alert is looked at immediately).',
    ),
    tzMinutes: Type.Integer({
      minimum: -720,
      maximum: 840,
      default: 480,
      env: 'LINLI_GW_RESPONDERS_TZ_MINUTES',
      description:
        "The station's time zone (minutes east of UTC) for responders' availability hours and the monthly export.",
    }),
  }),
  uplink: Type.Object({
    mqttUrl: Type.Optional(
      Type.String({
        pattern: '^mqtts?://[^\\s]+$',
        env: 'LINLI_GW_UPLINK_MQTT_URL',
        description:
          "Station (role edge): the center's broker, mqtt:// or mqtts://. With uplink.webhookUrl, either one turns the outbox to the center on.",
        expect: 'an mqtt:// or mqtts:// URL',
      }),
    ),
    username: optionalText(
      'LINLI_GW_UPLINK_USERNAME',
      "The station's account at the center's broker (default: the site name).",
    ),
    password: optionalText('LINLI_GW_UPLINK_PASSWORD', "The station's password at the center's broker."),
    caFile: optionalText('LINLI_GW_UPLINK_CA_FILE', "PEM file: CA to verify the center's mqtts:// broker."),
    webhookUrl: Type.Optional(
      Type.String({
        pattern: '^https?://[^\\s]+$',
        env: 'LINLI_GW_UPLINK_WEBHOOK_URL',
        description:
          "The center's ingest URL (…/api/center/v1/ingest): the second path, signed with uplink.webhookKey.",
        expect: 'an http:// or https:// URL',
      }),
    ),
    webhookKey: optionalText(
      'LINLI_GW_UPLINK_WEBHOOK_KEY',
      "The station's webhook secret (HMAC-SHA256 key), issued by the center with its MQTT password.",
    ),
    supervisionS: positive(
      'LINLI_GW_UPLINK_SUPERVISION_S',
      30,
      'Supervision message on each path this often, seconds; a path silent for twice this raises its technical alert and hands the traffic to the other path.',
    ),
    registrySnapshotS: positive(
      'LINLI_GW_UPLINK_REGISTRY_SNAPSHOT_S',
      300,
      "The station's registry summary (devices, residents' names and phones, online, battery, last seen) is sent whole to the center this often, seconds; changes go up within 2 s.",
    ),
    ackTimeoutS: positive(
      'LINLI_GW_UPLINK_ACK_TIMEOUT_S',
      10,
      "A row sent without the center's stored receipt within this time is sent again (with backoff), seconds.",
    ),
    window: Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: 32,
      env: 'LINLI_GW_UPLINK_WINDOW',
      description: 'Rows in flight at once per destination (one per alert).',
    }),
    retryBaseMs: positive(
      'LINLI_GW_UPLINK_RETRY_BASE_MS',
      500,
      'First retry delay, ms (doubles per attempt, jittered).',
    ),
    retryMaxS: positive('LINLI_GW_UPLINK_RETRY_MAX_S', 60, 'Longest retry delay, seconds.'),
    maxDepth: Type.Integer({
      minimum: 1,
      default: 10_000,
      env: 'LINLI_GW_UPLINK_MAX_DEPTH',
      description:
        'Outbox rows (all destinations) above which the technical alert gateway.outbox-pressure is raised; nothing is dropped.',
    }),
    maxAgeS: positive(
      'LINLI_GW_UPLINK_MAX_AGE_S',
      600,
      'Age of the oldest outbox row above which gateway.outbox-pressure is raised, seconds.',
    ),
    destinations: Type.Array(
      Type.Object(
        {
          name: Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$' }),
          url: Type.String({ pattern: '^https?://[^\\s]+$' }),
          key: Type.String({ minLength: 16 }),
        },
        { additionalProperties: false },
      ),
      {
        default: [],
        env: 'LINLI_GW_UPLINK_DESTINATIONS',
        parse: parseDestinations,
        description:
          'Further webhook destinations (a city platform…), each with its own ordered, signed delivery of every alert revision.',
        expect: 'a JSON list of {"name", "url", "key" (16+ characters)}',
      },
    ),
  }),
  center: Type.Object({
    shareGroup: Type.String({
      pattern: '^([A-Za-z0-9_-]{1,64})?$',
      default: '',
      env: 'LINLI_GW_CENTER_SHARE_GROUP',
      description:
        "Role center behind an external broker, several instances: the MQTT shared subscription's group. The stations' messages are spread over the instances subscribed as $share/<group>/… (docs/center-cluster.md); needs center.instanceId. Empty: one instance.",
      expect: 'empty or a name matching [A-Za-z0-9_-]{1,64}',
    }),
    instanceId: Type.String({
      pattern: '^([A-Za-z0-9_-]{1,64})?$',
      default: '',
      env: 'LINLI_GW_CENTER_INSTANCE',
      description:
        "Role center behind an external broker: this instance's name, unique among the instances (its MQTT client id is linli-center-<instanceId>). Empty: linli-center.",
      expect: 'empty or a name matching [A-Za-z0-9_-]{1,64}',
    }),
    databaseUrl: optionalText(
      'LINLI_GW_CENTER_DATABASE_URL',
      "Role center: keep the center's data (station alert revisions and current state, action requests, link state, device summaries, audit log, staff accounts, login sessions and failed-login counts, station accounts) in this PostgreSQL database, postgres://user:password@host:port/db, shared by several center instances. Unset: the embedded SQLite file. Refused at start when unreachable.",
    ),
    keepAliveS: Type.Integer({
      minimum: 1,
      maximum: 65535,
      default: 15,
      env: 'LINLI_GW_CENTER_KEEPALIVE_S',
      description:
        "Role center behind an external broker: the MQTT keep-alive of the center's connection, seconds. The broker drops an instance that sent nothing for 1.5 × this (a member that lost power: until then it is still given its share of the group's messages, which the stations send again); the center reconnects when the broker stops answering. (MQTT.js's default was 60.)",
      expect: 'whole seconds 1..65535',
    }),
    stationTimeoutS: positive(
      'LINLI_GW_CENTER_STATION_TIMEOUT_S',
      120,
      'Role center: a station silent on every path this long raises center.station-unreachable, seconds (EN 50136: within 180).',
    ),
    checkIntervalS: positive(
      'LINLI_GW_CENTER_CHECK_INTERVAL_S',
      5,
      "Role center: how often the stations' silence is checked, seconds.",
    ),
    actionResendS: positive(
      'LINLI_GW_CENTER_ACTION_RESEND_S',
      30,
      'Role center: a pending action request is published to its station again this often, seconds.',
    ),
    replayWindowS: positive(
      'LINLI_GW_CENTER_REPLAY_WINDOW_S',
      300,
      'Role center: webhook requests whose X-Linli-Timestamp is further from now are refused, seconds.',
    ),
    webhookFailLimit: positive(
      'LINLI_GW_CENTER_WEBHOOK_FAIL_LIMIT',
      20,
      'Role center: webhook requests failing their signature from one address within webhookFailWindowS before that address is refused (429) until the window ends.',
    ),
    webhookFailWindowS: positive(
      'LINLI_GW_CENTER_WEBHOOK_FAIL_WINDOW_S',
      600,
      "Role center: the window of webhookFailLimit, seconds (an address blocked stays blocked until its window's end).",
    ),
  }),
  hmacKey: Type.String({
    default: '',
    env: 'LINLI_GW_HMAC_KEY',
    description:
      'Key of the keyed hash of card numbers; empty: a key file, else a random key kept in <dataDir>/hmac.key.',
  }),
  hmacKeyFile: Type.String({
    default: '',
    env: 'LINLI_GW_HMAC_KEY_FILE',
    description:
      'A key file outside the data folder; must exist, mode 0600. Empty: the key is given or kept in the data folder.',
  }),
});

export type GatewayConfig = Static<typeof GatewaySchema>;
export type GatewayRole = GatewayConfig['role'];
