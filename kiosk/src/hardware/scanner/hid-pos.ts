// HID POS barcode scanners (usage page 0x8C, scanner usage 0x02) through node-hid. One
// scanned-data report (usage 0x12) carries one whole code:
//
//   byte 0      report id 0x12 (scanned-data report)
//   byte 1      n, length of the decoded data
//   bytes 2..4  symbology identifier (AIM, e.g. "]Q1" for QR, "]E0" for EAN-13; NUL-padded)
//   bytes 5..   n bytes of decoded data (UTF-8)
//
// Reports with another id or an impossible length are refused, counted and logged.
import type { KioskBus } from '../../events.ts';
import type { HwLogger } from '../log.ts';
import type { ByteTransport } from '../transport/byte-transport.ts';

export const SCANNED_DATA_REPORT_ID = 0x12;

export interface ScannedData {
  code: string;
  symbology?: string;
}

/** Decode one scanned-data report; undefined when it is not one. */
export function decodeScannedDataReport(report: Buffer): ScannedData | undefined {
  if (report.length < 6 || report[0] !== SCANNED_DATA_REPORT_ID) return undefined;
  const n = report[1]!;
  if (n === 0 || 5 + n > report.length) return undefined;
  const sym = report.subarray(2, 5).toString('latin1').replace(/\0+$/, '');
  const code = report.subarray(5, 5 + n).toString('utf8');
  return sym ? { code, symbology: sym } : { code };
}

/** Build a scanned-data report (tests and simulators). */
export function encodeScannedDataReport(code: string, symbology = '', size = 64): Buffer {
  const data = Buffer.from(code, 'utf8');
  if (data.length > Math.min(255, size - 5))
    throw new RangeError(`code of ${data.length} bytes does not fit one report`);
  const r = Buffer.alloc(size);
  r[0] = SCANNED_DATA_REPORT_ID;
  r[1] = data.length;
  r.write(symbology.slice(0, 3), 2, 'latin1');
  data.copy(r, 5);
  return r;
}

export class HidPosScanner {
  private generation = 0;
  scans = 0;
  refused = 0;

  constructor(
    private readonly bus: KioskBus,
    private readonly log: HwLogger,
  ) {}

  /** `line` hands over whole reports (hidTransport with framed = false). */
  attach(line: ByteTransport): void {
    const gen = ++this.generation;
    line.onData((report) => {
      if (gen !== this.generation) return;
      const scanned = decodeScannedDataReport(report);
      if (!scanned) {
        this.refused++;
        this.log.warn({ reportId: report[0], bytes: report.length }, 'HID scanner report refused');
        return;
      }
      this.scans++;
      this.bus.emit('scan', { source: 'hid', ...scanned, at: Date.now() });
    });
  }

  detach(): void {
    this.generation++;
  }
}
