// The kiosk service's settings: one TypeBox schema, each key with its type, default, description
// and LINLI_KIOSK_* variable. docs/configuration.md is generated from it (npm run docs:config).
import { type Static, Type } from '@sinclair/typebox';

const int = (env: string, min: number, max: number, def: number, description: string) =>
  Type.Integer({ minimum: min, maximum: max, default: def, env, description });
const flag = (env: string, def: boolean, description: string) =>
  Type.Boolean({ default: def, env, description });
const text = (env: string, def: string, description: string) =>
  Type.String({ default: def, env, description });
const device = (env: string, description: string) =>
  text(
    env,
    '',
    `${description}: '' not configured, 'simulated', 'none', a serial path[@baud] or 'hid:<path>' (docs/kiosk-hardware.md).`,
  );

export const KioskSchema = Type.Object({
  host: Type.String({
    pattern: '^\\S+$',
    default: '127.0.0.1',
    env: 'LINLI_KIOSK_HOST',
    description: 'Listen address.',
    expect: 'a host name or address',
  }),
  port: int('LINLI_KIOSK_PORT', 0, 65535, 8090, 'Listen port (0 = ephemeral).'),
  dataDir: text('LINLI_KIOSK_DATA_DIR', './data/kiosk', 'Data folder (made absolute at start).'),
  publicUrl: Type.String({
    pattern: '^https?://',
    default: 'http://127.0.0.1:8090',
    env: 'LINLI_KIOSK_PUBLIC_URL',
    description: 'Base of the follow-the-queue URL in the ticket QR code (trailing / removed).',
    expect: 'an http(s) URL',
  }),
  timeZone: Type.String({
    default: 'Asia/Shanghai',
    env: 'LINLI_KIOSK_TIME_ZONE',
    description: "The station's local day (ticket numbering, rollover).",
    expect: 'an IANA time zone',
  }),
  devices: Type.Object({
    idcard: device('LINLI_KIOSK_IDCARD', 'ID-card reader'),
    printer: device('LINLI_KIOSK_PRINTER', 'Ticket printer (also /dev/usb/lp*)'),
    scanner: device('LINLI_KIOSK_SCANNER', 'Barcode scanner'),
  }),
  pollIntervalMs: int('LINLI_KIOSK_POLL_INTERVAL_MS', 300, 10_000, 300, 'ID-card reader poll interval, ms.'),
  printWithoutStatus: flag(
    'LINLI_KIOSK_PRINT_WITHOUT_STATUS',
    false,
    'Print to write-only printers that never answer DLE EOT.',
  ),
  queue: Type.Object({
    policy: Type.Union([Type.Literal('strict'), Type.Literal('ratio'), Type.Literal('weighted')], {
      default: 'ratio',
      env: 'LINLI_KIOSK_POLICY',
      description: 'Calling order of priority and normal tickets (docs/kiosk-queue.md).',
      expect: 'one of strict, ratio, weighted',
    }),
    normalPerPriority: int(
      'LINLI_KIOSK_NORMAL_PER_PRIORITY',
      1,
      100,
      3,
      "The N of 'ratio': normal tickets per priority one.",
    ),
    priorityWeight: int('LINLI_KIOSK_PRIORITY_WEIGHT', 1, 100, 3, "Waiting time multiplier of 'weighted'."),
    priorityAge: int('LINLI_KIOSK_PRIORITY_AGE', 0, 150, 70, 'Automatic 优先 (priority) from this age on.'),
    priorityClasses: Type.Array(Type.String({ pattern: '^(?!normal$)[a-z][a-z0-9-]{0,31}$' }), {
      default: ['elderly', 'disability', 'pregnancy', 'military'],
      env: 'LINLI_KIOSK_PRIORITY_CLASSES',
      description: 'Priority classes staff may give.',
      expect: 'a comma-separated list of class names (lower-case words, not "normal")',
    }),
    noShowAfterRecalls: int(
      'LINLI_KIOSK_NO_SHOW_AFTER_RECALLS',
      0,
      20,
      2,
      'Recalls before a ticket is a no-show.',
    ),
    enforceHours: flag('LINLI_KIOSK_ENFORCE_HOURS', true, 'Issue tickets only within service hours.'),
    appointmentEarlyMin: int(
      'LINLI_KIOSK_APPOINTMENT_EARLY_MIN',
      0,
      1440,
      60,
      'Check-in allowed this early, minutes.',
    ),
    appointmentGraceMin: int(
      'LINLI_KIOSK_APPOINTMENT_GRACE_MIN',
      0,
      1440,
      15,
      'Late beyond this (minutes): walk-in order.',
    ),
  }),
  cardSessionMs: int(
    'LINLI_KIOSK_CARD_SESSION_MS',
    1000,
    3_600_000,
    120_000,
    'How long a read card stays usable, ms.',
  ),
  idHmacKey: text(
    'LINLI_KIOSK_ID_HMAC_KEY',
    '',
    'Key of the ID-number hash; empty: idHmacKeyFile, else read/created in <dataDir>/id-hmac.key.',
  ),
  idHmacKeyFile: text(
    'LINLI_KIOSK_ID_HMAC_KEY_FILE',
    '',
    'A key file outside the data folder (must exist, mode 0600).',
  ),
  adminPassword: text('LINLI_KIOSK_ADMIN_PASSWORD', '', "First admin's password ('' → generated)."),
  sessionTtlMin: int(
    'LINLI_KIOSK_SESSION_TTL_MIN',
    1,
    7 * 24 * 60,
    12 * 60,
    'Staff session lifetime, minutes.',
  ),
  secureCookies: flag('LINLI_KIOSK_SECURE_COOKIES', false, 'Mark the session cookie Secure (behind HTTPS).'),
  loginMaxFailures: int(
    'LINLI_KIOSK_LOGIN_MAX_FAILURES',
    1,
    1000,
    5,
    'Failed logins per username and address per window.',
  ),
  loginAddressMaxFailures: int(
    'LINLI_KIOSK_LOGIN_ADDRESS_MAX_FAILURES',
    1,
    100_000,
    50,
    "Failed logins per address (not the kiosk's own) per window.",
  ),
  loginWindowMin: int('LINLI_KIOSK_LOGIN_WINDOW_MIN', 1, 1440, 15, 'Login failure window, minutes.'),
  logLevel: Type.Union(
    (['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const).map((l) => Type.Literal(l)),
    {
      default: 'info',
      env: 'LINLI_KIOSK_LOG_LEVEL',
      description: 'Log level (pino): JSON lines, readable lines on a terminal.',
      expect: 'trace, debug, info, warn, error, fatal or silent',
    },
  ),
  checkpointMs: int(
    'LINLI_KIOSK_CHECKPOINT_MS',
    0,
    600_000,
    1000,
    "WAL checkpoints in a worker thread, ms; 0 = SQLite's automatic ones.",
  ),
  retentionDays: int(
    'LINLI_KIOSK_RETENTION_DAYS',
    1,
    3650,
    90,
    'Masked identity, ID hash and comments are purged after this many days.',
  ),
  kioskAddresses: Type.Array(Type.String(), {
    minItems: 1,
    default: ['127.0.0.1', '::1', '::ffff:127.0.0.1'],
    env: 'LINLI_KIOSK_KIOSK_ADDRESSES',
    description: "Who may issue tickets and read the card ('*' = anyone).",
    expect: "a comma-separated list of IP addresses or '*'",
  }),
});

export type KioskConfig = Static<typeof KioskSchema>;
export type QueuePolicy = KioskConfig['queue']['policy'];
