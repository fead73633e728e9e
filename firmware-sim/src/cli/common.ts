// Shared bits of the CLI: option parsing, state files for `ctl`, waiting for a signal.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { SimError } from '../errors.ts';
import { consoleLogger, type Logger, type LogLevel } from '../log.ts';

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
  return consoleLogger(component, l);
}

export function int(value: unknown, name: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new SimError('SIM_ARGS', `--${name} must be a number ≥ ${min}`);
  return n;
}

export const stateDir = (): string => process.env.LINLI_SIM_STATE_DIR ?? join(tmpdir(), 'linli-sim');

/** Record where a running simulator can be reached, for `linli-sim ctl`. */
export function writeState(device: string, state: { path?: string; controlUrl?: string }): () => void {
  mkdirSync(stateDir(), { recursive: true });
  const file = join(stateDir(), `${device}.json`);
  writeFileSync(
    file,
    JSON.stringify({ pid: process.pid, device, ...state, startedAt: new Date().toISOString() }),
  );
  return () => rmSync(file, { force: true });
}

export function readState(device: string): { pid: number; path?: string; controlUrl?: string } {
  const file = join(stateDir(), `${device}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new SimError(
      'SIM_CONTROL',
      `no running ${device} simulator found (${file}); start one or pass --url`,
    );
  }
}

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
