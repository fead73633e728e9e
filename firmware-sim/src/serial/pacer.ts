// Writes bytes to a stream at the pace of a real serial line (8N1: 10 bits per byte).
import type { Writable } from 'node:stream';
import { sleep } from '../util.ts';

/** Microseconds per byte at a baud rate, 8N1. 115200 → ≈ 86.8 µs. */
export const microsPerByte = (baud: number): number => 10_000_000 / baud;

/**
 * Write `bytes` in chunks so the whole takes as long as it would on the wire (baud 0 = at once).
 * Resolves when the last chunk was handed to the stream; `abort()` returning true stops early.
 */
export async function pacedWrite(
  out: Writable,
  bytes: Buffer,
  baud: number,
  abort: () => boolean = () => false,
  chunk = 64,
): Promise<void> {
  if (baud <= 0) {
    out.write(bytes);
    return;
  }
  const usPerByte = microsPerByte(baud);
  const start = performance.now();
  for (let at = 0; at < bytes.length; at += chunk) {
    if (abort()) return;
    const part = bytes.subarray(at, Math.min(bytes.length, at + chunk));
    // a chunk is "on the wire" once its last byte would have been sent
    const due = start + ((at + part.length) * usPerByte) / 1000;
    const wait = due - performance.now();
    if (wait >= 1) await sleep(wait);
    out.write(part);
  }
}
