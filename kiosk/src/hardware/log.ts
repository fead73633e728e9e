// The logger the hardware service writes to: pino-compatible (fastify's `app.log` fits), so the
// service can share the app's logger. Never give it a full ID number or name: only masked forms.
export interface HwLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
type Level = (typeof LEVELS)[number];

/** A tiny JSON-lines logger on stderr, for when no logger is passed (default level 'warn'). */
export function stderrLogger(level: Level | 'silent' = 'warn', name = 'hardware'): HwLogger {
  const min = level === 'silent' ? LEVELS.length : LEVELS.indexOf(level);
  const write =
    (l: Level) =>
    (obj: object, msg?: string): void => {
      if (LEVELS.indexOf(l) < min) return;
      process.stderr.write(`${JSON.stringify({ level: l, time: Date.now(), name, ...obj, msg })}\n`);
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

export const silentLogger: HwLogger = stderrLogger('silent');

/** Error message for logs and health (never throws on odd values). */
export function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
