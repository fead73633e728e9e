// HID POS barcode/QR scanners (usage page 0x8C, usage 0x02 scanner, 0x12 scanned-data report)
// through node-hid. 64-byte input reports, as Honeywell-style scanners send them in HID POS
// mode (and as the firmware-sim FakeHidScanner does):
//
//   byte 0      report id 0x02
//   byte 1      number of data bytes in this report (1..56)
//   bytes 2–57  decoded data (UTF-8), zero padded
//   bytes 58–60 AIM symbology identifier, e.g. "]Q1" (QR), "]C0" (Code 128), "]E0" (EAN-13)
//   bytes 61–62 reserved
//   byte 63     bit 0 set: the code continues in the next report
//
// A short code is one report, hence one 'scan'; a long code is reassembled first. Reports with
// another id or an impossible length, and codes over MAX_CODE_LENGTH, are refused (counted,
// logged).
import type { KioskBus } from '../../events.ts';
import type { HwLogger } from '../log.ts';
import type { ByteTransport } from '../transport/byte-transport.ts';
import { MAX_CODE_LENGTH } from './serial-scanner.ts';

export const HID_POS_REPORT_ID = 0x02;
export const HID_POS_REPORT_BYTES = 64;
export const HID_POS_DATA_BYTES = 56;

export interface ScannedData {
  code: string;
  symbology?: string;
}

/** Build the reports of one code (tests). */
export function encodeHidPosReports(code: string, aim = ']Q1'): Buffer[] {
  const data = Buffer.from(code, 'utf8');
  const reports: Buffer[] = [];
  for (let at = 0; at < data.length; at += HID_POS_DATA_BYTES) {
    const part = data.subarray(at, at + HID_POS_DATA_BYTES);
    const r = Buffer.alloc(HID_POS_REPORT_BYTES);
    r[0] = HID_POS_REPORT_ID;
    r[1] = part.length;
    part.copy(r, 2);
    r.write(aim.slice(0, 3), 58, 'latin1');
    r[63] = at + HID_POS_DATA_BYTES < data.length ? 1 : 0;
    reports.push(r);
  }
  return reports;
}

/** Reassembles codes from reports. `push` returns a whole code, 'more', or a refusal reason. */
export class HidPosAssembler {
  private parts: Buffer[] = [];
  private size = 0;

  push(report: Buffer): ScannedData | 'more' | { refused: string } {
    if (report.length < HID_POS_REPORT_BYTES || report[0] !== HID_POS_REPORT_ID) {
      this.reset();
      return { refused: `not a scanned-data report (id ${report[0]}, ${report.length} bytes)` };
    }
    const n = report[1]!;
    if (n < 1 || n > HID_POS_DATA_BYTES) {
      this.reset();
      return { refused: `data length ${n} outside 1..${HID_POS_DATA_BYTES}` };
    }
    this.parts.push(Buffer.from(report.subarray(2, 2 + n)));
    this.size += n;
    if (this.size > MAX_CODE_LENGTH) {
      this.reset();
      return { refused: `code longer than ${MAX_CODE_LENGTH} bytes` };
    }
    if ((report[63]! & 1) === 1) return 'more';
    const code = Buffer.concat(this.parts).toString('utf8');
    this.reset();
    const aim = report.subarray(58, 61).toString('latin1').replace(/\0+$/, '');
    return aim ? { code, symbology: aim } : { code };
  }

  private reset(): void {
    this.parts = [];
    this.size = 0;
  }
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
    const assembler = new HidPosAssembler();
    line.onData((report) => {
      if (gen !== this.generation) return;
      const r = assembler.push(report);
      if (r === 'more') return;
      if ('refused' in r) {
        this.refused++;
        this.log.warn({ reason: r.refused }, 'HID scanner report refused');
        return;
      }
      this.scans++;
      this.bus.emit('scan', { source: 'hid', ...r, at: Date.now() });
    });
  }

  detach(): void {
    this.generation++;
  }
}
