// Small helpers over node:util parseArgs for the CLI commands.
import { type ParseArgsConfig, parseArgs } from 'node:util';

import { UsageError } from '@linli/shared/service';

export { UsageError };

type Options = NonNullable<ParseArgsConfig['options']>;

type Help = { help: { type: 'boolean'; short: 'h' } };

export function parse<const O extends Options>(argv: string[], options: O, usage: string) {
  const all = { ...options, help: { type: 'boolean', short: 'h' } } as O & Help;
  try {
    return parseArgs({ args: argv, options: all, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n\n${usage}`);
  }
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function int(v: unknown, name: string): number | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  if (!/^\d+$/.test(s)) throw new UsageError(`--${name} must be a whole number, got "${s}"`);
  return Number(s);
}

/** Read all of stdin (for secrets that must not appear in the process list or shell history). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
