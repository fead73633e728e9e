// The small interface the kiosk uses for HID devices (node-hid's HIDAsync fits it; the simulator's
// fake HID scanner/reader implements it). Kept here so drivers and simulators agree on it.
export interface HidDeviceInfo {
  path: string;
  vendorId: number;
  productId: number;
  usagePage?: number;
  usage?: number;
  product?: string;
}
export interface HidLike {
  on(event: 'data', listener: (report: Buffer) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  write(data: number[] | Buffer): Promise<number> | number;
  close(): Promise<void> | void;
}
export interface HidBackend {
  devices(): Promise<HidDeviceInfo[]>;
  open(path: string): Promise<HidLike>;
}
/** HID POS usage page and usages (scanner 0x02, scanned-data report 0x12). */
export const HID_POS_USAGE_PAGE = 0x8c;
