// Tiny logger: the simulators are quiet as a library and chatty from the CLI.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;

export const silentLogger: Logger = () => {};

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A logger that writes one line per message to stderr, prefixed with a component name. */
export function consoleLogger(component: string, min: LogLevel = 'info'): Logger {
  return (level, msg, fields) => {
    if (ORDER[level] < ORDER[min]) return;
    const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
    process.stderr.write(`${new Date().toISOString()} ${level.padEnd(5)} [${component}] ${msg}${extra}\n`);
  };
}
