// A minimal SAM host for tests: send a command, wait for the next frame with a time-out.
import { encodeCommand, type SamCommandName, SamFrameParser } from '@linli/shared';
import type { SerialPort } from 'serialport';

export class SamClient {
  readonly parser = new SamFrameParser();
  readonly frames: Buffer[] = [];
  readonly badFrames: unknown[] = [];
  /** Every byte received, as it came off the wire. */
  raw = Buffer.alloc(0);
  private waiters: ((body: Buffer) => void)[] = [];

  constructor(readonly port: SerialPort) {
    port.on('data', (chunk: Buffer) => {
      this.raw = Buffer.concat([this.raw, chunk]);
    });
    port.pipe(this.parser);
    this.parser.on('data', (body: Buffer) => {
      const w = this.waiters.shift();
      if (w) w(body);
      else this.frames.push(body);
    });
    this.parser.on('bad-frame', (err: unknown) => this.badFrames.push(err));
  }

  /** The next reply body (SW1 SW2 SW3 data). */
  next(timeoutMs = 3000): Promise<Buffer> {
    const queued = this.frames.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const w = (body: Buffer): void => {
        clearTimeout(timer);
        resolve(body);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new Error(`no reply within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  send(bytes: Buffer): void {
    this.port.write(bytes);
  }

  async request(name: SamCommandName, timeoutMs = 3000): Promise<Buffer> {
    this.send(encodeCommand(name));
    return this.next(timeoutMs);
  }

  close(): void {
    this.port.unpipe(this.parser);
  }
}
