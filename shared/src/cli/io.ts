// Input and output for the CLI commands: a file or stdin, raw bytes or hex text.
import { readFile } from 'node:fs/promises';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Read all of stdin; undefined when stdin is a terminal (nothing piped). */
  stdin(): Promise<Buffer | undefined>;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  async stdin() {
    if (process.stdin.isTTY) return undefined;
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  },
};

/** A usage mistake (exit code 2) as opposed to bad input (exit code 1). */
export class UsageError extends Error {}

/** An input the command cannot use (exit code 1). */
export class InputError extends Error {}

/** Hex text: hex digit pairs, optionally separated by whitespace, commas, colons, or written 0xAA. */
const HEX_TEXT = /^(?:\s|,|:|0x|[0-9a-f])*$/i;

/**
 * Bytes from raw input: hex text (with or without spaces) becomes the bytes it spells; anything
 * else is taken as raw bytes.
 */
export function bytesFromInput(input: Buffer): Buffer {
  const text = input.toString('latin1');
  if (!/[0-9a-f]/i.test(text) || !HEX_TEXT.test(text)) return input;
  if (/0x/i.test(text)) {
    // 0xAA, 0x5, … : one byte per token
    const tokens = text.split(/[\s,:]+/).filter((t) => t.length > 0);
    return Buffer.from(
      tokens.map((t) => {
        if (!/^0x[0-9a-f]{1,2}$/i.test(t))
          throw new InputError(`hex token ${JSON.stringify(t)} is not one byte`);
        return Number.parseInt(t.slice(2), 16);
      }),
    );
  }
  const digits = text.replace(/[\s,:]/g, '');
  if (digits.length % 2 !== 0)
    throw new InputError(`hex text has an odd number of digits (${digits.length})`);
  return Buffer.from(digits, 'hex');
}

/** Read FILE, or stdin for '-' or no FILE; hex text is turned into bytes unless `raw`. */
export async function readInput(
  file: string | undefined,
  io: Io,
  opts: { raw?: boolean } = {},
): Promise<Buffer> {
  let raw: Buffer | undefined;
  if (file === undefined || file === '-') {
    raw = await io.stdin();
    if (raw === undefined) throw new UsageError('no FILE given and nothing piped to stdin');
  } else {
    try {
      raw = await readFile(file);
    } catch (err) {
      throw new InputError(
        `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
  }
  const bytes = opts.raw ? raw : bytesFromInput(raw);
  if (bytes.length === 0) throw new InputError('the input is empty');
  return bytes;
}
