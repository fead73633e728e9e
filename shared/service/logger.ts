// The one logger of every Linli service: pino (fastify's own logger, so `app.log` and the
// service's logger are the same object). JSON lines when the output is not a terminal (journald,
// files, tests), readable lines on a terminal (pino-pretty). One field vocabulary, pino order
// (fields first, then the message): `log.warn({ device, err }, 'heartbeat late')`.
//
// Fields: `device` (device id), `site`, `alertId`, `ticketId`, `err` (an Error: serialized with
// its stack), `reason`, `count`. Never a full ID number, a name or a URL secret (redactedRequest
// serializes requests; mask ID numbers before logging them).
import { type DestinationStream, type Level, type LevelWithSilent, pino } from 'pino';
import pretty from 'pino-pretty';
import { redactedRequest } from './redact-url.ts';

/** The fields of the shared vocabulary; others are allowed but should be rare. */
export interface LogFields {
  device?: string;
  site?: string;
  alertId?: string | number;
  ticketId?: string | number;
  err?: unknown;
  [field: string]: unknown;
}

export interface LogFn {
  (fields: LogFields, msg: string): void;
  (msg: string): void;
}

/** What code that logs needs: pino's Logger and fastify's `app.log` fit. */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

export const LOG_LEVELS: readonly LevelWithSilent[] = [
  'trace',
  'debug',
  'info',
  'warn',
  'error',
  'fatal',
  'silent',
];

export type ServiceLogger = pino.Logger;

export interface LoggerOptions {
  /** The service or component: `linli-gateway`, `linli-kiosk`, `sim-printer`. */
  name: string;
  /** Default 'info'. An unknown level is refused (fail closed: say it loudly). */
  level?: string;
  /** Readable lines instead of JSON; default: when the destination is a terminal. */
  pretty?: boolean;
  /** Where lines go; default standard output (fd 1) or standard error when `stderr`. */
  destination?: DestinationStream;
  /** Write to standard error (simulators, CLIs whose standard output is data). */
  stderr?: boolean;
}

export function isLogLevel(level: string): level is LevelWithSilent {
  return (LOG_LEVELS as readonly string[]).includes(level);
}

/** A pino logger with the shared serializers (err with stack, req without URL secrets). */
export function createLogger(o: LoggerOptions): ServiceLogger {
  const level = o.level ?? 'info';
  if (!isLogLevel(level)) throw new Error(`unknown log level "${level}" (one of ${LOG_LEVELS.join(', ')})`);
  const fd = o.stderr ? 2 : 1;
  const tty = o.destination === undefined && Boolean((fd === 2 ? process.stderr : process.stdout).isTTY);
  const destination =
    o.destination ??
    ((o.pretty ?? tty)
      ? pretty({ destination: fd, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' })
      : pino.destination({ dest: fd, sync: true }));
  return pino(
    {
      name: o.name,
      level,
      base: { name: o.name },
      serializers: { err: pino.stdSerializers.err, req: redactedRequest },
    },
    destination,
  );
}

/** A logger that writes nothing (tests, library use). */
export const silentLogger: ServiceLogger = pino({ level: 'silent' });

export interface LogRecord {
  level: Level;
  msg: string;
  /** The fields as written (an `err` serialized: type, message, stack). */
  fields?: Record<string, unknown>;
}

/** A real pino logger that keeps its records in memory: for tests that assert what is logged. */
export function memoryLogger(level: LevelWithSilent = 'debug'): { log: ServiceLogger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const labels = pino.levels.labels;
  const log = pino(
    {
      level,
      base: null,
      timestamp: false,
      serializers: { err: pino.stdSerializers.err, req: redactedRequest },
    },
    {
      write(line: string) {
        const { level: n, msg, ...fields } = JSON.parse(line) as Record<string, unknown> & { level: number };
        const record: LogRecord = { level: labels[n] as Level, msg: String(msg ?? '') };
        if (Object.keys(fields).length > 0) record.fields = fields;
        records.push(record);
      },
    },
  );
  return { log, records };
}
