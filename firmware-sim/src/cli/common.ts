// Shared bits of the CLI: option parsing, state files for `ctl` (../state.ts), waiting for a signal.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { SimError } from '../errors.ts';
import { type Logger, type LogLevel, simLogger } from '../log.ts';

export type Options = NonNullable<ParseArgsConfig['options']>;

export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  'log-level': { type: 'string' },
} satisfies Options;

export const DEFAULT_MQTT_URL = process.env.LINLI_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

export function parse<O extends Options>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({
      args: argv,
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals,
      strict: true,
    });
  } catch (err) {
    throw new SimError('SIM_ARGS', (err as Error).message);
  }
}

export function logger(component: string, level: unknown): Logger {
  const l = (typeof level === 'string' ? level : 'info') as LogLevel;
  if (!['debug', 'info', 'warn', 'error'].includes(l)) throw new SimError('SIM_ARGS', `--log-level ${l}?`);
  return simLogger(component, l);
}

export function int(value: unknown, name: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new SimError('SIM_ARGS', `--${name} must be a number ≥ ${min}`);
  return n;
}

export { readState, stateDir, writeState } from '../state.ts';

/** Resolve when SIGINT or SIGTERM arrives. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
