// The logger the hardware service writes to: the shared service logger (pino; fastify's `app.log`
// is the same), so hardware lines and request lines are one stream. Never give it a full ID
// number or name: only masked forms.
import { createLogger, type Logger } from '@linli/shared/service';

export { silentLogger } from '@linli/shared/service';

export type HwLogger = Logger;

/** The hardware service's own logger when none is passed: warnings and errors on stderr. */
export function hardwareLogger(level = 'warn'): HwLogger {
  return createLogger({ name: 'linli-kiosk-hardware', level, stderr: true });
}

/** Error message for health (never throws on odd values); logs take the Error itself as `err`. */
export function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
