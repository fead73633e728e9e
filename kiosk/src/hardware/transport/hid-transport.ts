// A byte line carried in HID reports, for USB-HID ID-card readers. Report framing (both
// directions, 64-byte reports):
//
//   byte 0      report id 0x01
//   byte 1      n, the number of payload bytes in this report (1..62)
//   bytes 2..   n bytes of the SAM byte stream (a chunk of one or more frames)
//   rest        zero padding up to 64 bytes
//
// A SAM frame longer than 62 bytes (the 1295-byte read reply) spans several reports; the chunks
// are concatenated and fed to the same SamFrameParser as a serial line, so resynchronisation and
// checksum handling are identical. Reports with another id or an impossible length are counted
// and dropped.
import type { HidLike } from '@linli/shared';
import { HardwareError } from '../errors.ts';
import type { ByteTransport } from './byte-transport.ts';

export const HID_REPORT_SIZE = 64;
export const HID_REPORT_ID = 0x01;
export const HID_CHUNK_MAX = HID_REPORT_SIZE - 2;

/** Split a byte stream into whole 64-byte reports. */
export function encodeHidReports(bytes: Buffer): Buffer[] {
  const reports: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += HID_CHUNK_MAX) {
    const chunk = bytes.subarray(at, at + HID_CHUNK_MAX);
    const report = Buffer.alloc(HID_REPORT_SIZE);
    report[0] = HID_REPORT_ID;
    report[1] = chunk.length;
    chunk.copy(report, 2);
    reports.push(report);
  }
  return reports;
}

/** The payload of one report, or undefined when it is not one of ours. */
export function decodeHidReport(report: Buffer): Buffer | undefined {
  if (report.length < 3 || report[0] !== HID_REPORT_ID) return undefined;
  const n = report[1]!;
  if (n < 1 || n > HID_CHUNK_MAX || 2 + n > report.length) return undefined;
  return Buffer.from(report.subarray(2, 2 + n));
}

export interface HidTransport extends ByteTransport {
  /** Reports dropped because they did not follow the framing. */
  readonly badReports: number;
}

/**
 * A HID device as a byte line. `framed` (the default): the report framing above, both ways.
 * Not framed: every input report is handed over whole as one chunk and writes go out as given
 * (HID POS scanners, whose reports are decoded by the scanner driver).
 */
export function hidTransport(dev: HidLike, description: string, framed = true): HidTransport {
  const dataListeners: ((chunk: Buffer) => void)[] = [];
  const closeListeners: ((err?: Error) => void)[] = [];
  let closed = false;
  let badReports = 0;
  const finish = (err?: Error): void => {
    if (closed) return;
    closed = true;
    for (const l of closeListeners.splice(0)) l(err);
  };
  dev.on('data', (report: Buffer) => {
    const chunk = framed ? decodeHidReport(report) : Buffer.from(report);
    if (!chunk) {
      badReports++;
      return;
    }
    for (const l of dataListeners) l(chunk);
  });
  dev.on('error', (err: Error) => finish(err));

  return {
    description,
    get closed() {
      return closed;
    },
    get badReports() {
      return badReports;
    },
    async write(bytes) {
      if (closed) throw new HardwareError('HW_CLOSED', `${description} is closed`);
      try {
        for (const report of framed ? encodeHidReports(bytes) : [bytes]) await dev.write(report);
      } catch (err) {
        finish(err as Error);
        throw err;
      }
    },
    onData(listener) {
      dataListeners.push(listener);
    },
    onClose(listener) {
      if (closed) queueMicrotask(() => listener());
      else closeListeners.push(listener);
    },
    async close() {
      if (closed) return;
      finish();
      try {
        await dev.close();
      } catch {
        // already gone (unplugged)
      }
    },
  };
}
