// The simulators log with the shared service logger (pino): quiet as a library (silentLogger),
// chatty from the CLI (simLogger: readable lines on a terminal, JSON otherwise, on stderr so
// standard output stays for data).
import { createLogger, type Logger, type ServiceLogger } from '@linli/shared/service';

export { silentLogger } from '@linli/shared/service';
export type { Logger };

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A logger on stderr named after the simulator (`sim-printer`, `sim-fleet`). */
export function simLogger(component: string, level: LogLevel = 'info'): ServiceLogger {
  return createLogger({ name: `sim-${component}`, level, stderr: true });
}
