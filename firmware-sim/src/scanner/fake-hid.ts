// A fake HID POS scanner behind the same small interface the kiosk uses for node-hid
// (HID devices cannot be created in this sandbox).
import { EventEmitter } from 'node:events';
import { HID_POS_USAGE_PAGE, type HidBackend, type HidDeviceInfo, type HidLike } from '@linli/shared';
import { SimError } from '../errors.ts';
import { encodeHidPosReports, type Symbology } from './hid-pos.ts';

export const FAKE_HID_SCANNER_INFO: HidDeviceInfo = Object.freeze({
  path: 'sim:hid-pos-scanner',
  vendorId: 0x0c2e, // Honeywell's vendor id, as a real HID POS scanner would report
  productId: 0x0b6a,
  usagePage: HID_POS_USAGE_PAGE,
  usage: 0x02,
  product: 'Linli simulated HID POS scanner',
});

/** One open handle on the fake scanner. */
export class FakeHidScanner extends EventEmitter implements HidLike {
  /** What the host wrote (output/feature reports, e.g. trigger or beep). */
  readonly written: Buffer[] = [];
  closed = false;

  constructor(readonly info: HidDeviceInfo = FAKE_HID_SCANNER_INFO) {
    super();
  }

  /** Send the input reports of one scanned code. */
  scan(code: string, symbology: Symbology = 'qr'): void {
    if (this.closed) throw new SimError('SIM_FAULT', 'the HID scanner is closed');
    for (const report of encodeHidPosReports(code, symbology)) this.emit('data', report);
  }

  /** Fault: the device is unplugged (node-hid reports an error and the handle is dead). */
  unplug(): void {
    this.closed = true;
    this.emit('error', new Error('could not read from HID device'));
  }

  write(data: number[] | Buffer): number {
    if (this.closed) throw new Error('Cannot write to HID device');
    const b = Buffer.from(data);
    this.written.push(b);
    return b.length;
  }

  close(): void {
    this.closed = true;
    this.removeAllListeners('data');
  }
}

/** A HidBackend listing one fake HID POS scanner; `scan()` reaches every open handle. */
export class FakeHidBackend implements HidBackend {
  readonly opened: FakeHidScanner[] = [];
  /** Set false to simulate the scanner being absent. */
  present = true;

  constructor(readonly info: HidDeviceInfo = FAKE_HID_SCANNER_INFO) {}

  async devices(): Promise<HidDeviceInfo[]> {
    return this.present ? [{ ...this.info }] : [];
  }

  async open(path: string): Promise<HidLike> {
    if (!this.present || path !== this.info.path) {
      throw new SimError('SIM_FAULT', `cannot open HID device ${path}`);
    }
    const dev = new FakeHidScanner(this.info);
    this.opened.push(dev);
    return dev;
  }

  scan(code: string, symbology: Symbology = 'qr'): number {
    let n = 0;
    for (const d of this.opened) {
      if (d.closed) continue;
      d.scan(code, symbology);
      n++;
    }
    return n;
  }

  /** Fault: unplug the scanner (open handles error, devices() lists nothing). */
  unplug(): void {
    this.present = false;
    for (const d of this.opened) if (!d.closed) d.unplug();
  }

  replug(): void {
    this.present = true;
  }
}
