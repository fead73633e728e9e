// A byte line to a device, whatever carries it: a serial port, a pseudo-terminal, a printer
// device file, an in-memory stream or HID reports. Drivers only see this (CONVENTIONS 2).
import type { Duplex } from 'node:stream';
import { HardwareError } from '../errors.ts';

export interface ByteTransport {
  /** Resolves once the bytes are handed to the device (drained when the stream can say so). */
  write(bytes: Buffer, timeoutMs?: number): Promise<void>;
  onData(listener: (chunk: Buffer) => void): void;
  /** Called once, when the line closes or fails (unplugged, EIO, closed by us). */
  onClose(listener: (err?: Error) => void): void;
  close(): Promise<void>;
  readonly description: string;
  readonly closed: boolean;
}

interface Drainable {
  drain(cb: (err: Error | null) => void): void;
}
const hasDrain = (s: unknown): s is Drainable => typeof (s as { drain?: unknown }).drain === 'function';

/** Wrap any Duplex (SerialPort, pty, socket, PassThrough pair). */
export function duplexTransport(stream: Duplex, description: string): ByteTransport {
  const closeListeners: ((err?: Error) => void)[] = [];
  let closed = false;
  let closeErr: Error | undefined;
  const finish = (err?: Error): void => {
    if (closed) return;
    closed = true;
    closeErr = err;
    for (const l of closeListeners.splice(0)) l(err);
  };
  stream.on('error', (err: Error) => finish(err));
  stream.on('close', (err?: Error) => finish(err instanceof Error ? err : undefined));
  stream.on('end', () => finish(new HardwareError('HW_CLOSED', `${description}: stream ended`)));

  return {
    description,
    get closed() {
      return closed;
    },
    write(bytes, timeoutMs = 10_000) {
      if (closed) return Promise.reject(new HardwareError('HW_CLOSED', `${description} is closed`));
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new HardwareError('HW_WRITE_TIMEOUT', `${description}: write not drained in ${timeoutMs} ms`),
            ),
          timeoutMs,
        );
        const done = (err?: Error | null): void => {
          clearTimeout(timer);
          if (err) reject(err);
          else resolve();
        };
        stream.write(bytes, (err) => {
          if (err) return done(err);
          if (hasDrain(stream)) stream.drain((e) => done(e));
          else done();
        });
      });
    },
    onData(listener) {
      stream.on('data', (chunk: Buffer | string) =>
        listener(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)),
      );
    },
    onClose(listener) {
      if (closed) queueMicrotask(() => listener(closeErr));
      else closeListeners.push(listener);
    },
    close() {
      if (closed || stream.destroyed) {
        finish();
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        stream.once('close', () => resolve());
        const maybeSerial = stream as Duplex & { isOpen?: boolean; close?: (cb: () => void) => void };
        if (typeof maybeSerial.close === 'function' && maybeSerial.isOpen) maybeSerial.close(() => {});
        else stream.destroy();
        setTimeout(resolve, 1000).unref(); // never hang a shutdown on a stuck device
      }).then(() => finish());
    },
  };
}
