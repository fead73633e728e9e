// One SAM command at a time over a byte line: write the command frame, wait for a reply body
// that fits the command (shape check, since replies carry no command id), with an explicit
// time-out. A reply with a bad checksum fails the waiting request at once (ChecksumError) so
// the reader retries instead of waiting for the time-out; noise is skipped and counted.
import {
  CARD_TEXT_BYTES,
  ChecksumError,
  decodeReply,
  encodeCommand,
  type FrameError,
  type SamCommandName,
  SamFrameParser,
  type SamReply,
} from '@linli/shared';
import { HardwareError } from '../errors.ts';
import type { HwLogger } from '../log.ts';
import type { ByteTransport } from '../transport/byte-transport.ts';
import { Waitress } from '../waitress.ts';

/** Does a reply body plausibly answer this command? Error replies have no data. */
export function replyFits(cmd: SamCommandName, body: Buffer): boolean {
  if (body.length < 3) return false;
  const dataLength = body.length - 3;
  if (dataLength === 0) return true;
  switch (cmd) {
    case 'findCard':
      return dataLength === 4;
    case 'selectCard':
      return dataLength === 8;
    case 'readText':
    case 'readTextFingerprint':
      return dataLength >= 4 + CARD_TEXT_BYTES;
    default:
      return true;
  }
}

export class SamChannel {
  private readonly parser = new SamFrameParser();
  private readonly waitress = new Waitress<Buffer>();
  private busy = false;
  /** Reply frames nobody was waiting for (late answers after a time-out, duplicates). */
  strayReplies = 0;

  constructor(
    private readonly line: ByteTransport,
    private readonly log: HwLogger,
  ) {
    line.onData((chunk) => this.parser.write(chunk));
    this.parser.on('data', (body: Buffer) => {
      if (!this.waitress.offer(body)) {
        this.strayReplies++;
        this.log.debug({ bytes: body.length }, 'stray SAM reply dropped');
      }
    });
    this.parser.on('bad-frame', (err: FrameError) => {
      const n = this.parser.badFrames; // counted; warned about at the first and every 100th
      const entry = {
        code: err.code,
        err: err.message,
        badFrames: n,
        skippedBytes: this.parser.skippedBytes,
      };
      if (n === 1 || n % 100 === 0) this.log.warn(entry, 'bad SAM frame skipped');
      else this.log.debug(entry, 'bad SAM frame skipped');
      if (err instanceof ChecksumError) this.waitress.rejectAll(err);
    });
    line.onClose(() => this.waitress.rejectAll(new HardwareError('HW_CLOSED', `${line.description} closed`)));
  }

  get badFrames(): number {
    return this.parser.badFrames;
  }
  get skippedBytes(): number {
    return this.parser.skippedBytes;
  }
  get timeouts(): number {
    return this.waitress.timeouts;
  }

  /** Send one command and wait for its reply. Throws TimeoutError, ChecksumError or HW_CLOSED. */
  async request(cmd: SamCommandName, timeoutMs: number): Promise<SamReply> {
    if (this.busy) throw new Error(`SamChannel: ${cmd} sent while another request is waiting`);
    this.busy = true;
    const waiting = this.waitress.waitFor((body) => replyFits(cmd, body), timeoutMs, `SAM ${cmd}`);
    waiting.promise.catch(() => {}); // handled below; avoid an unhandled rejection while writing
    try {
      await this.line.write(encodeCommand(cmd), timeoutMs);
      return decodeReply(await waiting.promise);
    } catch (err) {
      waiting.cancel(err as Error);
      // A partial frame left behind must not swallow the next reply.
      this.parser.reset();
      throw err;
    } finally {
      this.busy = false;
    }
  }
}
